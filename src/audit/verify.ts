// Checking the audit chain (SPEC §10): `govgraph audit verify` and the GraphQL query both call this.
//
// Walks the log in seq order, VERIFY_PAGE_SIZE rows at a time (memory stays bounded whatever the
// length), and for each entry checks, in this order:
// 1. seq is a number (not text that reads as one) and the previous seq + 1 (the first is 1): a deleted
//    entry shows as a gap, a second row of a seq as written twice (also past a page's end: a count a page);
// 2. the row is readable (resources is well-formed JSON);
// 3. prevHash equals the previous entry's hash (GENESIS_HASH for the first);
// 4. hash equals the hash recomputed from the entry's fields: an edited field shows here;
// 5. the derived filter columns (resourceCodes, providers) agree with resources (and addressedTo).
// 6. hashes are HMACs under the platform's audit key (key.ts): an entry edited and rehashed without the
//    key fails 4 at that entry;
// 7. every signed checkpoint (checkpoint.ts: the store's and the operator's file) names an entry that
//    exists with that hash: an entry rewritten together with every later one (even with the key) fails
//    at the checkpoint's seq, and a deleted tail shows as entries missing up to the newest checkpoint.
//    A store restored from a backup looks the same to the checkpoints signed after the backup: the reasons
//    say so, and say when a checkpoint signed later names an earlier entry (the log went back, then went
//    on). docs/operations.md, Restoring the embedded store, keeps those apart with a new checkpoint file.
// 8. the store's queries read the entry's filter columns (seq, department, the bar lists, outcome, kind,
//    time, requestId) as the entry holds them: a stored document with a field written twice (`{"department":"A",
//    ..., "department":"B"}`) is read by SQLite's json_extract with the first and by JSON.parse with the
//    last, so it would hide the entry from (or show it in) the views' filters while checks 1-5 pass.
//    One count per page, by the store's own filter path; the rows are named only when it differs.
// A checkpoint whose signature does not verify is reported too (it was altered or forged), at its seq;
// a checkpoint file that is not one (empty, another file, a line that is no checkpoint) at seq 0, saying
// what is wrong with it (checkpoint.ts, readCheckpointFile).
// The first entry that fails is reported with its seq (for a gap, the seq found after it).
//
// A deliberate change of the platform secret recorded by `govgraph audit rekey` (key-change.ts) splits the
// log: the entries up to the change's `after` are keyed with the previous secret, the later ones (the
// change's own entry included) with the current one. The entries under the previous key are checked with
// it when GOVGRAPH_PREVIOUS_JWT_SECRET is given (their hashes, the change's proof, the checkpoints signed
// with it); without it, against the digest the change recorded under the current key (any edit, insertion
// or deletion among them shows at the change's entry), their own hashes and its proof unchecked, and the
// checkpoints signed with the previous key passed over. Changes before the last one: always the latter.
//
// A log begun before keyed hashes and adopted by `govgraph audit adopt` (adoption.ts): the entries up to the
// adoption's `after` are checked by their plain SHA-256 (and hold nothing it does not cover), every later one
// under the key: on a mixed log, the entries a keyed release chained after the plain ones before the adoption,
// then the adoption's entry. Entry #after's hash must be the plain head the adoption recorded, and the entry
// after it (the adoption's, or the first keyed one) must link to it.
import {
  AUDIT_COLLECTION,
  GENESIS_HASH,
  entryHash,
  fromRow,
  hashedUnkeyed,
  UNKEYED_LOG_ADVICE,
  partsOf,
  providerOutcomesOf,
  providersOf,
  resourceCodesOf,
  type AuditEntry,
} from './entry.ts';
import { and, eq, or, type Filter, type Row, type Store, type Value } from '../store/port.ts';
import { AUDIT_CHECKPOINTS, readCheckpoints, STORE_CHECKPOINTS, type FoundCheckpoint } from './checkpoint.ts';
import { begunBeforeKeyedHashes } from './chain-key.ts';
import { envSecret, hasStoredSecret } from '../identity/secret.ts';
import { setting } from '../model/settings.ts';
import { auditKey, deriveAuditKey } from './key.ts';
import { ADOPTED_ACTION, adoptedAfter, PLAIN_ABSENT_COLUMNS, parseAdoption, unhashedFieldsOf } from './adoption.ts';
import { ChainDigest, KEY_CHANGED_ACTION, keyId, parseChange, PREVIOUS_SECRET_ENV, proofHolds, type KeyChange } from './key-change.ts';

