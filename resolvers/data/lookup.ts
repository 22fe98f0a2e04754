// A resource's lookup by key.
import type { GraphQLResolveInfo } from 'graphql';
import type { ResourceModel } from '../../src/generate/model.ts';
import type { Row, Value } from '../../src/store/port.ts';
import { readOptions, readStore, type RequestContext } from '../request.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import { pathPattern, planFor } from './plan.ts';
import { withLinks } from './links.ts';
import { noteRead, noteRecords } from './records.ts';

export function lookupResolver(model: ResourceModel) {
  const key = model.resource.key;
  return async (_parent: unknown, args: Record<string, Value>, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Row | null> => {
    noteRead(ctx, model, { filtered: [key] });
    const plan = planFor(ctx, model, pathPattern(info), info, info.fieldNodes);
    const rows = await readStore(ctx).find(model.collection, {
      // A record outside the requester's row scope is null, as a missing one.
      filter: withinRows({ kind: 'compare', field: key, op: 'eq', value: args[key] }, ctx.access.rows(model)),
      projection: plan.projection,
      limit: 1,
      ...readOptions(ctx),
    });
    noteRecords(ctx, model, rows.length);
    return (await withLinks(ctx, plan, rows))[0] ?? null;
  };
}
