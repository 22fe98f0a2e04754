// A link field: the linked resource's record whose item equals this record's value. Loaded through a
// per-request DataLoader per path pattern, so a page of 100 rows costs one store read per link, not one
// per row; the linked records come back shaped by the link's own read plan (./plan.ts).
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { LinkModel, ResourceModel } from '../../src/generate/model.ts';
import { selectedFields } from '../../src/generate/selection.ts';
import { valueKey, type Row, type Value } from '../../src/store/port.ts';
import type { RequestContext } from '../request.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import { linkAnswer } from '../../src/rules/data-rules.ts';
import { pathPattern, planFor, rawRecord, shapeRows, type ReadPlan } from './plan.ts';
import { noteRead, noteRecords } from './records.ts';

function loaderFor(ctx: RequestContext, link: LinkModel, pattern: string, plan: ReadPlan): DataLoader<Value, Row | null> {
  const { target, targetItem } = link;
  const name = `link|${pattern}`;
  let loader = ctx.loaders.get(name);
  if (!loader) {
    loader = new DataLoader<Value, Row | null>(async (values) => {
      const fields = plan.projection.includes(targetItem.name) ? plan.projection : [...plan.projection, targetItem.name];
      // The linked resource's row scope applies as to a direct read: a record outside it is null.
      const scope = ctx.access.rows(target);
      const rows = scope
        ? await ctx.store.find(target.collection, { filter: withinRows({ kind: 'in', field: targetItem.name, values: [...values] }, scope), projection: fields })
        : await ctx.store.findByValues(target.collection, targetItem.name, [...values], fields);
      noteRecords(ctx, target, rows.length);
      // Keyed by value: a decimal row matches the decimal asked for by value, not by object identity.
      const byValue = new Map(rows.map((r) => [valueKey(r[targetItem.name]), r]));
      // Shaped in the order of the rows that link them, so a denial is located at the first of them.
      const found = [...new Set(values.map((v) => byValue.get(valueKey(v))).filter((r) => r !== undefined))];
      const shaped = new Map(shapeRows(ctx, plan, found).map((s, i) => [found[i], s]));
      return values.map((v) => shaped.get(byValue.get(valueKey(v))!) ?? null);
    }, { cacheKeyFn: valueKey });
    ctx.loaders.set(name, loader);
  }
  return loader;
}

export function linkResolver(model: ResourceModel, link: LinkModel) {
  return (row: Row, _args: unknown, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Row | null> | Error | null => {
    // Refused: the error sits on the first row of the path pattern (the parent's plan put it there).
    const own = row[link.field] as unknown;
    if (own instanceof Error) return own;
    if (linkAnswer(model, link, ctx.access) !== true) return null;
    const value = rawRecord(row)[link.item.name];
    if (value === null || value === undefined) return null;
    noteRead(ctx, link.target, { filtered: [link.targetItem.name] });
    const pattern = pathPattern(info);
    const plan = planFor(ctx, link.target, pattern, () => selectedFields(info));
    return loaderFor(ctx, link, pattern, plan).load(value);
  };
}
