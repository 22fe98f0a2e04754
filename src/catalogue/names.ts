// GraphQL names the platform itself generates or reserves, so that catalogue names can be checked against
// them before the schema is generated (what a valid name is, the JSON Schema of catalogues says). The generator's naming
// functions and the platform SDL are the sources; nothing is listed twice.
import { readFileSync } from 'node:fs';
import { isTypeDefinitionNode, Kind, parse } from 'graphql';
import { PLATFORM_SDL_FILE } from '../model/platform-sdl.ts';
import {
  connectionTypeName, departmentTypeName, enumFilterTypeName, enumTypeName, filterTypeName, orderFieldTypeName, orderTypeName,
} from '../model/names.ts';
import type { Resource } from '../model/catalogue.ts';
import { KIND_SCALAR, kindFilterName } from '../model/operators.ts';

// The platform's own part of the schema is the source of the names it reserves: every type it defines
// and every field it adds to Query.
const platformSdl = parse(readFileSync(PLATFORM_SDL_FILE, 'utf8'));
const platformTypes = platformSdl.definitions.filter(isTypeDefinitionNode).map((d) => d.name.value);

/** Fields of Query that the platform itself defines; department graphqlNames must avoid them. */
export const PLATFORM_QUERY_FIELDS: readonly string[] = platformSdl.definitions.flatMap((d) =>
  (d.kind === Kind.OBJECT_TYPE_EXTENSION || d.kind === Kind.OBJECT_TYPE_DEFINITION) && d.name.value === 'Query'
    ? (d.fields ?? []).map((f) => f.name.value)
    : [],
);

/**
 * The prefix of a connected platform's type names under this platform (`city` → `City_Permit`), so that
 * two platforms' `Permit` types never meet. Two namespaces that differ only in their first letter's case
 * would share it, and stitching would merge their types: the platform file refuses them.
 */
export const connectedTypePrefix = (namespace: string): string => namespace[0]!.toUpperCase() + namespace.slice(1) + '_';

/**
 * The key by which type names must be unique: the name ignoring case. GraphQL tells `Permit` from
 * `PERMIT`, but a typed client does not: graphql-codegen names TypeScript types in PascalCase
 * (`PERMITFilter` and `PermitFilter` both become `PermitFilter`, `RK_Permit` and `Rk_Permit` both
 * `Rk_Permit`), and the generated file then declares one identifier twice and fails to compile.
 */
export const typeNameKey = (name: string): string => name.toLowerCase();

/** Type names the schema defines whatever the catalogues hold. */
export const RESERVED_TYPE_NAMES: readonly string[] = [...new Set([
  // built-in and custom scalars
  'String', 'Int', 'Float', 'Boolean', 'ID', 'Date', 'DateTime', 'Decimal',
  // roots and shared types of the data schema
  'Query', 'Mutation', 'Subscription', 'PageInfo', 'OrderDirection',
  // filter inputs per scalar kind
  ...Object.keys(KIND_SCALAR).map((k) => kindFilterName(k as keyof typeof KIND_SCALAR)),
  // every type of the platform schema
  ...platformTypes,
])];

/**
 * Names every JavaScript object has (Object.prototype's; GraphQL refuses the `__` ones already). Records,
 * filters and the schema's field maps are objects keyed by item and link field names, where such a name
 * reads the inherited member when a record lacks the item: item names and link fields must avoid them.
 */
export const OBJECT_MEMBER_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype).filter((n) => !n.startsWith('__'));

/**
 * `then`: a platform connected to this one reads its answers through graphql-tools, whose promise check
 * (@whatwg-node/promise-helpers' `isPromise`: `value?.then != null`) takes every object of the answer
 * with a `then` key for a promise and fails on it ("value.then is not a function"), so that the whole
 * namespace became an internal error there. A department, list, lookup, item or link named so is an
 * object key in every answer about it: such names are refused, as a client's alias is under a namespace.
 */
export const PROMISE_MEMBER = 'then';

/** The message for a name that is `then` (PROMISE_MEMBER); `what` says what it names. */
export const promiseMemberMessage = (what: string): string =>
  `"${PROMISE_MEMBER}" would be a key of the answers, which a platform connected to this one reads with graphql-tools, and it takes an object with a then key for a promise; choose another ${what}`;

/** The field of a record the stores keep for themselves (MongoDB's `_id`, the row order of both stores). */
export const STORE_ID_FIELD = '_id';

/** Fields every generated filter input has besides one per item; item names must avoid them. */
export const FILTER_COMBINATORS: readonly string[] = ['and', 'or'];

export { departmentTypeName };

/** The types generated for a resource besides its own: connection, filter, order, and per enum item. */
export function generatedTypeNames(r: Pick<Resource, 'graphql' | 'items'>): string[] {
  const type = r.graphql.type;
  const names = [filterTypeName(type), connectionTypeName(type), orderTypeName(type), orderFieldTypeName(type)];
  for (const item of r.items ?? []) {
    if (item.type === 'enum') names.push(enumTypeName(type, item.name), enumFilterTypeName(type, item.name));
  }
  return names;
}
