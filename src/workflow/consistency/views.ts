// How a reader sees a consistency pair (consistency.ts): the records that count, and the mask of the
// sample keys or none.
import { decide, isMasked } from '../../access/decide.ts';
import { effectiveItems } from '../../access/effective-share.ts';
import { decideFigureRows, type RowScope } from '../../access/row-scope.ts';
import type { DataReader } from '../../access/seen-value.ts';
import { effectiveMask, fewValuesWords, itemMask, maskOf } from '../../formats/masks.ts';
import type { Item, MaskName, Resource } from '../../model/catalogue.ts';
import { hasFewValues } from '../../model/operators.ts';
import type { Candidate } from './pairs.ts';

/**
 * The mask of the sample keys, values of both join items, from each item's mask for the reader (null:
 * not masked): `idcard` for an item not masked, and of the two the one that keeps least (each mask keeps
 * a part of those that keep more, and `full` keeps nothing): a key secret in one resource is not shown by
 * the other's looser mask.
 */
const sampleMask = (...masks: (MaskName | null | undefined)[]): MaskName =>
  masks.map((m) => m ?? 'idcard').reduce((a, b) => (kept(b) < kept(a) ? b : a));
const kept = (name: MaskName) => maskOf(name).keepFirst + maskOf(name).keepLast;

/**
 * The sample keys' mask as the reads mask the key items (itemMask): a boolean or enum key (on either side:
 * the keys joined are equal) under `full` as long as the longest of its values, since one `*` per
 * character told `middle` (******) from `high` (****); any other key keeps its length.
 */
export function keyMask(mask: MaskName, c: Candidate): (key: unknown) => string {
  const words = [c.leftKey, c.rightKey].flatMap((item) => fewValuesWords(item) ?? []);
  const masked = itemMask(mask, words.length ? { type: 'enum', values: words } : { type: 'string' });
  return (key) => masked(String(key));
}

/**
 * How a reader sees a pair: the records of each resource that count (`rows`: its row scope, SPEC §6;
 * null, every record) and the mask of the sample keys (`mask`; null, no key at all).
 */
export interface ConsistencyView {
  rows(r: Resource): RowScope | null;
  mask(c: Candidate): MaskName | null;
  /** Why the count of differing records is not given (null: it is). */
  withheld(c: Candidate): string | null;
}

/** The operator's view: every record, the keys masked by the catalogue's masks of the join items, `idcard` at least. */
export const catalogueView: ConsistencyView = {
  rows: () => null,
  mask: (c) => sampleMask(effectiveMask(c.leftKey), effectiveMask(c.rightKey)),
  withheld: () => null,
};

/**
 * A department's view (see the header): the records its row scope lets it see of each resource, as its
 * lists and counts do, and keys as `decide` answers for it on the four items of the pair.
 */
export function readerView(reader: DataReader): ConsistencyView {
  const decision = (r: Resource, i: Item) => decide({ ...reader, resource: r, item: effectiveItems(r).get(i.name)! });
  const compared = (c: Candidate) => [decision(c.left, c.leftItem), decision(c.right, c.rightItem)] as const;
  return {
    rows: (r) => decideFigureRows({ ...reader, resource: r }),
    mask: (c) => {
      const [leftKey, rightKey] = [decision(c.left, c.leftKey), decision(c.right, c.rightKey)];
      const items = compared(c);
      if (!leftKey.allowed || !rightKey.allowed || !items.every((d) => d.allowed)) return null;
      // A boolean or enum read masked on either side: a sample key says its record's two values differ,
      // so with the other side read in clear (or known), each key tells the hidden value, as a filter on
      // such an item would (it takes none: docs/access-rules.md). The counts stay, the keys go.
      const hidesFewValues = ([c.leftItem, c.rightItem] as const).some((item, i) => items[i].mask && hasFewValues(item));
      return hidesFewValues ? null : sampleMask(leftKey.mask, rightKey.mask);
    },
    withheld: (c) => {
      // An item read in clear on one side and not on the other (masked, or not shared): the count of
      // differing records tells the hidden values. `differing: 0` says every hidden value is the one read
      // in clear beside it, a key in the sample that one is not (and, fewer than SAMPLE_KEYS differing,
      // every key left out that it is), past the masked-probe quota an `eq` would count against (SPEC
      // §13). Read alike on both sides (in clear, or hidden on both), a count tells no value.
      const [left, right] = compared(c);
      const clear = (d: typeof left) => d.allowed && !isMasked(d);
      if (clear(left) === clear(right)) return null;
      const [resource, item] = clear(left) ? [c.right, c.rightItem] : [c.left, c.leftItem];
      return `${resource.code}.${item.name} is ${decision(resource, item).allowed ? 'masked' : 'not shared'} for your department, and ${c.left === resource ? c.right.code : c.left.code}'s is not: the count of differing records would tell its values; a grant reading it in clear lifts this`;
    },
  };
}
