// Adopting a log begun before keyed hashes (`govgraph audit adopt`; the entry's format and what it binds:
// adoption.ts). A store the releases of 25 November 2026 wrote has a log hashed with plain SHA-256, which
// this release refused to append to (every command and `serve`); the operator could only start a new store.
//
// It checks the whole log (verify.ts, with the adoption pending): the plain part from entry #1, every entry
// linked, carrying its plain SHA-256, holding nothing that hash does not cover; and on a mixed log (a release
// of early December started on such a store and chained keyed entries after the plain ones: serve did not
// refuse it then) every entry after the plain part keyed with the platform key, the first linking to the plain
// head, none plain-hashed again. Refused, nothing written (no secret made, no index), when it does not, when
// the log is empty, keyed from entry #1, or adopted already, and on a mixed log when the secret here is not the
// one its keyed entries were chained with (chain-key.ts says which to export). Then it appends one entry after
// the newest it checked, keyed with the platform key (GOVGRAPH_JWT_SECRET, else the secret kept in the store,
// else, on a log plain to its newest entry, one made now as a gateway would make it), and signs a checkpoint.
//
// One insert, after the head it checked: a kill -9 before it leaves the log as it was (at most the secret made,
// kept in the store, that a run again takes up), after it adopted. Another adopt that appended meanwhile takes
// the entry's seq first (the unique index on seq), and this one starts over and is refused as adopted already.
import { AUDIT_COLLECTION, fromRow, hashedUnkeyed, type AuditEntry } from './entry.ts';
import { auditTail, ensureAuditIndexes, WHOLE_SEQ } from './log.ts';
import { ADOPTED_ACTION, adoptionDetail } from './adoption.ts';
import { begunBeforeKeyedHashes, chainKeyProblem } from './chain-key.ts';
import { adoptionOf, verifyAuditChain, VERIFY_PAGE_SIZE } from './verify.ts';
import type { Checkpoint } from './checkpoint.ts';
import { appendOperatorEntry, keepMade, platformSecret } from './operator-entry.ts';
import { and, eq, type Store } from '../store/port.ts';

/** Why the log was not adopted; nothing was written. */
export class AdoptRefusedError extends Error {
  override name = 'AdoptRefusedError';
  readonly userFacing = true;
  /** `why` that says already that nothing was changed (chain-key.ts) is taken as it is. */
  constructor(why: string) {
    super(/nothing was changed/.test(why) ? why : `${why}; nothing was written`);
  }
}

export interface AdoptResult {
  entry: AuditEntry;
  /** The last plain-hashed entry. */
  after: number;
  /** On a mixed log, the last entry keyed after the plain ones before the adoption; else null. */
  keyedTo: number | null;
  /** Where the platform secret is: GOVGRAPH_JWT_SECRET, the secret kept in the store, or one made now and kept there. */
  secret: 'env' | 'kept' | 'made';
  checkpoint: Checkpoint | null;
  /** Why no checkpoint was signed (the entry is recorded all the same). */
  checkpointProblem: string | null;
}

const ATTEMPTS = 5;

