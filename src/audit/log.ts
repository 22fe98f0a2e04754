// Appending to the audit log (SPEC §10): hash-chained, fail-closed, safe across processes.
//
// Each append takes the tail (highest seq: the one this writer stored last, else read from the store),
// builds the next entry (seq + 1, prevHash = the tail's hash) and inserts it. A unique index on `seq`
// makes two writers that took the same tail collide instead of forking the chain: the loser gets
// DuplicateKeyError, re-reads the tail and tries again, up to MAX_APPEND_ATTEMPTS times with a short
// random back-off.
//
// Group commit (issue 10): within one process, the entries of concurrent requests are written together.
// Entries that arrive while a batch is being written wait for it and then go as the next batch: one
// tail read and one all-or-nothing insert (one transaction) for all of them, each entry chained to the
// one before. Every caller's promise settles with its own entry once the batch is stored, or rejects
// with AuditUnavailableError when the batch is not: a response then leaves without data (fail-closed).
// Contention remains only between processes (or Stores), and the unique seq settles it as above.
//
// Fail-closed: any failure of the store (including giving up after the attempts) is an
// AuditUnavailableError; callers must then return no resource data.
import {
  AUDIT_COLLECTION,
  GENESIS_HASH,
  fieldsHash,
  writtenFields,
  toRow,
  type AuditEntry,
  type NewAuditEntry,
} from './entry.ts';
import { and, DuplicateKeyError, StoreUnavailableError, type Filter, type IndexSpec, type Store } from '../store/port.ts';
import { auditKey } from './key.ts';
import { KEY_CHANGED_ACTION, keyId, parseChange } from './key-change.ts';

export const MAX_APPEND_ATTEMPTS = 25;

export class AuditUnavailableError extends Error {
  readonly code = 'AUDIT_UNAVAILABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditUnavailableError';
  }
}

const indexReady = new WeakMap<Store, Promise<void>>();

/** The audit log's indexes, in the order they are made. */
const AUDIT_INDEXES: IndexSpec[] = [
  { fields: ['seq'], unique: true },
  { fields: ['time'] },
  { fields: ['department', 'seq'] },
  { fields: ['requestId'] }, // auditLog(filter: { requestId })
  // auditLog(filter: { action }): without it each window of the seq index was read whole to find a
  // supervisor's few adoptPlatform or decideSharingRequest entries (src/audit/query.ts).
  { fields: ['action', 'seq'] },
];

/**
 * Creates the audit indexes once per Store (again after a failure). `serve` makes them at its start
 * (src/server/audit-layout.ts): one a release adds is made over the whole log, seconds on a long one.
 */
export function ensureAuditIndexes(store: Store): Promise<void> {
  let ready = indexReady.get(store);
  if (!ready) {
    ready = (async () => {
      for (const index of AUDIT_INDEXES) await store.ensureIndex(AUDIT_COLLECTION, index);
    })();
    indexReady.set(store, ready);
    ready.catch(() => indexReady.delete(store));
  }
  return ready;
}

/** Whether the store lacks one of the audit log's indexes (a release added it): a quick read of the store's list. */
export async function auditIndexesMissing(store: Store): Promise<boolean> {
  const made = new Set((await store.listIndexes(AUDIT_COLLECTION)).map((i) => `${i.fields.join(',')}:${i.unique === true}`));
  return AUDIT_INDEXES.some((i) => !made.has(`${i.fields.join(',')}:${i.unique === true}`));
}

/**
 * The seqs a log holds: whole numbers from 1. A row altered in the store to hold another seq (a string,
 * which SQLite sorts after every number, or null, before them) is passed over by the tail and by the
 * views' span: taken as the tail, its NaN stopped every later entry (every read then AUDIT_UNAVAILABLE,
 * "not a JSON number: NaN"); taken as the newest, it emptied every view. `audit verify` names it.
 */
export const WHOLE_SEQ: Filter = and(
  { kind: 'compare', field: 'seq', op: 'gte', value: 1 },
  { kind: 'compare', field: 'seq', op: 'lte', value: Number.MAX_SAFE_INTEGER },
);

/** The seq and hash of the last entry, or null for an empty log. */
export async function auditTail(store: Store): Promise<{ seq: number; hash: string } | null> {
  const rows = await store.find(AUDIT_COLLECTION, {
    filter: WHOLE_SEQ,
    projection: ['seq', 'hash'],
    sort: [{ field: 'seq', direction: 'desc' }],
    limit: 1,
  });
  return rows.length === 0 ? null : { seq: Number(rows[0].seq), hash: String(rows[0].hash) };
}

/**
 * The tail to append after, read from the store. When it is the entry of a key change (`audit rekey`,
 * key-change.ts) to another key than this writer's, the writer runs with the previous secret (a gateway not
 * restarted since): its entries would break the chain right after the change, so it writes none (fail-closed).
 */
async function tailToAppend(store: Store, key: Uint8Array): Promise<{ seq: number; hash: string } | null> {
  const rows = await store.find(AUDIT_COLLECTION, {
    filter: WHOLE_SEQ,
    projection: ['seq', 'hash', 'action', 'detail'],
    sort: [{ field: 'seq', direction: 'desc' }],
    limit: 1,
  });
  if (rows.length === 0) return null;
  const [row] = rows;
  const change = row.action === KEY_CHANGED_ACTION && typeof row.detail === 'string' ? parseChange(row.detail) : null;
  if (change && change.newKey !== keyId(key)) {
    throw new Error(
      `the platform secret was changed (entry #${Number(row.seq)}, govgraph audit rekey) and this process runs with the previous one: ` +
        'restart it with the new secret (docs/operations.md, The platform secret)',
    );
  }
  return { seq: Number(row.seq), hash: String(row.hash) };
}

