// The document hash an audit entry records (SPEC §10: "a hash of the document"; "Variables are not
// stored"). A plain SHA-256 of the text let whoever reads the log (a supervisor, anyone holding a backup
// of the store) confirm a guess of a value a client wrote into its document instead of a variable: with
// the query's shape guessed, an ID number has a few million likely values, hashed in a second. So a
// document is recorded as HMAC-SHA256 under a key derived (HKDF-SHA256, with its own info label) from the
// platform secret, as the chain's key is (key.ts): equal documents still record equal hashes (the same
// query again), and confirming a guess needs the key. Written `hmac-sha256:HEX`, so that it is not taken
// for the SHA-256 of a manifest's document, which an entry records as it is (src/server/recorded-document.ts).
//
// Entries written before keep the plain SHA-256 they were chained with (64 hexadecimal digits alone).
import { createHmac, hkdfSync } from 'node:crypto';

const INFO = 'govgraph audit document v1';

/** How a keyed document hash starts; a manifest document's id (a plain SHA-256) does not. */
export const KEYED_DOCUMENT_PREFIX = 'hmac-sha256:';

/** The key of the document hashes for a platform secret (not the chain's key: another info label). */
export function deriveDocumentKey(secret: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), INFO, 32));
}

/** The keyed hash of a document's text (or of an id no manifest holds) under `key` (deriveDocumentKey). */
export function keyedDocumentHash(key: Uint8Array, text: string): string {
  return KEYED_DOCUMENT_PREFIX + createHmac('sha256', key).update(text).digest('hex');
}
