// A resource's lookup by key.
import type { GraphQLResolveInfo } from 'graphql';
import type { ResourceModel } from '../../src/generate/model.ts';
import type { Row, Value } from '../../src/store/port.ts';
import { readOptions, readStore, type RequestContext } from '../request.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import { fieldNodesThatRun } from '../../src/generate/selection.ts';
import { lookupValues } from '../../src/model/key-spellings.ts';
import { pathPattern, planFor } from './plan.ts';
import { withLinks } from './links.ts';
import { noteRead, noteRecords } from './records.ts';

export function lookupResolver(model: ResourceModel) {
  const key = model.resource.key;
  return async (_parent: unknown, args: Record<string, Value>, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Row | null> => {
    noteRead(ctx, model, { filtered: [key] });
    const plan = planFor(ctx, model, pathPattern(info), info, fieldNodesThatRun(info));
    const read = (value: Value) => readStore(ctx).find(model.collection, {
      // A record outside the requester's row scope is null, as a missing one.
      filter: withinRows({ kind: 'compare', field: key, op: 'eq', value }, ctx.access.rows(model)),
      projection: plan.projection,
      limit: 1,
      ...readOptions(ctx),
    });
    // An ID number is looked up as GB 11643 writes it ('X'), then, when no record holds that, as a row
    // stored with 'x' before the importer wrote 'X' (src/formats/idcard.ts): either spelling finds it.
    let rows: Row[] = [];
    for (const value of lookupValues(model.resource, args[key])) if ((rows = await read(value)).length > 0) break;
    noteRecords(ctx, model, rows.length);
    return (await withLinks(ctx, plan, rows))[0] ?? null;
  };
}
