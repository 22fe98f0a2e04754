// The audit log plugin (SPEC §10): one entry per request that reads resource data (allowed, partial or
// denied), written before the response leaves. Fail-closed: when the entry cannot be written the
// response holds no data, only an AUDIT_UNAVAILABLE error.
//
// What an entry holds comes from the request's record of its reads, never from formatted errors:
// `access.taken()` (every item decision the read plans and rules took, a resource refused whole under
// `*`), `records` (records returned per resource) and `reads` (resources read, items filtered and
// ordered by, counts). The document is kept as a hash (recorded-document.ts: a manifest's document by its
// SHA-256, any other by a hash keyed with the platform's secret, so that a value written into the text
// cannot be guessed from it); variables are never stored.
//
// Workflow actions write their own entries (src/workflow/audit.ts), before they change anything; this
// plugin tells them the operation name and document hash (`requestAudit`), and records the mutations a
// role rule refused before their resolver ran.
//
// Requests a limit refuses (SPEC §13: a document over maxDepth, maxAliases, maxTokens or maxCost; a
// filter over its bounds, an `in` over maskedProbes.maxIn, a masked item filtered with `contains` or ordered
// by, a `first` over the page maximum, the masked probes' quota; an untrusted document; a rate) read
// nothing, and get an entry too (SPEC §10: denied requests are logged): kind `read`, outcome `refused`, the
// refusal's code and message as its detail (the limits' messages name limits, figures of the document,
// paths and items, never a value), and the resources the document selects where it was parsed (the item
// each refusal names denied with its code: every refusal noted, not only the first). The plugins, rules and resolvers that refuse note the refusal
// (`noteRefusal`); the validation rules' and the parser's are found in the response. Those refused while
// the context is made (rates, untrusted documents) are written by `auditRefusal`, the others here; of a
// rate bucket's refusals only the first until it has a token again (src/limits/rate-entries.ts). A
// refusal beside data that was read (or beside what a connected platform answered) joins that read's
// entry. Like every entry, it is written before the answer leaves; when it cannot be, the answer is
// AUDIT_UNAVAILABLE (HTTP 503) instead of the refusal.
//
// Every other error of a read's response (a CONFLICT, a bug, the store, a connected platform's) makes its
// outcome `error`, named `CODE at path` in the detail (read-failures.ts): the entry agrees with the answer.
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getOperationAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { FORWARDED_NOTE, outcomeOfParts, type AuditOutcome, recordedDetail, recordedOperationName, type AuditResource, type NewAuditEntry } from '../../audit/entry.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { connectionTypeName } from '../../model/names.ts';
import type { Store } from '../../store/port.ts';
import { markFailedParts, readFailureList } from './read-failures.ts';
import { STORE_FAILED_MESSAGE } from '../format-error.ts';
import { FORWARDED_READ_OUTCOMES, READ_OUTCOME_HEADER } from '../../identity/forwarded.ts';
import { appendAudit } from '../../audit/log.ts';
import { isTimedOut } from '../../limits/timeout.ts';
import { isCancelled } from '../../limits/cancel.ts';
import { requestAudit, type RequestAudit, type RequestContext } from '../../../resolvers/request.ts';
import type { DocumentHashes } from '../recorded-document.ts';

export { requestAudit, type RequestAudit } from '../../../resolvers/request.ts';

/** The resource marker of a denial that concerns the resource as a whole rather than one item. */
export { WHOLE_RESOURCE } from '../../access/context.ts';

interface Part {
  provider: string;
  items: Set<string>;
  denied: Map<string, string>;
  masked: Set<string>;
  records: number;
  filtered: Set<string>;
  ordered: Set<string>;
  counted: boolean;
}

