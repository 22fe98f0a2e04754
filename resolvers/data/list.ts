// A resource's list field: one page of records with a cursor; totalCount only when selected.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { ResourceModel } from '../../src/generate/model.ts';
import { filterUses, idCardItems, orderUses, toSort, toStoreFilter, withIdCardSpellings, type FilterArg, type OrderArg } from '../../src/generate/filter.ts';
import { selectedFields } from '../../src/generate/selection.ts';
import { defaultPageSize, limitsOf, maxPageSize } from '../../src/model/platform.ts';
import { afterFilter, encodeCursor, InvalidCursorError, withKeyTieBreak, withSortFields } from '../../src/store/keyset.ts';
import { ROW_ORDER, type Filter, type Row, type SortKey } from '../../src/store/port.ts';
import { cursorNotGivenOut, noteRefusal, readOptions, readStore, type RequestContext } from '../request.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import { pathPattern, planFor } from './plan.ts';
import { withLinks } from './links.ts';
import { PLACE, tieField, withoutOrderFields } from './order.ts';
import { noteRead, noteRecords } from './records.ts';


export interface ListArgs {
  filter?: FilterArg | null;
  orderBy?: OrderArg[] | null;
  first?: number | null;
  after?: string | null;
}

export interface Connection {
  nodes: Row[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  count: () => Promise<number>;
}

const badInput = (message: string, extensions: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });

/**
 * This platform, as the reader of a refusal knows it: a department of a connected platform reads this one
 * under a namespace there, where "this platform" would name its own (whose page maximum may be larger,
 * whose cursors this one never sealed).
 */
function platformAsReaderKnowsIt(ctx: RequestContext): string {
  const p = ctx.platform.platform;
  return ctx.identity.via ? `the connected platform ${p.name} (${p.region}), which holds this resource` : 'this platform';
}

function pageSize(ctx: RequestContext, model: ResourceModel, first: number | null | undefined, max: number): number {
  // Left out, the schema's default; given as null (written, or a variable sent as null), the same page.
  const n = first ?? defaultPageSize(ctx.platform);
  // Refusals of the read, for its audit entry (outcome refused, the message its detail), as every one below.
  if (n < 0) throw noteRefusal(ctx, badInput('first must be 0 or more.', { resource: model.resource.code }));
  if (n > max) {
    // A refusal by a limit, for the audit entry: named without the figure sent (it may be a variable's value).
    const answer = badInput(`first may be at most ${max} on ${platformAsReaderKnowsIt(ctx)}; got ${n}. Page through with after.`);
    noteRefusal(ctx, badInput(`first may be at most ${max} on this platform (maxPageSize).`, { resource: model.resource.code }), answer);
    throw answer;
  }
  return n;
}

/**
 * Refuses a sort whose keyset condition is over limits.filter.maxConditions: a page after a cursor on k
 * sort keys tests k(k+1)/2 conditions (src/store/keyset.ts), and SQLite's planning of them grows faster
 * still: a resource's 200 items ordered by every one held the event loop 21 s for a page of 12 records,
 * and every department's requests with it. Checked on every page, the first too, so a client learns it
 * before it pages. A list in key order or by one item always runs (its tie-break keys alone never count:
 * the platform's least maxConditions, 1, left lists no item to order by).
 */
function checkSortSize(ctx: RequestContext, model: ResourceModel, sort: SortKey[], items: number): void {
  const max = limitsOf(ctx.platform).filter.maxConditions;
  const conditions = (sort.length * (sort.length + 1)) / 2;
  if (items <= 1 || conditions <= max) return;
  throw noteRefusal(
    ctx,
    badInput(
      `orderBy sorts by ${items} items; with the order's tie-break a page after a cursor tests ${conditions} conditions for them, more than ${max} (limits.filter.maxConditions): sort by fewer items.`,
      { resource: model.resource.code },
    ),
  );
}

