// The platform's Ed25519 signing keys (SPEC §12): made once and kept in the store like the secret, used
// to sign the identity a platform forwards to a connected one, and published as a JWKS at
// `/.well-known/jwks.json`. `govgraph platform rotate-key` makes a new current key; the retired one stays
// published until every token it signed has expired (forwarded tokens live at most 60 s), then drops out.
//
// The keys are one row of `_settings` (key `signing-keys`, value the JSON list). Two processes making the
// first key at once agree through the unique index on `key`; a rotation replaces the row only if nobody
// changed it meanwhile (compare and set on the old value).
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { and, DuplicateKeyError, eq, type Store } from '../store/port.ts';
import { SETTINGS } from './secret.ts';

export const SIGNING_KEYS_KEY = 'signing-keys';
export const SIGNING_ALGORITHM = 'EdDSA';
/** The longest life of a forwarded token (`exp` - `iat`) a platform accepts (src/identity/forwarded.ts). */
export const MAX_FORWARDED_TTL_SECONDS = 60;
/** How long a process keeps the keys it read before reading them again (a rotation reaches it within this). */
const CACHE_MS = 5_000;
/**
 * A new key signs only this long after it was made; until then the key it replaced signs (retired, it is
 * published RETIRED_KEY_GRACE_MS, longer). Every process on the store publishes the new key within
 * CACHE_MS of its making, and a connected platform fetches the keys from whichever instance its request
 * reaches: signed at once by the first instance to read it, a token was refused while the instance that
 * served the keys still published the old set.
 */
export const NEW_KEY_SIGNS_AFTER_MS = 2 * CACHE_MS;
/** What a retired key's publication allows beyond its last token's life: the request in flight, the instances' clocks. */
export const RETIRED_KEY_ALLOWANCE_MS = 5_000;
/**
 * How long a retired key stays published after its retirement: until the last token it can have signed
 * has expired, and no longer (connected platforms accept a retired key as long as they find it
 * published). It signs until the new key is NEW_KEY_SIGNS_AFTER_MS old, in a process that read the keys
 * up to CACHE_MS before; that token lives at most MAX_FORWARDED_TTL_SECONDS; then the allowance: 80 s.
 * (It was 120 s: with the processes' cache and a connected platform's 60 s key cache, a retired key was
 * accepted up to about 185 s after the rotation.)
 */
export const RETIRED_KEY_GRACE_MS = NEW_KEY_SIGNS_AFTER_MS + CACHE_MS + MAX_FORWARDED_TTL_SECONDS * 1000 + RETIRED_KEY_ALLOWANCE_MS;
/**
 * The grace in effect: RETIRED_KEY_GRACE_MS, or GOVGRAPH_TEST_RETIRED_KEY_MS, for tests only (a whole number
 * of milliseconds; test/retired-key-window.test.ts shortens its wait with it). Never set it in production:
 * a grace shorter than the tokens' life refuses tokens the old key signed honestly.
 */
export function retiredKeyGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.GOVGRAPH_TEST_RETIRED_KEY_MS;
  return set !== undefined && /^[0-9]{1,9}$/.test(set) ? Number(set) : RETIRED_KEY_GRACE_MS;
}
const GRACE_MS = retiredKeyGraceMs();

export interface StoredKey {
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
  createdAt: string;
  retiredAt: string | null;
}

export interface SigningKey {
  kid: string;
  /** A node:crypto key: it signs synchronously (forwarded.ts), and jose takes it too. */
  key: KeyObject;
}

async function makeKey(now: Date): Promise<StoredKey> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  return {
    kid: randomUUID(),
    publicJwk: await exportJWK(publicKey),
    privateJwk: await exportJWK(privateKey),
    createdAt: now.toISOString(),
    retiredAt: null,
  };
}

async function readRow(store: Store): Promise<string | null> {
  const rows = await store.find(SETTINGS, { filter: eq('key', SIGNING_KEYS_KEY), limit: 1 });
  const value = rows[0]?.value;
  return typeof value === 'string' && value ? value : null;
}

/**
 * The id of the current key as stored, or null when none is stored yet; unlike storedKeys, it makes none:
 * `platform rotate-key` names it in its audit entry before it changes anything.
 */
