// The document a GraphQL-over-HTTP request names, as sent (SPEC §13): its text, a `documentId` (the client
// preset's persisted documents) or Apollo's `extensions.persistedQuery`, in a POST's JSON body or a GET's
// parameters. Both methods are read by the same functions here, so that one request means one thing by
// either: the documentId made into Apollo's persisted query, hashes in lower case, and the requests that
// name two documents refused as the client's error before Apollo sees them.
import { hashKey, sha256, type SentDocument } from './trusted.ts';

/**
 * The `query` and `extensions` of a GraphQL-over-HTTP request as sent: a POST's JSON body (after
 * withDocumentId), or a GET's parameters. Anything malformed is left undefined here (Apollo refuses it).
 */
function requestParts(body: unknown, search: string): { query: unknown; extensions: unknown; documentId: unknown } {
  let query: unknown;
  let extensions: unknown;
  let documentId: unknown;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    ({ query, extensions, documentId } = body as Record<string, unknown>);
  } else if (body === undefined) {
    const params = new URLSearchParams(search);
    query = params.get('query') ?? undefined;
    documentId = params.get('documentId') ?? undefined;
    try {
      extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
    } catch {
      extensions = undefined;
    }
  }
  return { query, extensions, documentId };
}

/** Apollo's persisted query extension of a request, when there is one (Apollo takes any truthy value as one). */
function persistedQueryOf(extensions: unknown): unknown {
  return extensions && typeof extensions === 'object' ? (extensions as Record<string, unknown>).persistedQuery : undefined;
}

/**
 * The document of a GraphQL-over-HTTP request as sent: a POST's JSON body (after withDocumentId), or a
 * GET's `query` and `extensions` parameters. Anything malformed names no document here (Apollo refuses it).
 */
export function sentDocument(body: unknown, search: string): SentDocument {
  const { query, extensions } = requestParts(body, search);
  const persisted = persistedQueryOf(extensions);
  const hash = persisted && typeof persisted === 'object' ? (persisted as Record<string, unknown>).sha256Hash : undefined;
  return {
    ...(typeof query === 'string' ? { query } : {}),
    ...(typeof hash === 'string' ? { hash } : {}),
  };
}

/**
 * What is wrong with a request's persisted query (`extensions.persistedQuery`, or a `documentId` made
 * into one), in words for the client; undefined when nothing is. Apollo refuses these itself but gives its
 * errors no code, so they came out as INTERNAL_SERVER_ERROR: the gateway refuses them first, as BAD_REQUEST.
 */
export function persistedQueryProblem(body: unknown, search: string, namesOneDocument: OneDocument = sameHash): string | undefined {
  const { query, extensions, documentId } = requestParts(body, search);
  // As Apollo refuses a GET's `query` or `extensions` given twice: the first ran, where a proxy or a log
  // may have read the other.
  if (body === undefined && new URLSearchParams(search).getAll('documentId').length > 1) {
    return "The 'documentId' search parameter may only be specified once.";
  }
  // A documentId of another type than a string names no document: Apollo answered that the request had no
  // query, which did not say what was wrong with the one it had.
  if (documentId != null && typeof documentId !== 'string') return 'documentId must be a string: the hash of a persisted document.';
  // A documentId with a text beside it (withDocumentId leaves both, and Apollo runs the text): the id must
  // be the text's SHA-256, as a persisted query's hash must, or a client sending a manifest document's id
  // with another text ran that text without a word under off and log (GraphQL over HTTP's persisted
  // documents: the server checks that an identifier sent with its document matches it).
  if (typeof documentId === 'string' && typeof query === 'string') {
    const actual = sha256(query);
    if (hashOfDocumentId(documentId).toLowerCase() !== actual) {
      return `documentId is not the SHA-256 of the query sent with it (that is ${actual}): send the documentId alone, or the query alone.`;
    }
  }
  const persisted = persistedQueryOf(extensions);
  if (!persisted) return undefined;
  const { version, sha256Hash } = (typeof persisted === 'object' ? persisted : {}) as Record<string, unknown>;
  // A documentId beside a persisted query of another document (withDocumentId and withDocumentIdParam
  // leave both then): a POST ran the documentId's and a GET the persisted query's, each ignoring the other.
  if (typeof documentId === 'string' && typeof sha256Hash === 'string' && !namesOneDocument(hashOfDocumentId(documentId), sha256Hash)) {
    return 'documentId and extensions.persistedQuery.sha256Hash name different documents: send one of them, or two that name the same document.';
  }
  if (version !== 1) return 'extensions.persistedQuery.version must be 1 (Apollo\'s automatic persisted queries).';
  if (typeof sha256Hash !== 'string') return 'extensions.persistedQuery.sha256Hash must be the SHA-256 of the document, in hexadecimal.';
  if (typeof query === 'string') {
    const actual = sha256(query);
    if (actual !== sha256Hash) {
      return `extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it (that is ${actual}): send the hash of exactly this text, or the hash alone.`;
    }
  }
  return undefined;
}

