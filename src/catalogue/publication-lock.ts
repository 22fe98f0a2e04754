// One publication at a time on a store. A catalogue is checked against the catalogues in effect (its type,
// list and lookup names, its codes, its links), and two publications checked at the same moment each
// passed without the other: two departments' `Permit` types both published, and every gateway on the
// store then failed to build its schema ("There can be only one type named") at its next start. Holding
// this lock, a publication checks again against what is in effect and publishes before the next one looks.
//
// The lock is one row under a unique index, in both stores; the holder deletes it when done, and renews it
// every HEARTBEAT_MS meanwhile (an index build on a big collection may take minutes) and at each of its
// steps (StillHeld), where it also finds out whether it was taken for dead. A holder that died
// (a killed `catalogue import`) stops renewing it: STALE_MS after its last renewal the next publication
// takes it over (a conditional write on the token and renewal it read, so that of two taking it over one
// wins, and a holder that renews it meanwhile keeps it). A holder proven on the same machine (processSpace) is seen dead at once:
// the row names its process (holderDied).
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, DuplicateKeyError, eq, type Row, type Store } from '../store/port.ts';
import { Decimal } from '../formats/decimal.ts';

export const PUBLICATION_LOCK = '_publication_lock';
const KEY = 'publication';

/** A holder renews the lock this often. */
export const HEARTBEAT_MS = 5_000;
/** Not renewed for this long, a holder is taken for dead. */
export const STALE_MS = 30_000;
/** How long a publication waits for the one in progress before it gives up. */
export const WAIT_MS = 20_000;

/** Another publication held the lock for all of WAIT_MS. */
export class PublicationBusyError extends Error {
  /** Commands print the message without a stack trace. */
  readonly userFacing = true;
  constructor(readonly holder: string) {
    super(`another publication (${holder}) is in progress on this store; try again in a moment (one whose process died holds it ${STALE_MS / 1000} s at most)`);
    this.name = 'PublicationBusyError';
  }
}

/**
 * Whether a holder's last renewal is too old to be alive. A `since` that is no time, or further ahead
 * than a live holder's renewals put it (a row written by hand, a clock set years ahead), is taken as
 * stale too: read as a time to come, it held every later publication back until then, each told that a
 * dead holder keeps the lock 30 s at most.
 */
function isStale(since: unknown): boolean {
  const at = typeof since === 'string' ? Date.parse(since) : Number.NaN;
  if (!Number.isFinite(at)) return true;
  const age = Date.now() - at;
  return age > STALE_MS || age < -STALE_MS;
}

/**
 * A lock row whose token is a JSON object or array: no publication writes one (a row written by hand, or by
 * another program). It cannot be taken over, which names the token as read and a store compares scalars
 * only (SQLite's driver took the object for named parameters: a raw `RangeError` failed every publication),
 * and it is not removed unasked either: the operator who wrote it is told which row to delete.
 */
export class PublicationLockRowError extends Error {
  /** Commands print the message without a stack trace. */
  readonly userFacing = true;
  constructor(token: unknown) {
    super(
      `the publication lock's row in the ${PUBLICATION_LOCK} collection (key "${KEY}") holds a token that is ${Array.isArray(token) ? 'an array' : 'an object'}, ` +
        'not one a publication writes (a row written by hand?); no publication can run until that row is deleted from the store',
    );
    this.name = 'PublicationLockRowError';
  }
}

/** How processSpace reads the machine's boot id and its process id namespace (a test gives another). */
export interface SpaceReaders {
  bootId(): string;
  pidNamespace(): string;
}
const PROC: SpaceReaders = {
  bootId: () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'),
  pidNamespace: () => readlinkSync('/proc/self/ns/pid'),
};

/**
 * Where a process id means one process: the host name, the machine's boot and its process id namespace.
 * Two containers on one machine share the boot but not the namespace, so that neither takes the other's
 * live holder for dead. Null when the boot or the namespace cannot be read (another OS, a container without
 * /proc): the host name alone proves nothing, since two containers may bear the same one, and a process id
 * unknown here may be a live holder there. It fell back to the host name alone, and took the lock of a live
 * publication in another container of the same host name at once.
 */
export function processSpace(host: string = hostname(), read: SpaceReaders = PROC): string | null {
  const readOrNull = (get: () => string) => {
    try {
      return get().trim() || null;
    } catch {
      return null;
    }
  };
  const boot = readOrNull(read.bootId);
  const namespace = readOrNull(read.pidNamespace);
  return boot === null || namespace === null ? null : [host, boot, namespace].join(' ');
}

/** Who holds the lock, as its row names it: its process, and where that process id means it (or null, unknown). */
export interface LockHolder {
  pid: number;
  host: string;
  space: string | null;
}
const HOLDER: LockHolder = { pid: process.pid, host: hostname(), space: processSpace() };

/**
 * Whether the row's holder is a process of this machine that no longer runs. Found by the kill -9 walk
 * (test/crash-publication-lock.test.ts): a `catalogue import --publish` or `catalogue publish` killed
 * holding the lock made the operator's next run of it wait 20 s and be refused (`another publication
 * (...) is in progress`), its own dead run named as the holder, until the lock went stale 30 s after the
 * kill. A process id another process took since (or one this process cannot signal, EPERM) counts as
 * alive: the lock then goes stale as before. So does a holder when either side's process space is unknown
 * (processSpace: null): without proof that the two ids are of one machine's namespace, the lock waits for
 * its expiry (STALE_MS). `self` and `signal` are this process's, but for a test.
 */
