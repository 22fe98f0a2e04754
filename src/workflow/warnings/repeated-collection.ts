// REPEATED_COLLECTION (Art. 11.3): an item whose data element another department's published resource
// already provides, and provided first.
import { codeKey } from '../../catalogue/codes.ts';
import { catalogueIdKey, type Catalogue, type Resource } from '../../model/catalogue.ts';
import type { SubmissionWarning } from './warning.ts';

/**
 * Since when (ms) a published resource has provided a data element: the start of the unbroken run of
 * publications of the first of its items carrying it (src/access/item-since.ts, itemsSince); undefined
 * when not known, which counts as "from the start" for another provider and as "not yet" for the
 * submitter (the warning is given, as before times were known).
 */
export type ProvidedSince = (resource: Resource, element: string) => number | undefined;

/**
 * Items of `catalogue` whose element a published resource of another provider already holds (Art. 11.3,
 * no repeated collection): each names the other provider's resource to request it from instead, the one
 * that has provided the element longest. The warning is about collecting it again, so an item gets it when
 * its resource newly carries the element (the resource as in effect does not), or when the other provider
 * provided it first; the original source, whose resource carried the element before any other provider's,
 * is not told to get it from a later copy (it was, on every version after the copy was published).
 */
export function repeatedCollection(catalogue: Catalogue, published: readonly Catalogue[], providedSince: ProvidedSince = () => undefined): SubmissionWarning[] {
  // Per element, its earliest holder and the earliest one of another provider than that: the earliest
  // holder of a provider other than any given one is one of the two (a list per element searched per item
  // was quadratic when many resources hold one element: issue 9, linear checks). Ties: the first listed.
  type Holder = { resource: Resource; item: string; since: number };
  const holders = new Map<string, { first: Holder; other?: Holder }>();
  const inEffect = new Map<string, Resource>(); // code key → the resource as published, this catalogue's included
  for (const c of published) {
    const replaced = catalogueIdKey(c.id) === catalogueIdKey(catalogue.id); // the version being replaced (its id in any case)
    for (const r of c.resources) {
      inEffect.set(codeKey(r.code), r);
      if (replaced) continue;
      for (const i of r.items) {
        if (!i.element) continue;
        const holder = { resource: r, item: i.name, since: providedSince(r, i.element) ?? -Infinity };
        const h = holders.get(i.element);
        if (!h) holders.set(i.element, { first: holder });
        else if (holder.since < h.first.since) {
          const other = h.first.resource.provider !== r.provider ? h.first : h.other;
          h.first = holder;
          h.other = other;
        } else if (r.provider !== h.first.resource.provider && (!h.other || holder.since < h.other.since)) h.other = holder;
      }
    }
  }
  const out: SubmissionWarning[] = [];
  catalogue.resources.forEach((r, ri) => {
    const before = inEffect.get(codeKey(r.code));
    const carried = new Set(before?.provider === r.provider ? before.items.map((i) => i.element) : []);
    r.items.forEach((item, ii) => {
      if (!item.element) return;
      const h = holders.get(item.element);
      const other = h && (h.first.resource.provider !== r.provider ? h.first : h.other);
      if (!other) return;
      // Carried already by the resource in effect, since before the other provider's: the original source.
      const own = carried.has(item.element) ? providedSince(before!, item.element) : undefined;
      if (own !== undefined && own < other.since) return;
      out.push({
        kind: 'REPEATED_COLLECTION',
        path: `resources[${ri}].items[${ii}]`,
        message: `Item ${item.name} of ${r.code} collects data element ${item.element}, which ${other.resource.provider} already provides as ${other.item} of ${other.resource.code} (${other.resource.name}); request it from there instead of collecting it again.`,
        element: item.element,
        useInstead: { resource: other.resource.code, resourceName: other.resource.name, provider: other.resource.provider, item: other.item },
      });
    });
  });
  return out;
}
