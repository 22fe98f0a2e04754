// The schema as one department sees it (`govgraph schema print --dept CODE`): the published catalogues
// cut down to what that department may read at all, before the schema model is built from them. A pure
// function of the validated model; the SDL, and so the typed clients made from it, follow.
//
// "At all" means in the best case: the department states a purpose in scope and holds a grant covering
// every item for every purpose. What is left out is what no purpose or grant can open: the hard noes of
// rows 1-3 of the access table (NOT_SHARED, METHOD_NOT_API, OUT_OF_SCOPE). A resource stays when the
// access decision for it is not a hard no; within it, an item stays unless it is a hard no itself (the key
// item always stays: the lookup and the key order need it). Links to resources left out disappear with
// them (buildSchemaModel drops links whose target is not published). The platform's own fields are kept.
// A department of another platform (forwarded, SPEC §12) holds no grant here and can never get one
// (grantsHeld in src/access/grant-model.ts): its best case has no grant, so what is shared on conditions
// is left out of its view, as a connected platform's typed clients would otherwise compile reads that can
// only ever be refused (GRANT_REQUIRED).
import { decide, decideResource, HARD_NO, type AccessQuery } from '../access/decide.ts';
import { effectiveItems } from '../access/effective-share.ts';
import type { Grant } from '../access/grant-model.ts';
import type { Catalogue, Resource } from '../model/catalogue.ts';
import type { Department, Platform } from '../model/platform.ts';


const EPOCH = new Date(0);

/** A grant covering every item of the resource for every purpose of the platform, unmasking nothing. */
function fullGrant(platform: Platform, requester: Department, resource: Resource): Grant {
  return {
    id: 'department-view',
    requester: requester.code,
    resource: resource.code,
    items: resource.items.map((i) => i.name),
    purposes: platform.purposes.map((p) => p.code),
    unmasked: [],
    from: EPOCH.toISOString(),
    until: null,
    revokedAt: null,
    revokedBy: null,
    createdAt: EPOCH.toISOString(),
    createdBy: 'department-view',
    requestId: null,
  };
}

/** The access questions of the best case: one per purpose of the platform, each with the full grant. */
function bestCases(platform: Platform, requester: Department, resource: Resource): Omit<AccessQuery, 'item'>[] {
  const grants = [fullGrant(platform, requester, resource)];
  const purposes = platform.purposes.length ? platform.purposes.map((p) => p.code) : [null];
  return purposes.map((purpose) => ({ requester, purpose, resource, grants, now: EPOCH }));
}

/**
 * Whether no grant can open what `d` decided for `requester` in one best case (one purpose). For a
 * forwarded department every refusal but a missing purpose is one: the cases try each purpose, and the
 * grant they assume it can never hold.
 */
const hardNo = (d: ReturnType<typeof decide>, requester: Department): boolean =>
  !d.allowed && (HARD_NO.has(d.code) || (requester.via !== undefined && d.code !== 'PURPOSE_REQUIRED'));

/** The resource as `requester` may see it, or null when it may read none of it in any case. */
export function resourceForDepartment(platform: Platform, requester: Department, resource: Resource): Resource | null {
  const cases = bestCases(platform, requester, resource);
  if (cases.every((q) => hardNo(decideResource(q), requester))) return null;
  const shares = effectiveItems(resource);
  const items = resource.items.filter(
    (item) => item.name === resource.key || !cases.every((q) => hardNo(decide({ ...q, item: shares.get(item.name)! }), requester)),
  );
  return items.length === resource.items.length ? resource : { ...resource, items };
}

/**
 * The catalogues cut down to what a department may read at all: a code of this platform's departments, or
 * a department of another platform (forwarded, SPEC §12) by its level and region. Catalogues left with no
 * resource are dropped. Throws when the platform has no department of that code.
 */
export function departmentCatalogues(platform: Platform, catalogues: readonly Catalogue[], department: string | Department): Catalogue[] {
  // A Department object is a department of another platform (a forwarded one, SPEC §12): its level and region.
  const requester = typeof department === 'string' ? platform.departments.find((d) => d.code === department) : department;
  if (!requester) throw new Error(`Department ${department as string} is not a department of the platform; see its departments list.`);
  const out: Catalogue[] = [];
  for (const catalogue of catalogues) {
    const resources = catalogue.resources
      .map((r) => resourceForDepartment(platform, requester, r))
      .filter((r): r is Resource => r !== null);
    if (resources.length) out.push(resources.length === catalogue.resources.length && resources.every((r, i) => r === catalogue.resources[i]) ? catalogue : { ...catalogue, resources });
  }
  return out;
}
