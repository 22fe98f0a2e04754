// BREAKS_GRANT: an active grant names an item the version would no longer let its holder read, or rows
// its row scope would no longer read as the grant was given.
import { decide } from '../../access/decide.ts';
import { effectiveItems, type EffectiveItem } from '../../access/effective-share.ts';
import type { Grant } from '../../access/grant-model.ts';
import type { Catalogue, Resource } from '../../model/catalogue.ts';
import { departmentByCode, type Platform } from '../../model/platform.ts';
import type { SubmissionWarning } from './warning.ts';

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
    // A grant's rows are division codes matched against the resource's row-scope item (SPEC §6): without
    // row scope they narrow nothing, and the holder would read every record; on another item they match
    // that item's values instead.
    const rowsBefore = old.share.scope?.rows?.item;
    const rowsAfter = fresh.share.scope?.rows?.item;
    if (g.rows && rowsBefore !== undefined && rowsAfter !== rowsBefore) {
      add(`${g.resource}.rows`, { path: `resources[${ri}].share.scope.rows`, resource: g.resource, item: null,
        message: rowsAfter === undefined
          ? `Resource ${g.resource} (${old.name}) no longer has row scope, but active grants narrow it with rows; their holders would read every record it holds, not only those of the divisions their grants name.`
          : `Resource ${g.resource} (${old.name}) would narrow its rows by ${rowsAfter} instead of ${rowsBefore}; the division codes of active grants' rows would then be matched against ${rowsAfter}.` }, g.id);
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
