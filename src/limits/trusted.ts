// Trusted documents (SPEC §13): the operations graphql-codegen's client preset persisted
// (`persistedDocuments`: a JSON object from each document's hash to its text). Clients send `documentId`
// (the client preset's hash) or Apollo's `extensions.persistedQuery.sha256Hash`; both are looked up here.
// The manifests are read at start and again whenever one changes on disk (checked every `pollMs`), so a
// new client release needs no restart; a manifest that cannot be read keeps its last good contents.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { Kind, parse, print, visit, type ASTNode, type DocumentNode } from 'graphql';
import { fileFailure } from '../model/named-file.ts';
import type { TrustedDocuments as TrustConfig } from '../model/platform.ts';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const byText = <T extends ASTNode>(nodes: readonly T[] | undefined): T[] | undefined =>
  nodes && [...nodes].map((node) => [print(node), node] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, node]) => node);

/**
 * A document printed with everything whose order means nothing sorted: definitions, selections,
 * arguments, variable definitions and the fields of input objects (list values keep their order). The
 * client preset writes its manifest with selections and variables sorted (`normalizeAndPrintDocumentNode`),
 * while the client sends the operation as it was written: both print the same here. A mutation's root
 * fields keep their order: they run one after the other, so two orders are two operations (the preset
 * sorts them too; a client whose text differs so sends the documentId, which runs the manifest's). So do
 * the fields of a fragment on Mutation and of an inline fragment in a mutation's root: sorted, `mutation {
 * ... on Mutation { b a } }` printed as a manifest's `... on Mutation { a b }` and ran its fields under
 * `require` in an order no manifest holds.
 */
export function canonicalPrint(document: DocumentNode): string {
  const sorted = visit(document, {
    leave(node, _key, parent, _path, ancestors) {
      switch (node.kind) {
        case Kind.DOCUMENT:
          return { ...node, definitions: byText(node.definitions)! };
        case Kind.SELECTION_SET:
          if (selectsMutationRoot([...ancestors, parent as ASTNode])) return undefined;
          return { ...node, selections: byText(node.selections)! };
        case Kind.OPERATION_DEFINITION:
          return { ...node, variableDefinitions: byText(node.variableDefinitions) };
        case Kind.FIELD:
        case Kind.DIRECTIVE:
          return { ...node, arguments: byText(node.arguments) };
        case Kind.OBJECT:
          return { ...node, fields: byText(node.fields)! };
        default:
          return undefined;
      }
    },
  });
  return print(sorted);
}

/** The name of the platform's mutation type (schema/platform.graphql): a fragment on it selects root fields. */
const MUTATION_TYPE = 'Mutation';

/**
 * Whether a selection set, below `chain` (the nodes above it, its owner last; arrays skipped), selects a
 * mutation's root fields: a mutation's own, a fragment's on Mutation, or an inline fragment's within one
 * of those (typed Mutation, or untyped in a root selection).
 */
function selectsMutationRoot(chain: readonly (ASTNode | readonly ASTNode[])[]): boolean {
  const owners = chain.filter((n): n is ASTNode => !Array.isArray(n));
  for (let i = owners.length - 1; i >= 0; i -= 2) {
    const owner = owners[i]!;
    if (owner.kind === Kind.OPERATION_DEFINITION) return owner.operation === 'mutation';
    if (owner.kind === Kind.FRAGMENT_DEFINITION) return owner.typeCondition.name.value === MUTATION_TYPE;
    if (owner.kind !== Kind.INLINE_FRAGMENT) return false;
    if (owner.typeCondition) return owner.typeCondition.name.value === MUTATION_TYPE;
    // An untyped inline fragment selects what the selection set holding it does (owners[i - 1]), whose owner is owners[i - 2].
  }
  return false;
}

/**
 * A document's nesting depth and number of AST nodes, found in one walk: two documents that print alike
 * canonically differ only in the order of siblings, so they have the same shape. canonicalPrint prints
 * each node's subtree again at every level above it (to sort it among its siblings), so its cost grows
 * with the square of the nesting: a 4-kilobyte text of 1,300 nested selections took 0.6 s. A text whose
 * shape is no manifest document's is in no manifest, and is not printed at all.
 */
