// Appending to the audit log (SPEC §10): hash-chained, fail-closed, safe across processes.
//
// Each append reads the tail (highest seq), builds the next entry (seq + 1, prevHash = the tail's hash)
// and inserts it. A unique index on `seq` makes two writers that read the same tail collide instead of
// forking the chain: the loser gets DuplicateKeyError, re-reads the tail and tries again, up to
// MAX_APPEND_ATTEMPTS times with a short random back-off. Within one process, appends to the same
// Store are also queued one after another, so contention is only between processes (or Stores).
//
// Fail-closed: any failure of the store (including giving up after the attempts) is an
// AuditUnavailableError; callers must then return no resource data.
import {
  AUDIT_COLLECTION,
  GENESIS_HASH,
  entryHash,
  toRow,
  type AuditEntry,
  type NewAuditEntry,
} from './entry.ts';
import { DuplicateKeyError, type Store } from '../store/port.ts';
import { auditKey } from './key.ts';

export const MAX_APPEND_ATTEMPTS = 25;

export class AuditUnavailableError extends Error {
  readonly code = 'AUDIT_UNAVAILABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditUnavailableError';
  }
}

const indexReady = new WeakMap<Store, Promise<void>>();
const appendQueue = new WeakMap<Store, Promise<unknown>>();

/** Creates the audit indexes once per Store (again after a failure). */
export function ensureAuditIndexes(store: Store): Promise<void> {
  let ready = indexReady.get(store);
  if (!ready) {
    ready = (async () => {
      await store.ensureIndex(AUDIT_COLLECTION, { fields: ['seq'], unique: true });
      await store.ensureIndex(AUDIT_COLLECTION, { fields: ['time'] });
      await store.ensureIndex(AUDIT_COLLECTION, { fields: ['department', 'seq'] });
    })();
    indexReady.set(store, ready);
    ready.catch(() => indexReady.delete(store));
  }
  return ready;
}

/** The seq and hash of the last entry, or null for an empty log. */
export async function auditTail(store: Store): Promise<{ seq: number; hash: string } | null> {
  const rows = await store.find(AUDIT_COLLECTION, {
    projection: ['seq', 'hash'],
    sort: [{ field: 'seq', direction: 'desc' }],
    limit: 1,
  });
  return rows.length === 0 ? null : { seq: Number(rows[0].seq), hash: String(rows[0].hash) };
}

/** Appends one entry and returns it as stored. Throws AuditUnavailableError when it cannot. */
export function appendAudit(store: Store, entry: NewAuditEntry): Promise<AuditEntry> {
  const previous = appendQueue.get(store) ?? Promise.resolve();
  const result = previous.then(
    () => appendNow(store, entry),
    () => appendNow(store, entry),
  );
  const settled = result.catch(() => undefined);
  appendQueue.set(store, settled);
  // Drop the queue once idle so a closed Store is not kept alive by the map's value.
  void settled.then(() => {
    if (appendQueue.get(store) === settled) appendQueue.delete(store);
  });
  return result;
}

async function appendNow(store: Store, input: NewAuditEntry): Promise<AuditEntry> {
  const time = input.time ?? new Date().toISOString();
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    try {
      await ensureAuditIndexes(store);
      const key = await auditKey(store);
      const tail = await auditTail(store);
      const unhashed: Omit<AuditEntry, 'hash'> = {
        seq: tail ? tail.seq + 1 : 1,
        time,
        requestId: input.requestId,
        department: input.department,
        user: input.user,
        purpose: input.purpose,
        ...(input.via ? { via: input.via } : {}),
        operationName: input.operationName,
        documentHash: input.documentHash,
        kind: input.kind,
        action: input.action,
        resources: input.resources.map((r) => ({
          resource: r.resource,
          provider: r.provider,
          items: [...r.items],
          denied: r.denied.map((d) => ({ item: d.item, code: d.code })),
          masked: [...r.masked],
          records: r.records,
          filtered: [...r.filtered],
          ordered: [...r.ordered],
          counted: r.counted,
        })),
        outcome: input.outcome,
        detail: input.detail,
        prevHash: tail ? tail.hash : GENESIS_HASH,
      };
      const entry: AuditEntry = { ...unhashed, hash: entryHash(unhashed, key) };
      await store.insert(AUDIT_COLLECTION, [toRow(entry)]);
      return entry;
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