export const VERIFY_PAGE_SIZE = 500;

export interface AuditVerification {
  ok: boolean;
  entries: number; // entries checked (up to and including the first broken one)
  firstBroken?: { seq: number; reason: string };
  /** The newest signed checkpoint the chain was checked against, if any. */
  checkpoint?: { seq: number; time: string };
  /**
   * The key changes recorded in the log (`audit rekey`) that the walk passed, oldest first: the change's
   * entry, the last entry under the key before it, and whether those entries (and the change's proof) were
   * checked with the previous key (GOVGRAPH_PREVIOUS_JWT_SECRET) or against the change's digest alone.
   * Absent when there is none.
   */
  keyChanges?: KeyChangeChecked[];
  /** With `pending`: the digest of every entry checked (key-change.ts), for the change to record. */
  digest?: string;
  /** The first entry timed well before the entry before it (a clock gone back), and how many are; absent when none is. */
  clockWentBack?: ClockWentBack;
  /** A log begun before keyed hashes, adopted (`audit adopt`): the adoption's entry, the last plain one, its time. */
  adopted?: { seq: number; after: number; time: string };
}

/**
 * An entry's time is its writer's clock when it was queued (log.ts), and its place is its seq: entries of
 * instances writing at once, or waiting out another process's lock, may be timed a few seconds before the
 * entry before them. Further back than this, a clock went back (an NTP step, a date set by hand, a machine
 * whose clock is behind the others'): the chain still holds, but the log's times no longer follow its
 * order, and a period read by time (`auditLog(filter: { from, to })`) holds entries written after it.
 */
export const CLOCK_BACK_TOLERANCE_MS = 60_000;

export interface ClockWentBack {
  seq: number;
  time: string;
  previous: { seq: number; time: string };
  /** Entries so timed in the whole log, this one included. */
  count: number;
}

export interface KeyChangeChecked {
  seq: number;
  after: number;
  previousKeyChecked: boolean;
}

/** The keys to verify with, given (rekey.ts: nothing read from the environment, no secret made). */
export interface VerifyKeys {
  current: Uint8Array;
  previous: Uint8Array | null;
}

export interface VerifyOptions {
  /** The operator's checkpoint file (GOVGRAPH_AUDIT_CHECKPOINTS), read beside the store's checkpoints. */
  checkpointFile?: string | null;
  /** Where GOVGRAPH_JWT_SECRET and GOVGRAPH_PREVIOUS_JWT_SECRET are read (process.env). */
  env?: NodeJS.ProcessEnv;
  /** The keys, instead of those of `env` and the store. */
  keys?: VerifyKeys;
  /** A key change about to be recorded after the log's last entry (rekey.ts): entries up to `after` under the previous key. */
  pending?: { after: number };
  /** An adoption about to be recorded after the log's last entry (adopt.ts): entries up to `after` plain-hashed. */
  adopting?: { after: number; keyedTo: number | null };
}

/**
 * Which key each entry is checked with: the current one after the last change's `after`; the previous one
 * (when given) back to the change before; none further back (links and the changes' digests only).
 */
interface KeyPlan {
  /** The changes the store holds, by their entry's seq. */
  changes: Map<number, KeyChange>;
  keyFor(seq: number): Uint8Array | null;
  /** The last entry under the previous key, when the log records a change (or one is pending). */
  lastAfter: number | null;
  /** The adoption of a plain-hashed start (the first the store holds), or one about to be recorded (seq: the head's next). */
  adoption: PlannedAdoption | null;
}

/** An adoption the log records (head: the plain head it names), or one about to be recorded (head null). */
interface PlannedAdoption {
  seq: number;
  after: number;
  head: string | null;
  keyedTo: number | null;
}

const encoder = new TextEncoder();