export function shapeOf(document: DocumentNode): string {
  let depth = 0;
  let deepest = 0;
  let nodes = 0;
  visit(document, {
    enter() {
      nodes++;
      if (++depth > deepest) deepest = depth;
    },
    leave() {
      depth--;
    },
  });
  return `${deepest}:${nodes}`;
}

interface Manifest {
  /** The file as last read (fileStamp): a manifest is read again when it changes. */
  stamp: string;
  documents: Map<string, string>;
}

/**
 * What tells that a manifest file changed: its modification time alone did not. A release whose files all
 * have one time (a Nix store's, an image built with SOURCE_DATE_EPOCH, `cp -p` or `rsync -t` of a file
 * of the same time) put a new manifest in place under the old one's time, and every instance kept the
 * old documents until restarted: the new client's refused under `require`, the withdrawn ones still run.
 * A file put in place (renamed, a link switched) is another inode; one written in place has another size
 * or change time (which no one sets by hand: `touch -d` and utimes change it too).
 */
const fileStamp = (stat: Stats): string => `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;

/**
 * Reads a client preset manifest: a JSON object from hash to document text. Its problems do not name the
 * file: the caller says `FILE: problem` (it named it twice, `FILE: FILE: not a JSON object ...`).
 */
export function readManifest(file: string): Map<string, string> {
  let parsed: unknown;
  let json: string;
  try {
    json = readFileSync(file, 'utf8');
    parsed = JSON.parse(json);
  } catch (error) {
    // Said in words, as for every file an operator names: not the file system's `ENOENT: no such file or
    // directory, stat '...'` or `EISDIR: illegal operation on a directory, read`.
    throw new Error(error instanceof SyntaxError ? `not JSON (${error.message})` : fileFailure(error));
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object of hash to document');
  const documents = new Map<string, string>();
  for (const [hash, text] of Object.entries(parsed)) {
    if (typeof text !== 'string') throw new Error(`${JSON.stringify(hash)}: the document is not a string`);
    documents.set(hash, text);
  }
  const twice = hashNamedTwice(json, documents);
  if (twice !== undefined) throw new Error(`${JSON.stringify(twice)} names two documents in this manifest; a hash may name one document only`);
  return documents;
}

/** A JSON string literal, escapes included. */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * A hash that `json` (a flat object of strings, as `documents` read it) names twice with different texts:
 * JSON.parse keeps the last silently, so a manifest merged by hand ran one of two documents under one hash.
 * Its string literals alternate key and value, so they are read as pairs; only when the object has more of
 * them than keys (a key written twice) is there anything to look for.
 */
function hashNamedTwice(json: string, documents: ReadonlyMap<string, string>): string | undefined {
  const literals = json.match(JSON_STRING) ?? [];
  if (literals.length === 2 * documents.size) return undefined;
  const seen = new Map<string, string>();
  for (let i = 0; i + 1 < literals.length; i += 2) {
    const [hash, text] = [JSON.parse(literals[i]) as string, JSON.parse(literals[i + 1]) as string];
    const known = seen.get(hash);
    if (known !== undefined && known !== text) return hash;
    seen.set(hash, text);
  }
  return undefined;
}

/**
 * The manifests' documents by hash: the hash each manifest names it by, and the sha256 of its text (the
 * hash Apollo's clients and the preset's default send). `clash` says where one hash would name two
 * documents (a client sending that hash would run another's document), as a problem of manifest `last`,
 * the one just read, whose documents are indexed after the others'.
 */
