// Checks of each resource's GraphQL names: its type (and the types generated from it) and its list and
// lookup fields must be free platform-wide.
import type { Resource } from '../../model/catalogue.ts';
import { connectedTypePrefix, departmentTypeName, generatedTypeNames, PROMISE_MEMBER, promiseMemberMessage, RESERVED_TYPE_NAMES } from '../names.ts';
import type { CheckContext, CheckFamily, ResourceCheck } from './context.ts';
import { problem } from './util.ts';

/**
 * Who owns each name, found once per catalogue (a map per name, not a scan per resource, so that checking
 * n resources stays linear): names the platform holds, the first resource of this catalogue that takes
 * each name (with its index), and the other catalogues' resources.
 */
interface Owners {
  fixed: Map<string, string>;
  own: Map<string, { index: number; owner: string }>;
  others: Map<string, string>;
}

function owners(ctx: CheckContext, names: (r: Resource) => [string, string][], fixed: Map<string, string>): Owners {
  const own = new Map<string, { index: number; owner: string }>();
  ctx.catalogue.resources.forEach((r, j) => {
    for (const [name, what] of names(r)) if (!own.has(name)) own.set(name, { index: j, owner: `${what} (resources[${j}])` });
  });
  const others = new Map<string, string>();
  for (const c of ctx.others) {
    for (const r of c.resources) for (const [name, what] of names(r)) if (!others.has(name)) others.set(name, `${what} (catalogue "${c.id}")`);
  }
  return { fixed, own, others };
}

/** The owner of `name` as seen by resource `before`: the platform, an earlier resource, another catalogue. */
function ownerOf(o: Owners, name: string, before: number): string | undefined {
  const own = o.own.get(name);
  return o.fixed.get(name) ?? (own && own.index < before ? own.owner : undefined) ?? o.others.get(name);
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
    const fixed = new Map<string, string>();
    for (const name of RESERVED_TYPE_NAMES) fixed.set(name, 'a type the platform defines');
    for (const d of ctx.platform.departments) {
      if (!fixed.has(departmentTypeName(d.graphqlName))) fixed.set(departmentTypeName(d.graphqlName), `the type holding the resources of department ${d.code}`);
    }
    o = owners(ctx, typeNames, fixed);
    typeCache.set(ctx, o);
  }
  return o;
}

const fieldCache = new WeakMap<CheckContext, Owners>();
function fieldOwners(ctx: CheckContext): Owners {
  let o = fieldCache.get(ctx);
  if (!o) {
    o = owners(ctx, fieldNames, new Map());
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
  return ctx.platform.connected.find((c) => name.startsWith(connectedTypePrefix(c.namespace)));
}

const typeNameFree: ResourceCheck = function* (r, at, i, ctx) {
  const type = r.graphql.type;
  const o = typeOwners(ctx);
  const owner = ownerOf(o, type, i);
  if (owner) {
    yield problem(`${at}.graphql.type`, `"${type}" is already ${owner}; choose another type name`);
    return;
  }
  const connected = connectedPrefixOf(ctx, type);
  if (connected) {
    yield problem(`${at}.graphql.type`, `"${type}" starts with ${connectedTypePrefix(connected.namespace)}, the prefix of the types of connected platform ${connected.namespace} (${connected.region}); choose another type name`);
    return;
  }
  const own = new Set<string>([type]);
  for (const g of generatedTypeNames(r)) {
    const gOwner = ownerOf(o, g, i);
    if (gOwner) yield problem(`${at}.graphql.type`, `"${type}" would generate the type ${g}, which is already ${gOwner}; choose another type name`);
    else if (own.has(g)) yield problem(`${at}.graphql.type`, `"${type}" would generate the type ${g} twice (an enum item's name makes it collide with another generated type); rename the item or the type`);
    own.add(g);
  }
};

const fieldNamesFree: ResourceCheck = function* (r, at, i, ctx) {
  const o = fieldOwners(ctx);
  for (const part of ['list', 'byKey'] as const) {
    const name = r.graphql[part];
    const owner = ownerOf(o, name, i);
    if (name === PROMISE_MEMBER) yield problem(`${at}.graphql.${part}`, promiseMemberMessage(part === 'list' ? 'list name' : 'lookup name'));
    else if (owner) yield problem(`${at}.graphql.${part}`, `"${name}" is already ${owner}; list and lookup names are unique on the platform`);
  }
  if (r.graphql.list === r.graphql.byKey) {
    yield problem(`${at}.graphql.byKey`, `"${r.graphql.byKey}" is also the list field's name; the lookup needs a name of its own`);
  }
};

export const graphqlNameChecks: CheckFamily = {
  resource: [typeNameFree, fieldNamesFree],
};
