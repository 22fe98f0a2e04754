// A resource's list field: one page of records with a cursor; totalCount only when selected.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { ResourceModel } from '../../src/generate/model.ts';
import { toSort, toStoreFilter, type FilterArg, type OrderArg } from '../../src/generate/filter.ts';
import { selectedBelow, selectedFields } from '../../src/generate/selection.ts';
import { maxPageSize } from '../../src/model/platform.ts';
import { afterFilter, encodeCursor, withKeyTieBreak } from '../../src/store/keyset.ts';
import type { Filter, Row } from '../../src/store/port.ts';
import type { RequestContext } from '../../src/server/context.ts';
import { projectionFor } from './projection.ts';
import { noteRecords } from './records.ts';

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

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function pageSize(first: number | null | undefined, max: number): number {
  const n = first ?? 20;
  if (n < 0) throw badInput(`first must be 0 or more; got ${n}.`);
  if (n > max) throw badInput(`first may be at most ${max} on this platform; got ${n}. Page through with after.`);
  return n;
}

export function listResolver(model: ResourceModel) {
  return async (_parent: unknown, args: ListArgs, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Connection> => {
    const first = pageSize(args.first, maxPageSize(ctx.platform));
    const filter = toStoreFilter(args.filter);
    const sort = withKeyTieBreak(toSort(args.orderBy), model.resource.key);
    // The sort is sealed into the cursor so that a cursor is only used with the ordering it came from.
    const signature = JSON.stringify(sort);
    let pageFilter: Filter = filter;
    if (args.after) {
      const [sig, cursor] = JSON.parse(ctx.cursors.open(args.after)) as [string, string];
      if (sig !== signature) throw badInput('The `after` cursor belongs to a different orderBy; start again without after.');
      pageFilter = { kind: 'and', filters: [filter, afterFilter(sort, cursor)] };
    }
    const count = () => ctx.store.count(model.collection, filter);
    const top = selectedFields(info);
    if (!top.has('nodes') && !top.has('pageInfo')) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, count };

    const projection = projectionFor(model, selectedBelow(info, 'nodes'), ctx.access);
    for (const s of sort) if (!projection.includes(s.field)) projection.push(s.field);
    const rows = await ctx.store.find(model.collection, { filter: pageFilter, projection, sort, limit: first + 1 });
    const nodes = rows.slice(0, first);
    noteRecords(ctx, model, nodes.length);
    const last = nodes[nodes.length - 1];
    return {
      nodes,
      pageInfo: {
        hasNextPage: rows.length > first,
        endCursor: last ? ctx.cursors.seal(JSON.stringify([signature, encodeCursor(sort, last)])) : null,
      },
      count,
    };
  };
}

export const connectionResolvers = {
  nodes: (c: Connection) => c.nodes,
  pageInfo: (c: Connection) => c.pageInfo,
  totalCount: (c: Connection) => c.count(),
};
