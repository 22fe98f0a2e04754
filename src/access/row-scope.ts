// Row scope (SPEC §6): a resource whose scope has `rows: { item: I }` shows a department other than its
// provider only the records whose item I (a division code) lies within the department's region, and a
// grant's `rows` (division codes) may narrow that further, never widen it. Pure: the decision is a list
// of prefixes; `rowFilter` turns it into the one store filter that lists, counts, cursors, lookups and
// links all add to their queries, so that every way of reading sees the same rows.
import type { Resource } from '../model/catalogue.ts';
import type { Department, Level } from '../model/platform.ts';
import type { Filter } from '../store/port.ts';
import { grantCovers, type Grant } from './grant-model.ts';

/** A division code with its trailing `00` pairs removed: 430000 → 43, 430100 → 4301, 430102 → 430102. */
export function regionPrefix(code: string): string {
  let p = code;
  while (p.length >= 2 && p.endsWith('00')) p = p.slice(0, -2);
  return p;
}

/** The level of a division code by its prefix: 52 a province, 5201 a city, 520102 a county; undefined for 000000. */
export function levelOfRegion(code: string): Level | undefined {
  return LEVEL_OF_PREFIX[regionPrefix(code).length];
}
const LEVEL_OF_PREFIX: Record<number, Level> = { 2: 'province', 4: 'city', 6: 'county' };

/** Whether division code `value` lies within `region` (the prefix rule). */
export function withinRegion(value: string, region: string): boolean {
  return value.startsWith(regionPrefix(region));
}

/** The rows a requester sees: those whose `item` starts with one of `prefixes` (none: no row at all). */
export interface RowScope {
  item: string;
  prefixes: string[];
}

export interface RowScopeQuery {
  requester: Department;
  purpose: string | null;
  resource: Resource;
  grants: readonly Grant[];
  now: Date;
}

/** Prefixes of the grant codes within the region prefix `region`, clipped to it; duplicates and nested ones dropped. */
function clip(region: string, codes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const code of codes) {
    const p = regionPrefix(code);
    if (p.startsWith(region)) out.add(p);
    else if (region.startsWith(p)) out.add(region);
  }
  return [...out].filter((p, _i, all) => !all.some((q) => q !== p && p.startsWith(q))).sort();
}

/** The row scope of the request on the resource; null when it sees every row (no row scope, or its provider). */
export function decideRows(q: RowScopeQuery): RowScope | null {
  const rows = q.resource.share.scope?.rows;
  if (!rows || q.requester.code === q.resource.provider) return null;
  const region = regionPrefix(q.requester.region);
  const covering = q.purpose === null ? [] : q.grants.filter((g) => grantCovers(g, {
    requester: q.requester.code, resource: q.resource.code, item: null, purpose: q.purpose as string, now: q.now,
  }));
  // A grant without rows does not narrow; when every covering grant has rows, their codes (within the
  // region) are what the requester sees.
  const narrowing = covering.length > 0 && covering.every((g) => g.rows != null);
  const prefixes = narrowing ? clip(region, covering.flatMap((g) => g.rows ?? [])) : [region];
  return { item: rows.item, prefixes };
}

/** The store filter for a row scope: matches nothing when no prefix is left. */
export function rowFilter(scope: RowScope): Filter {
  const parts: Filter[] = scope.prefixes.map((value) => ({ kind: 'startsWith', field: scope.item, value }));
  return parts.length === 1 ? parts[0] : { kind: 'or', filters: parts };
}

/** `filter` restricted to the row scope (unchanged when there is none). */
export function withinRows(filter: Filter | undefined, scope: RowScope | null): Filter | undefined {
  if (!scope) return filter;
  return filter ? { kind: 'and', filters: [filter, rowFilter(scope)] } : rowFilter(scope);
}
