// The records a plan returns, links included: each selected link the rules allow is read for a whole
// batch of rows at once (one store read per link and level, never one per row), the linked records shaped
// by the link's own plan (./plan.ts) and put on the rows under the link's field, where graphql reads them
// as it reads an item. A record the link points to that is missing or outside the requester's row scope
// is null. A link to an item other than the linked resource's key takes, of the records holding the value,
// the first in the order the requester's list of them would show (./order.ts). A link is a lookup by its linked item: when that item is masked for the requester, the values
// of a batch are masked probes, taken from the lookup's quota before anything of the linked resource is
// read; past the quota the link is null on those rows with the lookup's RATE_LIMITED, once per path
// pattern.
import { valueKey, type Row, type Value } from '../../src/store/port.ts';
import { withinRows } from '../../src/access/row-scope.ts';
import { grantCanUnmask } from '../../src/access/unmasking.ts';
import { idCardSpelling, idCardSpellings } from '../../src/formats/idcard.ts';
import { takeProbes } from '../../src/limits/probes.ts';
import { limitsOf } from '../../src/model/platform.ts';
import { counterKey } from '../../src/identity/verify.ts';
import { readOptions, readStore, type RequestContext } from '../request.ts';
import { shapeRows, type LinkPlan, type ReadPlan } from './plan.ts';
import { readerOrder, withoutOrderFields } from './order.ts';
import { withSortFields } from '../../src/store/keyset.ts';
import { noteRead, noteRecords } from './records.ts';

/** Reads the links of `rows` (this request's own copies, as stored), then shapes them; returns them. */
export async function withLinks(ctx: RequestContext, plan: ReadPlan, rows: Row[]): Promise<Row[]> {
  if (rows.length > 0) await Promise.all(plan.links.map((link) => readLink(ctx, link, rows)));
  return shapeRows(ctx, plan, rows);
}

async function readLink(ctx: RequestContext, linkPlan: LinkPlan, rows: Row[]): Promise<void> {
  const { link, plan } = linkPlan;
  const { item, field, target, targetItem } = link;
  // Each row's value by its place among the distinct values (a decimal matches the decimal asked for by
  // value, not by identity; -1: none). Plain loops and arrays, one Map: this runs for every row of every
  // page (issue 10). An ID number joins by its spelling with 'X' (src/formats/idcard.ts): a row stored with
  // 'x' before the importer wrote 'X' links, and is linked, as the same number.
  const idcard = targetItem.format === 'idcard';
  const joinKey = (v: Value) => valueKey(idcard && typeof v === 'string' ? idCardSpelling(v) : v);
  const slots: number[] = new Array(rows.length);
  const slotOf = new Map<string | number | boolean | null, number>();
  const values: Value[] = [];
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][item.name];
    if (value === null || value === undefined) {
      slots[i] = -1;
      continue;
    }
    const key = joinKey(value);
    let slot = slotOf.get(key);
    if (slot === undefined) {
      slot = values.length;
      slotOf.set(key, slot);
      values.push(value);
    }
    slots[i] = slot;
  }
  if (values.length === 0) return;
  if (linkPlan.probes && !(await probesTaken(ctx, linkPlan, values.length, rows))) return;
  noteRead(ctx, target, { filtered: [targetItem.name] });
  const asked = idcard ? values.flatMap<Value>((v) => (typeof v === 'string' ? idCardSpellings(v) : [v])) : values;
  // The plan reads the item the link reads by (./plan.ts), and shapes it as the requester may see it.
  const fields = plan.projection;
  // The linked resource's row scope applies as to a direct read: a record outside it is null, and is never
  // among the records a link to a non-key item picks from (its answer is the same whether one exists or not).
  const scope = ctx.access.rows(target);
  const ofKey = targetItem.name === target.resource.key;
  // A link to a non-key item may meet several records of one value: it returns the one the linked
  // resource's list, filtered by that value, shows the requester first (./order.ts), read in the same one
  // query, sorted: the smallest key when the requester reads the key unmasked. The store picks it
  // (firstOf): a value thousands of records hold reads one of them, not all.
  const sort = ofKey ? undefined : readerOrder(ctx, target);
  const filter = { kind: 'in' as const, field: targetItem.name, values: asked };
  const found = scope || sort
    ? await readStore(ctx).find(target.collection, {
        filter: withinRows(filter, scope), projection: sort ? withSortFields(fields, sort) : fields, sort, firstOf: sort && targetItem.name, ...readOptions(ctx),
      })
    : await readStore(ctx).findByValues(target.collection, targetItem.name, asked, fields, readOptions(ctx));
  noteRecords(ctx, target, found.length);
  const linkedAt: (Row | undefined)[] = new Array(values.length);
  for (const r of found) {
    const slot = slotOf.get(joinKey(r[targetItem.name]));
    if (slot === undefined) continue;
    const held = linkedAt[slot];
    // The first in the order read; of one key stored in both spellings (before the importer wrote 'X'), the one with 'X'.
    if (held === undefined || (ofKey && idcard && !String(held[targetItem.name]).endsWith('X') && String(r[targetItem.name]).endsWith('X'))) linkedAt[slot] = r;
  }
  if (sort) withoutOrderFields(found);
  // Each linked record once, in the order of the rows that link them (`values` is in that order).
  const linked: Row[] = [];
  for (let s = 0; s < linkedAt.length; s++) if (linkedAt[s] !== undefined) linked.push(linkedAt[s]!);
  // Shaped in the order of the rows that link them, so a denial is located at the first of them.
  await withLinks(ctx, plan, linked);
  for (let i = 0; i < rows.length; i++) {
    const slot = slots[i];
    (rows[i] as Record<string, unknown>)[field] = slot < 0 ? null : linkedAt[slot] ?? null;
  }
}

/**
 * Takes `n` masked probes of the link's linked resource for the requester (the quota of a lookup by the
 * same item); when the quota refuses them, or refused them earlier in this request, the link is null on
 * `rows`, and the refusal is the error of the first row of the first batch refused.
 */
async function probesTaken(ctx: RequestContext, linkPlan: LinkPlan, n: number, rows: Row[]): Promise<boolean> {
  const { field, target } = linkPlan.link;
  const refusal = linkPlan.refused
    ? null
    // The lookup's own quota: of the department, at the platform that forwarded it when one did (counterKey).
    : await takeProbes(readStore(ctx), limitsOf(ctx.platform).maskedProbes, counterKey(ctx.identity), new Map([[target.resource.code, n]]),
        new Set(grantCanUnmask(target.resource, linkPlan.link.targetItem.name) ? [target.resource.code] : []));
  if (!refusal && !linkPlan.refused) return true;
  for (const row of rows) (row as Record<string, unknown>)[field] = null;
  if (refusal) {
    linkPlan.refused = true;
    (rows[0] as Record<string, unknown>)[field] = refusal;
  }
  return false;
}
