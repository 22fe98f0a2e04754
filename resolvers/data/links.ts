// The records a plan returns, links included: each selected link the rules allow is read for a whole
// batch of rows at once (one store read per link and level, never one per row), the linked records shaped
// by the link's own plan (./plan.ts) and put on the rows under the link's field, where graphql reads them
// as it reads an item. A record the link points to that is missing or outside the requester's row scope
// is null.
import { valueKey, type Row, type Value } from '../../src/store/port.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import type { RequestContext } from '../request.ts';
import { shapeRows, type ReadPlan } from './plan.ts';
import { noteRead, noteRecords } from './records.ts';

/** Reads the links of `rows` (this request's own copies, as stored), then shapes them; returns them. */
export async function withLinks(ctx: RequestContext, plan: ReadPlan, rows: Row[]): Promise<Row[]> {
  if (rows.length > 0) await Promise.all(plan.links.map(({ link, plan: target }) => readLink(ctx, link, target, rows)));
  return shapeRows(ctx, plan, rows);
}

async function readLink(ctx: RequestContext, link: ReadPlan['links'][number]['link'], plan: ReadPlan, rows: Row[]): Promise<void> {
  const { item, field, target, targetItem } = link;
  // Each row's value, keyed by value (a decimal matches the decimal asked for by value, not by identity).
  const keys = rows.map((row) => {
    const value = row[item.name];
    return value === null || value === undefined ? undefined : valueKey(value);
  });
  const values = new Map<string | number | boolean | null, Value>();
  rows.forEach((row, i) => keys[i] !== undefined && values.set(keys[i], row[item.name]));
  if (values.size === 0) return;
  noteRead(ctx, target, { filtered: [targetItem.name] });
  const fields = plan.projection.includes(targetItem.name) ? plan.projection : [...plan.projection, targetItem.name];
  // The linked resource's row scope applies as to a direct read: a record outside it is null.
  const scope = ctx.access.rows(target);
  const found = scope
    ? await ctx.store.find(target.collection, { filter: withinRows({ kind: 'in', field: targetItem.name, values: [...values.values()] }, scope), projection: fields })
    : await ctx.store.findByValues(target.collection, targetItem.name, [...values.values()], fields);
  noteRecords(ctx, target, found.length);
  const byValue = new Map<string | number | boolean | null, Row>();
  for (const r of found) byValue.set(valueKey(r[targetItem.name]), r);
  const linkedRows = keys.map((k) => (k === undefined ? null : byValue.get(k) ?? null));
  // Shaped in the order of the rows that link them, so a denial is located at the first of them.
  await withLinks(ctx, plan, [...new Set(linkedRows.filter((r): r is Row => r !== null))]);
  rows.forEach((row, i) => ((row as Record<string, unknown>)[field] = linkedRows[i]));
}
