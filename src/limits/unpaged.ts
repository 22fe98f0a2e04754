// maxCost for the lists that take no `first` (SPEC §13: "field values the response may hold"). The
// platform's own lists (sharingRequests, grants, objections, demands, catalogues) are not paged, and their
// length is known only once read: before the request runs, the cost counts UNPAGED_LIST_ESTIMATE elements
// for each (src/limits/pages.ts). Departments make their entries themselves, so a list may hold
// thousands: four aliases of `objections { id status }` over 30,000 objections answered 240,000 values in
// 1.6 s under a maxCost of 500 (found by the §13 walk). Once such a list is read, each element past the
// estimate adds what its selection holds to the request's count; over maxCost, the list is refused with
// QUERY_TOO_COMPLEX, as are the lists read after it. A list whose entries the store filters alone is read
// no further than one entry past what the bound leaves it (entriesWithin): 100,000 objections were read
// whole to refuse `objections { id status reason }` (found by the platcost task).
//
// A list of names (a sharing request's or a grant's items and purposes, a demand's wanted items) holds one
// value an entry, up to the input bounds' 200 (src/model/input-bounds.ts): the cost counted such a field
// as one value, so each entry past the first adds one.
import { getNamedType, GraphQLError, isLeafType, type GraphQLResolveInfo } from 'graphql';
import { elementCost } from './cost.ts';
import { UNPAGED_LIST_ESTIMATE } from './pages.ts';
import { QUERY_TOO_COMPLEX } from './too-complex.ts';

/**
 * Refuses a list before it is read when the request's count is already over its bound (a list read before
 * it took it over): reading it could only be refused after. None: no limits on this request.
 */
export function refuseOverCount(count: ValueCount | undefined, info: GraphQLResolveInfo): void {
  if (!count || count.spent <= count.bound) return;
  throw new GraphQLError(
    `The document is too complex: its number of field values, before ${info.fieldName} is read, is ${count.spent}, over the limit maxCost = ${count.bound}. ` +
      'Narrow the lists with their arguments, select fewer fields or aliases, or split it into smaller requests.',
    { nodes: info.fieldNodes, extensions: { code: QUERY_TOO_COMPLEX, limit: 'maxCost', figure: count.spent, bound: count.bound } },
  );
}

/** The request's count of field values: the cost estimated before it ran, and what its lists added since. */
export interface ValueCount {
  spent: number;
  readonly bound: number;
}

/**
 * The values one entry of the list `info` reads adds to the request's count: 1 for a list of names, else
 * what its element's selection holds, at least 1 (elementCost). Computed once per read and handed to
 * entriesWithin and countUnpagedList.
 */
export function valuesPerEntry(info: GraphQLResolveInfo, maxPage: number): number {
  return isLeafType(getNamedType(info.returnType)) ? 1 : elementCost(info, maxPage);
}

/**
 * The most entries a list without `first` may hold before the request's count goes over its bound (none:
 * no limits on this request, or no bound to read by), each entry holding `each` values (valuesPerEntry): a
 * list read from the store needs read no more than one past it to be refused, however many entries the
 * store holds.
 */
export function entriesWithin(count: ValueCount | undefined, info: GraphQLResolveInfo, each: number): number | undefined {
  if (!count || isLeafType(getNamedType(info.returnType))) return undefined;
  return UNPAGED_LIST_ESTIMATE + Math.max(0, Math.floor((count.bound - count.spent) / Math.max(1, each)));
}

/**
 * Counts a list without `first` that holds `length` elements against the request's `count` (none: no limits
 * on this request); throws QUERY_TOO_COMPLEX once the count is over its bound. `each`: valuesPerEntry, when
 * the read computed it already (else computed here, only for a list longer than its estimate). `cut`: the
 * store was asked for one entry more than entriesWithin left it and gave it, so the list holds more than the
 * bound lets through: never answered so, whatever the figures say (a client would get a wrong length).
 */
export function countUnpagedList(count: ValueCount | undefined, info: GraphQLResolveInfo, length: number, maxPage: number, cut = false, each?: number): void {
  if (!count) return;
  const names = isLeafType(getNamedType(info.returnType));
  const estimate = names ? 1 : UNPAGED_LIST_ESTIMATE;
  if (length > estimate) count.spent += (length - estimate) * (each ?? valuesPerEntry(info, maxPage));
  if (cut) count.spent = Math.max(count.spent, count.bound + 1);
  if (count.spent <= count.bound) return;
  throw new GraphQLError(
    `The document is too complex: its number of field values, with the ${cut ? `more than ${length - 1}` : length} entries ${info.fieldName} holds, is ${count.spent}, over the limit maxCost = ${count.bound}. ` +
      'Narrow the list with its arguments, select fewer fields or aliases, or split it into smaller requests.',
    { nodes: info.fieldNodes, extensions: { code: QUERY_TOO_COMPLEX, limit: 'maxCost', figure: count.spent, bound: count.bound } },
  );
}
