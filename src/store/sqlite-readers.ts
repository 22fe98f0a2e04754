// Reader threads of the embedded store: SQLite reads that no index bounds, run off the event loop.
//
// better-sqlite3 is synchronous, so a read on the gateway's own connection holds the event loop until it
// ends: a `contains` page over a million records held it 2.4 s, and every other request, `/healthz` and the
// time limit waited for it. sqlite/thread-reads.ts sends such reads (a large collection, a plan that may
// walk much of it: sqlite-read-plan.ts) here instead. Each thread has a connection of its own to the same
// file; in WAL mode it reads the last committed state, as the gateway's own connection would (a write of
// this process is committed before its caller goes on, so a read after it sees it).
//
// Reads wait in one queue per owner (the requesting department), served in turn (sqlite/owner-turns.ts):
// a department sending many long reads makes its own wait, not another's, whose next read starts once a
// thread is free.
// A read queued behind others is dropped when its signal aborts before it starts (its request was
// cancelled). A statement already running ends as it would: SQLite offers no interrupt through
// better-sqlite3, and ending a thread does not stop its native code either.
//
// The threads' code is plain JavaScript evaluated as a CommonJS worker (`eval: true`), so that it runs
// the same from the TypeScript sources (tests) and the built files; it requires better-sqlite3 by the
// path this module resolves.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { OwnerTurns } from './sqlite/owner-turns.ts';

export type ReadParam = string | number | null;

/**
 * `all`: every row's first column; `rows`: every row as an array (an id and a text); `value`: the first
 * row's first column. Many rows of `all` and `rows` come as PackedRows.
 */
export type ReadMode = 'all' | 'rows' | 'value';

interface Job {
  id: number;
  sql: string;
  params: ReadParam[];
  mode: ReadMode;
}

interface Reply {
  id: number;
  result?: unknown;
  /** Many texts (`all`: the rows; `rows`: their second columns, `ids` the first) as UTF-8 and where each ends. */
  packed?: { bytes: Uint8Array; ends: Float64Array; ids?: Float64Array };
  error?: { message: string; code: string };
}

/**
 * The rows of an `all` or `rows` read whose texts came packed, decoded as they are asked for (`at(i)`), so
 * that the caller decodes and parses them a slice at a time (sqlite/thread-reads.ts: parseThreadRows).
 */
export class PackedRows {
  private readonly buffer: Buffer;
  constructor(private readonly packed: NonNullable<Reply['packed']>) {
    this.buffer = Buffer.from(packed.bytes.buffer, packed.bytes.byteOffset, packed.bytes.byteLength);
  }
  get length(): number {
    return this.packed.ends.length;
  }
  /** The row's text (`all`), or its second column (`rows`). */
  text(i: number): string {
    return this.buffer.toString('utf8', i === 0 ? 0 : this.packed.ends[i - 1], this.packed.ends[i]);
  }
  /** The row's first column (`rows`). */
  id(i: number): number {
    return this.packed.ids![i]!;
  }
}

const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyMs);
db.pragma('query_only = 1');
const statements = new Map();
function statement(sql) {
  let s = statements.get(sql);
  if (s === undefined) {
    if (statements.size >= 200) statements.delete(statements.keys().next().value);
    s = db.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}
// Texts as one UTF-8 buffer and where each ends, handed over without a copy: a message of many strings
// is copied into the gateway's heap on its event loop at once (30 MB of documents held it 35 ms).
function pack(texts) {
  if (texts.length < 64 || !texts.every((t) => typeof t === 'string')) return undefined;
  let size = 0;
  for (const t of texts) size += Buffer.byteLength(t);
  const bytes = new Uint8Array(size);
  const ends = new Float64Array(texts.length);
  const encoder = new TextEncoder();
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    at += encoder.encodeInto(texts[i], bytes.subarray(at)).written;
    ends[i] = at;
  }
  return { bytes, ends };
}
parentPort.on('message', (job) => {
  try {
    const s = statement(job.sql);
    if (job.mode === 'value') {
      parentPort.postMessage({ id: job.id, result: s.pluck(true).get(...job.params) });
      return;
    }
    const rows = job.mode === 'rows' ? s.raw(true).all(...job.params) : s.pluck(true).all(...job.params);
    const packed = pack(job.mode === 'rows' ? rows.map((r) => r[1]) : rows);
    if (packed === undefined) {
      parentPort.postMessage({ id: job.id, result: rows });
      return;
    }
    const ids = job.mode === 'rows' ? Float64Array.from(rows, (r) => r[0]) : undefined;
    const transfer = [packed.bytes.buffer, packed.ends.buffer];
    if (ids) transfer.push(ids.buffer);
    parentPort.postMessage({ id: job.id, packed: { bytes: packed.bytes, ends: packed.ends, ids } }, transfer);
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: { message: String(error && error.message), code: String(error && error.code) } });
  }
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

interface Pending {
  job: Job;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
}

interface Thread {
  worker: Worker;
  busy: Pending | undefined;
}