async function keyPlan(store: Store, keys: VerifyKeys, pending: { after: number } | undefined, adopting: VerifyOptions['adopting']): Promise<KeyPlan> {
  const changes = new Map<number, KeyChange>();
  // A row whose detail is no change (altered) is left out: its hash fails where the walk reaches it, if not before.
  for (const row of await store.find(AUDIT_COLLECTION, { filter: eq('action', KEY_CHANGED_ACTION), sort: [{ field: 'seq', direction: 'asc' }] })) {
    const change = typeof row.detail === 'string' && typeof row.seq === 'number' ? parseChange(row.detail) : null;
    if (change && !changes.has(row.seq as number)) changes.set(row.seq as number, change);
  }
  const bounds = [...changes.values()].map((c) => c.after);
  if (pending) bounds.push(pending.after);
  const last = bounds.at(-1);
  const lower = bounds.length >= 2 ? bounds.at(-2)! : -Infinity;
  return {
    changes,
    adoption: adopting ? { seq: adoptedAfter(adopting) + 1, after: adopting.after, head: null, keyedTo: adopting.keyedTo } : await adoptionOf(store),
    lastAfter: last ?? null,
    keyFor: (seq) => (last === undefined || seq > last ? keys.current : seq > lower ? keys.previous : null),
  };
}

/**
 * The first adoption the log records (by seq), or null. Read by its action: one forged without the key is
 * taken all the same, and fails where the walk reaches its entry (its hash), the plain entries before it
 * passed; a second one is named where the walk reaches it.
 */
export async function adoptionOf(store: Store): Promise<{ seq: number; after: number; head: string; keyedTo: number | null } | null> {
  for (const row of await store.find(AUDIT_COLLECTION, { filter: eq('action', ADOPTED_ACTION), sort: [{ field: 'seq', direction: 'asc' }] })) {
    const a = typeof row.seq === 'number' ? parseAdoption(row.detail) : null;
    if (a) return { seq: row.seq as number, ...a };
  }
  return null;
}

/** The keys of `env` and the store: the current one, and GOVGRAPH_PREVIOUS_JWT_SECRET's when set. */
async function keysOf(store: Store, env: NodeJS.ProcessEnv | undefined): Promise<VerifyKeys> {
  const previous = setting(PREVIOUS_SECRET_ENV, env ?? process.env);
  return { current: await auditKey(store, env), previous: previous === undefined ? null : deriveAuditKey(encoder.encode(previous)) };
}

/**
 * Why a checkpoint's signature does not verify. When none of the file's does, the file was signed under
 * another audit key as a whole: most likely the gateways of another store wrote it (a backup of another
 * platform restored into this folder), or the platform secret changed since; an altered file is the
 * last explanation, not the only one.
 */
function forgedReason(forged: FoundCheckpoint, found: readonly FoundCheckpoint[], file: string | null): string {
  const inFile = found.filter((c) => c.where !== STORE_CHECKPOINTS);
  if (file && forged.where !== STORE_CHECKPOINTS && inFile.length > 0 && inFile.every((c) => !c.signed)) {
    return `none of the ${inFile.length} checkpoints in ${file} carries this store's signature (the first at ${forged.where.slice(file.length + 1)}): `
      + 'the file was signed under another audit key, by the gateways of another store (a backup of another platform restored here: '
      + 'keep its checkpoint file with it) or before the platform secret changed; if neither, the file was altered or forged';
  }
  return `the checkpoint in ${forged.where} does not carry the platform's signature (it was altered or forged)`;
}

/**
 * Why the log cannot be checked at all: GOVGRAPH_JWT_SECRET unset and no secret in the store, while the
 * log or its checkpoints exist. The key was then GOVGRAPH_JWT_SECRET's (an operator who did not export the
 * gateways' one), or the store's secret was deleted. Making a secret here (as the gateways do on a new
 * store) wrote one into the store and answered "the checkpoint ... was altered or forged" at entry #1.
 */
const NO_SECRET =
  'the audit log cannot be checked: GOVGRAPH_JWT_SECRET is unset and the store keeps no platform secret, so the log was keyed with ' +
  'the GOVGRAPH_JWT_SECRET of the gateways (run audit verify with the same one exported), or the secret kept in the store was deleted ' +
  '(then no entry verifies again)';

