// Whether a process would chain audit entries under the key the log is keyed with (key.ts), asked before a
// command changes anything. A command keyed its entries with whatever secret it had: GOVGRAPH_JWT_SECRET as
// exported in its shell (another value than the gateways', one with a padding fixed since), else the secret
// kept in the store, made there when the store kept none (its gateways run with GOVGRAPH_JWT_SECRET). Its
// entries then broke the chain for good: `audit verify` failed at the first of them, and the gateways
// refused to checkpoint ("does not verify under this gateway's key"). The newest entry tells: it verifies
// under the key the process would chain with, or the process is the wrong one to write. An empty log
// tells nothing, and is taken as it is. Nothing is written here, and no secret is made.
import { tailVerifies } from './checkpoint.ts';
import { deriveAuditKey } from './key.ts';
import { auditTail, WHOLE_SEQ } from './log.ts';
import { AUDIT_COLLECTION, fromRow, hashedUnkeyed, UNKEYED_LOG_ADVICE } from './entry.ts';
import { ADOPTED_ACTION, parseAdoption } from './adoption.ts';
import { envSecret, keptSecret } from '../identity/secret.ts';
import { eq, type Row, type Store } from '../store/port.ts';

/** Whether this process keys audit entries as the log of `store` is keyed; false for an empty log (not known). */
export async function keyedAsTheLog(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  // The secret it would key entries with, none made: GOVGRAPH_JWT_SECRET, else the one kept in the store.
  const secret = envSecret(env) ?? (await keptSecret(store));
  const tail = await auditTail(store);
  return secret !== null && tail !== null && (await tailVerifies(store, tail, deriveAuditKey(secret)));
}

const NOTHING_DONE = 'nothing was changed';
const WHY_ELSE =
  'If the secret was changed on purpose, record the change with govgraph audit rekey, the secret of before exported as GOVGRAPH_PREVIOUS_JWT_SECRET; ' +
  'if not, run govgraph audit verify (docs/operations.md, Audit verify and checkpoints)';

/**
 * Why this process must not append to the audit log of `store`, in one line naming the secret to export
 * (never a secret's value), or null: the log is empty, or its newest entry verifies under the key this
 * process would chain with.
 */
export async function chainKeyProblem(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const tail = await auditTail(store);
  if (tail === null) return null;
  const fromEnv = envSecret(env);
  const kept = await keptSecret(store);
  const verifiesUnder = (secret: Uint8Array | null) => (secret ? tailVerifies(store, tail, deriveAuditKey(secret)) : Promise.resolve(false));
  const newest = `the audit log's newest entry #${tail.seq}`;
  if (fromEnv) {
    if (await verifiesUnder(fromEnv)) return null;
    if (await entryOfUnkeyedLog(store, tail.seq)) return unkeyed(newest);
    if (await verifiesUnder(kept)) {
      return `GOVGRAPH_JWT_SECRET is set here, but ${newest} is keyed with the secret kept in the store: unset GOVGRAPH_JWT_SECRET for this command, as the gateways on this store run without it; ${NOTHING_DONE}`;
    }
    return (
      `${newest} does not verify under the GOVGRAPH_JWT_SECRET set here: export the GOVGRAPH_JWT_SECRET the gateways on this store run with, ` +
      `exactly (no space or line break around it); its entries would break the chain; ${NOTHING_DONE}. ${WHY_ELSE}`
    );
  }
  if (kept === null) {
    if (await entryOfUnkeyedLog(store, tail.seq)) return unkeyed(newest);
    return (
      `GOVGRAPH_JWT_SECRET is unset here and the store keeps no secret, so its audit log is keyed with the GOVGRAPH_JWT_SECRET its gateways ` +
      `run with: export that one (after the secret kept in it was deleted on purpose, record the change with govgraph audit rekey, the secret of before exported as GOVGRAPH_PREVIOUS_JWT_SECRET); ${NOTHING_DONE}, and no secret was made in the store`
    );
  }
  if (await verifiesUnder(kept)) return null;
  if (await entryOfUnkeyedLog(store, tail.seq)) return unkeyed(newest);
  return (
    `GOVGRAPH_JWT_SECRET is unset here, and ${newest} does not verify under the secret kept in the store: export the GOVGRAPH_JWT_SECRET ` +
    `the gateways on this store run with; ${NOTHING_DONE}. ${WHY_ELSE}`
  );
}

