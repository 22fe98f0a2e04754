// What an audit entry records of a request's document (SPEC §10, §13): a manifest's document (a trusted
// document, the operator's own text, fixed) by its SHA-256, the id the client preset's persisted documents
// give it, so that an operator finds which manifest document an entry ran; any other document (sent as
// text, registered through APQ, a connected platform's delegation) by its keyed hash alone
// (src/audit/document-hash.ts), as is an id that no manifest holds: a client's own hash of its text (an
// APQ client sends it before the text) would confirm a guess of that text as its SHA-256 would.
// A manifest document is recorded by the same hash however it was named (documentId, the manifest's key,
// persisted query, its text), so equal documents record equal hashes.
import { keyedDocumentHash } from '../audit/document-hash.ts';
import { hashKey, sha256, type SentDocument, type TrustedDocumentStore } from '../limits/trusted.ts';

export interface DocumentHashes {
  /** The hash an entry records for a parsed document (Apollo keeps one per text) and its text. */
  ofDocument(document: object, text: string): string;
  /** The hash an entry records for a document's text. */
  ofText(text: string): string;
  /**
   * The hash an entry records for a document as sent, before it is parsed: its text's; else, for a hash
   * alone, the manifest document's it names, or the keyed hash of the hash as sent (in lower case when
   * hexadecimal); null when the request names no document.
   */
  ofSent(sent: SentDocument): string | null;
}

interface Hashes {
  sha256: string;
  keyed: string;
}

export function documentHashes(key: Uint8Array, trusted: Pick<TrustedDocumentStore, 'manifestDocument'>): DocumentHashes {
  const hashesOf = (text: string): Hashes => ({ sha256: sha256(text), keyed: keyedDocumentHash(key, text) });
  // Looked up at each request, not kept: a manifest added while the gateway runs names its documents from then on.
  const recorded = (text: string, h: Hashes): string => (trusted.manifestDocument(h.sha256) === text ? h.sha256 : h.keyed);
  /** Per parsed document: Apollo keeps one per text, so a repeated query is hashed once. */
  const byDocument = new WeakMap<object, Hashes>();
  const ofText = (text: string): string => recorded(text, hashesOf(text));
  return {
    ofDocument(document, text) {
      let h = byDocument.get(document);
      if (!h) byDocument.set(document, (h = hashesOf(text)));
      return recorded(text, h);
    },
    ofText,
    ofSent(sent) {
      if (sent.query !== undefined) return ofText(sent.query);
      if (sent.hash === undefined) return null;
      const manifest = trusted.manifestDocument(sent.hash);
      return manifest !== undefined ? ofText(manifest) : keyedDocumentHash(key, hashKey(sent.hash));
    },
  };
}