async function keyless(store: Store, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (envSecret(env) || (await hasStoredSecret(store))) return false;
  const [entry] = await store.find(AUDIT_COLLECTION, { projection: ['seq'], limit: 1 });
  const [checkpoint] = await store.find(AUDIT_CHECKPOINTS, { projection: ['seq'], limit: 1 });
  return entry !== undefined || checkpoint !== undefined;
}

export async function verifyAuditChain(store: Store, pageSize = VERIFY_PAGE_SIZE, opts: VerifyOptions = {}): Promise<AuditVerification> {
  if (!opts.keys && (await keyless(store, opts.env ?? process.env))) return { ok: false, entries: 0, firstBroken: { seq: 0, reason: NO_SECRET } };
  const keys = opts.keys ?? (await keysOf(store, opts.env));
  const plan = await keyPlan(store, keys, opts.pending, opts.adopting);
  const adoption = plan.adoption;
  const adoptionForged = adoption !== null && !opts.adopting && (await forgedAdoption(store, adoption.seq, plan.keyFor(adoption.seq)));
  let adoptedTime: string | null = null;
  let plainHead: string | null = null; // the hash of the last plain entry, once the walk has checked it
  const read = await readCheckpoints(store, opts.checkpointFile ?? null, keys);
  const { fileProblem } = read;
  const found = read.found.flatMap((c): FoundCheckpoint[] => {
    if (c.signed || c.seq < 0) return [c];
    const key = plan.keyFor(c.seq);
    // Signed with a key that is not given (before a change, no GOVGRAPH_PREVIOUS_JWT_SECRET): not checked;
    // the change's digest covers the entries it names. Signed with the previous key naming an entry after
    // the change: forged (the previous key no longer signs anything).
    if (key === null) return [];
    return [key === keys.previous && c.signedByPrevious ? { ...c, signed: true } : c];
  });
  const keyChanges: KeyChangeChecked[] = [];
  const said = () => (keyChanges.length ? { keyChanges } : {});
  const digest = plan.changes.size > 0 || opts.pending ? new ChainDigest() : null;
  let changeBefore = 0; // the seq of the last change passed
  const forged = found.filter((c) => !c.signed).sort((a, b) => a.seq - b.seq)[0];
  const checkpoints = found.filter((c) => c.signed).sort((a, b) => a.seq - b.seq);
  const newest = checkpoints.at(-1);
  const anchored = newest ? { checkpoint: { seq: newest.seq, time: newest.time } } : {};
  let next = 0; // index of the first checkpoint not yet passed
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let clock: ClockWentBack | undefined;
  let before: { seq: number; time: string; at: number } | null = null;
  // A checkpoint that does not carry the signature is named at its seq, unless an entry before it is
  // broken: that one is named (the first broken, as SPEC §10 says), so a bogus checkpoint put in the
  // store does not hide the entry that was altered.
  const forgedAt = forged ? Math.max(forged.seq, 0) : Infinity;
  const forgedBroken = (): AuditVerification =>
    ({ ok: false, entries, firstBroken: { seq: forgedAt, reason: forgedReason(forged!, found, opts.checkpointFile ?? null) }, ...anchored, ...said() });
  const broken = (seq: number, reason: string): AuditVerification =>
    forgedAt <= seq ? forgedBroken() : { ok: false, entries, firstBroken: { seq, reason }, ...anchored, ...said() };
  if (fileProblem) return { ok: false, entries, firstBroken: { seq: 0, reason: fileProblem }, ...anchored, ...said() };
  for (;;) {
    const filter: Filter | undefined =
      expectedSeq === 1 ? undefined : { kind: 'compare', field: 'seq', op: 'gt', value: expectedSeq - 1 };
    const rows = await store.find(AUDIT_COLLECTION, {
      filter,
      sort: [{ field: 'seq', direction: 'asc' }],
      limit: pageSize,
    });
    const misread = await misreadRows(store, rows);
    for (const row of rows) {
      entries += 1;
      const key = plan.keyFor(expectedSeq);
      const underPrevious = key !== null && key === keys.previous && key !== keys.current;
      const keyNote = underPrevious ? previousKeyNote(plan.lastAfter!) : '';
      const plain = adoption !== null && expectedSeq <= adoption.after;
      const problem = plain ? checkPlainRow(row, expectedSeq, prevHash, adoption) : checkRow(row, expectedSeq, prevHash, key, keyNote);
      if (typeof problem === 'string') {
        // An adoption made without the key takes nothing: named at its entry, rather than the plain (or keyed) entry before it that fails.
        if (adoptionForged && expectedSeq <= adoption.seq) return broken(adoption.seq, FORGED_ADOPTION(adoption.after));
        if (adoption && !plain) {
          const why = adoptedLogProblem(row, expectedSeq, prevHash, adoption, !!opts.adopting);
          if (why) return broken(Number(row.seq), why);
        }
        // Adopting a mixed log: the first entry after the plain ones carries neither hash.
        if (opts.adopting && adoption && expectedSeq === adoption.after + 1 && problem.startsWith('hash does not match')) {
          return broken(expectedSeq, `hash does not match the entry's contents, neither as the plain SHA-256 of entries #1-#${adoption.after} before it nor under the platform's key as the entries after them: the entry was altered`);
        }
        // The plain hash is public: entry #1 of a keyed log given one by hand is altered, not an old release's log.
        const altered = problem === PLAIN_FIRST && !(await begunBeforeKeyedHashes(store));
        return broken(Number(row.seq), altered ? notMatching(keyNote) : problem);
      }
      if (adoption && problem.seq === adoption.after) plainHead = problem.hash;
      if (adoption && problem.seq === adoption.seq && !opts.adopting) {
        const recorded = parseAdoption(problem.detail);
        if (
          problem.kind !== 'operator' || problem.action !== ADOPTED_ACTION || recorded === null ||
          adoptedAfter(recorded) !== problem.seq - 1 || recorded.after !== adoption.after || recorded.head !== plainHead
        ) {
          return broken(problem.seq, `the adoption names entry #${recorded?.after ?? '?'} as the last plain one, which cannot be (the entry was altered)`);
        }
        adoptedTime = problem.time;
      }
      const change = plan.changes.get(problem.seq);
      if (change) {
        const wrong = changeProblem(problem, change, digest!.value(), changeBefore, plan, keys);
        if (wrong) return broken(problem.seq, wrong);
        keyChanges.push({ seq: problem.seq, after: change.after, previousKeyChecked: plan.keyFor(change.after) !== null });
        changeBefore = problem.seq;
      }
      try {
        digest?.add(problem);
      } catch (err) {
        return broken(problem.seq, `entry cannot be hashed: ${err instanceof Error ? err.message : String(err)}`);
      }
      // A row the filters find twice may be a copy whose twin the page's limit left out (the next page starts
      // past its seq): said as written twice, as checkRow says it within a page, not as a field written twice.
      if (misread.has(row)) return broken(problem.seq, (await store.count(AUDIT_COLLECTION, eq('seq', problem.seq))) > 1 ? writtenTwice(problem.seq) : MISREAD);
      while (next < checkpoints.length && checkpoints[next].seq <= problem.seq) {
        const c = checkpoints[next++];
        if (c.seq === problem.seq && c.hash !== problem.hash) return broken(c.seq, differs(c) + wentBack(c, checkpoints));
      }
      const at = Date.parse(problem.time);
      if (Number.isFinite(at)) {
        if (before && before.at - at > CLOCK_BACK_TOLERANCE_MS) {
          if (clock) clock.count += 1;
          else clock = { seq: problem.seq, time: problem.time, previous: { seq: before.seq, time: before.time }, count: 1 };
        }
        before = { seq: problem.seq, time: problem.time, at };
      }
      expectedSeq += 1;
      prevHash = problem.hash;
    }
    if (rows.length < pageSize) break;
    // The next page starts past the last seq read: another row of that seq (the unique index dropped, an
    // entry inserted or copied) left out by the page's limit would never be read, nor counted by check 8
    // when its filter columns differ, while the views show it. One count a page, on the seq index.
    const last = expectedSeq - 1;
    if ((await store.count(AUDIT_COLLECTION, eq('seq', last))) > 1) return broken(last, writtenTwice(last));
  }
  // Checkpoints of seq 0 (an empty log) are passed by any chain; a later one beyond the end is a lost tail.
  while (next < checkpoints.length && checkpoints[next].seq === 0) next++;
  const beyond = checkpoints.at(-1);
  if (beyond && beyond.seq >= expectedSeq) {
    const range = beyond.seq === expectedSeq ? `entry #${expectedSeq} is` : `entries #${expectedSeq} to #${beyond.seq} are`;
    return broken(
      expectedSeq,
      `${range} missing: the checkpoint signed at ${beyond.time} (${beyond.where}) names entry #${beyond.seq} ` +
        `(the tail of the log was deleted, or the store was restored from a backup older than that checkpoint)${wentBack(beyond, checkpoints)}`,
    );
  }
  if (forged) return forgedBroken();
  const adopted = adoption && !opts.adopting && adoptedTime !== null ? { adopted: { seq: adoption.seq, after: adoption.after, time: adoptedTime } } : {};
  return { ok: true, entries, ...anchored, ...said(), ...(opts.pending ? { digest: digest!.value() } : {}), ...(clock ? { clockWentBack: clock } : {}), ...adopted };
}