/**
 * The hash a `documentId` names: GraphQL over HTTP's persisted documents may prefix it with its
 * algorithm (`sha256:<hex>`); the client preset sends the hex alone, as the manifests key it.
 */
const hashOfDocumentId = (documentId: string): string => (documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : documentId);

/**
 * Whether two hashes a client sent name one document (TrustedDocumentStore.namesOneDocument, which knows
 * the manifests); without them, whether they are one hash.
 */
export type OneDocument = (documentIdHash: string, sha256Hash: string) => boolean;
const sameHash: OneDocument = (a, b) => hashKey(a) === hashKey(b);

/**
 * A request's extensions as Apollo is to read them: a `documentId` sent without a `query` made into
 * Apollo's persisted query, beside the other extensions sent; and a persisted query's hexadecimal hash
 * in lower case, as Apollo computes a text's (it refused one in upper case sent with its text as not the
 * text's, and an APQ registration was found only in the case it was made in). Undefined when nothing
 * changes, and when the request is to stay as sent: extensions neither an object nor null (Apollo refuses
 * them), or a persisted query beside the documentId that names another document (persistedQueryProblem
 * refuses it). A POST body and a GET's parameters go through here alike, so that the two methods read one
 * request one way. `documentId` says whether the documentId became the persisted query.
 */
function persistedExtensions(sent: { documentId: unknown; query: unknown; extensions: unknown }, namesOneDocument: OneDocument): { extensions: Record<string, unknown>; documentId: boolean } | undefined {
  const { documentId, query, extensions } = sent;
  // null is no extensions (GraphQL over HTTP clients send it so); another value than an object Apollo refuses.
  if (extensions != null && (typeof extensions !== 'object' || Array.isArray(extensions))) return undefined;
  const others = (extensions ?? {}) as Record<string, unknown>;
  const persisted = persistedQueryOf(others);
  const sha256Hash = persisted && typeof persisted === 'object' ? (persisted as Record<string, unknown>).sha256Hash : undefined;
  if (typeof documentId === 'string' && query === undefined) {
    const hash = hashKey(hashOfDocumentId(documentId));
    if (persisted && (typeof sha256Hash !== 'string' || !namesOneDocument(hash, sha256Hash))) return undefined;
    return { extensions: { ...others, persistedQuery: { version: 1, sha256Hash: hash } }, documentId: true };
  }
  if (typeof sha256Hash !== 'string' || hashKey(sha256Hash) === sha256Hash) return undefined;
  return { extensions: { ...others, persistedQuery: { ...(persisted as object), sha256Hash: hashKey(sha256Hash) } }, documentId: false };
}

/**
 * A GraphQL-over-HTTP body with `documentId` (the client preset's persisted documents) as Apollo's
 * persisted query extension, which Apollo resolves through TrustedDocumentStore.cache (persistedExtensions).
 */
export function withDocumentId(body: unknown, namesOneDocument: OneDocument = sameHash): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const { documentId, ...rest } = body as Record<string, unknown>;
  const read = persistedExtensions({ documentId, query: rest.query, extensions: rest.extensions }, namesOneDocument);
  if (!read) return body;
  return read.documentId ? { ...rest, extensions: read.extensions } : { ...body, extensions: read.extensions };
}

/**
 * A GET's query string with a `documentId` parameter (GraphQL over HTTP's persisted documents, as a POST
 * body's) made into Apollo's `extensions` parameter, beside the extensions sent (persistedExtensions);
 * unchanged when withDocumentId would leave a body so.
 */
export function withDocumentIdParam(search: string, namesOneDocument: OneDocument = sameHash): string {
  const params = new URLSearchParams(search);
  if (params.getAll('documentId').length > 1) return search; // persistedQueryProblem refuses it
  let extensions: unknown;
  try {
    extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    return search; // Apollo refuses extensions that are not JSON
  }
  const read = persistedExtensions({ documentId: params.get('documentId') ?? undefined, query: params.get('query') ?? undefined, extensions }, namesOneDocument);
  if (!read) return search;
  if (read.documentId) params.delete('documentId');
  params.set('extensions', JSON.stringify(read.extensions));
  return `?${params}`;
}
