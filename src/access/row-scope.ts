// Row scope (SPEC §6): a resource whose scope has `rows: { item: I }` shows a department other than its
// provider only the records whose item I (a division code) lies within the department's region, and a
// grant's `rows` (division codes) may narrow that further, never widen it. Pure: the decision is a list
// of prefixes; `rowFilter` turns it into the one store filter that lists, counts, cursors, lookups and
// links all add to their queries, so that every way of reading sees the same rows.
//
// Several grants of the department for the purpose: each reaches its rows within the region, or the whole
// region when it has none (the resource's own row scope), and the department sees what any of them
// reaches. An item's decision (decide.ts, rows 6 and 7) then asks whether the grants listing the item, or
// unmasking it, reach every one of those records (`grantsReachRows`): a decision holds for every row, so
// an item is read on all the records seen or on none.
import type { Resource } from '../model/catalogue.ts';
import type { Department, Level } from '../model/platform.ts';
import type { Filter } from '../store/port.ts';
import { grantCovers, grantsHeld, type Grant } from './grant-model.ts';
import { grantsInForce } from './item-since/in-force.ts';

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

/** What grants reach within the requester's region (prefixes): each grant's rows, or the whole region for a grant without rows. */
export function grantsReach(requester: Department, grants: readonly Grant[]): string[] {
  return clip(regionPrefix(requester.region), grants.flatMap((g) => g.rows ?? [requester.region]));
}

/**
 * The grants that still give something of the resource: those naming an item it publishes (grants of other
 * resources are kept). A grant naming only items a later version dropped (grantsInForce keeps it named,
 * so that the views tell what it lost) gives nothing, so it reaches no rows either: counted, its rows (the
 * whole region, without `rows`) widened what its holder sees past what its live grants reach, and every
 * item they give was refused. The same list when nothing is left out.
 */
export function grantsGiving<G extends Grant>(resource: Resource, grants: readonly G[]): readonly G[] {
  const known = giving.get(grants)?.get(resource);
  if (known) return known as readonly G[];
  const published = new Set(resource.items.map((i) => i.name));
  const kept = grants.filter((g) => g.resource !== resource.code || g.items.some((name) => published.has(name)));
  const answer = kept.length === grants.length ? grants : kept;
  // Once per list and resource, as grantsInForce answers: a new list each time would defeat its cache, keyed by the list.
  let byResource = giving.get(grants);
  if (!byResource) giving.set(grants, (byResource = new WeakMap()));
  byResource.set(resource, answer);
  return answer;
}
const giving = new WeakMap<readonly Grant[], WeakMap<Resource, readonly Grant[]>>();

const grantsOf = (q: RowScopeQuery) => grantsInForce(q.resource, grantsGiving(q.resource, grantsHeld(q.requester, q.grants)));

/** The row scope of the request on the resource; null when it sees every row (no row scope, or its provider). */
export function decideRows(q: RowScopeQuery): RowScope | null {
  const rows = q.resource.share.scope?.rows;
  if (!rows || q.requester.code === q.resource.provider) return null;
  const grants = grantsOf(q);
  // An unconditional resource is read without grants: its rows are the region, even when grants exist for
  // its conditional items (a grant opens an item; it never narrows what the resource shows without one).
  const covering = q.purpose === null || q.resource.share.type === 'unconditional' ? [] : grants.filter((g) => grantCovers(g, {
    requester: q.requester.code, resource: q.resource.code, item: null, purpose: q.purpose as string, now: q.now,
  }));
  // No grant (an unconditional resource, or a request the table refuses): the region. Otherwise what any
  // covering grant reaches: a grant without rows does not narrow, so the union never passes the region.
  return { item: rows.item, prefixes: covering.length ? grantsReach(q.requester, covering) : [regionPrefix(q.requester.region)] };
}

/**
 * The rows a department's figures about a resource count when they are given whatever it may read (the
 * consistency report's counts, SPEC §14): with a purpose its grants cover, the rows it reads
 * (decideRows); with none (no purpose, or a purpose no grant covers), the rows all its active grants for
 * the resource reach, whatever their purpose, since a grant's rows are the provider's word on where the
 * department may look; its region when it holds none. So leaving the purpose out never counts records
 * that a read with the purpose would not show: a department granted one county sees that county's
 * figures with or without a purpose, and a department with no grant its region's, as it would read an
 * unconditional resource.
 */
export function decideFigureRows(q: RowScopeQuery): RowScope | null {
  const read = decideRows(q);
  if (!read || q.resource.share.type === 'unconditional') return read;
  const covers = (g: Grant, purpose: string) =>
    grantCovers(g, { requester: q.requester.code, resource: q.resource.code, item: null, purpose, now: q.now });
  const grants = grantsOf(q);
  if (q.purpose !== null && grants.some((g) => covers(g, q.purpose as string))) return read;
  const held = grants.filter((g) => g.purposes.some((p) => covers(g, p)));
  return held.length ? { item: read.item, prefixes: grantsReach(q.requester, held) } : read;
}

/**
 * Whether `grants` (some of the requester's grants for the resource and purpose) reach every record the
 * requester sees of it (`scope`, from decideRows; null: no row scope, every grant reaches every record).
 */
export function grantsReachRows(requester: Department, grants: readonly Grant[], scope: RowScope | null): boolean {
  if (!scope) return true;
  const reached = grantsReach(requester, grants);
  return scope.prefixes.every((seen) => reached.some((p) => seen.startsWith(p)));
}

/** A region prefix as a division code, for messages: 4301 → 430100. */
export const divisionOf = (prefix: string): string => prefix.padEnd(6, '0');

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