/** The condition for the records after a cursor this platform sealed for this resource and ordering. */
function afterCursor(ctx: RequestContext, model: ResourceModel, sort: SortKey[], after: string): Filter {
  // A cursor refused is written as a refusal of the read (outcome refused, the message its detail, never the
  // cursor sent): its entry said `allowed`, for a read that returned nothing.
  const refused = (message: string) => noteRefusal(ctx, badInput(message, { resource: model.resource.code }));
  let opened: string;
  try {
    opened = ctx.cursors.open(after);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    if (!ctx.identity.via) throw noteRefusal(ctx, err);
    // Read under a namespace, a cursor the reader's own platform gave out is refused here: the answer names
    // this platform (its clause closed by a comma); the audit entry, this platform's own, keeps "this platform".
    const answer = badInput(cursorNotGivenOut(`${platformAsReaderKnowsIt(ctx)},`));
    noteRefusal(ctx, err, answer);
    throw answer;
  }
  const [code, cursor] = JSON.parse(opened) as [string, string];
  if (code !== model.resource.code) throw refused('The `after` cursor belongs to another resource; pass the endCursor of a page of this one.');
  try {
    return afterFilter(sort, cursor);
  } catch (err) {
    if (err instanceof InvalidCursorError) throw refused('The `after` cursor was made for a different orderBy; start again without after.');
    throw err;
  }
}

export function listResolver(model: ResourceModel) {
  return async (_parent: unknown, args: ListArgs, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Connection> => {
    const first = pageSize(ctx, model, args.first, maxPageSize(ctx.platform));
    // The row scope is part of every query of the list: the page, the count and the rows after a cursor.
    const filter = withinRows(withIdCardSpellings(toStoreFilter(args.filter), idCardItems(model.resource)), ctx.access.rows(model)) as Filter;
    // Records come in key order (SPEC §5), ties of an orderBy broken by the key; but the order of a key
    // the requester may not read, or reads masked, would tell of its values (a masked ID number shows its
    // region and last four: key order sorts by the hidden birth date), as would the store's row order (the
    // order of the writes: a provider's file sorted by ID number). Ties are broken then by the place drawn
    // at random for each record when it was written (RECORD_ORDER_FIELD), then the row order (records
    // stored before places were have none: they come first, in row order), as an orderBy on a masked item
    // is refused. The place rides in the sealed cursor, never in an answer.
    const tie = tieField(ctx, model);
    const sort = tie === ROW_ORDER ? withKeyTieBreak([...toSort(args.orderBy), PLACE], ROW_ORDER) : withKeyTieBreak(toSort(args.orderBy), tie);
    checkSortSize(ctx, model, sort, orderUses(args.orderBy).length);
    // The cursor is opened before the read is noted: one refused makes a refusal's entry (nothing read).
    let pageFilter: Filter = filter;
    if (args.after) pageFilter = { kind: 'and', filters: [filter, afterCursor(ctx, model, sort, args.after)] };
    noteRead(ctx, model, { filtered: filterUses(args.filter).map((u) => u.item), ordered: orderUses(args.orderBy).map((u) => u.item) });
    const count = () => {
      noteRead(ctx, model, { counted: true });
      return readStore(ctx).count(model.collection, filter, readOptions(ctx));
    };
    const top = selectedFields(info);
    if (!top.has('nodes') && !top.has('pageInfo')) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, count };

    const plan = planFor(ctx, model, `${pathPattern(info)}.nodes.*`, info, top.get('nodes') ?? []);
    const projection = withSortFields(plan.projection, sort);
    const rows = await readStore(ctx).find(model.collection, { filter: pageFilter, projection, sort, limit: first + 1, ...readOptions(ctx) });
    const page = rows.slice(0, first);
    noteRecords(ctx, model, page.length);
    const last = page[page.length - 1];
    // Sealed with the resource's code: the cursor holds key values (maybe personal data) and must not be
    // replayed on another resource; the keyset cursor inside carries the ordering it was made for. Made
    // before the rows are shaped (masked) in place; only when pageInfo is selected (a seal costs 2% of a
    // 100-record page's request).
    const endCursor = last && top.has('pageInfo') ? ctx.cursors.seal(JSON.stringify([model.resource.code, encodeCursor(sort, last)])) : null;
    if (tie === ROW_ORDER) withoutOrderFields(page);
    return { nodes: await withLinks(ctx, plan, page), pageInfo: { hasNextPage: rows.length > first, endCursor }, count };
  };
}

export const connectionResolvers = {
  nodes: (c: Connection) => c.nodes,
  pageInfo: (c: Connection) => c.pageInfo,
  totalCount: (c: Connection) => c.count(),
};
