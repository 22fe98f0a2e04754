// Apollo Server's cache of parsed and validated documents, bounded by what the documents really hold.
//
// Apollo's own (InMemoryLRUCache, 30 MiB) sizes a document as its AST printed to JSON, and a location
// prints as `{start, end}`: the text the document was parsed from is not counted, though every node's
// location keeps it (`loc.source.body`). A comment or whitespace makes no node, so a document of a
// megabyte of comment around `{ __typename }` counted a few hundred bytes and kept its megabyte: 300
// such requests, within every limit and rate, held 300 MB of the gateway's memory for good. Here a document
// counts its AST and its text, so the cache holds at most DOCUMENT_STORE_MAX_BYTES of both.
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** The most the cache holds, ASTs and texts together (Apollo's default bound, now counting the texts). */
export const DOCUMENT_STORE_MAX_BYTES = 30 * 2 ** 20;

/** What a cached document holds: its AST as JSON (Apollo's own figure) and the text its locations keep. */
export function documentSize(document: DocumentNode): number {
  return Buffer.byteLength(JSON.stringify(document), 'utf8') + (document.loc?.source.body.length ?? 0);
}

/** Apollo Server's `documentStore`: an LRU cache of documents bounded by documentSize. */
export function createDocumentStore(maxBytes = DOCUMENT_STORE_MAX_BYTES): KeyValueCache<DocumentNode> {
  const cache = new LRUCache<string, DocumentNode>({ maxSize: maxBytes, sizeCalculation: (document) => Math.max(1, documentSize(document)) });
  return {
    get: async (key) => cache.get(key),
    set: async (key, value) => {
      // A document larger than the whole cache is not kept (lru-cache would refuse it anyway).
      cache.set(key, value);
    },
    delete: async (key) => cache.delete(key),
  };
}
