// The data folder of the embedded store (store.ts): made with its owner's mode, and what SQLite's refusal
// to open the store leaves out (a full or read-only file system, a folder this user cannot write).

import { accessSync, constants, mkdirSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's `mkdirSync(dir, { recursive: true })` never returns where
 * mkdir answers ENOENT under a parent that exists (a folder under /proc): `serve --data /proc/x` hung.
 */
export function makeFolder(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, mode === undefined ? undefined : { mode });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || path.dirname(dir) === dir) throw error;
  }
  makeFolder(path.dirname(dir)); // the parent was missing: make it, then this one once more
  try {
    mkdirSync(dir, mode === undefined ? undefined : { mode });
  } catch (error) {
    // Another process made it meanwhile.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
  }
}

/** Why this process may not write into `dir` (EROFS, EACCES), or null. */
function writeRefusal(dir: string): string | null {
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (error) {
    return String((error as NodeJS.ErrnoException).code ?? '');
  }
}

/** Whether the store file is there and this process may not read and write it (EACCES). */
function unreadable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EACCES';
  }
}

/** The embedded store's files in its data folder: the database, its write-ahead log and shared memory. */
export const STORE_FILES = ['govgraph.sqlite', 'govgraph.sqlite-wal', 'govgraph.sqlite-shm'] as const;

/**
 * Why SQLite opened the store read-only, or null. A store file this user may not write opens read-only,
 * without a word, when its write-ahead log and shared memory are there (left beside it by a gateway of the
 * store's owner, or by an offline copy that took them along): `serve` as another user started, `/readyz`
 * said ready, and every request that read data got AUDIT_UNAVAILABLE. Without them SQLite refuses
 * (`attempt to write a readonly database`); both cases are refused alike.
 */
export function readOnlyOpening(dataDir: string, canWrite = writeRefusalOf): string | null {
  for (const name of STORE_FILES) {
    const file = path.join(dataDir, name);
    const refused = canWrite(file);
    if (refused === 'EROFS') {
      return `the file system of ${dataDir} is mounted read-only, and SQLite writes beside the store also to read (its write-ahead log): mount it read-write`;
    }
    if (refused === 'EACCES') {
      return (
        `this user may not write ${file} (permission denied), so SQLite would open the store read-only and no audit entry could be ` +
        'written: run as the user that owns the store, or give this user access to it'
      );
    }
  }
  return null;
}

/** The code of this process's refusal to write `file` (EACCES, EROFS), or null (also when it is not there). */
function writeRefusalOf(file: string): string | null {
  try {
    accessSync(file, constants.W_OK);
    return null;
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code ?? '');
    return code === 'ENOENT' ? null : code;
  }
}

const RESTORE = 'stop the gateways and commands on this data folder and put a whole backup in place (docs/operations.md, "Restoring the embedded store")';

/**
 * What to do about a store file SQLite cannot read, or '' for other errors. SQLite says only `file is not a
 * database` (a header overwritten, a file that is no database put in the store's place: a "backup" that is
 * not one) or `database disk image is malformed` (pages overwritten, the file cut short), which told the
 * operator neither that the file itself is damaged nor what to do; a gateway on it refused every request
 * that reads data, saying "try again shortly".
 */
export function damageHint(error: unknown): string {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code === 'SQLITE_NOTADB') return `; the store file is not a SQLite database (its header overwritten, or another file put in its place): ${RESTORE}`;
  if (code.startsWith('SQLITE_CORRUPT')) return `; the store file is damaged (pages overwritten or cut off): ${RESTORE}`;
  return '';
}

/**
 * What SQLite's answer leaves out when a store cannot be opened: a full file system says only `disk I/O
 * error` (it cannot grow the shared-memory file), a folder this user cannot write `attempt to write a
 * readonly database` (every connection writes the write-ahead log, also to read), and a folder on a file
 * system mounted read-only `unable to open database file` (it cannot make that log), and so does a store
 * file this user may not read (one made by root, mode 600, when the service runs as its own user).
 */
export function openFailureHint(
  error: unknown,
  dataDir: string,
  freeBytes = (dir: string) => { const s = statfsSync(dir); return s.bavail * s.bsize; },
  refusal = writeRefusal,
): string {
  const code = String((error as { code?: unknown }).code ?? '');
  const damage = damageHint(error);
  if (damage) return damage;
  if ((code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN') && refusal(dataDir) === 'EROFS') {
    return `; the file system of ${dataDir} is mounted read-only, and SQLite writes beside the store also to read (its write-ahead log): mount it read-write`;
  }
  if (code === 'SQLITE_CANTOPEN' && unreadable(path.join(dataDir, 'govgraph.sqlite'))) {
    return `; this user may not read and write ${path.join(dataDir, 'govgraph.sqlite')} (permission denied): run as the user that owns the store, or give this user access to it`;
  }
  if (code.startsWith('SQLITE_READONLY')) return `; this user cannot write ${dataDir} or the files in it, which SQLite needs also to read (its write-ahead log)`;
  if (!code.startsWith('SQLITE_IOERR') && !code.startsWith('SQLITE_FULL')) return '';
  try {
    return freeBytes(dataDir) < 1024 * 1024 ? `; the file system of ${dataDir} is full` : '';
  } catch {
    return '';
  }
}
