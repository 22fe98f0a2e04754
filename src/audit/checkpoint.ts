// Signed checkpoints of the audit log's head (issue 8): the sequence number and hash of the newest entry,
// with the time, signed with HMAC-SHA256 under the audit key (key.ts). A gateway writes one at least
// every minute while the head moves, and one on shutdown, to the store (`_audit_checkpoints`) and, when
// the operator names one, to a file outside the store (GOVGRAPH_AUDIT_CHECKPOINTS), one JSON line each,
// appended.
//
// `audit verify` reads both: a signed checkpoint names an entry that must exist with that hash, so
// deleting the newest entries (the tail), or rewriting entries and rehashing every later one, shows even
// to someone who could rewrite the whole store. A checkpoint whose signature does not verify is itself
// reported: it was altered or forged.
import { appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq, ROW_ORDER, StoreUnavailableError, type Store, type Value } from '../store/port.ts';
import { setting } from '../model/settings.ts';
import { AUDIT_COLLECTION, canonicalJson, entryHash, fromRow, GENESIS_HASH } from './entry.ts';
import { auditKey } from './key.ts';
import { auditTail } from './log.ts';

export const AUDIT_CHECKPOINTS = '_audit_checkpoints';
/** The environment variable naming the checkpoint file (a second location, outside the store). */
export const CHECKPOINT_FILE_ENV = 'GOVGRAPH_AUDIT_CHECKPOINTS';
export const CHECKPOINT_INTERVAL_MS = 60_000;
const DOMAIN = 'govgraph-audit-checkpoint-v1\n';

export interface Checkpoint {
  seq: number; // 0 for an empty log
  hash: string;
  time: string;
  mac: string;
}

/** A checkpoint read back, with where it came from (for messages). */
export interface FoundCheckpoint extends Omit<Checkpoint, 'mac'> {
  where: string; // 'store' or 'FILE line N'
  signed: boolean;
  /** Signed with the previous key given to readCheckpoints (a key change: key-change.ts), not the current one. */
  signedByPrevious?: boolean;
}

export function checkpointFileFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  return setting(CHECKPOINT_FILE_ENV, env) ?? null;
}

function macOf(c: Omit<Checkpoint, 'mac'>, key: Uint8Array): string {
  return createHmac('sha256', key).update(DOMAIN).update(canonicalJson({ seq: c.seq, hash: c.hash, time: c.time })).digest('hex');
}

