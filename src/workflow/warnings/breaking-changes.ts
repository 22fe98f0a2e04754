// BREAKING_CHANGE (SPEC §14): what a version removes, renames, retypes or shares more tightly than the
// version in effect, with the departments whose audited reads used it.
import { effectiveItems } from '../../access/effective-share.ts';
import { ANY_ITEM } from '../../audit/usage.ts';
import { tightenings } from '../../catalogue/widening.ts';
import { itemOutputKind } from '../../generate/sdl.ts';
import type { Catalogue, Item } from '../../model/catalogue.ts';
import type { DroppedValueRecords } from './dropped-values.ts';
import { byResource, destinations, movedRef, type Destination } from './moves.ts';
import type { SubmissionWarning } from './warning.ts';

/** What an item's field returns in the schema, in words: String for personal and secret items. */
function fieldType(item: Item): string {
  const type = itemOutputKind(item);
  return type === 'enum' ? 'its enum' : type;
}

/** How far back the audit log is read for the departments a breaking change concerns. */
export const READERS_DAYS = 90;

/**
 * What a new version removes, renames (an item of the same `element` under another name; a resource
 * under another GraphQL type), retypes or shares more tightly than the version in effect (SPEC §14), each
 * with the departments whose audited reads of the last READERS_DAYS days used it (`readers`: resource →
 * item → departments). For a resource in `withheld` (another provider's, for a reader who may not know
 * who reads it: see submissionWarnings in catalogues/submission-warnings.ts), the departments are left out and the message sends to its provider.
 * An enum item that loses values says how many stored records hold each (`held`, counted in the store:
 * dropped-values.ts); for a resource in `withheld`, or an item the reader does not read in clear, that
 * count too is its provider's to tell. `current` may
 * be a part of the version in effect, `inEffect` the whole of it.
 */