interface Pending {
  /** Read when its batch is written: callers hand over an entry they no longer change. */
  input: NewAuditEntry;
  time: string;
  resolve(entry: AuditEntry): void;
  reject(err: unknown): void;
}

/**
 * Per Store: the entries waiting for the next batch, whether a batch is being written, and the tail this
 * writer wrote last. The next batch goes after that tail without reading it again: when another process
 * appended since, its first seq is taken and the unique index refuses it (DuplicateKeyError), and the
 * tail is read again. Any other write to the log through this Store (the store announces it) forgets it.
 */
interface Writer {
  waiting: Pending[];
  writing: boolean;
  tail?: { seq: number; hash: string } | null; // undefined: read it
  /** Why the last batch could not be written; null once one is. */
  failing: string | null;
  listeners: Set<(event: AuditWriteEvent) => void>;
}

/**
 * What an operator needs to hear of the writer: that the log cannot be written and why (the store's
 * reason, never an entry), once and again only when the reason changes; and once when it is written again.
 */
export type AuditWriteEvent = { available: false; reason: string } | { available: true };

/** Calls `listener` as the writer of `store` starts failing, fails for another reason, or writes again. */
export function watchAuditWrites(store: Store, listener: (event: AuditWriteEvent) => void): () => void {
  const w = writerOf(store);
  w.listeners.add(listener);
  return () => w.listeners.delete(listener);
}

function writerOf(store: Store): Writer {
  let writer = writers.get(store);
  if (!writer) {
    const w: Writer = { waiting: [], writing: false, failing: null, listeners: new Set() };
    writers.set(store, (writer = w));
    store.watch((collection) => {
      if (collection === AUDIT_COLLECTION) w.tail = undefined;
    });
  }
  return writer;
}

const writers = new WeakMap<Store, Writer>();

/** Appends one entry and returns it as stored. Throws AuditUnavailableError when it cannot. */
export function appendAudit(store: Store, entry: NewAuditEntry): Promise<AuditEntry> {
  const w = writerOf(store);
  return new Promise<AuditEntry>((resolve, reject) => {
    w.waiting.push({ input: entry, time: entry.time ?? new Date().toISOString(), resolve, reject });
    // The first entry of an idle writer waits one turn of the event loop for the entries of the other
    // requests finishing in the same turn; later ones wait for the batch being written.
    if (!w.writing && w.waiting.length === 1) setImmediate(() => void flush(store, w));
  });
}

async function flush(store: Store, w: Writer): Promise<void> {
  if (w.writing) return;
  w.writing = true;
  try {
    while (w.waiting.length) {
      const batch = w.waiting.splice(0, MAX_BATCH);
      try {
        const entries = await appendBatch(store, w, batch);
        batch.forEach((p, i) => p.resolve(entries[i]));
        if (w.failing !== null) tell(w, { available: true });
      } catch (err) {
        // A batch that waited out the store's bound (its lock held by another process, MongoDB not
        // answering) fails the entries queued behind it too: they waited as long as it did, the store
        // unwritable throughout, and as the next batch they would wait the whole bound again, answered
        // only after twice the wait operations.md promises (10 s instead of 5 s under a held lock).
        const gaveUp = err instanceof AuditUnavailableError && err.cause instanceof StoreUnavailableError;
        for (const p of gaveUp ? [...batch, ...w.waiting.splice(0)] : batch) p.reject(err);
        const reason = err instanceof Error ? err.message : String(err);
        if (reason !== w.failing) tell(w, { available: false, reason });
      }
    }
  } finally {
    w.writing = false;
  }
}

function tell(w: Writer, event: AuditWriteEvent): void {
  w.failing = event.available ? null : event.reason;
  for (const listener of w.listeners) listener(event);
}

/** At most this many entries in one insert: a burst is written in several transactions, in order. */
const MAX_BATCH = 256;

function chained(p: Pick<Pending, 'input' | 'time'>, seq: number, prevHash: string, key: Uint8Array): AuditEntry {
  const fields = writtenFields(p.input, p.time, seq, prevHash);
  return Object.assign(fields, { hash: fieldsHash(fields, key) });
}

/** Writes the entries as one all-or-nothing insert after the tail; retried when another writer took the tail. */
async function appendBatch(store: Store, w: Writer, inputs: Pick<Pending, 'input' | 'time'>[]): Promise<AuditEntry[]> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    try {
      await ensureAuditIndexes(store);
      const key = await auditKey(store);
      const tail = w.tail !== undefined ? w.tail : await tailToAppend(store, key);
      let seq = tail ? tail.seq : 0;
      let prev = tail ? tail.hash : GENESIS_HASH;
      const entries = inputs.map((input) => {
        const entry = chained(input, ++seq, prev, key);
        prev = entry.hash;
        return entry;
      });
      w.tail = undefined;
      await store.insert(AUDIT_COLLECTION, entries.map(toRow));
      w.tail = { seq, hash: prev }; // after the store announced the insert, which forgets the tail
      return entries;
    } catch (err) {
      lastError = err;
      if (!(err instanceof DuplicateKeyError)) break;
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }
  const reason =
    lastError instanceof DuplicateKeyError
      ? `another writer kept taking the next sequence number (${MAX_APPEND_ATTEMPTS} attempts)`
      : lastError instanceof Error
        ? lastError.message
        : String(lastError);
  throw new AuditUnavailableError(`The audit log cannot be written: ${reason}`, { cause: lastError });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