/**
 * Why a gateway must not start on `store`, in the line chainKeyProblem gives the commands, or null: the
 * log's newest and first entries carry the plain hash of a release before keyed hashes. `serve` appends to the log
 * whatever its head (a head another key wrote is logged each minute, AuditHeadError: after a change of the
 * secret on purpose the gateway's entries start the new key), so it is not asked chainKeyProblem; but no
 * secret makes such a log one this release appends to, and a gateway started on it placed records, made
 * indexes and chained keyed entries after the unkeyed ones, a log that can never verify. One read, the
 * newest entry whole, and a SHA-256 of it (and of the first entry, read only when the newest is so
 * hashed): no secret is read or made, nothing is written.
 */
export async function unkeyedLogProblem(store: Store): Promise<string | null> {
  const [row] = await store.find(AUDIT_COLLECTION, { filter: WHOLE_SEQ, sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
  return row && (await unkeyedLog(store, row)) ? unkeyed(`the audit log's newest entry #${Number(row.seq)}`) : null;
}

/**
 * Whether a release before keyed hashes began the log of `store`: its first entry carries the plain SHA-256
 * (entry.ts, hashedUnkeyed) and the second, if any, chains to it. That hash is public: an entry #1 of a
 * keyed log given one by hand breaks the link the second holds to the entry as it was, while a log begun
 * by such a release keeps it, also when a keyed release's gateway chained entries after the plain ones.
 * One read (the first two entries); `audit verify` says what entry #1 is only then.
 */
export async function begunBeforeKeyedHashes(store: Store): Promise<boolean> {
  const [first, second] = await store.find(AUDIT_COLLECTION, { filter: WHOLE_SEQ, sort: [{ field: 'seq', direction: 'asc' }], limit: 2 });
  return !!first && plainHashed(first) && (second === undefined || second.prevHash === first.hash);
}

/** Whether the entry #`seq` (the newest) is of a log a release before keyed hashes wrote (unkeyedLog). */
async function entryOfUnkeyedLog(store: Store, seq: number): Promise<boolean> {
  const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', seq), limit: 1 });
  return !!row && (await unkeyedLog(store, row));
}

/**
 * Whether a release before keyed hashes wrote the log from its start to `newest`, its newest entry: both
 * ends carry the plain SHA-256 (begunBeforeKeyedHashes), and the log was not adopted (adoption.ts). The
 * newest alone does not tell: one who can write to the store can give an entry at the tail of a keyed log
 * that hash, and `serve` was then refused with "start this release on a new data folder" while `audit
 * verify` named the entry as altered. Such an entry is said as any other that does not verify; so is a
 * plain-hashed one after an adoption (no release wrote it): refused with "run govgraph audit adopt", the
 * operator ran it and was told "adopted already", and serve stayed refused. The first entries, and the
 * adoption, are read only when the newest is so hashed.
 */
async function unkeyedLog(store: Store, newest: Row): Promise<boolean> {
  return plainHashed(newest) && (await begunBeforeKeyedHashes(store)) && !(await adoptedBefore(store, Number(newest.seq)));
}

/** Whether the log records an adoption (its detail one, adoption.ts) before entry #`seq`. */
async function adoptedBefore(store: Store, seq: number): Promise<boolean> {
  const rows = await store.find(AUDIT_COLLECTION, { filter: eq('action', ADOPTED_ACTION), sort: [{ field: 'seq', direction: 'asc' }] });
  return rows.some((row) => typeof row.seq === 'number' && row.seq < seq && parseAdoption(row.detail) !== null);
}

/** hashedUnkeyed of a stored row; false for one that cannot be read (the gateway's check of its head says so: AuditHeadError). */
function plainHashed(row: Row): boolean {
  try {
    return hashedUnkeyed(fromRow(row));
  } catch {
    return false;
  }
}

/** The refusal on a log a release before keyed hashes wrote: no secret to export would do. */
function unkeyed(newest: string): string {
  return `${newest} is not keyed with any secret: ${UNKEYED_LOG_ADVICE}; ${NOTHING_DONE}`;
}