export function breakingChanges(
  current: Catalogue | undefined,
  next: Catalogue,
  readers: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>,
  withheld: ReadonlySet<string> = new Set(),
  held: DroppedValueRecords = new Map(),
  inEffect: Catalogue | undefined = current,
): SubmissionWarning[] {
  if (!current) return [];
  const out: SubmissionWarning[] = [];
  const usedBy = (code: string, items: readonly string[]) =>
    [...new Set(items.flatMap((i) => [...(readers.get(code)?.get(i) ?? [])]))].sort();
  const providers = new Map(current.resources.map((r) => [r.code, r.provider]));
  const warn = (w: Omit<Extract<SubmissionWarning, { kind: 'BREAKING_CHANGE' }>, 'kind' | 'usedBy' | 'message' | 'records' | 'movedTo'> & { records?: number | null; movedTo?: Destination[] }, message: string, used: string[]) =>
    out.push(withheld.has(w.resource)
      ? { kind: 'BREAKING_CHANGE', ...w, movedTo: w.movedTo?.map(movedRef), usedBy: [],
          message: `${message}; which departments read it is for its provider ${providers.get(w.resource)} to tell (its usage figures)` }
      : { kind: 'BREAKING_CHANGE', ...w, movedTo: w.movedTo?.map(movedRef), usedBy: used, message: used.length ? `${message}; read in the last ${READERS_DAYS} days by ${used.join(', ')}` : message });
  // The values an enum item loses, with the stored records holding each (none counted: the provider's to tell).
  const lostValuesHeld = (code: string, item: string, values: string[]) => {
    const resourceCounts = held.get(code);
    const counts = resourceCounts?.items.get(item);
    const plural = values.length === 1 ? '' : 's';
    const them = values.length === 1 ? 'it' : 'them';
    // Not counted for the reader: another provider's resource it may not know (withheld), or an item it
    // does not read in clear (null: a count by value would tell what it may not read).
    if (withheld.has(code) || !counts) {
      const told = withheld.has(code) || counts === null;
      return { records: null, what: `loses the value${plural} ${values.join(', ')}${told ? `; how many stored records hold ${them} is for its provider ${providers.get(code)} to tell` : ''}` };
    }
    // Those records keep the value once the version is published, until the provider imports them again.
    const records = values.reduce((n, v) => n + (counts.get(v) ?? 0), 0);
    const seen = resourceCounts!.withinRows;
    const each = values.map((v) => `${v} (${recordsHolding(counts.get(v) ?? 0, seen)})`).join(', ');
    // Counted within the reader's rows (SPEC §6 row scope): the records outside them are the provider's to count.
    return { records, what: `loses the value${plural} ${each}${seen ? `; how many records outside the rows your department sees hold ${them} is for its provider ${providers.get(code)} to tell` : ''}` };
  };
  // Where an item taken from its resource went (moves.ts): a move or a split, told only when certain.
  // Against the whole version in effect (`inEffect`), not the part of it compared in this turn
  // (submission-warnings.ts compares 50 resources at a time): a resource of another part that carried the
  // element already is no destination.
  const destinationOf = destinations(inEffect ?? current, next);
  const carriedOver = ' (records and grants do not carry over: its consumers read it there once the provider imports it there, under grants of that resource)';
  // By code, not by a search per resource: a catalogue at the bounds has 500 (issue 9: linear checks).
  const indexOf = new Map(next.resources.map((r, i) => [r.code, i]));
  for (const old of current.resources) {
    const ri = indexOf.get(old.code) ?? -1;
    const fresh = next.resources[ri];
    // A resource removed or renamed breaks every query of it, a count of its records included.
    const allItems = [ANY_ITEM, ...old.items.map((i) => i.name)];
    if (!fresh) {
      // Its GraphQL names taken by a resource new to the catalogue (its code changed): the consumers'
      // queries still run, against another code's collection, grants and history, and find none of its
      // records (they stay under the old code) until the provider imports them under the new one.
      const heir = next.resources.find((r) => r.graphql.type === old.graphql.type && !current.resources.some((c) => c.code === r.code));
      const successor = heir
        ? `: ${heir.code}, new in this version, takes its GraphQL names (${heir.graphql.type}), so queries of it still run but read ${heir.code}'s records, none of ${old.code}'s, and its grants do not carry over`
        : '';
      const moved = old.items.map((i) => destinationOf(old, i)).filter((d) => d !== undefined);
      const left = old.items.filter((i) => i.name !== old.key && !destinationOf(old, i)).map((i) => i.name);
      const parts = new Set(moved.map((d) => d.resource.code)).size;
      const split = !moved.length ? ''
        : `; ${parts > 1 ? 'split into' : 'its items moved to'} ${byResource(moved)}${left.length ? `, ${left.join(', ')} carried by none` : ''}, each a resource of the same provider with the same key element${carriedOver}`;
      warn({ path: 'resources', change: 'removed', resource: old.code, item: null, renamedTo: null, ...(moved.length ? { movedTo: moved } : {}) },
        `Resource ${old.code} (${old.name}) is removed${successor}${split}`, usedBy(old.code, allItems));
      continue;
    }
    if (fresh.graphql.type !== old.graphql.type || fresh.graphql.list !== old.graphql.list || fresh.graphql.byKey !== old.graphql.byKey) {
      warn({ path: `resources[${ri}].graphql`, change: 'renamed', resource: old.code, item: null, renamedTo: fresh.graphql.type },
        `Resource ${old.code} is renamed in GraphQL: ${old.graphql.type} (${old.graphql.list}, ${old.graphql.byKey}) becomes ${fresh.graphql.type} (${fresh.graphql.list}, ${fresh.graphql.byKey})`,
        usedBy(old.code, allItems));
    }
    const before = effectiveItems(old);
    const after = effectiveItems(fresh);
    // Row scope narrows every item's records (SPEC §6): added, or put on another item, it is a narrower
    // scope (its removal is a widening, widening.ts).
    const rowsBefore = old.share.scope?.rows?.item;
    const rowsAfter = fresh.share.scope?.rows?.item;
    const rowsTighter = rowsAfter === undefined || rowsAfter === rowsBefore ? null
      : rowsBefore === undefined ? `rows limited to the reader's region by ${rowsAfter}` : `rows limited by ${rowsAfter} instead of ${rowsBefore}`;
    for (const item of old.items) {
      const used = usedBy(old.code, [item.name]);
      const is = after.get(item.name);
      const at = (name: string) => `resources[${ri}].items[${fresh.items.findIndex((i) => i.name === name)}]`;
      if (!is) {
        const heir = item.element ? fresh.items.find((i) => i.element === item.element && !before.has(i.name)) : undefined;
        if (heir) {
          warn({ path: at(heir.name), change: 'renamed', resource: old.code, item: item.name, renamedTo: heir.name },
            `Item ${item.name} of ${old.code} is renamed ${heir.name} (element ${item.element})`, used);
        } else {
          const moved = destinationOf(old, item);
          const where = moved
            ? `: moved to ${moved.resource.code}.${moved.item.name} (element ${item.element}), a resource of the same provider with the same key element${carriedOver}`
            : '';
          warn({ path: `resources[${ri}].items`, change: 'removed', resource: old.code, item: item.name, renamedTo: null, ...(moved ? { movedTo: [moved] } : {}) },
            `Item ${item.name} of ${old.code} is removed${where}`, used);
        }
        continue;
      }
      const lostValues = (item.values ?? []).filter((v) => !(is.item.values ?? []).includes(v));
      if (is.item.type !== item.type || (item.type === 'enum' && lostValues.length)) {
        const lost = is.item.type === item.type ? lostValuesHeld(old.code, item.name, lostValues) : null;
        const what = lost ? lost.what : `${item.type} becomes ${is.item.type}`;
        warn({ path: at(item.name), change: 'retyped', resource: old.code, item: item.name, renamedTo: null, ...(lost ? { records: lost.records } : {}) },
          `Item ${item.name} of ${old.code} is retyped: ${what}`, used);
      } else if (fieldType(item) !== fieldType(is.item)) {
        // Same type, another field type: a personal or secret item is a String whatever its type (SPEC §4),
        // so a sensitivity added to or taken from a number, decimal, date, boolean or enum item changes what
        // the field returns (3200 becomes "3200") and what typed clients and persisted queries were made for.
        warn({ path: at(item.name), change: 'retyped', resource: old.code, item: item.name, renamedTo: null },
          `Item ${item.name} of ${old.code} is retyped in the schema: its field returns ${fieldType(is.item)} instead of ${fieldType(item)} (${is.item.sensitivity ? `now ${is.item.sensitivity}, and such an item is a String so that its mask fits` : `no longer ${item.sensitivity}, so it is read in its own type`})`, used);
      }
      const was = before.get(item.name)!;
      // An item shared with nobody (`none`) is read by its provider alone, whom no share binds (SPEC §6,
      // row 0): fewer methods, a narrower scope, row scope or a mask take nothing away from anyone.
      if (was.share.type === 'none') continue;
      const tighter = tightenings(was.share, is.share);
      if (!was.sensitivity && is.sensitivity) tighter.push(`now ${is.sensitivity}, masked`);
      // Any other mask is a widening (widening.ts); `full` after a mask that showed part of the value is this.
      else if (was.mask !== null && was.mask !== 'full' && is.mask === 'full') tighter.push(`masked "full" instead of "${was.mask}"`);
      if (rowsTighter) tighter.push(rowsTighter);
      if (tighter.length) {
        warn({ path: at(item.name), change: 'tightened', resource: old.code, item: item.name, renamedTo: null },
          `Item ${item.name} of ${old.code} is shared more tightly: ${tighter.join('; ')}`, used);
      }
    }
  }
  return out;
}

const recordsHolding = (n: number, withinRows = false) => {
  const seen = withinRows ? ' your department sees' : '';
  return n === 0 ? `no stored record${seen} holds it` : `${n} stored record${n === 1 ? `${seen} holds` : `s${seen} hold`} it`;
};
