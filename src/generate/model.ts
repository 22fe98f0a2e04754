// The schema model: the published catalogues arranged the way the generated schema is, computed once per
// schema. The SDL, the resolvers and the access rules are all derived from it.
import type { Catalogue, Item, Resource } from '../model/catalogue.ts';
import { collectionOf } from '../model/catalogue.ts';
import type { Department, Platform } from '../model/platform.ts';
import { departmentTypeName } from '../model/names.ts';
import { generatedTypeNames, typeNameKey } from '../catalogue/names.ts';
import { platformMisfits } from '../catalogue/validate.ts';

export interface LinkModel {
  item: Item; // the item of this resource holding the value
  field: string; // the object field the link adds
  target: ResourceModel;
  targetItem: Item;
}

export interface ResourceModel {
  resource: Resource;
  catalogue: Catalogue;
  provider: Department;
  collection: string;
  typeName: string;
  items: Map<string, Item>;
  links: LinkModel[];
}

export interface DepartmentModel {
  department: Department;
  typeName: string;
  resources: ResourceModel[];
}

export interface SchemaModel {
  platform: Platform;
  catalogues: Catalogue[];
  departments: DepartmentModel[]; // only departments that provide published resources, in platform order
  byCode: Map<string, ResourceModel>;
  byType: Map<string, ResourceModel>;
}

/** Item types whose GraphQL output type is String whatever their type: personal or secret data. */
export const isSensitive = (item: Item): boolean => item.sensitivity !== undefined;

/**
 * The published catalogues name providers the platform file lacks: the store was published with another
 * platform file (the demo's, when --platform was left out), or a department was removed from it. The
 * operator's to fix, so a message without a stack (SPEC §8), every resource concerned as `path: message`.
 */
