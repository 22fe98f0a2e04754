// The adoption of a log begun before keyed hashes (`govgraph audit adopt`, adopt.ts): one operator entry,
// action ADOPTED_ACTION, appended after the plain-hashed head and keyed with the platform key, whose detail says
//
//   audit log adopted after entry #N: entries #1-#N are plain SHA-256 as written before keyed hashes; head <H>
//
// `audit verify` then checks entries #1-#N by their plain SHA-256 (entry.ts, hashedUnkeyed) and every later
// one under the key. What holds the plain part in place is the adoption entry's prevHash, H, under its keyed
// hash: every plain hash covers its entry and the hash before it, so rewriting any of #1-#N (however
// rehashed) changes H, and the adoption entry no longer links to it; an adoption entry made without the key
// fails its own hash. Before the adoption nothing holds the plain part: its hashes are public, so whoever
// could write the store could rewrite it and rehash it consistently. Adopt on a store you trust.
//
// A plain hash covers only the fields the release of 25 November 2026 wrote: an entry of #1-#N holding a
// later one (`via`, `addressedTo`, a part's filters, orders, count or failure) could have been given it at
// any time, and would change what the views show (addressedTo names a department that reads the entry)
// without changing the hash: such an entry is reported, never taken.
import type { Row } from '../store/port.ts';

export const ADOPTED_ACTION = 'auditLogAdopted';

/** What an adoption entry's detail holds. */
export interface Adoption {
  /** The last plain-hashed entry. */
  after: number;
  /** Its hash: the adoption entry's prevHash. */
  head: string;
}

export function adoptionDetail(a: Adoption): string {
  return `audit log adopted after entry #${a.after}: entries #1-#${a.after} are plain SHA-256 as written before keyed hashes; head ${a.head}`;
}

const DETAIL = /^audit log adopted after entry #(\d+): entries #1-#\1 are plain SHA-256 as written before keyed hashes; head ([0-9a-f]{64})$/;

/** The adoption a detail records, or null when it is none (an altered detail: the entry's hash then fails). */
export function parseAdoption(detail: unknown): Adoption | null {
  const m = typeof detail === 'string' ? DETAIL.exec(detail) : null;
  return m ? { after: Number(m[1]), head: m[2] } : null;
}

/** The line `audit verify` says of an adopted log. */
export function adoptionSaid(a: { seq: number; after: number; time: string }): string {
  return `entries #1-#${a.after} are plain SHA-256 as written before keyed hashes; adopted at entry #${a.seq} on ${a.time}`;
}

/** The members of a resource part the release of 25 November 2026 wrote (and hashed). */
const PLAIN_PART = new Set(['resource', 'provider', 'items', 'denied', 'masked', 'records']);
/** Columns derived from later fields, which that release did not write: absent on its rows, or as derived. */
export const PLAIN_ABSENT_COLUMNS = ['parts', 'providerOutcomes'] as const;

/**
 * Why a stored row of the plain part holds what its plain hash does not cover, or null. Read from the row as
 * stored, not fromRow's entry (which reads a part's missing filters as none, as it reads a present empty list).
 */
export function unhashedFieldsOf(row: Row): string | null {
  const later = (['via', 'addressedTo'] as const).filter((f) => row[f] !== undefined && row[f] !== null);
  let parts: unknown;
  try {
    parts = typeof row.resources === 'string' ? JSON.parse(row.resources) : [];
  } catch {
    parts = []; // not JSON: the entry cannot be read, said by the check that reads it
  }
  const members = new Set<string>();
  if (Array.isArray(parts)) for (const p of parts) if (p && typeof p === 'object') for (const k of Object.keys(p)) if (!PLAIN_PART.has(k)) members.add(k);
  const all = [...later, ...[...members].map((m) => `resources[].${m}`)];
  return all.length === 0
    ? null
    : `the entry holds ${all.join(', ')}, which a release before keyed hashes did not write and its plain hash does not cover (the entry was altered)`;
}
