// A resource's lookup by key.
import type { GraphQLResolveInfo } from 'graphql';
import type { ResourceModel } from '../../src/generate/model.ts';
import type { Row, Value } from '../../src/store/port.ts';
import { readOptions, readStore, type RequestContext } from '../request.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import { fieldNodesThatRun } from '../../src/generate/selection.ts';
import { lookupValues } from '../../src/model/key-spellings.ts';
import { isSensitive } from '../../src/generate/model.ts';
import { typedValue } from '../../src/records/validate/conversions.ts';
import { pathPattern, planFor } from './plan.ts';
import { withLinks } from './links.ts';
import { noteRead, noteRecords } from './records.ts';

export function lookupResolver(model: ResourceModel) {
  const key = model.resource.key;
  const keyItem = model.resource.items.find((i) => i.name === key)!;
  return async (_parent: unknown, args: Record<string, Value>, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Row | null> => {
    noteRead(ctx, model, { filtered: [key] });
    // A personal or secret key is a String in the schema whatever its type, so that its masked form fits
    // (SPEC §4): the lookup is by the value the text reads as (an int key's "1207" is 1207, a decimal's by
    // value), as a filter on it is. A text no value of the key's type reads as is a key no record holds.
    const asked = isSensitive(keyItem) ? typedValue(keyItem, String(args[key])) : { ok: true as const, value: args[key] };
    if (!asked.ok) {
      noteRecords(ctx, model, 0);
      return null;
    }
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
    for (const value of lookupValues(model.resource, asked.value)) if ((rows = await read(value)).length > 0) break;
    noteRecords(ctx, model, rows.length);
    return (await withLinks(ctx, plan, rows))[0] ?? null;
  };
}