export async function adoptUnkeyedLog(
  store: Store,
  opts: {
    env?: NodeJS.ProcessEnv;
    checkpointFile: string | null;
    /** The checkpoint file is not there yet (or empty): the adoption's checkpoint starts it, and there is none in it to check. */
    startsCheckpointFile?: boolean;
    now?: () => Date;
  },
): Promise<AdoptResult> {
  const env = opts.env ?? process.env;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const tail = await auditTail(store);
    if (!tail) throw new AdoptRefusedError('the audit log is empty: there is no entry written before keyed hashes to adopt');
    const adopted = await adoptionOf(store);
    if (adopted) throw new AdoptRefusedError(`the audit log was adopted already, at entry #${adopted.seq} (entries #1-#${adopted.after} plain SHA-256): there is nothing more to adopt`);
    await refuseKeyed(store);
    // Plain to its newest entry: the whole log is the plain part (an entry altered within it is said as such).
    const plainTail = await plainHashedEntry(store, tail.seq);
    const plainHead = plainTail ? tail : await lastPlainEntry(store);
    const keyedTo = plainHead.seq < tail.seq ? tail.seq : null;
    if (keyedTo !== null) {
      // Keyed entries after the plain ones: they verify under the secret here, or no adoption can take them.
      const problem = await chainKeyProblem(store, env);
      if (problem) throw new AdoptRefusedError(`entries #${plainHead.seq + 1}-#${keyedTo} were chained after the plain ones under a key, and ${problem}`);
    }
    const secret = await platformSecret(store, env);
    const key = secret.key;
    const adopting = { after: plainHead.seq, keyedTo };
    const checked = await verifyAuditChain(store, undefined, { keys: { current: key, previous: null }, adopting, checkpointFile: opts.startsCheckpointFile ? null : opts.checkpointFile });
    if (!checked.ok) {
      const broken = checked.firstBroken!;
      const as = keyedTo === null ? 'as written before keyed hashes' : `as written before keyed hashes (#1-#${plainHead.seq}) and keyed after them (#${plainHead.seq + 1}-#${keyedTo})`;
      throw new AdoptRefusedError(
        `the audit log does not verify ${as}: broken at entry #${broken.seq}: ${broken.reason}. ` +
          'Adopting it would put the platform key under what was altered: restore the store from a backup you trust (run govgraph audit verify)',
      );
    }
    // The secret made is kept just before the entry: a refusal above writes nothing. Another process that kept one meanwhile wins.
    if (!(await keepMade(store, secret))) continue;
    // The indexes (the unique seq the insert below relies on, those a later release added) once nothing refuses.
    await ensureAuditIndexes(store);
    const written = await appendOperatorEntry(store, {
      tail, key, action: ADOPTED_ACTION, detail: () => adoptionDetail({ after: plainHead.seq, head: plainHead.hash, keyedTo }), checkpointFile: opts.checkpointFile, now: opts.now,
    });
    if (!written) continue; // another writer took the seq: look again
    return { ...written, after: plainHead.seq, keyedTo, secret: secret.from };
  }
  throw new AdoptRefusedError(`other writers kept appending to the audit log (${ATTEMPTS} attempts): stop them and run it again`);
}

/** Refuses a log not begun plain-hashed. */
async function refuseKeyed(store: Store): Promise<void> {
  if (!(await begunBeforeKeyedHashes(store))) {
    throw new AdoptRefusedError(
      "the audit log's entry #1 is not a plain SHA-256 of a release before keyed hashes: the log is keyed with the platform key, and there is nothing to adopt (run govgraph audit verify)",
    );
  }
}

async function plainHashedEntry(store: Store, seq: number): Promise<boolean> {
  const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', seq), limit: 1 });
  try {
    return !!row && hashedUnkeyed(fromRow(row));
  } catch {
    return false;
  }
}

/**
 * The entry before the first that carries no plain SHA-256 (the newest when all do): where the plain part
 * ends, as far as the hashes tell; the verify that follows checks every entry, before and after it. A page at
 * a time, in seq order: memory stays bounded whatever the log's length.
 */
async function lastPlainEntry(store: Store): Promise<{ seq: number; hash: string }> {
  let last: { seq: number; hash: string } | null = null;
  for (;;) {
    const rows = await store.find(AUDIT_COLLECTION, {
      filter: last === null ? WHOLE_SEQ : and(WHOLE_SEQ, { kind: 'compare', field: 'seq', op: 'gt', value: last.seq }),
      sort: [{ field: 'seq', direction: 'asc' }],
      limit: VERIFY_PAGE_SIZE,
    });
    for (const row of rows) {
      let plain = false;
      try {
        plain = hashedUnkeyed(fromRow(row));
      } catch {
        plain = false;
      }
      if (!plain) return last!; // entry #1 is plain (refuseKeyed)
      last = { seq: Number(row.seq), hash: String(row.hash) };
    }
    if (rows.length < VERIFY_PAGE_SIZE) return last!;
  }
}
