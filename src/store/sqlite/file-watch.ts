// The embedded store's files watched for being changed under the process (store.ts): the database file
// deleted, moved or replaced, its write-ahead log or shared memory deleted or replaced, or its content
// rewritten by another program. SQLite notices none of these: it keeps the descriptors it opened.
//
// Found by an operator walk: `serve --data r7`, then the restore step of docs/operations.md (`cp backup
// r7/govgraph.sqlite && rm -f r7/govgraph.sqlite-wal r7/govgraph.sqlite-shm`) with the gateway still up.
// `cp` keeps the file's inode, so the check of the file alone said nothing: the gateway said `ready` and
// served from its deleted -wal, and when it stopped, closing its connection checkpointed that -wal into the
// restored file (`audit verify`: "database disk image is malformed"). What was found is kept: the store
// refuses every operation from then on, and on close leaves the files as they are (store.ts).
//
// Cost: the request path reads a field; each write batch stats the -wal (a deletion of the store's files or
// the documented restore is refused before anything is written); the rest is checked once a second.

import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** How often the store's files are checked besides the writes' -wal check. */
export const FILE_CHECK_MS = 1000;

/** SQLite's header (https://sqlite.org/fileformat.html#the_database_header): its magic, and where its file change counter is. */
const MAGIC = 'SQLite format 3\0';
const CHANGE_COUNTER_AT = 24;

export interface StoreFileWatch {
  /** What was found changed so far, without looking again (the request path), or null. */
  readonly changed: string | null;
  /** Looks now (the files' identities and the header) and returns what was found, or null. */
  check(): string | null;
  /** Before a write batch: one stat of the -wal, or what was found before. */
  beforeWrite(): string | null;
  /** Calls `listener` once, when a change is found (by any check). */
  onChange(listener: (reason: string) => void): void;
  /** Stops the timer. */
  stop(): void;
}

/** The file at a path: null when there is none, undefined when it cannot be told (a stat refused). */
type Identity = Pick<Stats, 'ino' | 'dev'> | null | undefined;

const identityOf = (path: string): Identity => {
  try {
    const { ino, dev } = statSync(path);
    return { ino, dev };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
};

/**
 * Watches the store file `file`, opened by this process (with its -wal and -shm, in WAL mode), from now.
 * `headerFd`: a descriptor of `file` (headerDescriptor), read for the header.
 */
export function watchStoreFiles(file: string, headerFd: number, everyMs = FILE_CHECK_MS): StoreFileWatch {
  const files = [
    { path: file, what: file, opened: identityOf(file) },
    { path: `${file}-wal`, what: `${file}-wal, the write-ahead log this process writes to,`, opened: identityOf(`${file}-wal`) },
    { path: `${file}-shm`, what: `${file}-shm, the shared memory of the write-ahead log this process uses,`, opened: identityOf(`${file}-shm`) },
  ];
  const [main, wal] = files as [(typeof files)[0], (typeof files)[0]];
  let changed: string | null = null;
  let counter = changeCounter();
  const listeners: Array<(reason: string) => void> = [];

  /** Why `f` is no longer the file this process opened, or null. */
  function moved(f: (typeof files)[0]): string | null {
    const now = identityOf(f.path);
    if (now === undefined) return null;
    if (!f.opened) {
      // Not there when the store was opened: the first one seen is the one used.
      f.opened = now;
      return null;
    }
    if (now === null) return f === main ? `${file} was deleted or moved since this process opened it` : `${f.what} was deleted since this process opened the store`;
    if (now.ino === f.opened.ino && now.dev === f.opened.dev) return null;
    return f === main ? `${file} was replaced by another file since this process opened it` : `${f.what} was replaced by another file since this process opened the store`;
  }

  /** The header's file change counter; -1 when the file no longer starts with SQLite's header. */
  function changeCounter(): number {
    const header = Buffer.alloc(100);
    const read = readSync(headerFd, header, 0, 100, 0);
    if (read < 100 || header.toString('latin1', 0, 16) !== MAGIC) return -1;
    return header.readUInt32BE(CHANGE_COUNTER_AT);
  }

  /**
   * Why the content of `file` was rewritten by another program, or null. SQLite only ever raises the
   * counter in the file (a checkpoint copies page 1 with a higher one, whichever process runs it); a backup
   * copied over the file brings its own, lower one (`VACUUM INTO` makes it 1), or a file cut short while `cp`
   * writes it. Read twice before it is believed, against a read that met a checkpoint's write midway.
   */
  function rewritten(): string | null {
    const now = changeCounter();
    if (now >= counter) {
      counter = now;
      return null;
    }
    const again = changeCounter();
    if (again >= counter) {
      counter = again;
      return null;
    }
    return again < 0
      ? `${file} was overwritten by another program since this process opened it (it no longer starts with a SQLite header)`
      : `${file} was rewritten by another program since this process opened it (its change counter went back from ${counter} to ${again}: a backup copied over it?)`;
  }

  function found(reason: string | null): string | null {
    if (reason === null || changed !== null) return changed;
    changed = reason;
    clearInterval(timer);
    for (const l of listeners) l(reason);
    return changed;
  }

  const check = (): string | null => {
    if (changed !== null) return changed;
    for (const f of files) {
      const reason = moved(f);
      if (reason !== null) return found(reason);
    }
    return found(rewritten());
  };
  const timer = setInterval(check, everyMs);
  timer.unref();

  return {
    get changed() {
      return changed;
    },
    check,
    beforeWrite: () => changed ?? found(moved(wal)),
    onChange: (listener) => void listeners.push(listener),
    stop: () => clearInterval(timer),
  };
}

/** A descriptor of a store file, read for its header, and how to give it back. */
export interface HeaderDescriptor {
  readonly fd: number;
  /** Gives it back: the last store of the process on the file closes it. */
  release(): void;
}

/**
 * One read-only descriptor for each store file the process's stores hold open. Closing any descriptor of a
 * file drops every POSIX lock the process holds on it, SQLite's included (SQLite defers closing its own
 * for that reason): a descriptor of each store's own, closed when that store closed, would have dropped
 * the locks of another store of the process still open on the file, letting another process checkpoint
 * and delete the write-ahead log under it. So a descriptor is shared, and closed after the last store.
 */
const headerDescriptors = new Map<string, { fd: number; users: number }>();

/** A descriptor of `file` (the file this process's store just opened) for watchStoreFiles. */
export function headerDescriptor(file: string): HeaderDescriptor {
  const { dev, ino } = statSync(file);
  const key = `${dev}:${ino}`;
  let held = headerDescriptors.get(key);
  if (held) held.users++;
  else headerDescriptors.set(key, (held = { fd: openSync(file, 'r'), users: 1 }));
  const kept = held;
  let released = false;
  return {
    fd: kept.fd,
    release() {
      if (released) return;
      released = true;
      if (--kept.users > 0) return;
      headerDescriptors.delete(key);
      closeSync(kept.fd);
    },
  };
}
