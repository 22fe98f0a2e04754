// Ed25519 signatures of forwarded tokens (RFC 8032) through libsodium (sodium-native, prebuilt inside
// its package), with the keys node:crypto holds: about half OpenSSL's CPU a signature and a verification
// on this machine (docs/benchmarks.md). The same signatures: Ed25519 is deterministic, and libsodium
// accepts no signature OpenSSL refuses (it refuses non-canonical and small-order encodings besides).
import { createRequire } from 'node:module';
import { sign, verify, type KeyObject } from 'node:crypto';

interface Sodium {
  crypto_sign_seed_keypair(publicKey: Buffer, secretKey: Buffer, seed: Buffer): void;
  crypto_sign_detached(signature: Buffer, message: Buffer, secretKey: Buffer): void;
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
}
/** libsodium, or null on a platform its package has no prebuilt binary for: OpenSSL's then (node:crypto). */
const sodium = ((): Sodium | null => {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
})();

/** libsodium's form of each key (its raw bytes), made once per key object. */
const raw = new WeakMap<KeyObject, Buffer>();

function rawKey(lib: Sodium, key: KeyObject): Buffer {
  let out = raw.get(key);
  if (!out) {
    const jwk = key.export({ format: 'jwk' });
    if (key.type === 'private') {
      out = Buffer.alloc(64);
      lib.crypto_sign_seed_keypair(Buffer.alloc(32), out, Buffer.from(jwk.d!, 'base64url'));
    } else {
      out = Buffer.from(jwk.x!, 'base64url');
    }
    raw.set(key, out);
  }
  return out;
}

/** The Ed25519 signature of `message` with a private key. */
export function signEd25519(message: Buffer, key: KeyObject): Buffer {
  if (!sodium) return sign(null, message, key);
  const signature = Buffer.alloc(64);
  sodium.crypto_sign_detached(signature, message, rawKey(sodium, key));
  return signature;
}

/** Whether `signature` is `message`'s with the Ed25519 public key `key`. */
export function verifyEd25519(message: Buffer, signature: Buffer, key: KeyObject): boolean {
  if (signature.length !== 64) return false;
  return sodium ? sodium.crypto_sign_verify_detached(signature, message, rawKey(sodium, key)) : verify(null, message, key, signature);
}
