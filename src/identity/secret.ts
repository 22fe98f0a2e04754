// The platform's HS256 secret (SPEC §7): GOVGRAPH_JWT_SECRET when set; otherwise a random secret made
// once and kept in the store, so that `govgraph token` and every `govgraph serve` over the same store
// agree. Two processes making it at the same time agree too: the unique index on `key` lets one insert
// win and the other reads the winner's secret back.
import { randomBytes } from 'node:crypto';
import { DuplicateKeyError, eq, type Store } from '../store/port.ts';
import { setting } from '../model/settings.ts';

export const SETTINGS = '_settings';
export const JWT_SECRET_KEY = 'jwt-secret';
export const SECRET_BYTES = 32;

const encoder = new TextEncoder();

async function readSecret(store: Store): Promise<string | null> {
  const rows = await store.find(SETTINGS, { filter: eq('key', JWT_SECRET_KEY), limit: 1 });
  const value = rows[0]?.value;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Whether the store keeps a platform secret (none is made). */
export async function hasStoredSecret(store: Store): Promise<boolean> {
  return (await readSecret(store)) !== null;
}

/** The secret kept in the store, or null when it keeps none (none is made). */
export async function keptSecret(store: Store): Promise<Uint8Array | null> {
  const value = await readSecret(store);
  return value === null ? null : encoder.encode(value);
}

/** A new secret as the store keeps one: 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** The secret kept in the store, made (newSecret) when there is none yet. */
export async function storedSecret(store: Store): Promise<Uint8Array> {
  // Read first: making the index is a write, and a secret already made must not wait for another
  // process's write lock (a long `data import`) before `token` or `serve` can go on.
  const existing = await readSecret(store);
  if (existing) return encoder.encode(existing);
  return keepSecret(store, newSecret());
}

/**
 * Keeps `made` as the store's secret when it keeps none yet, and returns the secret kept: `made`, or the one
 * another process kept first (the unique index on `key` lets one insert win).
 */
export async function keepSecret(store: Store, made: string): Promise<Uint8Array> {
  await store.ensureIndex(SETTINGS, { fields: ['key'], unique: true });
  try {
    await store.insert(SETTINGS, [{ key: JWT_SECRET_KEY, value: made }]);
    return encoder.encode(made);
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
    const winner = await readSecret(store);
    if (!winner) throw error;
    return encoder.encode(winner);
  }
}

/** The secret from the environment, or null when GOVGRAPH_JWT_SECRET is unset, empty or blank. */
export function envSecret(env: NodeJS.ProcessEnv = process.env): Uint8Array | null {
  const value = setting('GOVGRAPH_JWT_SECRET', env);
  return value !== undefined ? encoder.encode(value) : null;
}

/** HS256 needs a key of at least the hash's size, 256 bits (RFC 7518 §3.2); the stored secret has 43 bytes. */
export const MIN_SECRET_BYTES = 32;

/**
 * Why GOVGRAPH_JWT_SECRET cannot sign or check tokens (shorter than MIN_SECRET_BYTES), or null: `serve` and
 * `token` refuse to start with it. `audit verify` still reads a log keyed with it, so that one can be
 * checked before the secret is changed.
 */
export function envSecretProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const secret = envSecret(env);
  if (!secret) return null;
  if (secret.length >= MIN_SECRET_BYTES) return paddedSecretProblem(setting('GOVGRAPH_JWT_SECRET', env) ?? '');
  return (
    `GOVGRAPH_JWT_SECRET: ${secret.length} byte${secret.length === 1 ? '' : 's'}; an HS256 secret needs at least ${MIN_SECRET_BYTES} ` +
    `(256 bits, RFC 7518 §3.2). Make one with \`openssl rand -base64 32\`, or leave GOVGRAPH_JWT_SECRET unset for the secret kept in ` +
    'the store. A new secret changes the audit key: run govgraph audit verify first (docs/operations.md)'
  );
}

/**
 * A secret that begins or ends with white space: the line break a Kubernetes secret made from a file, or an
 * env file, keeps, and a shell's `$(cat FILE)` drops. Taken as it was, the gateways signed tokens and keyed
 * the audit log with one secret and `govgraph token` or `audit verify` run from a shell with another: the
 * tokens were refused and the chain said broken at entry #1. The value is never shown.
 */
function paddedSecretProblem(value: string): string | null {
  if (value === value.trim()) return null;
  const where = value !== value.trimStart() && value !== value.trimEnd() ? 'begins and ends' : value !== value.trimStart() ? 'begins' : 'ends';
  return (
    `GOVGRAPH_JWT_SECRET: ${where} with white space (a line break or a space), which a shell's $(cat FILE) drops and a secret made ` +
    'from a file or an env file keeps: commands run from a shell would sign tokens and key the audit log with another secret than ' +
    'the gateways. Remove it where the secret is set. A new secret changes the audit key: run govgraph audit verify first (docs/operations.md)'
  );
}

/** GOVGRAPH_JWT_SECRET when set (the store is not touched), otherwise the stored secret. */
export async function platformSecret(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  return envSecret(env) ?? storedSecret(store);
}
