// A link field: the linked resource's record whose item equals this record's value. Loaded through a
// per-request DataLoader, so a page of 100 rows costs one store read per link, not one per row.
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { LinkModel } from '../../src/generate/model.ts';
import { selectedFields } from '../../src/generate/selection.ts';
import { valueKey, type Row, type Value } from '../../src/store/port.ts';
import type { RequestContext } from '../request.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import { projectionFor } from './projection.ts';
import { noteRead, noteRecords } from './records.ts';

function loaderFor(ctx: RequestContext, link: LinkModel, projection: string[]): DataLoader<Value, Row | null> {
  const { target, targetItem } = link;
  const name = `${target.resource.code}|${targetItem.name}|${projection.join(',')}`;
  let loader = ctx.loaders.get(name);
  if (!loader) {
    loader = new DataLoader<Value, Row | null>(async (values) => {
      const fields = projection.includes(targetItem.name) ? projection : [...projection, targetItem.name];
      // The linked resource's row scope applies as to a direct read: a record outside it is null.
      const scope = ctx.access.rows(target);
      const rows = scope
        ? await ctx.store.find(target.collection, { filter: withinRows({ kind: 'in', field: targetItem.name, values: [...values] }, scope), projection: fields })
        : await ctx.store.findByValues(target.collection, targetItem.name, [...values], fields);
      noteRecords(ctx, target, rows.length);
      // Keyed by value: a decimal row matches the decimal asked for by value, not by object identity.
      const byValue = new Map(rows.map((r) => [valueKey(r[targetItem.name]), r]));
      return values.map((v) => byValue.get(valueKey(v)) ?? null);
    }, { cacheKeyFn: valueKey });
    ctx.loaders.set(name, loader);
  }
  return loader;
}

export function linkResolver(link: LinkModel) {
  return (row: Row, _args: unknown, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Row | null> | null => {
    const value = row[link.item.name];
    if (value === null || value === undefined) return null;
    noteRead(ctx, link.target, { filtered: [link.targetItem.name] });
    return loaderFor(ctx, link, projectionFor(link.target, selectedFields(info), ctx.access)).load(value);
  };
}
