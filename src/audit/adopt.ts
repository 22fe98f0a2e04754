// Adopting a log begun before keyed hashes (`govgraph audit adopt`; the entry's format and what it binds:
// adoption.ts). A store the releases of 25 November 2026 wrote has a log hashed with plain SHA-256, which
// this release refused to append to (every command and `serve`); the operator could only start a new store.
//
// It checks the whole log as plain-hashed (verify.ts, with the adoption pending): every entry linked, carrying
// its plain SHA-256, holding nothing that hash does not cover. Refused, nothing written, when it does not, when
// the log is empty, keyed already (entry #1 is no plain hash, or the newest is not: a keyed release chained
// after the plain entries), or adopted already. Then it appends one entry after the head it checked, keyed
// with the platform key (GOVGRAPH_JWT_SECRET, else the secret kept in the store, else one made now as a gateway
// would make it), and signs a checkpoint of it.
//
// One insert, after the head it checked: a kill -9 before it leaves the log as it was (at most the secret made,
// kept in the store, that a run again takes up), after it adopted. Another adopt that appended meanwhile takes
// the entry's seq first (the unique index on seq), and this one starts over and is refused as adopted already.
import { randomUUID } from 'node:crypto';
import { AUDIT_COLLECTION, fieldsHash, fromRow, hashedUnkeyed, toRow, writtenFields, type AuditEntry, type NewAuditEntry } from './entry.ts';
import { auditTail, ensureAuditIndexes } from './log.ts';
import { deriveAuditKey } from './key.ts';
import { ADOPTED_ACTION, adoptionDetail } from './adoption.ts';
import { begunBeforeKeyedHashes } from './chain-key.ts';
import { adoptionOf, verifyAuditChain } from './verify.ts';
import { writeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { envSecret, keepSecret, keptSecret, newSecret } from '../identity/secret.ts';
import { DuplicateKeyError, eq, type Store } from '../store/port.ts';

/** Why the log was not adopted; nothing was written. */
export class AdoptRefusedError extends Error {
  override name = 'AdoptRefusedError';
  readonly userFacing = true;
  constructor(why: string) {
    super(`${why}; nothing was written`);
  }
}

export interface AdoptResult {
  entry: AuditEntry;
  /** The last plain-hashed entry. */
  after: number;
  /** Where the platform secret is: GOVGRAPH_JWT_SECRET, the secret kept in the store, or one made now and kept there. */
  secret: 'env' | 'kept' | 'made';
  checkpoint: Checkpoint | null;
  /** Why no checkpoint was signed (the entry is recorded all the same). */
  checkpointProblem: string | null;
}

const ATTEMPTS = 5;
const encoder = new TextEncoder();

export async function adoptUnkeyedLog(
  store: Store,
  opts: { env?: NodeJS.ProcessEnv; checkpointFile: string | null; now?: () => Date },
): Promise<AdoptResult> {
  const env = opts.env ?? process.env;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const tail = await auditTail(store);
    if (!tail) throw new AdoptRefusedError('the audit log is empty: there is no entry written before keyed hashes to adopt');
    const adopted = await adoptionOf(store);
    if (adopted) throw new AdoptRefusedError(`the audit log was adopted already, at entry #${adopted.seq} (entries #1-#${adopted.after} plain SHA-256): there is nothing more to adopt`);
    await refuseKeyed(store, tail.seq);
    await ensureAuditIndexes(store);
    const fromEnv = envSecret(env);
    const kept = fromEnv ? null : await keptSecret(store);
    const made = fromEnv || kept ? null : newSecret();
    const key = deriveAuditKey(fromEnv ?? kept ?? encoder.encode(made!));
    const checked = await verifyAuditChain(store, undefined, { keys: { current: key, previous: null }, adopting: { after: tail.seq }, checkpointFile: opts.checkpointFile });
    if (!checked.ok) {
      const broken = checked.firstBroken!;
      throw new AdoptRefusedError(
        `the audit log does not verify as written before keyed hashes: broken at entry #${broken.seq}: ${broken.reason}. ` +
          'Adopting it would put the platform key under what was altered: restore the store from a backup you trust (run govgraph audit verify)',
      );
    }
    // The secret made is kept just before the entry: a refusal above writes nothing. Another process that kept one meanwhile wins.
    if (made !== null && new TextDecoder().decode(await keepSecret(store, made)) !== made) continue;
    const time = (opts.now?.() ?? new Date()).toISOString();
    const input: NewAuditEntry = {
      requestId: randomUUID(), department: null, user: 'operator', purpose: null, operationName: null, documentHash: null,
      kind: 'operator', action: ADOPTED_ACTION, resources: [], outcome: 'ok',
      detail: adoptionDetail({ after: tail.seq, head: tail.hash }),
    };
    const fields = writtenFields(input, time, tail.seq + 1, tail.hash);
    const entry: AuditEntry = Object.assign(fields, { hash: fieldsHash(fields, key) });
    try {
      await store.insert(AUDIT_COLLECTION, [toRow(entry)]);
    } catch (err) {
      if (err instanceof DuplicateKeyError) continue; // another writer took the seq: look again
      throw err;
    }
    let checkpoint: Checkpoint | null = null;
    let checkpointProblem: string | null = null;
    try {
      checkpoint = await writeCheckpoint(store, opts.checkpointFile, opts.now?.() ?? new Date(), key);
    } catch (err) {
      checkpointProblem = err instanceof Error ? err.message : String(err);
    }
    return { entry, after: tail.seq, secret: fromEnv ? 'env' : kept ? 'kept' : 'made', checkpoint, checkpointProblem };
  }
  throw new AdoptRefusedError(`other writers kept appending to the audit log (${ATTEMPTS} attempts): stop them and run it again`);
}

/** Refuses a log that is not plain-hashed from its first entry to its newest, `head`. */
async function refuseKeyed(store: Store, head: number): Promise<void> {
  if (!(await begunBeforeKeyedHashes(store))) {
    throw new AdoptRefusedError(
      "the audit log's entry #1 is not a plain SHA-256 of a release before keyed hashes: the log is keyed with the platform key, and there is nothing to adopt (run govgraph audit verify)",
    );
  }
  const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', head), limit: 1 });
  let plain = false;
  try {
    plain = !!row && hashedUnkeyed(fromRow(row));
  } catch {
    plain = false;
  }
  if (!plain) {
    throw new AdoptRefusedError(
      `the audit log's newest entry #${head} is not a plain SHA-256: entries were chained after the plain ones under a key (a keyed release's gateway, or the entry was altered); ` +
        'adopt takes a log plain-hashed to its newest entry (run govgraph audit verify)',
    );
  }
}
