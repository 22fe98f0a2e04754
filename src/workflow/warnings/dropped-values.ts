// How many stored records hold each enum value a new version takes away (BREAKING_CHANGE, retyped): the
// auditor weighs "loses the value closed" by whether no record or 40,000 hold it: once published, those
// records still hold the value until the provider imports them again.
import type { FigureRead } from '../../access/figure-item.ts';
import { withinRows, type RowScope } from '../../access/row-scope.ts';
import { collectionOf, type Catalogue, type Resource } from '../../model/catalogue.ts';
import { eq, type Store } from '../../store/port.ts';

/**
 * Per resource code: per item, per value taken away, the stored records that hold it (null: not the
 * reader's to count, see FigureItem); `withinRows` when they were counted only over the records the
 * reader's department sees (its row scope, SPEC §6).
 */
export type DroppedValueRecords = ReadonlyMap<string, { withinRows: boolean; items: ReadonlyMap<string, ReadonlyMap<string, number> | null> }>;

/** The rows of a resource a reader's figures count (SPEC §6 row scope; null: every record). */
export type FigureRows = (resource: Resource) => RowScope | null;

/** How a reader's figures may count by an item of a resource (access/figure-item.ts). */
export type FigureItem = (resource: Resource, item: string) => Promise<FigureRead>;

/** The enum values of `old` (the version in effect) that `next` takes from an item it keeps an enum. */
export function droppedValues(current: Catalogue, next: Catalogue): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  const fresh = new Map(next.resources.map((r) => [r.code, r]));
  for (const old of current.resources) {
    const now = fresh.get(old.code);
    if (!now) continue;
    for (const item of old.items) {
      const is = now.items.find((i) => i.name === item.name);
      if (item.type !== 'enum' || is?.type !== 'enum') continue;
      const lost = (item.values ?? []).filter((v) => !(is.values ?? []).includes(v));
      if (!lost.length) continue;
      if (!out.has(old.code)) out.set(old.code, new Map());
      out.get(old.code)!.set(item.name, lost);
    }
  }
  return out;
}

/**
 * The records counted in the store, in the collection the version in effect reads, within the rows
 * `rows` gives (the reader's department's: a count over records outside them is a figure about records
 * it may not see, as the consistency report's would be). A resource in `withheld` (another provider's,
 * for a compiler who may not read its records: a count by value of a masked or secret item is a figure
 * about that item's values) is not counted, and so not in the answer. Nor is an item the reader does not
 * read in clear over those rows (`items`: not shared with it, a grant it does not hold, or masked: a
 * count by value tells what the mask hides), whose counts are null.
 */
export async function droppedValueRecords(
  store: Store,
  current: Catalogue | undefined,
  next: Catalogue,
  withheld: ReadonlySet<string> = new Set(),
  rows: FigureRows = () => null,
  items: FigureItem = async () => 'clear',
): Promise<DroppedValueRecords> {
  const out = new Map<string, { withinRows: boolean; items: Map<string, Map<string, number> | null> }>();
  if (!current) return out;
  const resources = new Map(current.resources.map((r) => [r.code, r]));
  for (const [code, lost] of droppedValues(current, next)) {
    if (withheld.has(code)) continue;
    const resource = resources.get(code)!;
    const collection = collectionOf(resource);
    const scope = rows(resource);
    const counts = new Map<string, Map<string, number> | null>();
    for (const [item, values] of lost) {
      if ((await items(resource, item)) !== 'clear') {
        counts.set(item, null);
        continue;
      }
      const held = new Map<string, number>();
      for (const v of values) held.set(v, await store.count(collection, withinRows(eq(item, v), scope)));
      counts.set(item, held);
    }
    out.set(code, { withinRows: scope !== null, items: counts });
  }
  return out;
}