export async function storedCurrentKid(store: Store): Promise<string | null> {
  const raw = await readRow(store);
  return raw ? ((JSON.parse(raw) as StoredKey[]).find((k) => k.retiredAt === null)?.kid ?? null) : null;
}

/** The stored keys, the first one made when there are none yet. */
export async function storedKeys(store: Store, now = new Date()): Promise<StoredKey[]> {
  await store.ensureIndex(SETTINGS, { fields: ['key'], unique: true });
  const existing = await readRow(store);
  if (existing) return JSON.parse(existing) as StoredKey[];
  const made = [await makeKey(now)];
  try {
    await store.insert(SETTINGS, [{ key: SIGNING_KEYS_KEY, value: JSON.stringify(made) }]);
    return made;
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
    const winner = await readRow(store);
    if (!winner) throw error;
    return JSON.parse(winner) as StoredKey[];
  }
}

/** Makes a new current key and retires the old one; keys retired longer ago than the grace are dropped. */
export async function rotateSigningKey(store: Store, now = new Date()): Promise<{ current: StoredKey; retired: StoredKey[] }> {
  // Each lost compare-and-set means another rotation landed; a handful of operators at once never
  // exhausts the attempts.
  for (let attempt = 0; attempt < 20; attempt++) {
    // The new list is made from the very value the update compares with: made from an earlier read, a
    // key another process added between the two reads was dropped by an update whose comparison held.
    const raw = (await readRow(store)) ?? JSON.stringify(await storedKeys(store, now)); // the first key, when there is none yet
    const before = JSON.parse(raw) as StoredKey[];
    const kept = before
      .map((k) => (k.retiredAt ? k : { ...k, retiredAt: now.toISOString() }))
      .filter((k) => now.getTime() - Date.parse(k.retiredAt!) < GRACE_MS);
    const current = await makeKey(now);
    const n = await store.update(SETTINGS, and(eq('key', SIGNING_KEYS_KEY), eq('value', raw)), { value: JSON.stringify([current, ...kept]) });
    if (n === 1) return { current, retired: kept };
  }
  throw new Error('The signing keys kept changing during the rotation; run `govgraph platform rotate-key` again.');
}

/** The public keys a connected platform verifies with: the current key and those retired within the grace. */
export function publicKeySet(keys: readonly StoredKey[], now = new Date()): { keys: JWK[] } {
  return {
    keys: keys
      .filter((k) => k.retiredAt === null || now.getTime() - Date.parse(k.retiredAt) < GRACE_MS)
      .map((k) => ({ ...k.publicJwk, kid: k.kid, alg: SIGNING_ALGORITHM, use: 'sig' })),
  };
}

/**
 * The key that signs at `now`: the current one once it is NEW_KEY_SIGNS_AFTER_MS old; before, the key
 * retired last among those that are that old and still published for a while (two rotations within
 * seconds: the one before both). None: the current one, as for the first key made.
 */
export function signingKeyOf(keys: readonly StoredKey[], now: number): StoredKey {
  const old = (k: StoredKey) => now - Date.parse(k.createdAt) >= NEW_KEY_SIGNS_AFTER_MS;
  const current = keys.find((k) => k.retiredAt === null) ?? keys[0];
  if (old(current)) return current;
  const previous = keys
    .filter((k) => k.retiredAt !== null && old(k) && now - Date.parse(k.retiredAt) < GRACE_MS - NEW_KEY_SIGNS_AFTER_MS)
    .sort((a, b) => Date.parse(b.retiredAt!) - Date.parse(a.retiredAt!))[0];
  return previous ?? current;
}

/** A process's view of its platform's keys, read again from the store every few seconds. */
export class PlatformKeys {
  private cached: { at: number; keys: StoredKey[]; signing: SigningKey } | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  private async load(): Promise<NonNullable<PlatformKeys['cached']>> {
    const now = this.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached;
    const keys = await storedKeys(this.store);
    const current = signingKeyOf(keys, now);
    const signing = this.cached?.signing.kid === current.kid
      ? this.cached.signing
      : { kid: current.kid, key: createPrivateKey({ key: current.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' }) };
    this.cached = { at: now, keys, signing };
    return this.cached;
  }

  async signing(): Promise<SigningKey> {
    return (await this.load()).signing;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return publicKeySet((await this.load()).keys);
  }
}
