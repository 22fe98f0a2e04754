// Grants in the store (collection `_grants`, SPEC §9, §11): added by the operator (`govgraph grant`) or
// by the sharing workflow, listed, revoked. A revoked or expired grant stops working on the next
// request: the gateway reads a department's grants again after every change (src/access/grant-cache.ts).
//
// Rows are flat scalars: `items`, `purposes` and `unmasked` are kept as JSON arrays in strings; only
// this file knows it.
import { randomUUID } from 'node:crypto';
import { platformDate } from '../calendar/working-days.ts';
import { isRealDate } from '../formats/calendar.ts';
import { codeKey } from '../catalogue/codes.ts';
import type { Problem } from '../catalogue/problems.ts';
import { boundProblems } from '../model/input-bounds.ts';
import type { Catalogue, Resource } from '../model/catalogue.ts';
import { catalogueVersions, versionOf } from '../catalogue/repository.ts';
import { departmentByCode, listedDepartmentCode, type Department, type Platform } from '../model/platform.ts';
import { and, eq, or, type Filter, type Row, type Store } from '../store/port.ts';
import { decide, HARD_NO } from './decide.ts';
import { effectiveItems, needsGrants, resourceShare } from './effective-share.ts';
import { isGrantActive, type Grant } from './grant-model.ts';
import { withinRegion } from './row-scope.ts';
import { text, strings } from '../store/row-values.ts';

export { isGrantActive, grantCovers, type Grant } from './grant-model.ts';

export const GRANTS = '_grants';

export interface GrantInput {
  requester: string;
  resource: string;
  items: string[];
  purposes: string[];
  unmasked?: string[];
  /** Division codes narrowing the resource's row scope (SPEC §6); absent or null = the whole region. */
  rows?: string[] | null;
  /** ISO date (inclusive), or null for no end. */
  until?: string | null;
  createdBy: string;
  requestId?: string | null;
}

