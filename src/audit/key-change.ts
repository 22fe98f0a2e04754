// A deliberate change of the platform secret, recorded in the audit log (`govgraph audit rekey`, rekey.ts).
//
// The chain is keyed with a key derived from the platform secret (key.ts). After the secret changed, the
// entries written before no longer verify under the new key: `audit verify` said "broken at entry #1" for
// good, and a supervisor could not tell a rotation from tampering. The change is now one operator entry,
// action KEY_CHANGED_ACTION, appended after the old head and keyed with the new key, whose detail says:
//
//   audit key changed after entry #M: entries #1-#M are keyed with the previous secret; digest <d>;
//   new key <id>; proof <p>
//
// - M: the last entry keyed with the previous secret (the entries between M and this one, if any, were
//   recorded by a gateway already running with the new secret, before the change was recorded);
// - digest: SHA-256 over the contents and hashes of every entry before this one (ChainDigest). The entry is
//   keyed with the new key, so verify run without the previous secret still checks those entries' contents
//   (an edit, insertion or deletion changes the digest), though not their own hashes;
// - new key: a public id of the new key (an HMAC under it of a fixed label; it reveals nothing of the key);
// - proof: an HMAC under the PREVIOUS key over this entry's place (seq, time, prevHash), M, the digest and
//   the new key's id: only a holder of the previous secret could have made it, so that someone who holds the
//   new key alone (read from the store) cannot end the old chain with a forged change and rewrite it.
import { createHash, createHmac, timingSafeEqual, type Hash } from 'node:crypto';
import { canonicalJson, entryFields, entryJson, type AuditEntry } from './entry.ts';

export const KEY_CHANGED_ACTION = 'auditKeyChanged';
/** Where `audit rekey` and `audit verify` read the secret the log was keyed with before (never an option, never printed). */
export const PREVIOUS_SECRET_ENV = 'GOVGRAPH_PREVIOUS_JWT_SECRET';

const PROOF_DOMAIN = 'govgraph-audit-key-change-v1\n';
const DIGEST_DOMAIN = 'govgraph-audit-digest-v1\n';
const KEY_ID_LABEL = 'govgraph audit key id v1';

/** What a key-change entry's detail holds. */
export interface KeyChange {
  after: number;
  digest: string;
  newKey: string;
  proof: string;
}

/** The public id of an audit key: 16 hex digits of an HMAC under it. */
export function keyId(key: Uint8Array): string {
  return createHmac('sha256', key).update(KEY_ID_LABEL).digest('hex').slice(0, 16);
}

/** The proof of a change, made with the previous key. */
export function changeProof(place: { seq: number; time: string; prevHash: string }, change: Omit<KeyChange, 'proof'>, previousKey: Uint8Array): string {
  const signed = canonicalJson({ seq: place.seq, time: place.time, prevHash: place.prevHash, after: change.after, digest: change.digest, newKey: change.newKey });
  return createHmac('sha256', previousKey).update(PROOF_DOMAIN).update(signed).digest('hex');
}

export function proofHolds(place: { seq: number; time: string; prevHash: string }, change: KeyChange, previousKey: Uint8Array): boolean {
  const want = Buffer.from(changeProof(place, change, previousKey), 'hex');
  const got = Buffer.from(change.proof, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export function changeDetail(change: KeyChange): string {
  return (
    `audit key changed after entry #${change.after}: entries #1-#${change.after} are keyed with the previous secret; ` +
    `digest ${change.digest}; new key ${change.newKey}; proof ${change.proof}`
  );
}

const DETAIL = /^audit key changed after entry #(\d+): entries #1-#\1 are keyed with the previous secret; digest ([0-9a-f]{64}); new key ([0-9a-f]{16}); proof ([0-9a-f]{64})$/;

/** The change a detail records, or null when it is none (an altered detail: the entry's hash then fails). */
export function parseChange(detail: string | null): KeyChange | null {
  const m = detail === null ? null : DETAIL.exec(detail);
  return m ? { after: Number(m[1]), digest: m[2], newKey: m[3], proof: m[4] } : null;
}

/** The running digest of the entries of a log, in seq order. */
export class ChainDigest {
  private readonly hash: Hash = createHash('sha256').update(DIGEST_DOMAIN);
  add(entry: AuditEntry): void {
    this.hash.update(entryJson(entryFields(entry))).update('\n').update(entry.hash).update('\n');
  }
  /** The digest of the entries added so far (more can be added after). */
  value(): string {
    return this.hash.copy().digest('hex');
  }
}