function hashIndex(manifests: ReadonlyMap<string, Manifest>, last?: string): { byHash: Map<string, string>; clash?: string } {
  const byHash = new Map<string, string>();
  const from = new Map<string, string>();
  const ordered = [...manifests].sort(([a], [b]) => Number(a === last) - Number(b === last));
  for (const [file, { documents }] of ordered) {
    for (const [hash, text] of documents) {
      for (const h of [hashKey(hash), sha256(text)]) {
        const known = byHash.get(h);
        if (known !== undefined && known !== text) {
          const where = from.get(h) === file ? 'in this manifest' : `in ${from.get(h)}`;
          const which = h === hashKey(hash) ? `${JSON.stringify(hash)} names` : `${JSON.stringify(hash)}: its document's sha256 ${h} names`;
          return { byHash, clash: `${which} another document ${where}; a hash may name one document only` };
        }
        byHash.set(h, text);
        from.set(h, file);
      }
    }
  }
  return { byHash };
}

/**
 * A hash as it is indexed and looked up: a hexadecimal one in lower case, whatever case its manifest or its
 * client writes it in (so that one in upper case in a manifest is found by a client sending it in lower
 * case, and two documents under one hash in two cases are a clash); any other key as written.
 */
export const hashKey = (hash: string): string => (/^[0-9a-fA-F]+$/.test(hash) ? hash.toLowerCase() : hash);

export class TrustedDocumentStore {
  private manifests = new Map<string, Manifest>();
  /** hash (as the manifest names it, and the sha256 of its text) → text. */
  private byHash = new Map<string, string>();
  /**
   * The manifests' documents printed canonically (`canonicalPrint`), so the same operation sent as text
   * is recognised however it is spaced, and in whatever order its selections and arguments are written.
   */
  private printed = new Set<string>();
  /** The shapes (shapeOf) of the manifests' documents: a document of another shape is printed as none of them. */
  private shapes = new Set<string>();
  /**
   * Each manifest document's canonical print and shape, by its text (null: it does not parse), kept from
   * one reload to the next: a reload works out only the texts it has not seen. Each was worked out again
   * at every reload, a few tenths of a millisecond a document: an instance with 2,000 documents stopped
   * answering for over a second at each client release, every instance at once.
   */
  private forms = new Map<string, { printed: string; shape: string } | null>();
  /** Per parsed document (Apollo keeps them): trusted or not, for the manifests of `version`. */
  private verdicts = new WeakMap<DocumentNode, { version: number; trusted: boolean }>();
  private version = 0;
  private timer: NodeJS.Timeout | null = null;
  /**
   * Documents registered through Apollo's APQ protocol (only when not `require`), by requester and hash,
   * most recent last. Each department sees only its own: one shared registry would tell a department,
   * for the hash of a text it guessed (an ID number in a filter), whether another department sent it.
   */
  private registered = new Map<string, string>();
  /** The characters of the registered texts, together. */
  private registeredChars = 0;
  /** Verdicts on document texts sent whole, by the sha256 of the text (bounded, most recent last). */
  private texts = new Map<string, { version: number; trusted: boolean }>();
  /** A manifest that cannot be read, by file → the problem last reported (said once, not at every poll). */
  private failing = new Map<string, { problem: string; message: string }>();

  constructor(
    readonly config: TrustConfig,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.reload();
  }

  /** Reads the manifests that changed since the last look; true when anything changed. */
  reload(): boolean {
    let changed = false;
    for (const file of this.config.manifests) {
      try {
        let stamp: string;
        try {
          stamp = fileStamp(statSync(file));
        } catch (error) {
          throw new Error(fileFailure(error));
        }
        if (this.manifests.get(file)?.stamp === stamp) continue;
        const next = new Map(this.manifests).set(file, { stamp, documents: readManifest(file) });
        // A hash names one document: another manifest's document under it would run in its place.
        const clash = hashIndex(next, file).clash;
        if (clash) throw new Error(clash);
        this.manifests = next;
        this.failing.delete(file);
        changed = true;
      } catch (error) {
        const message = (error as Error).message;
        const problem = `trusted documents: ${file}: ${message}`;
        if (this.failing.get(file)?.problem !== problem) this.onError(problem);
        this.failing.set(file, { problem, message });
      }
    }
    if (changed) {
      const byHash = hashIndex(this.manifests).byHash;
      const forms = new Map<string, { printed: string; shape: string } | null>();
      for (const text of byHash.values()) {
        if (forms.has(text)) continue;
        let form = this.forms.get(text);
        if (form === undefined) {
          try {
            const document = parse(text);
            form = { printed: canonicalPrint(document), shape: shapeOf(document) };
          } catch {
            form = null; // a document that does not parse can still be asked for by its hash, and fails then
          }
        }
        forms.set(text, form);
      }
      const known = [...forms.values()].filter((form) => form !== null);
      this.byHash = byHash;
      this.forms = forms;
      this.printed = new Set(known.map((form) => form.printed));
      this.shapes = new Set(known.map((form) => form.shape));
      this.version++;
    }
    return changed;
  }