export function holderDied(row: Row, self: LockHolder = HOLDER, signal: (pid: number) => void = (pid) => process.kill(pid, 0)): boolean {
  if (self.space === null || typeof row.space !== 'string' || row.space !== self.space) return false;
  if (typeof row.pid !== 'number' || !Number.isSafeInteger(row.pid) || row.pid <= 0 || row.pid === self.pid) return false;
  try {
    signal(row.pid);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A value a filter can name: what the store port holds (port.ts, Value). */
const isScalar = (value: unknown): boolean =>
  value === null || value === undefined || value instanceof Decimal || ['string', 'number', 'boolean'].includes(typeof value);

/** A holder that was taken for dead, its lock taken over by another publication, before it was done. */
export class PublicationLockLostError extends Error {
  /** Commands print the message without a stack trace. */
  readonly userFacing = true;
  constructor(what: string) {
    super(`${what} did not renew the publication lock for ${STALE_MS / 1000} s and another publication took it over: it was stopped before its next change; run it again`);
    this.name = 'PublicationLockLostError';
  }
}

/**
 * Given to the holder's work, which calls it between its steps and right before each change that
 * publishes: it renews the lock, or throws PublicationLockLostError when the lock is no longer the
 * holder's. The timer's renewals alone do not do: the timer fires, but its write waits for a turn behind
 * the publication's own chain of SQLite calls (a catalogue's resources indexed one by one, 24,400 indexes
 * and 16 s for 400 resources of 61 items; sqlite/locks.ts, turnIfHeld) and is made only once the chain
 * ends, so that a publication working for 30 s could be taken for dead and another published beside it.
 * It also stops the work once its signal is aborted (Ctrl-C), but not `midStep`: between two writes of
 * one step (a catalogue's version stored, then published), where stopping would leave the first alone.
 */
export type StillHeld = ((at?: { midStep?: boolean }) => Promise<void>) & {
  /** The lock's token while this holder has it: what the holder writes names it (collections.ts, claims). */
  readonly token: string;
};

/**
 * The token of the publication lock while a live holder has it, or null: no row, a row gone stale, or one
 * whose holder on this machine died. What a holder wrote under another token was left by a holder that is
 * done (or dead) without finishing it.
 */
export async function liveLockToken(store: Store): Promise<string | null> {
  const [row] = await store.find(PUBLICATION_LOCK, { filter: eq('key', KEY), limit: 1 });
  if (!row || typeof row.token !== 'string' || isStale(row.since) || holderDied(row)) return null;
  return row.token;
}

/** Runs `work` holding the store's publication lock; `what` names the publication to whoever waits. */
export async function withPublicationLock<T>(
  store: Store,
  what: string,
  work: (held: StillHeld) => Promise<T>,
  { waitMs = WAIT_MS, heartbeatMs = HEARTBEAT_MS, signal }: { waitMs?: number; heartbeatMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  await store.ensureIndex(PUBLICATION_LOCK, { fields: ['key'], unique: true });
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  let holder = '';
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    // Interrupted while it waits (Ctrl-C on a command told to wait for another publication): it stops.
    signal?.throwIfAborted();
    const since = new Date().toISOString();
    try {
      await store.insert(PUBLICATION_LOCK, [{ key: KEY, token, what, since, ...HOLDER }]);
      break;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const [row] = await store.find(PUBLICATION_LOCK, { filter: eq('key', KEY), limit: 1 });
    if (row) {
      if (!isScalar(row.token)) throw new PublicationLockRowError(row.token);
      holder = typeof row.what === 'string' ? row.what : row.what == null ? 'unnamed' : JSON.stringify(row.what);
      // Taken over with the token as read (a hand-written row may hold none, or a number), so that of two
      // taking it over one wins, and with the renewal as read, so that a holder renewing it since it was
      // read keeps it: its renewal has told it the lock is still its own, and it goes on to publish.
      const renewal = typeof row.since === 'string' ? [eq('since', row.since)] : [];
      const taken = { token, what, since, ...HOLDER };
      if ((isStale(row.since) || holderDied(row)) && (await store.update(PUBLICATION_LOCK, and(eq('key', KEY), eq('token', row.token ?? null), ...renewal), taken)) === 1) break;
    }
    if (Date.now() + pause > deadline) throw new PublicationBusyError(holder);
    await sleep(pause);
  }
  const mine = and(eq('key', KEY), eq('token', token));
  const heartbeat = setInterval(() => void store.update(PUBLICATION_LOCK, mine, { since: new Date().toISOString() }).catch(() => undefined), heartbeatMs);
  heartbeat.unref();
  // Interrupted (signal aborted), the work stops at its next step with the signal's reason, and the
  // lock is released below, so that the next publication goes on at once rather than in STALE_MS.
  const held: StillHeld = Object.assign(
    async (at?: { midStep?: boolean }) => {
      if (!at?.midStep) signal?.throwIfAborted();
      if ((await store.update(PUBLICATION_LOCK, mine, { since: new Date().toISOString() })) !== 1) throw new PublicationLockLostError(what);
    },
    { token },
  );
  try {
    return await work(held);
  } finally {
    clearInterval(heartbeat);
    // Released when the store answers. When it does not (another process holding its write lock past the
    // store's bound, a data import beginning right then; the store closed), the work's outcome is still
    // what the caller is told: a publication made and then answered as failed was run again. The row is
    // left to go stale, its renewals stopped, as a holder that died leaves it.
    await store.delete(PUBLICATION_LOCK, mine).catch(() => undefined);
  }
}