/** The per-resource detail of the request's data reads; empty when it read none. */
export function readResources(ctx: RequestContext): AuditResource[] {
  const parts = new Map<string, Part>();
  // The provider as the build this request ran on has it (a publish during the request may change it).
  const providerOf = (code: string): string => ctx.access.providerOf(code) ?? ctx.reads.get(code)?.provider ?? 'unknown';
  const part = (code: string): Part => {
    let p = parts.get(code);
    if (!p) {
      p = { provider: providerOf(code), items: new Set(), denied: new Map(), masked: new Set(), records: 0, filtered: new Set(), ordered: new Set(), counted: false };
      parts.set(code, p);
    }
    return p;
  };
  for (const [code, decisions] of ctx.access.taken()) {
    for (const [item, d] of decisions) {
      const p = part(code);
      if (d.allowed) {
        p.items.add(item);
        if (d.mask) p.masked.add(item);
      } else {
        p.denied.set(item, d.code);
      }
    }
  }
  for (const [code, n] of ctx.records) part(code).records += n;
  // Every resource a resolver read, even when it returned no item: a count, a cursor, a lookup that
  // found nothing, a link. The items it filtered and ordered by are recorded by name, never by value.
  for (const [code, read] of ctx.reads) {
    const p = part(code);
    for (const item of read.filtered) p.filtered.add(item);
    for (const item of read.ordered) p.ordered.add(item);
    p.counted ||= read.counted;
  }
  return [...parts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, p]) => ({
      resource,
      provider: p.provider,
      items: [...p.items].sort(),
      denied: [...p.denied.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([item, code]) => ({ item, code })),
      masked: [...p.masked].sort(),
      records: p.records,
      filtered: [...p.filtered].sort(),
      ordered: [...p.ordered].sort(),
      counted: p.counted,
    }));
}

/** The outcome of the request's read (src/audit/entry.ts). */
export const readOutcome = outcomeOfParts;

/** The first few denials a connected platform answered, then how many more: one per field of a large document. */
const DENIALS_NAMED = 8;
export const namedDenials = (denied: readonly string[]): string =>
  denied.slice(0, DENIALS_NAMED).join(', ') + (denied.length > DENIALS_NAMED ? ` and ${denied.length - DENIALS_NAMED} more` : '');

/** Who sent a request: what its entry says of the requester. */
type Requester = Pick<RequestContext, 'requestId' | 'identity' | 'purpose'>;

type EntryWhat = Pick<NewAuditEntry, 'kind' | 'action' | 'resources' | 'outcome' | 'detail'>;

/** The entry of a request: who sent it and which document, then what it did (one object, no spread of another). */
function requestEntry(ctx: Requester, audit: Pick<RequestAudit, 'operationName' | 'documentHash'>, what: EntryWhat): NewAuditEntry {
  return {
    time: new Date().toISOString(),
    requestId: ctx.requestId,
    department: ctx.identity.dept.code,
    user: ctx.identity.user,
    purpose: ctx.purpose,
    ...(ctx.identity.via ? { via: ctx.identity.via } : {}),
    operationName: recordedOperationName(audit.operationName),
    documentHash: audit.documentHash,
    kind: what.kind,
    action: what.action,
    resources: what.resources,
    outcome: what.outcome,
    detail: what.detail,
  };
}

/**
 * Failures of the store, not refusals: an action that failed so changed nothing, and gets no entry here
 * (as perform() writes none for them). The store has just waited its whole bound (under another process's
 * lock, 5 s): an entry now would wait it again, and the request answered after 10 s, AUDIT_UNAVAILABLE.
 */
const STORE_FAILURES = new Set(['AUDIT_UNAVAILABLE', 'STORE_UNAVAILABLE']);

/** Mutations a rule refused before their resolver (and so their own audit entry) ran. */
function refusedMutations(rc: GraphQLRequestContextWillSendResponse<RequestContext>, audit: RequestAudit, errors: readonly GraphQLFormattedError[]) {
  const op = rc.operation;
  if (!op || op.operation !== 'mutation') return [];
  const fieldByKey = new Map<string, string>();
  for (const s of op.selectionSet.selections) {
    if (s.kind === Kind.FIELD) fieldByKey.set(s.alias?.value ?? s.name.value, s.name.value);
  }
  const out: { action: string; detail: string }[] = [];
  for (const e of errors) {
    const key = e.path?.length === 1 ? String(e.path[0]) : null;
    if (!key || audit.actions.has(key) || !fieldByKey.has(key) || STORE_FAILURES.has(String(e.extensions?.code))) continue;
    audit.actions.add(key);
    out.push({ action: fieldByKey.get(key)!, detail: refusalDetail(e) });
  }
  return out;
}

