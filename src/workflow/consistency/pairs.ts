// The pairs of resources compared for consistency (SPEC §14, consistency.ts): items of different providers
// carrying the same element, in resources sharing a key element.
import type { Item, Resource } from '../../model/catalogue.ts';

export const SAMPLE_KEYS = 20;

export interface ConsistencyPair {
  element: string;
  /** Resource codes, left < right. */
  left: string;
  right: string;
  leftItem: string;
  rightItem: string;
  keyElement: string;
  leftKey: string;
  rightKey: string;
  compared: number;
  /** Null when `withheld`: the count would tell values the reader may not read. */
  differing: number | null;
  /** Keys (the left resource's join item) of differing records, masked. */
  sampleKeys: string[];
  /** Why `differing` is not given to this reader (null: it is). */
  withheld: string | null;
  /**
   * Join keys (distinct) that match a key of the other resource only when ASCII letter case is ignored (an
   * ID number ending in `x` against one in `X`): not joined, so in neither `compared` nor `differing`.
   */
  caseOnlyKeys: number;
}

export interface Candidate {
  element: string;
  left: Resource;
  right: Resource;
  leftItem: Item;
  rightItem: Item;
  keyElement: string;
  leftKey: Item;
  rightKey: Item;
}

const withElement = (r: Resource, element: string) => r.items.find((i) => i.element === element);

/** The pairs to compare among the published resources, for one element or every element. */
export function consistencyPairs(resources: readonly Resource[], element?: string): Candidate[] {
  // The element asked for in any case: an element is written one way on the platform (a catalogue that
  // writes it in another case is refused, catalogue/checks/items.ts), and `de-0002` answered no pair,
  // which reads as nothing to compare.
  const asked = element?.toLowerCase();
  const sorted = [...resources].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const out: Candidate[] = [];
  for (const [i, left] of sorted.entries()) {
    for (const right of sorted.slice(i + 1)) {
      if (left.provider === right.provider) continue;
      const keyElements = [left, right].flatMap((r) => r.items.find((it) => it.name === r.key)?.element ?? []);
      const keyElement = keyElements.find((e) => withElement(left, e) && withElement(right, e));
      if (!keyElement) continue;
      const elements = [...new Set(left.items.flatMap((it) => (it.element ? [it.element] : [])))]
        .filter((e) => e !== keyElement && (asked === undefined || e.toLowerCase() === asked) && withElement(right, e))
        .sort();
      for (const e of elements) {
        out.push({
          element: e, left, right, leftItem: withElement(left, e)!, rightItem: withElement(right, e)!,
          keyElement, leftKey: withElement(left, keyElement)!, rightKey: withElement(right, keyElement)!,
        });
      }
    }
  }
  return out.sort((a, b) => (a.element < b.element ? -1 : a.element > b.element ? 1 : 0));
}
