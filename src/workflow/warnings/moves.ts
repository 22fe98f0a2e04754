// Where an item that a version takes from a resource went (BREAKING_CHANGE, removed): an item moved to
// another resource, or a resource split into several. It is still a removal for the consumers of the old
// resource (their queries, its grants and its records stay with the old code), but the compiler and the
// auditor are told where the data is now offered, so that the departments that read it can be sent there.
//
// A move is claimed only when it can be nothing else: the destination is a resource of the catalogue's
// new version, of the same provider, whose key item carries the same data `element` as the old resource's
// key item (the same records, such as persons by ID number), holding an item of the removed item's
// element that it did not carry in the version in effect, and it is the only such item, and the only item
// leaving that could have gone there. An item without an element, a key without one, another provider,
// two candidates, or two items leaving for one: no move is told, only the removal.
import type { Catalogue, Item, Resource } from '../../model/catalogue.ts';

export interface Destination {
  resource: Resource;
  item: Item;
}

const keyElement = (r: Resource) => r.items.find((i) => i.name === r.key)?.element;

/**
 * The destination of each item that leaves its resource between `current` (the version in effect) and
 * `next`: `destinationOf(old, item)` answers for an item of `old` (a resource of `current`) that `next`
 * no longer has in `old` (the caller tells a rename within the resource first). The key item is carried by
 * every part of a split and is never told as moved.
 */
export function destinations(current: Catalogue, next: Catalogue): (old: Resource, item: Item) => Destination | undefined {
  const elements = (r: Resource) => new Set(r.items.map((i) => i.element).filter((e) => e !== undefined));
  const before = new Map(current.resources.map((r) => [r.code, elements(r)]));
  const after = new Map(next.resources.map((r) => [r.code, elements(r)]));
  // The items of `next` by element (not keys): a catalogue at the bounds has 500 resources (issue 9).
  const carrying = new Map<string, Destination[]>();
  for (const r of next.resources) {
    for (const i of r.items) {
      if (i.element === undefined || i.name === r.key) continue;
      if (!carrying.has(i.element)) carrying.set(i.element, []);
      carrying.get(i.element)!.push({ resource: r, item: i });
    }
  }
  const candidates = (old: Resource, item: Item): Destination[] => {
    const key = keyElement(old);
    if (item.element === undefined || key === undefined || item.name === old.key) return [];
    if (after.get(old.code)?.has(item.element)) return []; // the resource still carries the element
    return (carrying.get(item.element) ?? []).filter(({ resource: r }) =>
      r.code !== old.code && r.provider === old.provider && keyElement(r) === key
      && !before.get(r.code)?.has(item.element!)); // one that carried the element already: no move to it
  };
  // How many items leaving their resources could each destination have taken: two items of one element
  // left (a spare account beside the account) and one took it, and which one went there is not certain.
  const claims = new Map<Item, number>();
  for (const old of current.resources) {
    for (const item of old.items) for (const d of candidates(old, item)) claims.set(d.item, (claims.get(d.item) ?? 0) + 1);
  }
  return (old, item) => {
    const found = candidates(old, item);
    return found.length === 1 && claims.get(found[0].item) === 1 ? found[0] : undefined;
  };
}

/** A destination as the warning's `movedTo` names it (the shape of REPEATED_COLLECTION's useInstead). */
export const movedRef = (d: Destination) => ({ resource: d.resource.code, resourceName: d.resource.name, provider: d.resource.provider, item: d.item.name });

/** "T (a, b)" per destination resource, in the order of the items. */
export function byResource(moved: readonly Destination[]): string {
  const groups = new Map<string, string[]>();
  for (const d of moved) groups.set(d.resource.code, [...(groups.get(d.resource.code) ?? []), d.item.name]);
  return [...groups].map(([code, items]) => `${code} (${items.join(', ')})`).join(', ');
}
