// Recording a deliberate change of the platform secret in the audit log (`govgraph audit rekey`; the
// entry's format: key-change.ts).
//
// Given the previous secret (GOVGRAPH_PREVIOUS_JWT_SECRET) and the new one (GOVGRAPH_JWT_SECRET, else the
// secret kept in the store, else one made now as a gateway would make it), it verifies the whole log:
// the entries up to some entry #M under the previous key, and those after it, when there are any (a gateway
// already running with the new secret recorded them before the change was), under the new key, with the
// checkpoints each key signed. Refused, nothing written, when it does not verify. Then it appends one entry
// after the head it verified, keyed with the new key, carrying the digest of the entries before it and the
// proof made with the previous key, and signs a checkpoint of it with the new key.
//
// One insert, after the head it checked: a kill -9 before it leaves the log as it was (at most the secret
// made, kept in the store, that a run again takes up); a writer that appended meanwhile takes the entry's seq
// first (the unique index on seq), and it starts over, verifying the new entries too. A gateway still running
// with the previous secret refuses to write after the change (log.ts): its entries would break the chain.
import type { AuditEntry } from './entry.ts';
import { auditTail, ensureAuditIndexes } from './log.ts';
import { deriveAuditKey } from './key.ts';
import { changeDetail, changeProof, KEY_CHANGED_ACTION, keyId, PREVIOUS_SECRET_ENV, type KeyChange } from './key-change.ts';
import { verifyAuditChain, type VerifyKeys } from './verify.ts';
import type { Checkpoint } from './checkpoint.ts';
import { appendOperatorEntry, keepMade, platformSecret } from './operator-entry.ts';
import type { Store } from '../store/port.ts';

/** Why the change was not recorded; nothing was written. */
export class RekeyRefusedError extends Error {
  override name = 'RekeyRefusedError';
  readonly userFacing = true;
  constructor(why: string) {
    super(`${why}; nothing was written`);
  }
}

export interface RekeyResult {
  entry: AuditEntry;
  /** The last entry under the previous key. */
  after: number;
  /** Where the new secret is: GOVGRAPH_JWT_SECRET, the secret kept in the store, or one made now and kept there. */
  newSecret: 'env' | 'kept' | 'made';
  checkpoint: Checkpoint | null;
  /** Why no checkpoint was signed (the entry is recorded all the same). */
  checkpointProblem: string | null;
}

const ATTEMPTS = 5;

export async function rekeyAudit(
  store: Store,
  opts: { previous: Uint8Array; env?: NodeJS.ProcessEnv; checkpointFile: string | null; now?: () => Date },
): Promise<RekeyResult> {
  const env = opts.env ?? process.env;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    await ensureAuditIndexes(store);
    const tail = await auditTail(store);
    if (!tail) throw new RekeyRefusedError('the audit log is empty: no entry is keyed with the previous secret, so there is no change to record');
    const secret = await platformSecret(store, env);
    const keys: VerifyKeys = { current: secret.key, previous: deriveAuditKey(opts.previous) };
    if (keyId(keys.current) === keyId(keys.previous!)) {
      throw new RekeyRefusedError(`${PREVIOUS_SECRET_ENV} is the secret this command keys the log with (${secret.from === 'env' ? 'GOVGRAPH_JWT_SECRET' : 'the secret kept in the store'}): there is no change to record`);
    }
    const checked = await lastUnderPrevious(store, tail.seq, keys, opts.checkpointFile);
    // The secret made is kept just before the entry: a refusal above writes nothing. Another process that
    // kept one meanwhile wins, and the log is verified again with it.
    if (!(await keepMade(store, secret))) continue;
    const change: Omit<KeyChange, 'proof'> = { after: checked.after, digest: checked.digest, newKey: keyId(keys.current) };
    const written = await appendOperatorEntry(store, {
      tail, key: keys.current, action: KEY_CHANGED_ACTION, detail: (place) => changeDetail({ ...change, proof: changeProof(place, change, keys.previous!) }),
      checkpointFile: opts.checkpointFile, now: opts.now,
    });
    if (!written) continue; // another writer took the seq: verify its entries too
    return { ...written, after: checked.after, newSecret: secret.from };
  }
  throw new RekeyRefusedError(`other writers kept appending to the audit log (${ATTEMPTS} attempts): stop the gateways and run it again`);
}

/**
 * The last entry keyed with the previous key and the digest of the log, verified: every entry up to the
 * head under the previous key, or, when one fails, from it on under the new key (a gateway with the new
 * secret recorded them). Refused when neither verifies, or when no entry after the last recorded change is
 * under the previous key.
 */
async function lastUnderPrevious(store: Store, head: number, keys: VerifyKeys, checkpointFile: string | null): Promise<{ after: number; digest: string }> {
  const verify = (after: number) => verifyAuditChain(store, undefined, { keys, pending: { after }, checkpointFile });
  let result = await verify(head);
  let after = head;
  if (!result.ok) {
    const first = result.firstBroken!;
    const retried = first.reason.startsWith('hash does not match') && first.seq >= 1 ? await verify(first.seq - 1) : null;
    if (!retried?.ok) {
      const broken = retried && retried.firstBroken!.seq !== first.seq ? retried.firstBroken! : first;
      const neither = retried && broken === first ? ', nor under the new secret' : '';
      throw new RekeyRefusedError(
        `the audit log does not verify under ${PREVIOUS_SECRET_ENV}${neither}: broken at entry #${broken.seq}: ${broken.reason}. ` +
          `Export the secret the log was keyed with until now as ${PREVIOUS_SECRET_ENV}; if it is, the log was altered (run govgraph audit verify)`,
      );
    }
    result = retried;
    after = first.seq - 1;
  }
  const lastChange = result.keyChanges?.at(-1)?.seq ?? 0;
  if (after < 1 || after < lastChange) {
    throw new RekeyRefusedError(
      after < 1
        ? 'every entry of the audit log verifies under the new secret already: there is no change to record'
        : `the audit log is keyed with the new secret since the change recorded at entry #${lastChange} already: there is no change to record`,
    );
  }
  return { after, digest: result.digest! };
}
