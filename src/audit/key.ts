// The key that chains the audit log (issue 8): entries and checkpoints are HMAC-SHA256 under a key
// derived (HKDF-SHA256) from the platform secret, so a chain edited and rehashed by someone who can
// write the store but does not hold the secret no longer verifies.
//
// The platform secret is GOVGRAPH_JWT_SECRET when set; the store alone then does not reveal the key.
// Without it the secret is kept in the store (`_settings`), and whoever can read the store can derive
// the key: the checkpoints written to a file outside the store (checkpoint.ts) are then the anchor.
import { hkdfSync } from 'node:crypto';
import { platformSecret } from '../identity/secret.ts';
import type { Store } from '../store/port.ts';

const INFO = 'govgraph audit chain v2';
const keys = new WeakMap<Store, Promise<Buffer>>();

/** The audit key for a platform secret. */
export function deriveAuditKey(secret: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), INFO, 32));
}

/** The audit key of the platform this store serves (its secret read once per Store). */
export function auditKey(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  let key = keys.get(store);
  if (!key) {
    key = platformSecret(store, env).then(deriveAuditKey);
    keys.set(store, key);
    key.catch(() => keys.delete(store));
  }
  return key;
}
