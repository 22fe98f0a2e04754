// A grant (SPEC §9): a provider's permission for one department to read some items of one conditional
// resource for some purposes, possibly until a date. Pure data and pure checks; storage is in grants.ts.
import { platformDate } from '../calendar/working-days.ts';

export interface Grant {
  id: string;
  requester: string; // department code
  resource: string; // resource code
  items: string[];
  purposes: string[];
  unmasked: string[]; // items read unmasked (a subset of `items`)
  /** Division codes narrowing the resource's row scope (SPEC §6); null or absent = no narrowing. */
  rows?: string[] | null;
  from: string; // ISO datetime: in force from then on
  until: string | null; // ISO date, inclusive: the whole platform day (Asia/Shanghai); null = no end
  revokedAt: string | null;
  revokedBy: string | null;
  createdAt: string;
  createdBy: string;
  requestId: string | null; // the sharing request it decided, when made by the workflow
  /**
   * The catalogue version the grant was decided on: the catalogue carrying its resource (its id as
   * stored) and that version's number (src/access/item-since.ts). Null or absent for a grant stored before
   * grants recorded it, or decided on catalogues not read from the store.
   */
  decidedOnCatalogue?: string | null;
  decidedOnVersion?: number | null;
  /**
   * The provider of its resource: a code's provider is the one it was first published with, for good
   * (src/catalogue/codes.ts), so the stored one never goes stale. The grant lists read a provider's
   * grants by it (grants.ts). Null or absent for a grant stored before grants kept it, until the store's
   * grants are given theirs (ensureGrantIndexes), or when its resource's provider cannot be found.
   */
  provider?: string | null;
}

/** Not revoked, `from` reached, `until` not passed: a date is valid through the whole of that day on the
 * platform's calendar (Asia/Shanghai, as every deadline of the platform), an instant up to that instant. */
export function isGrantActive(g: Grant, now: Date): boolean {
  if (g.revokedAt !== null) return false;
  if (Date.parse(g.from) > now.getTime()) return false;
  if (g.until === null) return true;
  return g.until.length <= 10 ? platformDate(now) <= g.until : Date.parse(g.until) >= now.getTime();
}

/**
 * The grants a requester holds of `grants`: none for a department forwarded by a connected platform (SPEC
 * §12: it is read as any department of its level and region, roles and grants never travel). Grants name
 * their requester by code, and a code is each platform's own: a grant stored here for a code (a department
 * this platform once listed, since moved to the city's platform) is not the forwarded department's.
 */
export function grantsHeld<G extends Grant>(requester: { via?: string }, grants: readonly G[]): readonly G[] {
  return requester.via === undefined ? grants : [];
}

/** Active, for this requester and resource, covering the item (any item when null) and the purpose. */
export function grantCovers(
  g: Grant,
  q: { requester: string; resource: string; item: string | null; purpose: string; now: Date },
): boolean {
  return (
    g.requester === q.requester &&
    g.resource === q.resource &&
    (q.item === null || g.items.includes(q.item)) &&
    g.purposes.includes(q.purpose) &&
    isGrantActive(g, q.now)
  );
}