function signedBy(c: Checkpoint, key: Uint8Array): boolean {
  const want = Buffer.from(macOf(c, key), 'hex');
  const got = Buffer.from(typeof c.mac === 'string' ? c.mac : '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Why this instance must not sign the log's head: its newest entry does not verify under this instance's
 * key. Another gateway on the store runs with another secret (its entries break the chain from the first
 * one: audit verify cannot pass again), the secret changed since, or the entry was altered. A checkpoint
 * would anchor it; the operator is told instead, each minute the head stays so.
 */
export class AuditHeadError extends Error {
  override name = 'AuditHeadError';
  readonly userFacing = true;
}

/** Whether the log's newest entry (`tail`) is as stored and hashes to its hash under `key`. */
export async function tailVerifies(store: Store, tail: { seq: number; hash: string }, key: Uint8Array): Promise<boolean> {
  const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', tail.seq), limit: 1 });
  try {
    return !!row && entryHash(fromRow(row), key) === tail.hash;
  } catch {
    return false; // an entry that cannot be read or hashed does not verify either
  }
}

async function headProblem(store: Store, tail: { seq: number; hash: string }, key: Uint8Array): Promise<string | null> {
  if (await tailVerifies(store, tail, key)) return null;
  return (
    `The audit log's newest entry #${tail.seq} does not verify under this gateway's key, so no checkpoint signs it: another gateway ` +
    'writes to this store with another GOVGRAPH_JWT_SECRET (give every instance the same one, or none), the secret changed since the ' +
    'entry was written (record the change with govgraph audit rekey), or the entry was altered. Run govgraph audit verify'
  );
}

/** The checkpoint of `head` at `time`, signed under `key`. */
export function signedCheckpoint(head: { seq: number; hash: string }, time: string, key: Uint8Array): Checkpoint {
  const signed = { seq: head.seq, hash: head.hash, time };
  return { ...signed, mac: macOf(signed, key) };
}

/**
 * Signs the log's head now and writes it to the store and, when named, appends it to the file. `head`: the
 * tail the caller has just read (startCheckpoints), so that it is not read twice.
 */
export async function writeCheckpoint(
  store: Store,
  file: string | null,
  now = new Date(),
  key?: Uint8Array,
  head?: { seq: number; hash: string } | null,
): Promise<Checkpoint> {
  key ??= await auditKey(store);
  const tail = head === undefined ? await auditTail(store) : head;
  const problem = tail && (await headProblem(store, tail, key));
  if (problem) throw new AuditHeadError(problem);
  const checkpoint = signedCheckpoint(tail ?? { seq: 0, hash: GENESIS_HASH }, now.toISOString(), key);
  await store.insert(AUDIT_CHECKPOINTS, [{ ...checkpoint }]);
  // After a line cut short (a crash or a full disk in the middle of a write), on a line of its own.
  if (file) appendFileSync(file, (endsLine(file) ? '' : '\n') + JSON.stringify(checkpoint) + '\n', { mode: 0o600 });
  return checkpoint;
}

/** Whether the file is missing, empty or ends with a newline. */
function endsLine(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  try {
    const { size } = fstatSync(fd);
    const last = Buffer.alloc(1);
    return size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a);
  } finally {
    closeSync(fd);
  }
}

/** A line a write stopped in the middle of: the start of a JSON object that never ends. */
const cutShort = (line: string): boolean => line.startsWith('{') && !line.trimEnd().endsWith('}');

/** Where a checkpoint of the store is said to be (`FoundCheckpoint.where`). */
export const STORE_CHECKPOINTS = 'the store';

/** The fields of every line a gateway appends (writeCheckpoint). */
const CHECKPOINT_FIELDS = ['seq', 'hash', 'time', 'mac'] as const;
const WHAT_A_LINE_IS = 'a checkpoint file holds one JSON object of seq, hash, time and mac a line, as the gateways append them';

/**
 * A line of a checkpoint file: a checkpoint (a JSON object with the four fields; whether its signature
 * verifies, and so whether it was altered or forged, is verify's to say), or why it is none: not JSON, not
 * an object, an object without one of the fields, or 'cut' for a line a write stopped in the middle of.
 */
function checkpointLine(line: string): { raw: Record<string, unknown> } | { why: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { why: cutShort(line) ? 'cut' : 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { why: 'JSON, but not an object' };
  const missing = CHECKPOINT_FIELDS.filter((f) => !(f in parsed));
  return missing.length ? { why: `a JSON object without ${missing.join(', ')}` } : { raw: parsed as Record<string, unknown> };
}

export interface CheckpointFileLines {
  /** The lines that are checkpoints, parsed, with their line numbers (from 1). */
  checkpoints: { line: number; raw: Record<string, unknown> }[];
  /**
   * What is wrong with the file, as `FILE: message` or `FILE:LINE: message`, or null: an empty file, a
   * file none of whose lines is a checkpoint (another JSON file, a text file), or a line among
   * checkpoints that is none. Lines cut short by an interrupted write are passed over, as blank ones.
   * Such a file used to be read as checkpoints failing their signature ("altered or forged"), or, empty,
   * as no checkpoints at all (`audit chain ok`, the check outside the store silently skipped).
   */
  problem: string | null;
}

/** The checkpoint file's lines, and what is wrong with it, if anything. */
export function readCheckpointFile(file: string): CheckpointFileLines {
  const text = readFileSync(file, 'utf8');
  const checkpoints: CheckpointFileLines['checkpoints'] = [];
  let bad: { line: number; why: string } | null = null;
  let firstCut: number | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const read = checkpointLine(lines[i]);
    if ('raw' in read) checkpoints.push({ line: i + 1, raw: read.raw });
    else if (read.why === 'cut') firstCut ??= i + 1;
    else bad ??= { line: i + 1, why: read.why };
  }
  let problem: string | null = null;
  if (!text.trim()) {
    problem = `${file}: not a checkpoint file: it is empty, so there is nothing to check the log against (a gateway appends a checkpoint when it starts and every minute the log moves)`;
  } else if (checkpoints.length === 0) {
    const which = bad ? `line ${bad.line} is ${bad.why}` : `it holds no whole checkpoint (line ${firstCut} was cut short)`;
    problem = `${file}: not a checkpoint file: ${which}; ${WHAT_A_LINE_IS}`;
  } else if (bad) {
    problem = `${file}:${bad.line}: not a checkpoint (${bad.why}) among the gateways' checkpoints: the line was altered, or written there by something else`;
  }
  return { checkpoints, problem };
}

/** The store's checkpoints read a page at a time, in the order stored (storedCheckpoints). */
export const CHECKPOINT_PAGE = 5000;

/**
 * The store's checkpoints, CHECKPOINT_PAGE rows a read, in the order stored. A gateway writes one each minute
 * the log moves, 525,600 a year: read at once, `audit verify` (and the gateway's verifyAuditChain) held every
 * row of them at once, 430 MB of heap for a year's (bench/audit-scale.ts). A field a row lacks reads as
 * absent, as in the row read whole (the projection gives null for it).
 */
async function* storedCheckpoints(store: Store): AsyncGenerator<Record<string, unknown>> {
  let after: Value | undefined;
  for (;;) {
    const rows = await store.find(AUDIT_CHECKPOINTS, {
      ...(after === undefined ? {} : { filter: { kind: 'compare', field: ROW_ORDER, op: 'gt', value: after } }),
      projection: [ROW_ORDER, ...CHECKPOINT_FIELDS],
      sort: [{ field: ROW_ORDER, direction: 'asc' }],
      limit: CHECKPOINT_PAGE,
    });
    for (const row of rows) yield Object.fromEntries(CHECKPOINT_FIELDS.flatMap((f) => (row[f] === null ? [] : [[f, row[f]]])));
    if (rows.length < CHECKPOINT_PAGE) return;
    after = rows[rows.length - 1][ROW_ORDER];
  }
}

/**
 * Every checkpoint of the store and of the file, with whether its signature verifies, and what is wrong
 * with the file (readCheckpointFile), if anything.
 */
export async function readCheckpoints(
  store: Store,
  file: string | null,
  keys?: { current: Uint8Array; previous: Uint8Array | null },
): Promise<{ found: FoundCheckpoint[]; fileProblem: string | null }> {
  const key = keys?.current ?? (await auditKey(store));
  const previous = keys?.previous ?? null;
  const found: FoundCheckpoint[] = [];
  const add = (raw: unknown, where: string) => {
    const o = (raw ?? {}) as Partial<Checkpoint>;
    const c: Checkpoint = { seq: Number(o.seq), hash: String(o.hash), time: String(o.time), mac: String(o.mac) };
    const wellFormed = Number.isSafeInteger(c.seq) && c.seq >= 0;
    const signed = wellFormed && signedBy(c, key);
    const signedByPrevious = wellFormed && !signed && previous !== null && signedBy(c, previous);
    // Without its mac (checked now): kept for the whole walk, one a minute for as long as the log is.
    found.push({ seq: wellFormed ? c.seq : -1, hash: c.hash, time: c.time, where, signed, ...(signedByPrevious ? { signedByPrevious } : {}) });
  };
  for await (const row of storedCheckpoints(store)) add(row, STORE_CHECKPOINTS);
  if (!file) return { found, fileProblem: null };
  // A file named but not there (removed, its volume not mounted) or not readable is said, not passed
  // over: the gateway's verifyAuditChain (which takes GOVGRAPH_AUDIT_CHECKPOINTS as named) answered
  // ok from the store alone, so a tail deleted with the store's checkpoints passed unseen. (The command
  // refuses such a file before it verifies: cli/audit.ts.)
  let lines: CheckpointFileLines;
  try {
    lines = readCheckpointFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(err)})`;
    return { found, fileProblem: `${file}: ${what}: the checkpoints outside the store were not checked; name the file the gateways append their checkpoints to` };
  }
  const { checkpoints, problem } = lines;
  for (const { line, raw } of checkpoints) add(raw, `${file} line ${line}`);
  return { found, fileProblem: problem };
}

/**
 * A checkpoint not written, for the log: named, with the cause's code (ENOSPC, EACCES of the file). When
 * the store could not take it (locked by another process for longer than its bound: a data import, a
 * backup; MongoDB not answering), the store's reason is the operator's to read, as for the audit log's own
 * writes, so it is said (`userFacing`: serve's log line carries it as `reason`) instead of an unexplained
 * "unexpected error".
 */
function checkpointError(err: unknown): Error {
  if (err instanceof AuditHeadError) return err;
  const code = (err as { code?: unknown }).code;
  const error = Object.assign(new Error('audit checkpoint not written', { cause: err }), { name: 'AuditCheckpointError', ...(code !== undefined ? { code } : {}) });
  if (!(err instanceof StoreUnavailableError)) return error;
  error.message = `The audit checkpoint cannot be written to the store, tried again within a minute: ${err.message}`;
  return Object.assign(error, { userFacing: true });
}

/**
 * Writes a checkpoint every `intervalMs` while the head moves (and at once), and a last one on stop.
 * A failure to write one is reported through `log` and tried again at the next tick; requests go on.
 */
export function startCheckpoints(store: Store, opts: { file: string | null; intervalMs?: number; log?: (err: unknown) => void }) {
  let last: string | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = (force: boolean) => {
    running = running.then(async () => {
      try {
        const tail = await auditTail(store);
        const head = `${tail?.seq ?? 0}:${tail?.hash ?? GENESIS_HASH}`;
        if (!force && head === last) return;
        // The head just read is the one signed: read once (serve's start reads the newest entry before, chain-key.ts unkeyedLogProblem).
        await writeCheckpoint(store, opts.file, new Date(), undefined, tail);
        last = head;
      } catch (err) {
        opts.log?.(checkpointError(err));
      }
    });
    return running;
  };
  const timer = setInterval(() => void tick(false), opts.intervalMs ?? CHECKPOINT_INTERVAL_MS);
  timer.unref();
  void tick(false);
  return {
    /** The checkpoint of shutdown: written whatever the head. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await tick(true);
    },
  };
}
