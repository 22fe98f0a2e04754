// RECORDS_LACK_ITEM: an item a version requires that the version in effect did not (new, or made
// required) while the resource already holds records. Import refuses a record without a required item,
// but the records imported before were never asked for it: they read null for it (the item's field is
// nullable, SPEC §5), `eq: null` finds them, and an order puts them where nulls go, until the provider
// imports them again. The compiler and the auditor are told how many lack it, counted in the store.
import { withinRows } from '../../access/row-scope.ts';
import { collectionOf, type Catalogue, type Item, type Resource } from '../../model/catalogue.ts';
import { eq, type Store } from '../../store/port.ts';
import type { FigureItem, FigureRows } from './dropped-values.ts';
import type { SubmissionWarning } from './warning.ts';

/** An item `fresh` requires and `old` did not (or did not have), the resource's key aside (no record lacks it). */
function newlyRequired(old: Resource, fresh: Resource): Item[] {
  const before = new Map(old.items.map((i) => [i.name, i]));
  return fresh.items.filter((i) => i.required && i.name !== fresh.key && !before.get(i.name)?.required);
}

/**
 * Whether the reader's count of records lacking `item` is one its reads could make: the item read (masked
 * too) under the version in effect. An item new to the resource is read by none yet, and every stored
 * record lacks it, so its count is the resource's totalCount over the reader's rows: asked as the new
 * version would share the item and, as a totalCount is, as the version in effect shares the key (a
 * version widening the sharing told a department refused the resource today how many records it holds).
 */
async function readsAsCounted(old: Resource, fresh: Resource, item: Item, items: FigureItem): Promise<boolean> {
  if (old.items.some((i) => i.name === item.name)) return !!(await items(old, item.name));
  return !!(await items(old, old.key)) && !!(await items(fresh, item.name));
}

/**
 * The RECORDS_LACK_ITEM warnings of `next` against `current` (the version in effect): per item newly
 * required, the stored records of its resource that lack it (null or absent), when any do. For a resource
 * in `withheld` (another provider's, for a compiler who may not read its records) nothing is counted, and it is
 * warned whether it holds records or not (its warning told whether the provider had stored any): the
 * message says its records may lack it and sends to the provider, as BREAKING_CHANGE does for its readers.
 * The records are counted within the rows `rows` gives (the reader's department's, SPEC §6 row scope): a
 * record outside them, even one without a division, is not the reader's to count. Nor is how many lack an
 * item the reader does not read over those rows (`items`: not shared with it, or a grant it does not
 * hold): that is a figure about the item's values (which records hold none). Read masked, it is counted:
 * a mask hides a value, not that there is none (a masked read shows null as null). An item new to the
 * resource is asked as the version would share it, and the resource as the version in effect shares its key.
 */
export async function unfilledRequired(
  store: Store,
  current: Catalogue | undefined,
  next: Catalogue,
  withheld: ReadonlySet<string> = new Set(),
  rows: FigureRows = () => null,
  items: FigureItem = async () => 'clear',
): Promise<SubmissionWarning[]> {
  if (!current) return [];
  const out: SubmissionWarning[] = [];
  const inEffect = new Map(current.resources.map((r) => [r.code, r]));
  for (const [ri, fresh] of next.resources.entries()) {
    const old = inEffect.get(fresh.code);
    if (!old) continue;
    const required = newlyRequired(old, fresh);
    if (!required.length) continue;
    const path = (item: Item) => `resources[${ri}].items[${fresh.items.indexOf(item)}]`;
    const was = (item: Item) => (old.items.some((i) => i.name === item.name) ? 'made required' : 'a new required item');
    const reimport = `(govgraph data import --resource ${fresh.code} FILE)`;
    if (withheld.has(fresh.code)) {
      // Told before anything is counted, whether the resource holds records or not: warned only when it
      // held some, the warning told a compiler that may not read the resource whether its provider had
      // stored any (test/attack-required-item-withheld-records.test.ts).
      for (const item of required) {
        out.push({
          kind: 'RECORDS_LACK_ITEM', path: path(item), resource: fresh.code, item: item.name, records: null,
          message: `Item ${item.name} of ${fresh.code} is ${was(item)}: records its provider ${fresh.provider} stored before may lack it, and read null for it until imported again ${reimport}; how many is for ${fresh.provider} to tell`,
        });
      }
      continue;
    }
    // Counted in the collection the version in effect reads: the records that are there now.
    const collection = collectionOf(old);
    const scope = rows(old);
    const seen = scope ? ' your department sees' : '';
    const others = scope ? `; how many records outside the rows your department sees lack it is for its provider ${fresh.provider} to tell` : '';
    // An item the reader does not read is told before anything is counted, whether the rows hold records
    // or not: warned only when they held some, the warning told a department whose reads refuse the
    // resource (its totalCount too) whether its provider had stored any there.
    const counted: Item[] = [];
    for (const item of required) {
      if (await readsAsCounted(old, fresh, item, items)) {
        counted.push(item);
        continue;
      }
      out.push({
        kind: 'RECORDS_LACK_ITEM', path: path(item), resource: fresh.code, item: item.name, records: null,
        message: `Item ${item.name} of ${fresh.code} is ${was(item)}: records its provider ${fresh.provider} stored before may lack it, and read null for it until imported again ${reimport}; how many is for ${fresh.provider} to tell (your department does not read ${item.name}${seen ? ' on every record it sees' : ''})`,
      });
    }
    if (!counted.length) continue;
    const stored = await store.count(collection, withinRows(undefined, scope));
    if (!stored) continue;
    for (const item of counted) {
      const lacking = await store.count(collection, withinRows(eq(item.name, null), scope));
      if (!lacking) continue;
      out.push({
        kind: 'RECORDS_LACK_ITEM', path: path(item), resource: fresh.code, item: item.name, records: lacking,
        message: `Item ${item.name} of ${fresh.code} is ${was(item)}, and ${lacking} of its ${stored} stored record${stored === 1 ? '' : 's'}${seen} lack${lacking === 1 ? 's' : ''} it: ${lacking === 1 ? 'it reads' : 'they read'} null for it (a filter eq: null finds ${lacking === 1 ? 'it' : 'them'}) until imported again with it ${reimport}${others}`,
      });
    }
  }
  return out;
}
