// The cache of parsed and validated documents (plugins/document-cache.ts), bounded by what they really hold.
//
// Apollo's own (InMemoryLRUCache, 30 MiB) sizes a document as its AST printed to JSON, and a location
// prints as `{start, end}`: the text the document was parsed from is not counted, though every node's
// location keeps it (`loc.source.body`). A comment or whitespace makes no node, so a document of a
// megabyte of comment around `{ __typename }` counted a few hundred bytes and kept its megabyte: 300
// such requests, within every limit and rate, held 300 MB of the gateway's memory for good. Here a document
// counts its AST and its text, so the cache holds at most DOCUMENT_STORE_MAX_BYTES of both.
//
// And at most DOCUMENT_STORE_MAX_DOCUMENTS documents: what the gateway works out once per document hangs
// on the cached one (its graphql-jit compiled query, its cost, its argument sites, its trust verdict:
// WeakMaps keyed by the document), and is not in documentSize. A small query costs 1.5 kB of AST and
// text, so the bytes alone let 20,000 of them stay, with about 35 kB each of that work: a client sending
// a new query text per request (a new value in a filter, a new alias) grew the heap by 600 MB in 80 s
// of a soak (found by the soak walk, Chongqing 500000).
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** The most the cache holds, ASTs and texts together (Apollo's default bound, now counting the texts). */
export const DOCUMENT_STORE_MAX_BYTES = 30 * 2 ** 20;

/** The most documents the cache holds, whatever their size: each keeps ~35 kB of compiled work besides. */
export const DOCUMENT_STORE_MAX_DOCUMENTS = 2000;

/** What a cached document holds: its AST as JSON (Apollo's own figure) and the text its locations keep. */
export function documentSize(document: DocumentNode): number {
  let json: string;
  try {
    json = JSON.stringify(document);
  } catch {
    // An AST nested past what JSON.stringify follows (selections 1,500 deep, within maxDepth's 1,000 and
    // inline fragments): too large to keep. It threw inside the cache's set, an unhandled rejection.
    return Number.MAX_SAFE_INTEGER;
  }
  return Buffer.byteLength(json, 'utf8') + (document.loc?.source.body.length ?? 0);
}

/** The documents cache (plugins/document-cache.ts): an LRU of documents bounded by documentSize and by count. */
export function createDocumentStore(maxBytes = DOCUMENT_STORE_MAX_BYTES, maxDocuments = DOCUMENT_STORE_MAX_DOCUMENTS): LRUCache<string, DocumentNode> {
  // A document larger than the whole cache is not kept (lru-cache refuses it).
  return new LRUCache<string, DocumentNode>({ max: maxDocuments, maxSize: maxBytes, sizeCalculation: (document) => Math.max(1, documentSize(document)) });
}