const FORGED_ADOPTION = (after: number): string =>
  `the adoption of the log recorded at this entry does not verify under the platform's key: it was forged (or altered), so entries #1-#${after} are not adopted`;

/** Whether the adoption's entry fails its hash under `key` (null: not known here, after a change whose previous secret is not given). */
async function forgedAdoption(store: Store, seq: number, key: Uint8Array | null): Promise<boolean> {
  if (key === null) return false;
  const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', seq), limit: 1 });
  try {
    const entry = fromRow(row);
    return entryHash(entry, key) !== entry.hash;
  } catch {
    return true;
  }
}

/**
 * Why an entry of an adopted log after the plain part that failed its check fails as it does, when the
 * adoption says more than the check: the entry after the plain head (the adoption's, or on a mixed log the
 * first keyed one) not linking to it (a plain entry rewritten and the plain chain rehashed since), a second
 * adoption, a plain-hashed entry among or after the keyed ones. `adopting`: the adoption is about to be made.
 */
function adoptedLogProblem(row: Row, seq: number, prevHash: string, adoption: PlannedAdoption, adopting: boolean): string | null {
  if (Number(row.seq) !== seq) return null;
  const keyedRun = adoption.keyedTo === null ? '' : `#${adoption.after + 1}-#${adoption.keyedTo}`;
  if (seq === adoption.after + 1 && row.prevHash !== prevHash) {
    if (adopting) return `entry #${seq}, the first keyed after the plain entries, does not link to entry #${adoption.after}, the last plain one (prevHash differs)`;
    return seq === adoption.seq
      ? `entries #1-#${adoption.after} differ from those adopted at this entry (the plain head it links to): one of them was rewritten since the adoption`
      : `entries #1-#${adoption.after} differ from those adopted at entry #${adoption.seq} (the plain head it records, which this entry, the first keyed after them, links to): one of them was rewritten since`;
  }
  if (seq !== adoption.seq && row.action === ADOPTED_ACTION) {
    return `a second adoption of the log, adopted already at entry #${adoption.seq}, cannot be (the entry was altered or forged)`;
  }
  try {
    if (seq > adoption.after && hashedUnkeyed(fromRow(row))) {
      return seq > adoption.seq
        ? `hash is a plain SHA-256 after the log was adopted at entry #${adoption.seq}: entries after it are keyed with the platform's key (a release before keyed hashes wrote it after the adoption, or it was forged)`
        : `hash is a plain SHA-256 among the entries keyed after the plain ones (${keyedRun}): no release wrote a plain-hashed entry after a keyed one, so it was inserted or forged (the plain SHA-256 is public)`;
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * An entry of the plain part of an adopted log, when it is sound: in its place, linked, carrying the plain
 * SHA-256 of a release before keyed hashes, holding nothing that hash does not cover, its filter columns
 * derived from it (the two that release did not write may be absent). Else the reason it is not.
 */
function checkPlainRow(row: Row, expectedSeq: number, prevHash: string, adoption: { after: number }): AuditEntry | string {
  const loose: Row = { ...row };
  let entry: AuditEntry;
  try {
    entry = fromRow(row);
  } catch {
    return checkRow(row, expectedSeq, prevHash, null);
  }
  for (const c of PLAIN_ABSENT_COLUMNS) if (loose[c] === undefined || loose[c] === null) loose[c] = c === 'parts' ? partsOf(entry.resources) : providerOutcomesOf(entry);
  const checked = checkRow(loose, expectedSeq, prevHash, null);
  if (typeof checked === 'string') return checked;
  const unhashed = unhashedFieldsOf(row);
  if (unhashed) return unhashed;
  if (!hashedUnkeyed(entry)) {
    return `hash does not match the entry's contents (plain SHA-256: entries #1-#${adoption.after} are as written before keyed hashes): the entry was altered`;
  }
  return checked;
}

const previousKeyNote = (after: number): string =>
  ` under the previous key (${PREVIOUS_SECRET_ENV}, which keys the entries up to #${after}): the entry was altered, or that is not the secret they were keyed with`;

/** Why a key change's entry (sound as an entry) does not hold, or null. */
function changeProblem(entry: AuditEntry, change: KeyChange, digestBefore: string, changeBefore: number, plan: KeyPlan, keys: VerifyKeys): string | null {
  if (entry.kind !== 'operator' || change.after >= entry.seq || change.after < changeBefore) {
    return `the key change names entry #${change.after} as the last under the previous key, which cannot be (the entry was altered)`;
  }
  if (change.digest !== digestBefore) {
    return `entries #1-#${entry.seq - 1} differ from those this key change recorded (its digest): one of them was altered, inserted or deleted since the change`;
  }
  const own = plan.keyFor(entry.seq);
  if (own !== null && keyId(own) !== change.newKey) return 'the key change names another new key than the one its entry is keyed with (the entry was altered)';
  const before = plan.keyFor(change.after);
  if (before !== null && !proofHolds(entry, change, before)) {
    return before === keys.previous && before !== keys.current
      ? `the key change's proof does not verify under the previous key (${PREVIOUS_SECRET_ENV}): it was not recorded by a holder of the previous secret (forged), or ${PREVIOUS_SECRET_ENV} is not that secret`
      : "the key change's proof does not verify (forged)";
  }
  return null;
}

function differs(c: FoundCheckpoint): string {
  return `the entry's hash differs from the checkpoint signed at ${c.time} (${c.where}): this entry or one before it was rewritten`;
}

/**
 * When a checkpoint signed after `c` names an earlier entry (one the chain has passed: it agrees with the
 * log as it is), the log's head went back between the two: a store restored from an older backup (or a
 * deleted tail), then written on. Said, with what to do after a restore; '' otherwise.
 */
function wentBack(c: FoundCheckpoint, checkpoints: readonly FoundCheckpoint[]): string {
  const later = checkpoints.filter((d) => d.time > c.time && d.seq < c.seq).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))[0];
  if (!later) return '';
  return (
    `; the checkpoint signed later at ${later.time} (${later.where}) names entry #${later.seq}: the log went back to entry #${later.seq} ` +
    'in between, as when the store is restored from an older backup, and new entries were written after it. After a restore, ' +
    'keep the checkpoint file of before as evidence and start a new one (docs/operations.md, Restoring the embedded store)'
  );
}

/**
 * The fields the audit views, the usage figures and verify itself filter or sort the log by; requestId too
 * (`auditLog(filter: { requestId })`, how a supervisor finds the entry of an answer's x-request-id), and action.
 */
const FILTER_COLUMNS = ['seq', 'department', 'resourceCodes', 'providers', 'parts', 'providerOutcomes', 'outcome', 'kind', 'time', 'requestId', 'action'] as const;

const writtenTwice = (seq: number): string => `entry #${seq} is written twice: the store holds another entry with this seq (one was inserted or copied)`;

const MISREAD =
  "the store's queries read the entry's fields otherwise than its contents (a field written twice in the stored document): the entry was altered";

/** The row as the store's filters must find it: each filter column equal to the value the row holds. */
const asFiltered = (row: Row): Filter =>
  and(...FILTER_COLUMNS.map((f) => eq(f, (row[f] ?? null) as Value)));

/** The rows of a page that the store's filters do not find by the values they hold (usually none: one count). */
async function misreadRows(store: Store, rows: readonly Row[]): Promise<Set<Row>> {
  const misread = new Set<Row>();
  if (rows.length === 0) return misread;
  // Within the page's seq window, so that the count walks the seq index and not the whole log.
  const seqs = rows.map((r) => Number(r.seq)).filter(Number.isFinite);
  const window: Filter[] = seqs.length === rows.length
    ? [{ kind: 'compare', field: 'seq', op: 'gte', value: Math.min(...seqs) }, { kind: 'compare', field: 'seq', op: 'lte', value: Math.max(...seqs) }]
    : [];
  if ((await store.count(AUDIT_COLLECTION, and(...window, or(...rows.map(asFiltered))))) === rows.length) return misread;
  for (const row of rows) if ((await store.count(AUDIT_COLLECTION, asFiltered(row))) !== 1) misread.add(row);
  return misread;
}

const ALTERED =
  "hash does not match the entry's contents (the entry was altered, or rehashed without the platform's key; or the platform secret changed since it was written: if on purpose, record the change with govgraph audit rekey)";

const notMatching = (keyNote: string): string => (keyNote ? `hash does not match the entry's contents${keyNote}` : ALTERED);

/** Entry #1's reason when it carries the plain SHA-256 of a release before keyed hashes (and the second links to it). */
const PLAIN_FIRST = `hash is a plain SHA-256, not keyed with the platform's key: ${UNKEYED_LOG_ADVICE}`;

/** The entry when it is sound, or the reason it is not. */
function checkRow(row: Row, expectedSeq: number, prevHash: string, key: Uint8Array | null, keyNote = ''): AuditEntry | string {
  // A number as stored, not one Number() makes of it: a seq written as the string "10" hashes as 10, but
  // SQLite sorts text after every number, so the tail and the views' span pass it over (query.ts,
  // log.ts WHOLE_SEQ): the entry hidden from every view while the chain seemed sound.
  const seq = typeof row.seq === 'number' ? row.seq : NaN;
  if (!Number.isInteger(seq)) return `seq ${JSON.stringify(row.seq)} is not a whole number (the entry was altered)`;
  // Sorted by seq, a seq below the one expected is one passed already: a second entry with it (the unique
  // index dropped and an entry inserted or copied), which the views and the usage figures would count twice.
  if (seq < expectedSeq) return writtenTwice(seq);
  if (seq !== expectedSeq) {
    return expectedSeq === seq - 1
      ? `entry #${expectedSeq} is missing`
      : `entries #${expectedSeq} to #${seq - 1} are missing`;
  }
  let entry: AuditEntry;
  try {
    entry = fromRow(row);
  } catch (err) {
    return `entry cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (entry.prevHash !== prevHash) {
    return seq === 1
      ? 'prevHash of the first entry is not the genesis hash'
      : `prevHash does not match the hash of entry #${seq - 1}`;
  }
  // No key (entries before a change whose previous secret is not given): the change's digest checks them.
  let recomputed: string | null;
  try {
    recomputed = key === null ? null : entryHash(entry, key);
  } catch (err) {
    return `entry cannot be hashed: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (recomputed !== null && recomputed !== entry.hash) {
    // A log a release before keyed hashes began: said as such at its first entry (later ones are links of a
    // keyed chain), when the second links to it (the loop asks: begunBeforeKeyedHashes).
    if (seq === 1 && hashedUnkeyed(entry)) return PLAIN_FIRST;
    return notMatching(keyNote);
  }
  if ((row.resourceCodes ?? '') !== resourceCodesOf(entry.resources)) {
    return 'resourceCodes column does not match resources (the entry was altered)';
  }
  if ((row.providers ?? '') !== providersOf(entry)) {
    return 'providers column does not match resources (the entry was altered)';
  }
  if ((row.parts ?? '') !== partsOf(entry.resources) || (row.providerOutcomes ?? '') !== providerOutcomesOf(entry)) {
    return 'parts or providerOutcomes column does not match the entry (the entry was altered)';
  }
  return entry;
}
