// The adoption of a log begun before keyed hashes (`govgraph audit adopt`, adopt.ts): one operator entry,
// action ADOPTED_ACTION, keyed with the platform key, whose detail says
//
//   audit log adopted after entry #N: entries #1-#N are plain SHA-256 as written before keyed hashes; head <H>
//
// appended after the plain head (entry #N, hash H), or, on a mixed log, after the keyed entries a release of
// early December chained after the plain ones (its gateway started on such a store and appended under the
// key; serve did not refuse it then):
//
//   audit log adopted after entry #M: entries #1-#N are plain SHA-256 as written before keyed hashes; head <H>;
//   entries #N+1-#M were keyed after them before the adoption
//
// `audit verify` then checks entries #1-#N by their plain SHA-256 (entry.ts, hashedUnkeyed), entry #N's hash
// against H, and every later one under the key. What holds the plain part in place is H under a keyed hash:
// the adoption's detail, and its prevHash or entry #N+1's (keyed), which must link to it. Every plain hash
// covers its entry and the hash before it, so rewriting any of #1-#N (however rehashed) changes H; an
// adoption entry made without the key fails its own hash. Before the adoption (and, on a mixed log, before
// entry #N+1) nothing holds the plain part: its hashes are public, so whoever could write the store could
// rewrite it and rehash it consistently. Adopt on a store you trust.
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
  /** Its hash, which the adoption binds. */
  head: string;
  /** On a mixed log, the last of the entries keyed after the plain ones before the adoption (#after+1 on); else null. */
  keyedTo: number | null;
}

/** The entry the adoption's entry follows: the plain head, or the last entry keyed after it. */
export const adoptedAfter = (a: Pick<Adoption, 'after' | 'keyedTo'>): number => a.keyedTo ?? a.after;

export function adoptionDetail(a: Adoption): string {
  const keyed = a.keyedTo === null ? '' : `; entries #${a.after + 1}-#${a.keyedTo} were keyed after them before the adoption`;
  return `audit log adopted after entry #${adoptedAfter(a)}: entries #1-#${a.after} are plain SHA-256 as written before keyed hashes; head ${a.head}${keyed}`;
}

const DETAIL =
  /^audit log adopted after entry #(\d+): entries #1-#(\d+) are plain SHA-256 as written before keyed hashes; head ([0-9a-f]{64})(?:; entries #(\d+)-#\1 were keyed after them before the adoption)?$/;

/** The adoption a detail records, or null when it is none (an altered detail: the entry's hash then fails). */
export function parseAdoption(detail: unknown): Adoption | null {
  const m = typeof detail === 'string' ? DETAIL.exec(detail) : null;
  if (!m) return null;
  const [follows, after] = [Number(m[1]), Number(m[2])];
  if (m[4] === undefined) return follows === after ? { after, head: m[3], keyedTo: null } : null;
  return Number(m[4]) === after + 1 && follows > after ? { after, head: m[3], keyedTo: follows } : null;
}

/** The line `audit verify` says of an adopted log (`seq`: the adoption's entry; entries between `after` and it were keyed before it). */
export function adoptionSaid(a: { seq: number; after: number; time: string }): string {
  const keyed = a.seq - 1 > a.after ? `, entries #${a.after + 1}-#${a.seq - 1} keyed after them before the adoption` : '';
  return `entries #1-#${a.after} are plain SHA-256 as written before keyed hashes${keyed}; adopted at entry #${a.seq} on ${a.time}`;
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
