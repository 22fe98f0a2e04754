// The platform's lists against the request's cost: counted once read, read in turn, once per request.
import { GraphQLError, print, type GraphQLResolveInfo } from 'graphql';
import { maxPageSize } from '../../src/model/platform.ts';
import { countUnpagedList, entriesWithin, refuseOverCount, valuesPerEntry } from '../../src/limits/unpaged.ts';
import { noteRefusal, type RequestContext } from '../request.ts';

/**
 * A list without `first` (the platform's own lists, and the lists their entries hold: a catalogue's
 * versions, a version's resources and warnings, a resource's items; the lists of names a request, grant or
 * demand holds), counted against maxCost once read:
 * its length was only estimated before the request ran (src/limits/unpaged.ts). Only the lists a
 * department's own writing lengthens: the data reads' lists are paged, and cost nothing here.
 */
export function counted<T>(ctx: RequestContext, info: GraphQLResolveInfo, list: T[], cut = false, each?: number): T[] {
  // A mutation's answer (a submitted version's resources) holds what its request sent, and is made once the
  // mutation is done: refusing it then would tell the client that what was done failed.
  if (info.operation.operation === 'mutation') return list;
  try {
    countUnpagedList(ctx.valueCount, info, list.length, maxPageSize(ctx.platform), cut, each);
  } catch (err) {
    throw err instanceof GraphQLError ? noteRefusal(ctx, err) : err; // audited as a limit's refusal (SPEC §10)
  }
  return list;
}

/** What tells apart the reads of a root field: its name and arguments, not its alias or selection. */
function sameReadKey(info: GraphQLResolveInfo): string {
  return `${info.fieldName} ${JSON.stringify(info.variableValues)} ${info.fieldNodes.map((n) => print({ ...n, alias: undefined, selectionSet: undefined }))}`;
}

const answersPerRequest = new WeakMap<RequestContext, Map<string, Promise<unknown>>>();

/** A root field's answer made once per request for its aliases with the same arguments. */
export function oncePerRequest<T>(ctx: RequestContext, info: GraphQLResolveInfo, answer: () => Promise<T>): Promise<T> {
  let answers = answersPerRequest.get(ctx);
  if (!answers) answersPerRequest.set(ctx, (answers = new Map()));
  const key = sameReadKey(info);
  let found = answers.get(key) as Promise<T> | undefined;
  if (!found) answers.set(key, (found = answer()));
  return found;
}

const listTurns = new WeakMap<RequestContext, { last: Promise<unknown>; reads: Map<string, { list: Promise<unknown[]>; limit?: number }> }>();

/**
 * A root list of the platform read in its turn: once the request's lists before it are read and counted
 * (src/limits/unpaged.ts), and refused before it reads when they took the request over maxCost. GraphQL
 * starts a query's fields together: 30 aliases of `objections { id }` over 50,000 objections read the
 * whole list 30 times (59 s, the event loop held 1.2 s at each) to refuse the request after the second
 * (found by the platcost task). A request's lists are read one after another, each at most once past the
 * bound.
 */
export function inTurn<T>(
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  cuttable: boolean,
  read: (limit: number | undefined) => Promise<T[]>,
): Promise<T[]> {
  let turns = listTurns.get(ctx);
  if (!turns) listTurns.set(ctx, (turns = { last: Promise.resolve(), reads: new Map() }));
  const { reads } = turns;
  // Aliases of one field with the same arguments read it once (each still counts what it holds).
  const key = sameReadKey(info);
  const mine = turns.last.then(async () => {
    try {
      refuseOverCount(ctx.valueCount, info);
    } catch (err) {
      throw err instanceof GraphQLError ? noteRefusal(ctx, err) : err;
    }
    // `cuttable`: the list is the store's first entries under a filter the store applies alone (no
    // `overdue`, `active` or a department's grants, told once read). Read no further than one past what
    // maxCost leaves it: a list of 100,000 entries over the bound was read whole to be refused.
    // What one entry holds, computed once for this alias's selection: the limit and the count both use it.
    let each: number | undefined;
    let done = reads.get(key) as { list: Promise<T[]>; limit?: number } | undefined;
    if (!done) {
      if (cuttable && ctx.valueCount) each = valuesPerEntry(info, maxPageSize(ctx.platform));
      const within = each === undefined ? undefined : entriesWithin(ctx.valueCount, info, each);
      const limit = within === undefined ? undefined : within + 1;
      reads.set(key, (done = { list: read(limit), limit }));
    }
    const entries = await done.list;
    return counted(ctx, info, entries, done.limit !== undefined && entries.length >= done.limit, each);
  });
  turns.last = mine.catch(() => undefined);
  return mine;
}
