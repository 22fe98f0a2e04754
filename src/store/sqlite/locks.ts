// Locks and errors of the embedded store (store.ts): SQLite's answers as the port's errors, and operations
// retried without blocking the event loop while another process holds the database.
//
// Locks never stall the event loop: better-sqlite3 is synchronous, so SQLite's own busy wait
// (`busy_timeout`) is kept to a few milliseconds, and an operation that finds the database locked by
// another process (a writer, an import, a backup) is retried asynchronously, with growing pauses, until
// `lockWaitMs` has passed; then it fails with StoreUnavailableError. Meanwhile the process answers
// everything else. In WAL mode readers are not blocked by a writer; only an exclusive lock blocks them.

import Database from 'better-sqlite3';
import { duplicateKey, StoreUnavailableError, type ReadOptions } from '../port.ts';
import { damageHint } from './data-folder.ts';
import { OwnerTurns } from './owner-turns.ts';

/** The longest SQLite may wait for a lock synchronously, holding the event loop (`busy_timeout`). */
export const SYNC_LOCK_WAIT_MS = 5;

function isSqliteError(error: unknown): error is InstanceType<typeof Database.SqliteError> {
  return error instanceof Database.SqliteError;
}

export const isNoSuchTable = (error: unknown): boolean => isSqliteError(error) && /no such table/.test(error.message);

/**
 * A unique index's violation becomes DuplicateKeyError, other SQLite errors StoreUnavailableError. Other
 * constraints (a trigger someone added to the file, a CHECK) are no duplicate: callers that retry on one
 * (the audit log's next sequence number) would retry for nothing and then blame another writer.
 */
const DUPLICATE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * The index SQLite's message names (`UNIQUE constraint failed: index 'ix:a,b@collection'`, sql.ts
 * indexName): its fields and collection. Another table's key (`_govgraph_indexes.name`) names neither.
 */
export function duplicateIndex(message: string): { collection?: string; fields?: string[] } {
  const name = /\bindex '(ix:[^']*)'/.exec(message)?.[1];
  const at = name?.indexOf('@') ?? -1;
  if (name === undefined || at < 0) return {};
  return { fields: name.slice(3, at).split(','), collection: name.slice(at + 1) };
}

export function translate(error: unknown, what: string): unknown {
  if (!isSqliteError(error)) return error;
  if (DUPLICATE_CODES.has(error.code)) return duplicateKey(what, duplicateIndex(error.message));
  return new StoreUnavailableError(`${what}: SQLite failed: ${error.message}${damageHint(error)}`, { cause: error });
}

export const isBusy = (error: unknown): boolean => isSqliteError(error) && error.code.startsWith('SQLITE_BUSY');

/**
 * Another process changed the database's schema faster than SQLite could prepare the statement again (it
 * tries a few times itself): a publication making its resources' indexes, thousands of them. The statement
 * did not run, and is tried again as a locked one is: a gateway's read or a second command's opening of
 * the store failed with "database schema has changed" meanwhile.
 */
export const isSchemaChanged = (error: unknown): boolean => isSqliteError(error) && error.code === 'SQLITE_SCHEMA';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long store operations may run back to back before the event loop gets a turn. */
const TURN_MS = 10;
/** When the current run of operations without a turn of the event loop began; -1 once a turn came. */
let runStart = -1;

/**
 * Calls `then` once the event loop has polled for I/O and run its timers. One setImmediate is not enough:
 * queued from the poll phase (an HTTP request, a worker's message) it runs in the same iteration's check
 * phase, before any other request or timer; a second one, queued from the check phase, runs after both.
 */
export const afterTurn = (then: () => void) => setImmediate(() => setImmediate(then));

/**
 * Operations waiting for the event loop's turn, in one queue per owner (the requesting department: the
 * port's ReadOptions.owner; '' for the store's own work, the audit log's and the rates' writes), served
 * one owner after another, as the reader threads serve their reads (owner-turns.ts). Each waiter once
 * waited for its own turn, all of them at once: a new operation went behind every operation already
 * waiting, so one department's query of 25 aliases each reading 6 levels of links kept 25 reads waiting
 * at every turn, and another department's lookup waited behind all of them at each of its operations,
 * 1 to 3 s (test/store-turns-owners.test.ts).
 */
