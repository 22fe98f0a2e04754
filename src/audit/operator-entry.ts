// What `audit adopt` (adopt.ts) and `audit rekey` (rekey.ts) do alike around their one entry: the platform
// secret they key it with, the secret made kept just before the entry, the entry appended after the head
// they checked (none when another writer took its seq), and a checkpoint signed of it.
import { randomUUID } from 'node:crypto';
import { AUDIT_COLLECTION, fieldsHash, toRow, writtenFields, type AuditEntry } from './entry.ts';
import { deriveAuditKey } from './key.ts';
import { writeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { envSecret, keepSecret, keptSecret, newSecret } from '../identity/secret.ts';
import { DuplicateKeyError, type Store } from '../store/port.ts';

/** The platform secret an operator's entry is keyed with, and where it is. */
export interface PlatformSecret {
  /** The audit key derived from it. */
  key: Buffer;
  /** GOVGRAPH_JWT_SECRET, the secret kept in the store, or one made now (kept only by keepMade). */
  from: 'env' | 'kept' | 'made';
  /** The secret made now, else null. */
  made: string | null;
}

const encoder = new TextEncoder();

/** GOVGRAPH_JWT_SECRET, else the secret kept in the store, else one made now as a gateway would make it. */
export async function platformSecret(store: Store, env: NodeJS.ProcessEnv): Promise<PlatformSecret> {
  const fromEnv = envSecret(env);
  const kept = fromEnv ? null : await keptSecret(store);
  const made = fromEnv || kept ? null : newSecret();
  return { key: deriveAuditKey(fromEnv ?? kept ?? encoder.encode(made!)), from: fromEnv ? 'env' : kept ? 'kept' : 'made', made };
}

/**
 * Keeps the secret made (none: true), just before the entry, so that a refusal before writes nothing;
 * false when another process kept one meanwhile: it wins, and the caller starts over with it.
 */
export async function keepMade(store: Store, secret: PlatformSecret): Promise<boolean> {
  return secret.made === null || new TextDecoder().decode(await keepSecret(store, secret.made)) === secret.made;
}

/** Where an entry goes: after the head checked. */
export interface EntryPlace {
  seq: number;
  time: string;
  prevHash: string;
}

export interface OperatorEntry {
  entry: AuditEntry;
  checkpoint: Checkpoint | null;
  /** Why no checkpoint was signed (the entry is recorded all the same). */
  checkpointProblem: string | null;
}

/**
 * Appends the operator's entry of `action` after `tail`, keyed with `key`, its detail made for its place,
 * then signs a checkpoint of it. Undefined when another writer took its seq (the unique index on seq):
 * the caller looks again.
 */
export async function appendOperatorEntry(
  store: Store,
  o: { tail: { seq: number; hash: string }; key: Uint8Array; action: string; detail: (place: EntryPlace) => string; checkpointFile: string | null; now?: () => Date },
): Promise<OperatorEntry | undefined> {
  const place: EntryPlace = { seq: o.tail.seq + 1, time: (o.now?.() ?? new Date()).toISOString(), prevHash: o.tail.hash };
  const fields = writtenFields({
    requestId: randomUUID(), department: null, user: 'operator', purpose: null, operationName: null, documentHash: null,
    kind: 'operator', action: o.action, resources: [], outcome: 'ok', detail: o.detail(place),
  }, place.time, place.seq, place.prevHash);
  const entry: AuditEntry = Object.assign(fields, { hash: fieldsHash(fields, o.key) });
  try {
    await store.insert(AUDIT_COLLECTION, [toRow(entry)]);
  } catch (err) {
    if (err instanceof DuplicateKeyError) return undefined;
    throw err;
  }
  let checkpoint: Checkpoint | null = null;
  let checkpointProblem: string | null = null;
  try {
    checkpoint = await writeCheckpoint(store, o.checkpointFile, o.now?.() ?? new Date(), o.key);
  } catch (err) {
    checkpointProblem = err instanceof Error ? err.message : String(err);
  }
  return { entry, checkpoint, checkpointProblem };
}
