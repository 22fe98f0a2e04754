// A grant (SPEC §9): a provider's permission for one department to read some items of one conditional
// resource for some purposes, possibly until a date. Pure data and pure checks; storage is in grants.ts.

export interface Grant {
  id: string;
  requester: string; // department code
  resource: string; // resource code
  items: string[];
  purposes: string[];
  unmasked: string[]; // items read unmasked (a subset of `items`)
  from: string; // ISO datetime: in force from then on
  until: string | null; // ISO date, inclusive (the whole day, UTC); null = no end
  revokedAt: string | null;
  revokedBy: string | null;
  createdAt: string;
  createdBy: string;
  requestId: string | null; // the sharing request it decided, when made by the workflow
}

/** `now` as an ISO date (UTC), the form `until` is compared with. */
export function isoDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Not revoked, `from` reached, `until` not passed (a date is valid through its whole day, UTC). */
export function isGrantActive(g: Grant, now: Date): boolean {
  if (g.revokedAt !== null) return false;
  if (Date.parse(g.from) > now.getTime()) return false;
  if (g.until === null) return true;
  return g.until.length <= 10 ? isoDate(now) <= g.until : Date.parse(g.until) >= now.getTime();
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
