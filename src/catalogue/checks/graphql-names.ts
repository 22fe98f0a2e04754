// Checks of each resource's GraphQL names: its type (and the types generated from it) and its list and
// lookup fields must be free platform-wide.
import type { Resource } from '../../model/catalogue.ts';
import {
  connectedTypePrefix, departmentTypeName, generatedTypeNames, PROMISE_MEMBER, promiseMemberMessage, RESERVED_TYPE_NAMES, typeNameKey,
} from '../names.ts';
import type { CatalogueCheck, CheckContext, CheckFamily, ResourceCheck } from './context.ts';
import { problem } from './util.ts';

/** Who holds a name, as the name was written (a type name is found by its key, which ignores case). */
interface Owner {
  name: string;
  owner: string;
}

/**
 * Who owns each name, found once per catalogue (a map per name, not a scan per resource, so that checking
 * n resources stays linear): names the platform holds, the first resource of this catalogue that takes
 * each name (with its index), and the other catalogues' resources. Maps are keyed by `key(name)`.
 */
interface Owners {
  key: (name: string) => string;
  fixed: Map<string, Owner>;
  own: Map<string, Owner & { index: number }>;
  others: Map<string, Owner>;
}

function owners(ctx: CheckContext, names: (r: Resource) => [string, string][], fixed: Map<string, Owner>, key: (name: string) => string): Owners {
  const own = new Map<string, Owner & { index: number }>();
  ctx.catalogue.resources.forEach((r, j) => {
    for (const [name, what] of names(r)) if (!own.has(key(name))) own.set(key(name), { name, index: j, owner: `${what} (resources[${j}])` });
  });
  const others = new Map<string, Owner>();
  for (const c of ctx.others) {
    for (const r of c.resources) for (const [name, what] of names(r)) if (!others.has(key(name))) others.set(key(name), { name, owner: `${what} (catalogue "${c.id}")` });
  }
  return { key, fixed, own, others };
}

/** The owner of `name` as seen by resource `before`: the platform, an earlier resource, another catalogue. */
function ownerOf(o: Owners, name: string, before: number): Owner | undefined {
  const k = o.key(name);
  const own = o.own.get(k);
  return o.fixed.get(k) ?? (own && own.index < before ? own : undefined) ?? o.others.get(k);
}

/** What `name` clashes with: the same name, or (type names) one that differs from it only in case. */
function clash(name: string, holder: Owner): string {
  return holder.name === name ? `is already ${holder.owner}` : `differs only in case from ${holder.name}, ${holder.owner} (typed clients' PascalCase type names would merge them)`;
}

const typeNames = (r: Resource): [string, string][] => [
  [r.graphql.type, `the type of resource ${r.code}`],
  ...generatedTypeNames(r).map((g): [string, string] => [g, `generated for resource ${r.code}`]),
];
const fieldNames = (r: Resource): [string, string][] => [
  [r.graphql.list, `the list field of resource ${r.code}`],
  [r.graphql.byKey, `the lookup field of resource ${r.code}`],
];

const typeCache = new WeakMap<CheckContext, Owners>();
function typeOwners(ctx: CheckContext): Owners {
  let o = typeCache.get(ctx);
  if (!o) {
    const fixed = new Map<string, Owner>();
    const hold = (name: string, owner: string) => {
      if (!fixed.has(typeNameKey(name))) fixed.set(typeNameKey(name), { name, owner });
    };
    for (const name of RESERVED_TYPE_NAMES) hold(name, 'a type the platform defines');
    for (const d of ctx.platform.departments) hold(departmentTypeName(d.graphqlName), `the type holding the resources of department ${d.code}`);
    o = owners(ctx, typeNames, fixed, typeNameKey);
    typeCache.set(ctx, o);
  }
  return o;
}

const fieldCache = new WeakMap<CheckContext, Owners>();
function fieldOwners(ctx: CheckContext): Owners {
  let o = fieldCache.get(ctx);
  if (!o) {
    o = owners(ctx, fieldNames, new Map(), (name) => name);
    fieldCache.set(ctx, o);
  }
  return o;
}