const LEADING_OPERATION = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/** The name of the operation a document's text starts with, read without parsing it (a refusal's entry). */
export const leadingOperationName = (text: string | undefined): string | null =>
  text === undefined ? null : (LEADING_OPERATION.exec(text)?.[1] ?? null);

const AUDIT_UNAVAILABLE_MESSAGE = 'The audit log cannot be written, so no data is returned; try again shortly.';

/** The answer to a refused request whose entry could not be written: HTTP 503, the refusal's Retry-After kept. */
export function auditUnavailable(refusal: GraphQLError): GraphQLError {
  const retryAfter = (refusal.extensions.http as { headers?: HeaderMap } | undefined)?.headers?.get('retry-after');
  return new GraphQLError(AUDIT_UNAVAILABLE_MESSAGE, {
    extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503, headers: new HeaderMap(retryAfter ? [['retry-after', retryAfter]] : []) } },
  });
}

/** The entry of a request refused before it read anything: its refusals' codes and messages (the limits' messages hold no value). */
function refusalEntry(who: Requester, doc: Pick<RequestAudit, 'operationName' | 'documentHash'>, detail: string, resources: AuditResource[]): NewAuditEntry {
  return requestEntry(who, doc, { kind: 'read', action: null, resources, outcome: 'refused', detail });
}

/**
 * Writes the entry of a request refused while its context was made, once its identity is verified (a rate,
 * an untrusted document under `require`), and returns what to answer: the refusal, or AUDIT_UNAVAILABLE
 * when the entry could not be written. `note` is added to the entry's detail (the refusals of a rate bucket
 * that the entry stands for: src/limits/rate-entries.ts).
 */
export async function auditRefusal(store: Store, who: Requester, doc: Pick<RequestAudit, 'operationName' | 'documentHash'>, refusal: GraphQLError, note = ''): Promise<GraphQLError> {
  try {
    await appendAudit(store, refusalEntry(who, doc, refusalDetail(refusal, note), []));
    return refusal;
  } catch {
    return auditUnavailable(refusal);
  }
}

interface ResourceType {
  resource: string;
  provider: string;
}
const resourceTypes = new WeakMap<readonly Catalogue[], Map<string, ResourceType>>();

/** The GraphQL types that hold a resource's records or its connection, for the catalogues in effect. */
function resourceTypesOf(catalogues: readonly Catalogue[]): Map<string, ResourceType> {
  let types = resourceTypes.get(catalogues);
  if (!types) {
    types = new Map();
    for (const c of catalogues) {
      for (const r of c.resources) {
        const t = { resource: r.code, provider: r.provider };
        types.set(r.graphql.type, t).set(connectionTypeName(r.graphql.type), t);
      }
    }
    resourceTypes.set(catalogues, types);
  }
  return types;
}

const emptyPart = (resource: string, provider: string): AuditResource => ({
  resource, provider, items: [], denied: [], masked: [], records: 0, filtered: [], ordered: [], counted: false,
});

const byResource = (a: AuditResource, b: AuditResource) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0);

/**
 * The resources a document selects (lists, lookups, links; in any operation or fragment), as a refused
 * request's entry names them: nothing read.
 */
export function documentResources(schema: GraphQLSchema | undefined, document: DocumentNode | undefined, catalogues: readonly Catalogue[]): AuditResource[] {
  if (!schema || !document) return [];
  const types = resourceTypesOf(catalogues);
  const found = new Map<string, string>();
  const typeInfo = new TypeInfo(schema);
  visit(document, visitWithTypeInfo(typeInfo, {
    Field() {
      const type = typeInfo.getType();
      const r = type ? types.get(getNamedType(type).name) : undefined;
      if (r) found.set(r.resource, r.provider);
    },
  }));
  return [...found.entries()].map(([resource, provider]) => emptyPart(resource, provider)).sort(byResource);
}

