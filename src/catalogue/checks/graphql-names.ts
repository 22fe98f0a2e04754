// Checks of each resource's GraphQL names: its type (and the types generated from it) and its list and
// lookup fields must be free platform-wide.
import type { Resource } from '../../model/catalogue.ts';
import { departmentTypeName, generatedTypeNames, RESERVED_TYPE_NAMES } from '../names.ts';
import type { CheckContext, CheckFamily, ResourceCheck } from './context.ts';
import { problem } from './util.ts';

/** Who already owns a type name: the platform, a department, or a resource (earlier in this catalogue or elsewhere). */
function typeOwners(ctx: CheckContext, before: number): Map<string, string> {
  const owners = new Map<string, string>();
  for (const name of RESERVED_TYPE_NAMES) owners.set(name, 'a type the platform defines');
  for (const d of ctx.platform.departments) {
    owners.set(departmentTypeName(d.graphqlName), `the type holding the resources of department ${d.code}`);
  }
  const add = (r: Resource, where: string) => {
    if (!owners.has(r.graphql.type)) owners.set(r.graphql.type, `the type of resource ${r.code} (${where})`);
    for (const g of generatedTypeNames(r)) {
      if (!owners.has(g)) owners.set(g, `generated for resource ${r.code} (${where})`);
    }
  };
  ctx.catalogue.resources.slice(0, before).forEach((r, j) => add(r, `resources[${j}]`));
  for (const c of ctx.others) for (const r of c.resources) add(r, `catalogue "${c.id}"`);
  return owners;
}

const typeNameFree: ResourceCheck = function* (r, at, i, ctx) {
  const type = r.graphql.type;
  const owners = typeOwners(ctx, i);
  const owner = owners.get(type);
  if (owner) {
    yield problem(`${at}.graphql.type`, `"${type}" is already ${owner}; choose another type name`);
    return;
  }
  const own = new Set<string>([type]);
  for (const g of generatedTypeNames(r)) {
    const gOwner = owners.get(g);
    if (gOwner) yield problem(`${at}.graphql.type`, `"${type}" would generate the type ${g}, which is already ${gOwner}; choose another type name`);
    else if (own.has(g)) yield problem(`${at}.graphql.type`, `"${type}" would generate the type ${g} twice (an enum item's name makes it collide with another generated type); rename the item or the type`);
    own.add(g);
  }
};

function fieldOwners(ctx: CheckContext, before: number): Map<string, string> {
  const owners = new Map<string, string>();
  const add = (r: Resource, where: string) => {
    if (!owners.has(r.graphql.list)) owners.set(r.graphql.list, `the list field of resource ${r.code} (${where})`);
    if (!owners.has(r.graphql.byKey)) owners.set(r.graphql.byKey, `the lookup field of resource ${r.code} (${where})`);
  };
  ctx.catalogue.resources.slice(0, before).forEach((r, j) => add(r, `resources[${j}]`));
  for (const c of ctx.others) for (const r of c.resources) add(r, `catalogue "${c.id}"`);
  return owners;
}

const fieldNamesFree: ResourceCheck = function* (r, at, i, ctx) {
  const owners = fieldOwners(ctx, i);
  for (const part of ['list', 'byKey'] as const) {
    const name = r.graphql[part];
    const owner = owners.get(name);
    if (owner) yield problem(`${at}.graphql.${part}`, `"${name}" is already ${owner}; list and lookup names are unique on the platform`);
  }
  if (r.graphql.list === r.graphql.byKey) {
    yield problem(`${at}.graphql.byKey`, `"${r.graphql.byKey}" is also the list field's name; the lookup needs a name of its own`);
  }
};

export const graphqlNameChecks: CheckFamily = {
  resource: [typeNameFree, fieldNamesFree],
};