const waiting = new OwnerTurns<() => void>();
/** A waiter was let go and has not started its operation yet. */
let letGo = false;
/** A turn of the event loop is awaited before the next waiter goes. */
let turnAwaited = false;

/** Starts a run of operations when none is going (a turn came since the last one). */
function startRun(): void {
  if (runStart >= 0) return;
  runStart = performance.now();
  afterTurn(() => {
    runStart = -1;
  });
}

const runHeld = () => runStart >= 0 && performance.now() - runStart >= TURN_MS;

/** Lets the next owner's first waiter go: at once while the run is short, else after a turn of the event loop. */
function letNextGo(): void {
  if (letGo || turnAwaited || waiting.empty) return;
  if (runHeld()) {
    turnAwaited = true;
    afterTurn(() => {
      turnAwaited = false;
      runStart = -1;
      letNextGo();
    });
    return;
  }
  const go = waiting.next()!;
  letGo = true;
  go();
}

/**
 * better-sqlite3 is synchronous, so an awaited operation resumes its caller in a microtask: a loop of
 * awaited operations (a publication claims a collection and makes indexes for each of its hundreds of
 * resources) would never let a request in until it ends (issue 9: nothing holds the loop for 100 ms).
 * Once operations have run for TURN_MS without a turn, the next ones wait for one, in turn by owner.
 * Undefined when the operation may run now (no other waits, the run is short). One waiting is dropped
 * once `signal` aborts (its request was cancelled: its time limit answered, its client left), rejecting
 * with the signal's reason as a read waiting for a reader thread does (sqlite-readers.ts): a department's
 * query of many aliases cancelled while its reads waited for turns ran every one of them afterwards.
 */
function turnOf(owner: string, signal: AbortSignal | undefined): Promise<void> | undefined {
  if (waiting.empty && !letGo && !turnAwaited && !runHeld()) {
    startRun();
    return undefined;
  }
  return new Promise((resolve, reject) => {
    if (signal === undefined) {
      waiting.add(owner, resolve);
    } else {
      const go = () => {
        signal.removeEventListener('abort', drop);
        resolve();
      };
      const drop = () => {
        if (waiting.remove(owner, go)) reject(signal.reason);
      };
      signal.addEventListener('abort', drop, { once: true });
      waiting.add(owner, go);
    }
    letNextGo();
  });
}

/**
 * Runs `operation` (synchronous, short) until it does not find the database locked, pausing between
 * attempts without blocking the event loop; after `waitMs`, StoreUnavailableError. `owner`: whose
 * operation it is, for its place among those waiting for a turn of the event loop; `signal` drops it
 * while it waits (turnOf), or before, rejecting with the signal's reason.
 */
export async function whenUnlocked<T>(what: string, waitMs: number, operation: () => T, { owner = '', signal }: ReadOptions = {}): Promise<T> {
  signal?.throwIfAborted();
  const turn = turnOf(owner, signal);
  if (turn) {
    await turn;
    letGo = false;
    startRun();
  }
  const deadline = Date.now() + waitMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    let result: T;
    try {
      result = operation();
    } catch (error) {
      letNextGo(); // also while this one pauses for the lock
      if (!isBusy(error) && !isSchemaChanged(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        const why = isBusy(error) ? 'stayed locked by another process' : "had its schema changed by another process (indexes being made) at every try";
        throw new StoreUnavailableError(`${what}: the database ${why} for ${waitMs} ms`, { cause: error });
      }
      await sleep(Math.min(pause, left));
      continue;
    }
    letNextGo();
    return result;
  }
}

export function connect(file: string): Database.Database {
  const db = new Database(file);
  db.pragma(`busy_timeout = ${SYNC_LOCK_WAIT_MS}`);
  return db;
}
