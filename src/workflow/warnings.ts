// Warnings on a submitted catalogue (SPEC §9): they do not refuse it, they tell the compiler and the
// auditor what the version would do.
// - REPEATED_COLLECTION (Art. 11.3): an item whose data `element` another department's published
//   resource already provides; the resource and item to use instead are named.
// - BREAKS_GRANT: an active grant names an item that the version would no longer let its holder read
//   (the item or resource is gone, or the access decision for the grant's purposes would now deny it).
//   The decision is the access table's own (`decide`), not a restatement of it.
import { decide } from '../access/decide.ts';
import { effectiveItems, type EffectiveItem } from '../access/effective-share.ts';
import type { Grant } from '../access/grant-model.ts';
import type { Catalogue, Resource } from '../model/catalogue.ts';
import { departmentByCode, type Platform } from '../model/platform.ts';

export type SubmissionWarning =
  | {
      kind: 'REPEATED_COLLECTION';
      path: string;
      message: string;
      element: string;
      useInstead: { resource: string; resourceName: string; provider: string; item: string };
    }
  | {
      kind: 'BREAKS_GRANT';
      path: string;
      message: string;
      resource: string;
      item: string | null;
      grants: string[]; // grant ids
    };

/** Items of `catalogue` whose element a published resource of another provider already holds. */
export function repeatedCollection(catalogue: Catalogue, published: readonly Catalogue[]): SubmissionWarning[] {
  const holders = new Map<string, { resource: Resource; item: string }[]>();
  for (const c of published) {
    if (c.id === catalogue.id) continue; // the version being replaced
    for (const r of c.resources) {
      for (const i of r.items) {
        if (i.element) holders.set(i.element, [...(holders.get(i.element) ?? []), { resource: r, item: i.name }]);
      }
    }
  }
  const out: SubmissionWarning[] = [];
  catalogue.resources.forEach((r, ri) =>
    r.items.forEach((item, ii) => {
      if (!item.element) return;
      const other = (holders.get(item.element) ?? []).find((h) => h.resource.provider !== r.provider);
      if (!other) return;
      out.push({
        kind: 'REPEATED_COLLECTION',
        path: `resources[${ri}].items[${ii}]`,
        message: `Item ${item.name} of ${r.code} collects data element ${item.element}, which ${other.resource.provider} already provides as ${other.item} of ${other.resource.code} (${other.resource.name}); request it from there instead of collecting it again.`,
        element: item.element,
        useInstead: { resource: other.resource.code, resourceName: other.resource.name, provider: other.resource.provider, item: other.item },
      });
    }),
  );
  return out;
}

/**
 * Active grants on resources of the catalogue in effect (`current`) that the new version would break.
 * A grant item breaks when the grant's holder may read it today for one of the grant's purposes and
 * could no longer under the new version.
 */
export function brokenGrants(
  platform: Platform,
  current: Catalogue | undefined,
  next: Catalogue,
  grants: readonly Grant[],
  now: Date,
): SubmissionWarning[] {
  if (!current) return [];
  const before = new Map(current.resources.map((r) => [r.code, r]));
  const after = new Map(next.resources.map((r) => [r.code, r]));
  const breaks = new Map<string, { path: string; message: string; resource: string; item: string | null; grants: Set<string> }>();
  const add = (key: string, w: { path: string; message: string; resource: string; item: string | null }, grant: string) => {
    let b = breaks.get(key);
    if (!b) breaks.set(key, (b = { ...w, grants: new Set() }));
    b.grants.add(grant);
  };
  for (const g of grants) {
    const old = before.get(g.resource);
    const requester = departmentByCode(platform, g.requester);
    if (!old || !requester) continue;
    const ri = next.resources.findIndex((r) => r.code === g.resource);
    const fresh = after.get(g.resource);
    if (!fresh) {
      add(g.resource, { path: 'resources', resource: g.resource, item: null,
        message: `Resource ${g.resource} (${old.name}) is no longer in the catalogue; active grants to it stop working.` }, g.id);
      continue;
    }
    const oldItems = effectiveItems(old);
    const newItems = effectiveItems(fresh);
    for (const name of g.items) {
      const was = oldItems.get(name);
      if (!was) continue;
      const allowed = (r: Resource, item: EffectiveItem, purpose: string) =>
        decide({ requester, purpose, resource: r, item, grants: [g], now });
      const readBefore = g.purposes.filter((p) => allowed(old, was, p).allowed);
      if (!readBefore.length) continue;
      const is = newItems.get(name);
      if (!is) {
        add(`${g.resource}.${name}`, { path: `resources[${ri}]`, resource: g.resource, item: name,
          message: `Item ${name} of ${g.resource} is removed, but active grants name it; their holders lose it.` }, g.id);
        continue;
      }
      for (const purpose of readBefore) {
        const d = allowed(fresh, is, purpose);
        if (d.allowed) continue;
        add(`${g.resource}.${name}`, { path: `resources[${ri}].items[${fresh.items.findIndex((i) => i.name === name)}]`, resource: g.resource, item: name,
          message: `Item ${name} of ${g.resource} would no longer be readable under active grants (${d.code}: ${d.message})` }, g.id);
      }
    }
  }
  return [...breaks.values()].map((b) => ({ kind: 'BREAKS_GRANT', path: b.path, message: b.message, resource: b.resource, item: b.item, grants: [...b.grants] }));
}