  /**
   * The manifests not read at the last look, in the platform file's order, each as
   * `trustedDocuments.manifests[i]: FILE: problem`: `serve` refuses to start with any (src/cli/serve.ts).
   */
  get unread(): string[] {
    return this.config.manifests.flatMap((file, i) => {
      const failing = this.failing.get(file);
      return failing ? [`trustedDocuments.manifests[${i}]: ${file}: ${failing.message}`] : [];
    });
  }

  watch(pollMs = 2000): void {
    if (this.timer || this.config.manifests.length === 0) return;
    this.timer = setInterval(() => this.reload(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get size(): number {
    return this.byHash.size;
  }

  /**
   * Whether the document Apollo resolved is trusted: its hash (the one sent, or the sha256 of the text)
   * names a manifest's document that is its `source`, or the text is a manifest's document however it is
   * spaced (decided once per document).
   */
  trusts(queryHash: string | undefined, document: DocumentNode | undefined, source: string | undefined): boolean {
    if (queryHash !== undefined && this.names(queryHash, source)) return true;
    if (!document) return false;
    const known = this.verdicts.get(document);
    if (known?.version === this.version) return known.trusted;
    const trusted = this.printedAlike(document);
    this.verdicts.set(document, { version: this.version, trusted });
    return trusted;
  }

  /**
   * Whether a request's document, as sent (before Apollo parses it), is trusted: its hash is in a
   * manifest, or its text is a manifest's document however spaced. A request that names no document
   * (Apollo refuses it itself) is not this check's business. Used under `require`, once the rate is
   * taken: a hash is a map lookup, a text its sha256, and only a text sent with other spacing is parsed
   * (at most `maxTokens` tokens; once per text, the verdict kept).
   */
  admits(sent: SentDocument, maxTokens?: number): boolean {
    if (sent.hash !== undefined && this.names(sent.hash, sent.query)) return true;
    if (sent.query === undefined) return sent.hash === undefined;
    const textHash = sha256(sent.query);
    if (this.names(textHash, sent.query)) return true;
    const known = this.texts.get(textHash);
    if (known?.version === this.version) return known.trusted;
    let trusted: boolean;
    try {
      trusted = this.printedAlike(parse(sent.query, { maxTokens, noLocation: true }));
    } catch {
      trusted = false; // a document that does not parse is in no manifest
    }
    this.texts.delete(textHash);
    this.texts.set(textHash, { version: this.version, trusted });
    if (this.texts.size > 1000) this.texts.delete(this.texts.keys().next().value!);
    return trusted;
  }

  /**
   * The manifests' document of a hash as a client sent it. A hexadecimal hash names the same document in
   * either case (the preset and Apollo's clients write it in lower case, other clients or hand-made
   * requests may not): in upper case it was refused as not trusted, telling the client to have a manifest
   * added that already held it.
   */
  private documentOf(hash: string): string | undefined {
    return this.byHash.get(hashKey(hash));
  }

  /**
   * Whether `hash` names a manifest's document and that document is `text`, the text that runs (when a
   * client sent one; Apollo's own when it resolved the hash). A hash that is the SHA-256 of a text is not
   * that text's warrant: a manifest may name another document by it (a key kept when its document was
   * edited, as a client preset's hash of the text as written beside its printed text), and the text whose
   * SHA-256 it is, a withdrawn document say, ran under `require`, sent whole or beside its hash.
   */
  private names(hash: string, text: string | undefined): boolean {
    const named = this.documentOf(hash);
    return named !== undefined && (text === undefined || named === text);
  }

  /** The text of the manifests' document a hash names (as a client sends it, in either case), if any. */
  manifestDocument(hash: string): string | undefined {
    return this.documentOf(hash);
  }

  /**
   * Whether two hashes a client sent (a `documentId` without its `sha256:` and a persisted query's
   * `sha256Hash`) name one document: the same hash in either case, or two hashes the manifests give one
   * text (the manifest's own key and its text's SHA-256).
   */
  namesOneDocument(a: string, b: string): boolean {
    if (hashKey(a) === hashKey(b)) return true;
    const text = this.documentOf(a);
    return text !== undefined && text === this.documentOf(b);
  }

  /** Whether `document` prints canonically as a manifest's document (printed only when its shape is one of theirs). */
  private printedAlike(document: DocumentNode): boolean {
    return this.shapes.has(shapeOf(document)) && this.printed.has(canonicalPrint(document));
  }

  /** The document `requester` registered under `hash` through APQ (and not one of the manifests'), if any. */
  registeredBy(requester: string, hash: string): string | undefined {
    return this.registered.get(registrationKey(requester, hash));
  }

  /** Registers `text` under `hash` for `requester` alone (APQ); nothing under `require`, where only the manifests count. */
  register(requester: string, hash: string, text: string): void {
    if (this.config.mode === 'require') return;
    const key = registrationKey(requester, hash);
    this.forget(key);
    this.registered.set(key, text);
    this.registeredChars += text.length;
    // Bounded in number and in characters: a text may be a megabyte of comment around `{ __typename }`.
    while (this.registered.size > MAX_REGISTERED || this.registeredChars > MAX_REGISTERED_CHARS) this.forget(this.registered.keys().next().value!);
  }

  private forget(key: string): void {
    const text = this.registered.get(key);
    if (text === undefined) return;
    this.registered.delete(key);
    this.registeredChars -= text.length;
  }

  /**
   * Apollo's persisted-query cache (keys prefixed `apq:` by Apollo): the manifests only. APQ registrations
   * are per requester, which this interface does not know: plugins/persisted-queries.ts looks them up
   * and makes them, and Apollo's own registration here is dropped.
   */
  readonly cache: KeyValueCache<string> = {
    get: async (key) => this.documentOf(key.replace(/^apq:/, '')),
    set: async () => undefined,
    delete: async () => false,
  };
}

/**
 * How many APQ registrations are kept in all, and how many characters of text (the least recently
 * registered dropped first). A text is at most maxRequestBytes: a count alone let a department's 1,000
 * registrations of a megabyte each hold a gigabyte of the gateway's memory.
 */
export const MAX_REGISTERED = 1000;
export const MAX_REGISTERED_CHARS = 16 * 2 ** 20;

const registrationKey = (requester: string, hash: string) => `${requester}\n${hash}`;

/** The document a request names: its text, its hash (`documentId` or Apollo's persisted-query hash), or both. */
/**
 * True when a document asks the schema only: each operation's root selections are introspection fields
 * (`__schema`, `__type`; `__typename` beside them), as codegen's and GraphiQL's schema loads do. No manifest
 * holds such a document, so its refusal under `require` says where a client's schema comes from instead.
 * A text is parsed within `maxTokens`; one that does not parse asks nothing.
 */
export function asksSchemaOnly(document: DocumentNode | string | undefined, maxTokens?: number): boolean {
  let parsed: DocumentNode;
  try {
    parsed = typeof document === 'string' ? parse(document, { maxTokens, noLocation: true }) : document!;
  } catch {
    return false;
  }
  if (!parsed) return false;
  let schemaFields = 0;
  for (const definition of parsed.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || !selection.name.value.startsWith('__')) return false;
      if (selection.name.value !== '__typename') schemaFields++;
    }
  }
  return schemaFields > 0;
}

export interface SentDocument {
  query?: string;
  hash?: string;
}