/** A grant refused whole; `problems` lists every reason (path = the input field). Nothing was written. */
export class GrantInputError extends Error {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly userFacing = true;
  constructor(readonly problems: Problem[]) {
    super(['The grant is refused:', ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n'));
    this.name = 'GrantInputError';
  }
}

export class GrantNotFoundError extends Error {
  readonly code = 'NOT_FOUND' as const;
  readonly userFacing = true;
  constructor(readonly id: string) {
    super(`No grant ${JSON.stringify(id)}; \`govgraph grant list\` shows the grants.`);
    this.name = 'GrantNotFoundError';
  }
}

// ---- rows ----------------------------------------------------------------------------------------

function toRow(g: Grant): Row {
  return {
    ...g,
    items: JSON.stringify(g.items),
    purposes: JSON.stringify(g.purposes),
    unmasked: JSON.stringify(g.unmasked),
    rows: g.rows == null ? null : JSON.stringify(g.rows),
  };
}


function fromRow(r: Row): Grant {
  return {
    id: String(r.id),
    requester: String(r.requester),
    resource: String(r.resource),
    items: strings(r.items),
    purposes: strings(r.purposes),
    unmasked: strings(r.unmasked),
    rows: r.rows == null ? null : strings(r.rows),
    from: String(r.from),
    until: text(r.until),
    revokedAt: text(r.revokedAt),
    revokedBy: text(r.revokedBy),
    createdAt: String(r.createdAt),
    createdBy: String(r.createdBy),
    requestId: text(r.requestId),
    // Absent from a row stored before grants recorded their decision (item-since.ts reads its time instead).
    decidedOnCatalogue: text(r.decidedOnCatalogue),
    decidedOnVersion: r.decidedOnVersion == null ? null : Number(r.decidedOnVersion),
    provider: text(r.provider),
  };
}

const indexed = new WeakSet<Store>();

export async function ensureGrantIndexes(store: Store): Promise<void> {
  if (indexed.has(store)) return;
  await store.ensureIndex(GRANTS, { fields: ['id'], unique: true });
  await store.ensureIndex(GRANTS, { fields: ['requester', 'revokedAt'] });
  await store.ensureIndex(GRANTS, { fields: ['resource'] });
  await store.ensureIndex(GRANTS, { fields: ['provider'] });
  // Grants stored before grants kept their provider get it, so that a provider's list reads its own by the
  // index. A store that cannot be written now (another process's long import) is tried again on the next
  // call: the lists read the grants without a provider too (listGrants), so nothing is missed meanwhile.
  try {
    await fillProviders(store);
  } catch {
    return;
  }
  indexed.add(store);
}

/** Gives each grant stored without a provider its resource's provider: one update a resource. */
async function fillProviders(store: Store): Promise<void> {
  const rows = await store.find(GRANTS, { filter: eq('provider', null), projection: ['resource'] });
  if (!rows.length) return;
  const providers = await providersOf(store, new Set(rows.map((r) => String(r.resource))));
  for (const [code, provider] of providers) await store.update(GRANTS, and(eq('resource', code), eq('provider', null)), { provider });
}

/**
 * The providers of these resource codes (as grants keep them: as published), by code: from the catalogues
 * in effect, else from the versions ever published (a grant outlives its resource). A code's provider is
 * its first publication's for good (codes.ts), so either tells it. Codes no version publishes are left out.
 */
async function providersOf(store: Store, codes: ReadonlySet<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // Every spelling asked for: grants stored before `grant add` kept a code as published (9078f57) hold it
  // as typed, so one resource's grants may spell it two ways; keeping one spelling a key hid the other's
  // grants from their provider.
  const wanted = new Map<string, string[]>();
  for (const c of codes) wanted.set(codeKey(c), [...(wanted.get(codeKey(c)) ?? []), c]);
  const take = (catalogues: readonly Catalogue[]) => {
    for (const c of catalogues) for (const r of c.resources) {
      for (const code of wanted.get(codeKey(r.code)) ?? []) if (!out.has(code)) out.set(code, r.provider);
    }
  };
  const versions = catalogueVersions(store);
  take((await versions.published()).map((v) => v.catalogue));
  if (out.size < codes.size) take((await versions.everPublished()).map((v) => v.catalogue));
  return out;
}

// ---- validation ----------------------------------------------------------------------------------

/** The published resource a code names; codes ignore case (codes.ts), as requestSharing and data import read them. */
function findResource(catalogues: readonly Catalogue[], code: string): Resource | undefined {
  const key = codeKey(code.trim());
  for (const c of catalogues) for (const r of c.resources) if (codeKey(r.code) === key) return r;
  return undefined;
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];

/**
 * What a grant input may hold (src/model/input-bounds.ts): the operator's `grant add` and an approval
 * both make grants, and an approval's lists are the approver's to type.
 */
const GRANT_BOUNDS = {
  requester: 'name', resource: 'name', items: 'names', purposes: 'names', unmasked: 'names', rows: 'names', until: 'name', createdBy: 'user',
} as const;

/**
 * Every problem of the input, for the platform and the published catalogues; an input over its bounds
 * gets those problems only (the others would repeat what was typed).
 */
export function grantProblems(
  ctx: { platform: Platform; catalogues: readonly Catalogue[] },
  input: GrantInput,
  now: Date,
): Problem[] {
  const over = boundProblems(input, GRANT_BOUNDS);
  if (over.length) return over;
  const problems: Problem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  const items = unique(input.items);
  const purposes = unique(input.purposes);
  const unmasked = unique(input.unmasked ?? []);

  // A listed department's code in another case (or with blanks around it) is that department's, as the
  // resource's code is read in any case and `grant list --requester` finds it: `grant add --requester
  // 510104-mzj` was refused as no department while `--resource 510000-wjw-00001` was taken.
  const requester = departmentByCode(ctx.platform, listedDepartmentCode(ctx.platform, input.requester));
  if (!requester) problem('requester', `No department ${JSON.stringify(input.requester)} on the platform.`);

  const resource = findResource(ctx.catalogues, input.resource);
  const share = resource ? resourceShare(resource) : null;
  if (!resource) {
    problem('resource', `No published resource ${JSON.stringify(input.resource)}.`);
  } else if (!needsGrants(resource)) {
    problem('resource', `${resource.code} (${resource.name}) is shared ${resource.share.type === 'none' ? 'with no one' : 'unconditionally'}; grants are only for conditional resources.`);
  } else if (requester && requester.code === resource.provider) {
    problem('requester', `${requester.code} provides ${resource.code}; its provider needs no grant.`);
  }

  const vocabulary = new Set(ctx.platform.purposes.map((p) => p.code));
  if (purposes.length === 0) problem('purposes', 'List at least one purpose.');
  purposes.forEach((p, i) => {
    if (!vocabulary.has(p)) {
      problem(`purposes[${i}]`, `Unknown purpose ${JSON.stringify(p)}; valid codes: ${[...vocabulary].join(', ')}.`);
    } else if (resource && share?.purposes && !share.purposes.includes(p)) {
      problem(`purposes[${i}]`, `${p} is outside the scope of use of ${resource.code} (${share.purposes.join(', ') || 'no purpose'}).`);
    }
  });

  // The resource's own rows 1–3 (not shared, not through the API, outside the scope): a grant cannot
  // lift them, so a grant they would deny is refused rather than stored to no effect.
  let closedWhole = false;
  if (resource && requester && needsGrants(resource) && requester.code !== resource.provider) {
    const d = decide({ requester, purpose: purposes[0] ?? null, resource, item: null, grants: [], now });
    closedWhole = !d.allowed && HARD_NO.has(d.code);
    if (closedWhole) problem('requester', (d as { message: string }).message);
  }

  if (items.length === 0) problem('items', 'List at least one item.');
  const effective = resource ? effectiveItems(resource) : null;
  if (resource && effective) {
    items.forEach((name, i) => {
      const item = effective.get(name);
      if (!item) {
        problem(`items[${i}]`, `${resource.code} has no item ${JSON.stringify(name)}; its items are: ${[...effective.keys()].join(', ')}.`);
        return;
      }
      // The item's own rows 1–3 (tightened to none, methods without api, a narrower scope) as well, first:
      // an unconditional item outside the requester's own scope is not "read without a grant" by it.
      if (requester && requester.code !== resource.provider && !closedWhole) {
        const d = decide({ requester, purpose: purposes[0] ?? null, resource, item, grants: [], now });
        if (!d.allowed && HARD_NO.has(d.code)) {
          problem(`items[${i}]`, `${d.message} A grant cannot open it.`);
          return;
        }
      }
      if (item.share.type === 'unconditional' && needsGrants(resource)) {
        // A conditional item of an unconditional resource is granted; the others are read without one.
        problem(`items[${i}]`, `Item \`${name}\` of ${resource.code} (${resource.name}) is shared unconditionally: no grant is needed, read it within its scope of use.`);
      }
    });
  }
  unmasked.forEach((name, i) => {
    const item = effective?.get(name);
    if (!items.includes(name)) problem(`unmasked[${i}]`, `${JSON.stringify(name)} is not among the granted items; only a granted item can be unmasked.`);
    // Stored, it would say the department reads in clear by this grant what it reads in clear anyway.
    else if (item && !item.mask) problem(`unmasked[${i}]`, `Item \`${name}\` of ${resource!.code} has no mask: it is read in clear once granted; leave it out of unmasked.`);
  });

  if (input.rows != null) rowProblems(resource, requester, unique(input.rows)).forEach((p) => problems.push(p));

  if (input.until != null) {
    const today = platformDate(now);
    if (!isRealDate(input.until)) problem('until', `${JSON.stringify(input.until)} is not a date; write YYYY-MM-DD.`);
    else if (input.until < today) problem('until', `${input.until} has passed; give a date from today (${today}) on.`);
  }
  if (!input.createdBy.trim()) problem('createdBy', 'Say who makes the grant.');
  return problems;
}

/** A grant's rows narrow the resource's row scope: the resource must have one, and each code be a
 * division code within the requester's region (a code outside it would show nothing, never more). */
function rowProblems(resource: Resource | undefined, requester: Department | undefined, rows: string[]): Problem[] {
  const out: Problem[] = [];
  if (rows.length === 0) out.push({ path: 'rows', message: 'List at least one division code, or leave rows out for the whole region.' });
  if (resource && !resource.share.scope?.rows) {
    out.push({ path: 'rows', message: `${resource.code} (${resource.name}) has no row scope; rows can only narrow a resource whose scope has rows.` });
  } else if (resource?.share.type === 'unconditional') {
    // Its records are the region's for everyone: an item granted on fewer would never be read (row-scope.ts).
    out.push({ path: 'rows', message: `${resource.code} (${resource.name}) is shared unconditionally: its records are those of the requester's whole region, so a grant for its conditional items cannot narrow them; leave rows out.` });
    return out;
  }
  rows.forEach((code, i) => {
    if (!/^[0-9]{6}$/.test(code)) {
      const example = requester ? `, like ${requester.region} (the region of ${requester.code})` : '';
      out.push({ path: `rows[${i}]`, message: `${JSON.stringify(code)} is not a division code; write the six digits of a division${example}.` });
    }
    else if (requester && !withinRegion(code, requester.region)) {
      out.push({ path: `rows[${i}]`, message: `${code} lies outside the region ${requester.region} of ${requester.code}; a grant may narrow the rows a department sees, never widen them.` });
    }
  });
  return out;
}

// ---- operations ----------------------------------------------------------------------------------

/**
 * What a grant is checked against: the platform and the catalogues in effect. Catalogues read from the
 * store (publishedCatalogues) know the version they are (versionOf): the grant records it as the version
 * it was decided on, and covers the items as that version publishes them (item-since.ts).
 */
export interface GrantContext {
  platform: Platform;
  catalogues: readonly Catalogue[];
}

/** Validates and stores a grant in force from `now`; GrantInputError (nothing written) when invalid. */
export async function addGrant(
  store: Store,
  ctx: GrantContext,
  input: GrantInput,
  now: Date = new Date(),
): Promise<Grant> {
  return storeGrant(store, newGrant(ctx, input, now));
}

/**
 * A grant in force from `now`, validated and not yet stored (GrantInputError when invalid): for a caller
 * that records the grant in the audit log before it stores it.
 */
export function newGrant(ctx: GrantContext, input: GrantInput, now: Date = new Date()): Grant {
  const problems = grantProblems(ctx, input, now);
  if (problems.length) throw new GrantInputError(problems);
  const at = now.toISOString();
  const resource = findResource(ctx.catalogues, input.resource)!;
  // The version the decision checked: a grant does not cover what a later version drops and brings back.
  const catalogue = ctx.catalogues.find((c) => c.resources.includes(resource));
  const decidedOn = catalogue && versionOf(catalogue);
  const grant: Grant = {
    id: randomUUID(),
    // The code as the platform lists it: tokens name a department exactly, and grants are matched by it.
    requester: listedDepartmentCode(ctx.platform, input.requester),
    // The code as published: the rules and the grant filters match grants by it.
    resource: resource.code,
    items: unique(input.items),
    purposes: unique(input.purposes),
    unmasked: unique(input.unmasked ?? []),
    rows: input.rows == null ? null : unique(input.rows),
    from: at,
    until: input.until ?? null,
    revokedAt: null,
    revokedBy: null,
    createdAt: at,
    createdBy: input.createdBy,
    requestId: input.requestId ?? null,
    decidedOnCatalogue: decidedOn?.id ?? null,
    decidedOnVersion: decidedOn?.version ?? null,
    provider: resource.provider,
  };
  return grant;
}

/**
 * Stores a grant made by newGrant. One made before grants kept their provider (an approval's grant kept
 * on its request, stored when the approval is finished) is given it.
 */
export async function storeGrant(store: Store, grant: Grant): Promise<Grant> {
  await ensureGrantIndexes(store);
  const stored = grant.provider == null ? { ...grant, provider: (await providersOf(store, new Set([grant.resource]))).get(grant.resource) ?? null } : grant;
  await store.insert(GRANTS, [toRow(stored)]);
  return stored;
}

export interface GrantFilter {
  requester?: string;
  resource?: string;
  /** Only grants active at `now` (default: the current time). */
  active?: boolean;
  now?: Date;
  /**
   * Only the grants this department sees: those it holds and those of the resources it provides. Read
   * by the requester and provider in the store (indexed), not the platform's filtered after: any
   * department's approvals add to the grants, kept for good once revoked or ended.
   */
  seenBy?: string;
  /** The first `limit` grants only (a list refused past a bound needs read no further); not with `seenBy` or `active`. */
  limit?: number;
}

/** Grants in the order they were made. */
export async function listGrants(store: Store, filter: GrantFilter = {}): Promise<Grant[]> {
  const parts: Filter[] = [];
  if (filter.requester !== undefined) parts.push(eq('requester', filter.requester));
  if (filter.resource !== undefined) parts.push(eq('resource', filter.resource));
  if (filter.active) parts.push(eq('revokedAt', null));
  if (filter.seenBy !== undefined) {
    // Made (and old grants given their provider) on the first list; a store that cannot be written now
    // (another process's long import holds SQLite's lock) is read as it is: the filter below finds the
    // same grants, without the index, and the next list tries again.
    await ensureGrantIndexes(store).catch(() => undefined);
    // With the grants not knowing their provider (stored meanwhile by an older writer, or of a resource
    // none of whose versions is left): few, and told apart below.
    parts.push(or(eq('requester', filter.seenBy), eq('provider', filter.seenBy), eq('provider', null)));
  }
  const rows = await store.find(GRANTS, {
    filter: and(...parts),
    sort: [{ field: 'createdAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `seenBy` and `active` are told once read.
    limit: filter.seenBy === undefined && !filter.active ? filter.limit : undefined,
  });
  let grants = rows.map(fromRow);
  if (filter.seenBy !== undefined) grants = await seenBy(store, filter.seenBy, grants);
  const now = filter.now ?? new Date();
  return filter.active ? grants.filter((g) => isGrantActive(g, now)) : grants;
}

/** Those of `grants` that `dept` holds or provides; a grant without its provider is given it, as read. */
async function seenBy(store: Store, dept: string, grants: Grant[]): Promise<Grant[]> {
  const unknown = new Set(grants.filter((g) => g.provider == null && g.requester !== dept).map((g) => g.resource));
  const providers = unknown.size ? await providersOf(store, unknown) : new Map<string, string>();
  return grants.filter((g) => g.requester === dept || (g.provider ?? providers.get(g.resource)) === dept);
}

export async function getGrant(store: Store, id: string): Promise<Grant | null> {
  const rows = await store.find(GRANTS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

/** Ends a grant at once. Revoking a revoked grant changes nothing and returns it as it is. */
export async function revokeGrant(store: Store, id: string, by: string, now: Date = new Date()): Promise<Grant> {
  return (await revokeGrantOnce(store, id, by, now)).grant;
}

/**
 * Ends a grant at once, saying whether this call did: `revoked` is false when it was revoked already, or
 * by another writer between the read and the conditional write (two approvers at once: one revokes).
 */
export async function revokeGrantOnce(store: Store, id: string, by: string, now: Date = new Date()): Promise<{ grant: Grant; revoked: boolean }> {
  const existing = await getGrant(store, id);
  if (!existing) throw new GrantNotFoundError(id);
  if (existing.revokedAt !== null) return { grant: existing, revoked: false };
  const n = await store.update(GRANTS, and(eq('id', id), eq('revokedAt', null)), { revokedAt: now.toISOString(), revokedBy: by });
  return { grant: (await getGrant(store, id))!, revoked: n > 0 };
}

/**
 * A grant already stored that gives what `g` would give: the same requester and resource, the same items,
 * purposes, unmasked items and rows (as sets) and the same end date, neither revoked nor ended at `now`
 * (one not yet in force counts: it will give the same), and `whole` by the caller's reckoning: in force
 * for every item it names (item-since.ts: one decided before an item it names was dropped and brought
 * back covers it no more, and the same grant made now gives more). `grant add` run twice with the same
 * arguments stored two identical grants, which a supervisor reads as two decisions and must revoke
 * twice; a grant differing in any of these (rows, purposes, end date, ...) is another grant.
 */
export async function sameGrantStored(store: Store, g: Grant, whole: (x: Grant) => boolean, now: Date = new Date()): Promise<Grant | null> {
  const same = (a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean => {
    if (a == null || b == null) return a == null && b == null;
    const x = new Set(a);
    const y = new Set(b);
    return x.size === y.size && [...x].every((v) => y.has(v));
  };
  const ended = (x: Grant) => !isGrantActive(x, now) && Date.parse(x.from) <= now.getTime();
  for (const x of await unrevokedGrantsFor(store, g.requester)) {
    if (x.resource === g.resource && !ended(x) && x.until === g.until && same(x.items, g.items) && same(x.purposes, g.purposes) &&
      same(x.unmasked, g.unmasked) && same(x.rows, g.rows) && whole(x)) return x;
  }
  return null;
}

/** The department's grants that are not revoked, whatever their dates: one store read. */
export async function unrevokedGrantsFor(store: Store, deptCode: string): Promise<Grant[]> {
  const rows = await store.find(GRANTS, { filter: and(eq('requester', deptCode), eq('revokedAt', null)) });
  return rows.map(fromRow);
}

/** The department's grants active at `now`: one store read (the gateway keeps them, src/access/grant-cache.ts). */
export async function activeGrantsFor(store: Store, deptCode: string, now: Date): Promise<Grant[]> {
  return (await unrevokedGrantsFor(store, deptCode)).filter((g) => isGrantActive(g, now));
}