/** A read the threads could not run: they are closed, or its thread failed or ended (a crash, terminate). */
export class ReaderThreadError extends Error {
  override name = 'ReaderThreadError';
}

/**
 * What a thread's uncaught error says. It crosses as a copy: better-sqlite3's SqliteError arrives as a plain
 * object with its code alone (no message), which said "undefined".
 */
function described(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown } | null | undefined;
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return message && code ? `${message} (${code})` : message ?? code ?? String(error);
}

export interface ReaderThreadsOptions {
  /** How many threads at most (default 2): they share the machine's cores with the gateway. */
  size?: number;
  /** How long a thread's read waits for a lock synchronously (it holds only its own thread). */
  busyMs: number;
}

/** A pool of reader threads on one SQLite file, started on its first read. */
export class ReaderThreads {
  private readonly threads: Thread[] = [];
  /** Reads waiting for a thread, in turn by owner. */
  private readonly waiting = new OwnerTurns<Pending>();
  private nextId = 1;
  private closed = false;
  private readonly size: number;

  constructor(
    private readonly file: string,
    private readonly options: ReaderThreadsOptions,
  ) {
    this.size = Math.max(1, options.size ?? 2);
  }

  /**
   * Runs a read on a thread. An error of SQLite comes back as better-sqlite3's SqliteError (its message and
   * code), so the caller translates it as it would its own; threads closed, failed or ended give a
   * ReaderThreadError. Rejects with the signal's reason when the signal aborts first. `owner`: whose read it
   * is (reads wait in turn by owner).
   */
  read(sql: string, params: ReadParam[], mode: ReadMode, { signal, owner = '' }: { signal?: AbortSignal; owner?: string } = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new ReaderThreadError(`the reader threads of ${this.file} are closed`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const pending: Pending = { job: { id: this.nextId++, sql, params, mode }, resolve, reject, signal };
      if (signal) {
        const onAbort = () => {
          // Queued: dropped. Running: its answer is no longer waited for (the thread finishes it).
          this.waiting.remove(owner, pending);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = { resolve, reject };
        pending.resolve = (value) => (signal.removeEventListener('abort', onAbort), settle.resolve(value));
        pending.reject = (error) => (signal.removeEventListener('abort', onAbort), settle.reject(error));
      }
      this.waiting.add(owner, pending);
      this.dispatch();
    });
  }

  /** Reads waiting for a thread, and threads reading (for tests and the log). */
  get load(): { queued: number; running: number } {
    return { queued: this.waiting.size, running: this.threads.filter((t) => t.busy).length };
  }

  /** Ends the threads; reads queued or under way fail (a statement under way ends first: terminate waits for it). */
  async close(): Promise<void> {
    this.closed = true;
    const closed = () => new ReaderThreadError(`the reader threads of ${this.file} are closed`);
    for (const pending of this.waiting.clear()) pending.reject(closed());
    const threads = this.threads.splice(0);
    for (const thread of threads) thread.busy?.reject(closed());
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private dispatch(): void {
    while (!this.waiting.empty) {
      const thread = this.threads.find((t) => t.busy === undefined) ?? this.start();
      if (thread === undefined) return;
      const pending = this.waiting.next()!;
      thread.busy = pending;
      thread.worker.ref(); // a read under way keeps the process alive, as a read of its own connection would
      thread.worker.postMessage(pending.job);
    }
  }

  /** A new thread when the pool has room, else undefined. */
  private start(): Thread | undefined {
    if (this.threads.length >= this.size) return undefined;
    const worker = new Worker(THREAD_CODE, {
      eval: true,
      workerData: { driver: driverPath, file: this.file, busyMs: this.options.busyMs },
    });
    const thread: Thread = { worker, busy: undefined };
    worker.on('message', (reply: Reply) => {
      const pending = thread.busy;
      thread.busy = undefined;
      thread.worker.unref(); // an idle thread keeps no process alive
      if (pending !== undefined && pending.job.id === reply.id) {
        const error = reply.error;
        if (error) pending.reject(error.code.startsWith('SQLITE_') ? new Database.SqliteError(error.message, error.code) : new Error(error.message));
        else pending.resolve(reply.packed ? new PackedRows(reply.packed) : reply.result);
      }
      this.dispatch();
    });
    worker.on('error', (error) => this.lose(thread, new ReaderThreadError(`a reader thread of the SQLite store failed: ${described(error)}`, { cause: error })));
    worker.on('exit', (code) => this.lose(thread, new ReaderThreadError(`a reader thread of the SQLite store ended (exit code ${code})`)));
    this.threads.push(thread);
    return thread;
  }

  /** A thread failed or ended: its read fails, and the next read starts another. */
  private lose(thread: Thread, error: ReaderThreadError): void {
    const at = this.threads.indexOf(thread);
    if (at < 0) return;
    this.threads.splice(at, 1);
    thread.busy?.reject(error);
    thread.busy = undefined;
    if (!this.closed) this.dispatch();
  }
}