/** `parts` with the resource and item a refusal names (`extensions.resource`, `.item`), the item denied with its code. */
function withRefusal(parts: AuditResource[], refusal: GraphQLError, catalogues: readonly Catalogue[]): AuditResource[] {
  const { resource, item, code } = refusal.extensions;
  if (typeof resource !== 'string') return parts;
  let part = parts.find((p) => p.resource === resource);
  const out = part ? parts : [...parts];
  if (!part) {
    const provider = [...resourceTypesOf(catalogues).values()].find((t) => t.resource === resource)?.provider ?? 'unknown';
    out.push((part = emptyPart(resource, provider)));
    out.sort(byResource);
  }
  if (typeof item === 'string' && !part.denied.some((d) => d.item === item)) {
    part.denied = [...part.denied, { item, code: String(code) }].sort((a, b) => (a.item < b.item ? -1 : 1));
  }
  return out;
}

const refusalDetail = (refusal: Pick<GraphQLFormattedError, 'message' | 'extensions'>, note = ''): string =>
  // A note continues the message's last sentence (`…; further refusals …`): its full stop goes.
  recordedDetail(`${String(refusal.extensions?.code ?? 'ERROR')}: ${note ? refusal.message.replace(/\.$/, '') : refusal.message}${note}`);

/** The detail of every refusal a request's resolvers and plugins noted, in order, cut as one detail is. */
const refusalsDetail = (refusals: readonly GraphQLError[]): string =>
  refusals.length === 1 ? refusalDetail(refusals[0]) : recordedDetail(refusals.map((r) => `${String(r.extensions.code ?? 'ERROR')}: ${r.message}`).join('; '));

/** `parts` with the resource and item of each refusal (withRefusal). */
const withRefusals = (parts: AuditResource[], refusals: readonly GraphQLError[], catalogues: readonly Catalogue[]): AuditResource[] =>
  refusals.reduce((out, r) => withRefusal(out, r, catalogues), parts);

/** `errors` without those of a mutation's own fields (its actions' errors, which their entries tell). */
function actionless<E extends { path?: readonly (string | number)[] }>(rc: GraphQLRequestContextWillSendResponse<RequestContext>, errors: readonly E[]): readonly E[] {
  return rc.operation?.operation === 'mutation' ? errors.filter((e) => (e.path?.length ?? 0) > 1) : errors;
}

/** Refusals of a document found in the response, not marked by a plugin: the validation rules' and the parser's. */
const DOCUMENT_REFUSALS = new Set(['QUERY_TOO_COMPLEX']);

/** The audit plugin of a gateway, recording documents by `documents` (recorded-document.ts). */
export function auditPlugin(documents: DocumentHashes): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart(start) {
      const audit = requestAudit(start.contextValue);
      audit.operationName = recordedOperationName(start.request.operationName);
      return {
        async didResolveOperation(rc) {
          audit.operationName = recordedOperationName(rc.operationName) ?? audit.operationName;
          audit.documentHash = documents.ofDocument(rc.document, rc.source);
        },
        async willSendResponse(rc) {
          // Assigned before the first await: Apollo starts every plugin's hook in plugin order.
          audit.written = writeEntries(rc, audit, documents);
          await audit.written;
        },
      };
    },
  };
}

