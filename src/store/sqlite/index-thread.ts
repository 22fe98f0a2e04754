// An index of a large collection made on a thread of its own (indexes.ts), so that the event loop serves on.
//
// better-sqlite3 is synchronous: `CREATE INDEX` over the audit log of a million entries held the gateway's
// event loop about 2 s (0.4 s per 200,000), and /healthz did not answer meanwhile, so a liveness probe
// shorter than that killed an upgraded gateway mid-build, and its next start began the same build again.
// Here a worker thread with a connection of its own runs the same one transaction (the table, the check
// that it is not made already, the index, its record in `_govgraph_indexes`): killed midway, the store is
// as before, and the next ensureIndex makes it. It holds the store's write lock as long as on the event
// loop (SQLite has one writer): what it spares is the loop, not other writers' wait.
//
// The thread's code is plain JavaScript evaluated as a CommonJS worker (`eval: true`), as the reader
// threads' is (sqlite-readers.ts), so that it runs the same from the TypeScript sources and the built files.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** What one ensureIndex writes, in one immediate transaction (indexes.ts `runIndexPlan` does the same on the loop). */
export interface IndexPlan {
  /** The collection's table, made if it is not there. */
  createTable: string;
  /** The index's record, read inside the transaction: made meanwhile by another process, nothing is done. */
  recorded: string;
  recordedParams: string[];
  partial: boolean;
  /** DROP (an older release's index over every row, replaced by a partial one) and CREATE INDEX. */
  statements: string[];
  /** The record written with it. */
  record: string;
  recordParams: (string | number)[];
}

const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const p = workerData.plan;
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = ' + workerData.busyMs);
  const made = db.transaction(() => {
    db.prepare(p.createTable).run();
    const now = db.prepare(p.recorded).get(...p.recordedParams);
    if (now !== undefined && (now.is_partial === 1) === p.partial) return false;
    for (const sql of p.statements) db.exec(sql);
    db.prepare(p.record).run(...p.recordParams);
    return true;
  }).immediate();
  parentPort.postMessage({ made });
} catch (error) {
  parentPort.postMessage({ error: { message: String(error && error.message), code: String(error && error.code) } });
} finally {
  if (db && db.open) db.close();
}
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Runs `plan` on a new worker thread on `file`, waiting `busyMs` at most for the write lock (holding only
 * that thread). Resolves true when it made the index, false when it was made already; an error of SQLite
 * comes back as better-sqlite3's SqliteError, so that the caller translates it as its own.
 */
export function runIndexPlanOnThread(file: string, busyMs: number, plan: IndexPlan): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(THREAD_CODE, { eval: true, workerData: { driver: driverPath, file, busyMs, plan } });
    worker.once('message', (reply: { made?: boolean; error?: { message: string; code: string } }) => {
      settled = true;
      const { error } = reply;
      if (!error) resolve(reply.made === true);
      else reject(error.code.startsWith('SQLITE_') ? new Database.SqliteError(error.message, error.code) : new Error(error.message));
    });
    worker.once('error', (error) => {
      if (!settled) (settled = true), reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) (settled = true), reject(new Error(`the index thread stopped (exit code ${code})`));
    });
  });
}