/**
 * The connected platform whose type prefix `name` starts with (`City_Permit`, with a connected `city`):
 * its types are stitched into the schema under that prefix, and a type of ours with such a name would
 * clash with one of them and leave every namespace out of the schema.
 */
function connectedPrefixOf(ctx: CheckContext, name: string) {
  const k = typeNameKey(name);
  return ctx.platform.connected.find((c) => k.startsWith(typeNameKey(connectedTypePrefix(c.namespace))));
}

const typeNameFree: ResourceCheck = function* (r, at, i, ctx) {
  const type = r.graphql.type;
  const o = typeOwners(ctx);
  const owner = ownerOf(o, type, i);
  if (owner) {
    yield problem(`${at}.graphql.type`, `"${type}" ${clash(type, owner)}; choose another type name`);
    return;
  }
  const connected = connectedPrefixOf(ctx, type);
  if (connected) {
    yield problem(`${at}.graphql.type`, `"${type}" starts with ${connectedTypePrefix(connected.namespace)}${type.startsWith(connectedTypePrefix(connected.namespace)) ? '' : ' (ignoring case)'}, the prefix of the types of connected platform ${connected.namespace} (${connected.region}); choose another type name`);
    return;
  }
  const own = new Set<string>([typeNameKey(type)]);
  for (const g of generatedTypeNames(r)) {
    const gOwner = ownerOf(o, g, i);
    // An enum item named `_x` under the type City gives City_x: a connected platform's prefix too.
    const gConnected = gOwner ? undefined : connectedPrefixOf(ctx, g);
    if (gOwner) yield problem(`${at}.graphql.type`, `"${type}" would generate the type ${g}, which ${clash(g, gOwner)}; choose another type name`);
    else if (gConnected) yield problem(`${at}.graphql.type`, `"${type}" would generate the type ${g}, which starts with ${connectedTypePrefix(gConnected.namespace)}${g.startsWith(connectedTypePrefix(gConnected.namespace)) ? '' : ' (ignoring case)'}, the prefix of the types of connected platform ${gConnected.namespace} (${gConnected.region}); rename the enum item or the type`);
    else if (own.has(typeNameKey(g))) yield problem(`${at}.graphql.type`, `"${type}" would generate the type ${g} twice (an enum item's name makes it collide with another generated type); rename the item or the type`);
    own.add(typeNameKey(g));
  }
};

const fieldNamesFree: ResourceCheck = function* (r, at, i, ctx) {
  const o = fieldOwners(ctx);
  for (const part of ['list', 'byKey'] as const) {
    const name = r.graphql[part];
    const owner = ownerOf(o, name, i);
    if (name === PROMISE_MEMBER) yield problem(`${at}.graphql.${part}`, promiseMemberMessage(part === 'list' ? 'list name' : 'lookup name'));
    else if (owner) yield problem(`${at}.graphql.${part}`, `"${name}" is already ${owner.owner}; list and lookup names are unique on the platform`);
  }
  if (r.graphql.list === r.graphql.byKey) {
    yield problem(`${at}.graphql.byKey`, `"${r.graphql.byKey}" is also the list field's name; the lookup needs a name of its own`);
  }
};

/**
 * The type a providing department gets in the schema (`tax` → TaxResources) must be free of the types
 * of the catalogues in effect: one published before the department was added to the platform file was
 * checked against the departments of its day, and the schema would not build once this catalogue made
 * the department a provider.
 */
const providerTypesFree: CatalogueCheck = function* (ctx) {
  const first = new Map<string, number>();
  ctx.catalogue.resources.forEach((r, i) => first.has(r.provider) || first.set(r.provider, i));
  for (const [code, i] of first) {
    const department = ctx.department(code);
    if (!department) continue;
    const type = departmentTypeName(department.graphqlName);
    const holder = typeOwners(ctx).others.get(typeNameKey(type));
    if (holder) {
      yield problem(`resources[${i}].provider`, `department ${code} would get the type ${type} in the schema, which ${clash(type, holder)}; choose another graphqlName for the department in the platform file`);
    }
  }
};

export const graphqlNameChecks: CheckFamily = {
  catalogue: [providerTypesFree],
  resource: [typeNameFree, fieldNamesFree],
};