async function writeEntries(rc: GraphQLRequestContextWillSendResponse<RequestContext>, audit: RequestAudit, documents: DocumentHashes): Promise<void> {
  const body = rc.response.body;
  if (body.kind !== 'single') return;
  const ctx = rc.contextValue;
  if (!ctx.identity) return;
  const errors = body.singleResult.errors ?? [];
  const entries: NewAuditEntry[] = [];
  // Every refusal noted (the first is `audit.refusal`): each names its resource and item in the entry.
  const refusals = audit.refusals ?? [];
  // A query stopped at limits.timeoutMs returned nothing, whatever its execution had read by then.
  const stopped = errors.find(isTimedOut);
  // A query that never had its department's turn (src/limits/turns.ts) read nothing: its entry names the
  // resources its document asks for, as a refused request's does.
  const unrun = ctx.turn && !ctx.turn.ran ? ctx.turn : undefined;
  const resources = unrun ? documentResources(rc.schema, rc.document, ctx.published)
    : stopped ? readResources(ctx).map((r) => ({ ...r, records: 0 })) : readResources(ctx);
  const waited = unrun ? `it never ran, waiting for its turn (limits.concurrentPerDepartment = ${unrun.bound})` : null;
  // What the connected platforms answered for this request's namespaces (SPEC §12: both audit).
  const forwards = ctx.forwards ?? [];
  const forwarded = forwards.length
    ? FORWARDED_NOTE + forwards.map((f) => `${f.namespace} (${f.platform}) ${f.outcome}${f.errors ? ` with ${f.errors} error${f.errors > 1 ? 's' : ''}` : ''}${
      f.denied?.length ? `, denying ${namedDenials(f.denied)}` : ''}`).join('; ')
    : null;
  // What the connected platforms denied the department (their rules, SPEC §6, §12) makes this entry's
  // outcome `partial` or `denied` as a denial here would: it was `allowed`, so a supervisor here looking for
  // denied reads never saw a department probing what a connected platform refuses it.
  // The platform's own outcome when it says it (a denial there without an error, a page of no records read
  // there): else what its answer shows, its denials and a value read. A denial its answer holds counts
  // whatever it says: a platform that said `allowed` beside it hid from this log what it refused. So does a
  // value its answer holds: one that said `denied` or `refused` beside it hid what the department was given.
  // A refusal there (a masked item's filter or order, nothing else read) is a denial here, as one of this
  // platform's own beside other reads; `refused` alone when every connected platform refused and nothing
  // else was asked (the forwarded-only branch below).
  const deniedThere = forwards.some((f) => !!f.denied?.length || (f.recorded !== undefined && f.recorded !== 'allowed'));
  const readThere = forwards.some((f) => f.read || f.recorded === 'allowed' || f.recorded === 'partial');
  const withDenialsThere = (here: AuditOutcome | null): AuditOutcome => {
    if (!deniedThere) return here ?? 'allowed';
    return here === 'allowed' || here === 'partial' || readThere ? 'partial' : 'denied';
  };
  // Every other error the client got (a resolver's BAD_USER_INPUT or CONFLICT, a bug, the store, a connected
  // platform's): outcome `error`, each `CODE at path` in the detail (read-failures.ts). A mutation's own
  // fields are its actions', audited by them or below (refusedMutations).
  const failures = readFailureList(actionless(rc, rc.errors ?? []), actionless(rc, errors), new Set([...refusals, ...(audit.answered ?? [])]));
  const failed = failures.map((f) => f.named);
  if (stopped) {
    const { figure, bound } = stopped.extensions as { figure: number; bound: number };
    const detail = [`stopped at limits.timeoutMs = ${bound} ms after ${figure} ms (QUERY_TOO_COMPLEX): no data returned`, waited, forwarded].filter(Boolean).join('; ');
    if (resources.length || forwarded) entries.push(requestEntry(ctx, audit, { kind: 'read', action: null, resources, outcome: 'error', detail }));
  } else if (resources.length || (forwarded && refusals.length)) {
    // A refusal beside the data read (an alias refused for a masked `contains`, say) is part of the entry;
    // so is one beside what connected platforms answered, though nothing was read here (the entry of the
    // namespace alone would hide the attempt from the refused resource's provider).
    // A query whose client left stopped reading (src/limits/cancel.ts): the entry holds what it read
    // before, with the error its later reads were refused with.
    const cancelled = errors.find(isCancelled);
    // Each part says whether the errors came from its resource, when they say so (a cancellation stops them all).
    const refused = withRefusals(resources, refusals, ctx.published);
    const parts = cancelled ? refused : markFailedParts(refused, failures);
    // Cut as the refusals are (recordedDetail): one a field, so 30 long aliases wrote 5,000 characters into the chain.
    const failure = failed.length ? recordedDetail(failed.join('; ')) : null;
    const detail = [cancelled && refusalDetail(cancelled), failure, waited, refusals.length && refusalsDetail(refusals), forwarded].filter(Boolean).join('; ') || null;
    entries.push(requestEntry(ctx, audit, {
      kind: 'read', action: null, resources: parts, outcome: cancelled || failed.length ? 'error' : withDenialsThere(readOutcome(parts)), detail,
    }));
  } else if (forwarded) {
    const cancelled = errors.find(isCancelled);
    const outcome = failed.length || !forwards.every((f) => f.outcome === 'answered') ? 'error'
      : forwards.every((f) => f.recorded === 'refused' && !f.read) ? 'refused' : withDenialsThere(null);
    const detail = [cancelled && refusalDetail(cancelled), failed.length ? recordedDetail(failed.join('; ')) : null, forwarded].filter(Boolean).join('; ');
    entries.push(requestEntry(ctx, audit, { kind: 'read', action: null, resources: [], outcome, detail }));
  }
  for (const r of refusedMutations(rc, audit, errors)) {
    entries.push(requestEntry(ctx, audit, { kind: 'workflow', action: r.action, resources: [], outcome: 'refused', detail: r.detail }));
  }
  // A request refused by a limit that read nothing (so none of the above applies): the refusal a plugin, a
  // rule or a resolver noted (requestAudit(ctx).refusal), or a document the validation rules or the parser
  // refused (no operation resolved; their messages are the limits' own).
  const refusal: Pick<GraphQLFormattedError, 'message' | 'extensions'> | undefined = entries.length || stopped ? undefined
    : audit.refusal ?? (rc.operation ? undefined : errors.find((e) => DOCUMENT_REFUSALS.has(String(e.extensions?.code))));
  if (refusal) {
    // A document refused by validation or the parser has no operation resolved: its name is read from it.
    const named = audit.operationName ?? (rc.document ? getOperationAST(rc.document, rc.request.operationName)?.name?.value : undefined) ?? leadingOperationName(rc.source);
    const doc = { operationName: named ?? null, documentHash: audit.documentHash ?? (rc.source === undefined ? null : documents.ofText(rc.source)) };
    const selected = documentResources(rc.schema, rc.document, ctx.published);
    entries.push(refusalEntry(ctx, doc, refusals.length ? refusalsDetail(refusals) : refusalDetail(refusal), withRefusals(selected, refusals, ctx.published)));
  }
  try {
    // Appended together: they join the same group-committed batch (src/audit/log.ts).
    await Promise.all(entries.map((entry) => appendAudit(ctx.store, entry)));
    // A forwarded read's outcome, for the forwarding platform's entry of it (one outcome on both sides):
    // said once the entry holding it is written, never beside AUDIT_UNAVAILABLE (it was set before the
    // append, and a 503 whose entry failed still told the forwarding platform an outcome recorded here).
    const read = ctx.identity.via ? entries.find((e) => e.kind === 'read') : undefined;
    if (read && FORWARDED_READ_OUTCOMES.includes(read.outcome)) rc.response.http.headers.set(READ_OUTCOME_HEADER, read.outcome);
  } catch {
    // A request whose every error is the store's (its reads failed) says so still: the store is what is
    // unavailable, not only its audit log (its files changed under the gateway, src/store/sqlite/file-watch.ts).
    const storeDown = errors.length > 0 && errors.every((e) => e.extensions?.code === 'STORE_UNAVAILABLE');
    body.singleResult.data = null;
    body.singleResult.errors = storeDown
      ? [{ message: STORE_FAILED_MESSAGE, extensions: { code: 'STORE_UNAVAILABLE' } }]
      : [{ message: AUDIT_UNAVAILABLE_MESSAGE, extensions: { code: 'AUDIT_UNAVAILABLE' } }];
    // The service is unavailable, whatever the request was: a read answers 503 as a refusal does (its
    // 400 or 429 no longer says what happened), so a load balancer or client retries it later.
    rc.response.http.status = 503;
  }
}