export class PlatformMismatchError extends Error {
  readonly userFacing = true;
  constructor(
    readonly problems: { path: string; message: string }[],
    lead = 'the catalogues published in this store were published with departments this platform file does not have; use the platform ' +
      'file they were published with (--platform FILE, env GOVGRAPH_PLATFORM), or add the departments to it:',
  ) {
    super(`${lead}\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'PlatformMismatchError';
  }
}

/**
 * A department added to the platform file (or renamed in it) after catalogues were published can give
 * its type (`tax` → TaxResources) a name a published resource already has, or generates: validation
 * refused that name when the catalogue was published, against the departments of that day. The schema
 * then failed to build with "There can be only one type named" and a stack, in `serve`, `schema print`
 * and every publication; it is the operator's to fix, in one message.
 */
function departmentTypeClashes(platform: Platform, departments: readonly DepartmentModel[], byCode: ReadonlyMap<string, ResourceModel>) {
  // By typeNameKey, as validation compares them: `Taxresources` beside a department's `TaxResources` builds
  // (GraphQL tells them apart) but a typed client's PascalCase names merge them, and publication refuses it.
  const owners = new Map<string, { name: string; owner: string }>();
  for (const m of byCode.values()) {
    for (const name of [m.typeName, ...generatedTypeNames(m.resource)]) {
      const owner = `${name === m.typeName ? 'the type of' : 'a type generated for'} resource ${m.resource.code} (catalogue "${m.catalogue.id}")`;
      if (!owners.has(typeNameKey(name))) owners.set(typeNameKey(name), { name, owner });
    }
  }
  return departments.flatMap((d) => {
    const holder = owners.get(typeNameKey(d.typeName));
    const i = platform.departments.indexOf(d.department);
    if (!holder) return [];
    const clash = holder.name === d.typeName
      ? `which is already ${holder.owner}`
      : `which differs only in case from ${holder.name}, ${holder.owner} (typed clients' PascalCase type names would merge them)`;
    return [{ path: `departments[${i}].graphqlName`, message: `"${d.department.graphqlName}" gives the type ${d.typeName}, ${clash}` }];
  });
}

/**
 * PlatformMismatchError when the published catalogues name providers the platform file lacks. Also asked
 * by `govgraph token`, which would otherwise sign, over such a store, a token for a department of the
 * wrong platform file (the demo's, --platform left out) that the gateway then refuses.
 */
export function assertPlatformHasProviders(platform: Platform, catalogues: readonly Catalogue[]): void {
  const codes = new Set(platform.departments.map((d) => d.code));
  const missing = catalogues.flatMap((c) =>
    c.resources.flatMap((r, i) => (codes.has(r.provider) ? [] : [{ path: `catalogue "${c.id}" resources[${i}].provider`, message: `${r.provider} is not a department of the platform` }])),
  );
  if (missing.length) throw new PlatformMismatchError(missing);
}

/**
 * PlatformMismatchError when the share scopes of the published catalogues fail, against this platform file,
 * the checks that depend on it (platformMisfits: a scope's purposes and department patterns exist; a
 * pattern naming a division matches no department of a wider region under row scope; an item's pattern
 * stays within its resource's). Each catalogue passed them against the platform file of its publication;
 * one edited since (a provincial department coded 130100-... added under a scope `1301*` with row scope)
 * was served unchecked, and that department read every record of the province. Asked wherever the schema
 * is built (`serve` at start and at each publication, `schema print`, `platform status`) and by
 * `platform adopt`: nothing is served under a platform file the catalogues in effect do not fit.
 */
export function assertScopesFitPlatform(platform: Platform, catalogues: readonly Catalogue[]): void {
  const misfits = platformMisfits(platform, catalogues);
  if (!misfits.length) return;
  throw new PlatformMismatchError(
    misfits,
    'the share scopes of catalogues published in this store do not fit this platform file (each was checked against the departments, regions and purposes ' +
      'of the platform file it was published with); change the platform file back for the departments and purposes named below, or publish a new version ' +
      'of each catalogue named that fits this file (govgraph catalogue submit, review and publish, or catalogue import --publish); nothing is served until every one fits:',
  );
}

/**
 * Names two published resources both take, which the schema cannot hold: a type (or one generated for
 * it), or a list or lookup field of one department. Validation refuses them at publication; a store where
 * two publications raced before publications took turns (src/catalogue/publication-lock.ts) holds them,
 * and every gateway then failed to start with "There can be only one type named" and a stack.
 */
function publishedNameClashes(catalogues: readonly Catalogue[]): { path: string; message: string }[] {
  const types = new Map<string, string>();
  const fields = new Map<string, string>();
  const out: { path: string; message: string }[] = [];
  for (const c of catalogues) {
    c.resources.forEach((r, i) => {
      const at = `catalogue "${c.id}" resources[${i}]`;
      const mine = `resource ${r.code} (catalogue "${c.id}")`;
      for (const name of new Set([r.graphql.type, ...generatedTypeNames(r)])) {
        const holder = types.get(name);
        if (holder) out.push({ path: `${at}.graphql.type`, message: `gives the type ${name}, which ${holder} gives too` });
        else types.set(name, mine);
      }
      for (const part of ['list', 'byKey'] as const) {
        const key = `${r.provider}\u0000${r.graphql[part]}`;
        const holder = fields.get(key);
        if (holder) out.push({ path: `${at}.graphql.${part}`, message: `"${r.graphql[part]}" is a field of ${r.provider}'s resources that ${holder} has too` });
        else fields.set(key, mine);
      }
    });
  }
  return out;
}

export function buildSchemaModel(platform: Platform, catalogues: Catalogue[]): SchemaModel {
  const byCode = new Map<string, ResourceModel>();
  const byType = new Map<string, ResourceModel>();
  const deptByCode = new Map(platform.departments.map((d) => [d.code, d]));
  assertPlatformHasProviders(platform, catalogues);
  assertScopesFitPlatform(platform, catalogues);
  const taken = publishedNameClashes(catalogues);
  if (taken.length) {
    throw new PlatformMismatchError(
      taken,
      'catalogues published in this store take the same GraphQL names, which one schema cannot hold; publish a new version of one of each two under other names (govgraph catalogue submit, review and publish, or catalogue import --publish):',
    );
  }
  for (const catalogue of catalogues) {
    for (const resource of catalogue.resources) {
      const provider = deptByCode.get(resource.provider)!;
      const model: ResourceModel = {
        resource,
        catalogue,
        provider,
        collection: collectionOf(resource),
        typeName: resource.graphql.type,
        items: new Map(resource.items.map((i) => [i.name, i])),
        links: [],
      };
      byCode.set(resource.code, model);
      byType.set(model.typeName, model);
    }
  }
  for (const model of byCode.values()) {
    for (const item of model.resource.items) {
      if (!item.link) continue;
      const target = byCode.get(item.link.resource);
      const targetItem = target?.items.get(item.link.item);
      // Validation guarantees links resolve among published catalogues; a link to a withdrawn one is dropped.
      if (!target || !targetItem) continue;
      model.links.push({ item, field: item.link.field, target, targetItem });
    }
  }
  const departments: DepartmentModel[] = [];
  for (const department of platform.departments) {
    const resources = [...byCode.values()]
      .filter((m) => m.provider.code === department.code)
      .sort((a, b) => a.resource.code.localeCompare(b.resource.code));
    if (resources.length) departments.push({ department, typeName: departmentTypeName(department.graphqlName), resources });
  }
  const clashes = departmentTypeClashes(platform, departments, byCode);
  if (clashes.length) {
    throw new PlatformMismatchError(
      clashes,
      "the platform file gives departments type names that the catalogues published in this store already use; choose another graphqlName for each (or publish the resource under another graphql type):",
    );
  }
  return { platform, catalogues, departments, byCode, byType };
}
