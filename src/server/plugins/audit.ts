// The audit log plugin (SPEC §10): one entry per request that reads resource data (allowed, partial or
// denied), written before the response leaves. Fail-closed: when the entry cannot be written the
// response holds no data, only an AUDIT_UNAVAILABLE error.
//
// What an entry holds comes from the request's record of its reads, never from formatted errors:
// `access.taken()` (every item decision the read plans and rules took, a resource refused whole under
// `*`), `records` (records returned per resource) and `reads` (resources read, items filtered and
// ordered by, counts). The document is kept as a SHA-256 of its text; variables are never stored.
//
// Workflow actions write their own entries (src/workflow/audit.ts), before they change anything; this
// plugin tells them the operation name and document hash (`requestAudit`), and records the mutations a
// role rule refused before their resolver ran.
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { Kind, type GraphQLFormattedError } from 'graphql';
import { outcomeOfParts, type AuditResource, type NewAuditEntry } from '../../audit/entry.ts';
import { appendAudit } from '../../audit/log.ts';
import { isTimedOut } from '../../limits/timeout.ts';
import { requestAudit, type RequestAudit, type RequestContext } from '../../../resolvers/request.ts';

export { requestAudit, type RequestAudit } from '../../../resolvers/request.ts';

export const documentHash = (source: string): string => createHash('sha256').update(source).digest('hex');

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

function baseEntry(ctx: RequestContext, audit: RequestAudit): Omit<NewAuditEntry, 'kind' | 'action' | 'resources' | 'outcome' | 'detail'> {
  return {
    time: new Date().toISOString(),
    requestId: ctx.requestId,
    department: ctx.identity.dept.code,
    user: ctx.identity.user,
    purpose: ctx.purpose,
    ...(ctx.identity.via ? { via: ctx.identity.via } : {}),
    operationName: audit.operationName,
    documentHash: audit.documentHash,
  };
}

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
    if (!key || audit.actions.has(key) || !fieldByKey.has(key)) continue;
    audit.actions.add(key);
    out.push({ action: fieldByKey.get(key)!, detail: `${String(e.extensions?.code ?? 'ERROR')}: ${e.message}` });
  }
  return out;
}

/** Hashes by document: Apollo keeps one parsed document per query text, so a repeated query is hashed once. */
const hashes = new WeakMap<object, string>();
function hashOf(document: object, source: string): string {
  let hash = hashes.get(document);
  if (hash === undefined) hashes.set(document, (hash = documentHash(source)));
  return hash;
}

export const auditPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart(start) {
    const audit = requestAudit(start.contextValue);
    audit.operationName = start.request.operationName ?? null;
    return {
      async didResolveOperation(rc) {
        audit.operationName = rc.operationName ?? audit.operationName;
        audit.documentHash = hashOf(rc.document, rc.source);
      },
      async willSendResponse(rc) {
        // Assigned before the first await: Apollo starts every plugin's hook in plugin order.
        audit.written = writeEntries(rc, audit);
        await audit.written;
      },
    };
  },
};

async function writeEntries(rc: GraphQLRequestContextWillSendResponse<RequestContext>, audit: RequestAudit): Promise<void> {
  const body = rc.response.body;
  if (body.kind !== 'single') return;
  const ctx = rc.contextValue;
  if (!ctx.identity) return;
  const errors = body.singleResult.errors ?? [];
  const entries: NewAuditEntry[] = [];
  // A query stopped at limits.timeoutMs returned nothing, whatever its execution had read by then.
  const stopped = errors.find(isTimedOut);
  const resources = stopped ? readResources(ctx).map((r) => ({ ...r, records: 0 })) : readResources(ctx);
  // What the connected platforms answered for this request's namespaces (SPEC §12: both audit).
  const forwards = ctx.forwards ?? [];
  const forwarded = forwards.length
    ? 'connected platforms: ' + forwards.map((f) => `${f.namespace} (${f.platform}) ${f.outcome}${f.errors ? ` with ${f.errors} error${f.errors > 1 ? 's' : ''}` : ''}`).join('; ')
    : null;
  if (stopped) {
    const { figure, bound } = stopped.extensions as { figure: number; bound: number };
    const detail = [`stopped at limits.timeoutMs = ${bound} ms after ${figure} ms (QUERY_TOO_COMPLEX): no data returned`, forwarded].filter(Boolean).join('; ');
    if (resources.length || forwarded) entries.push({ ...baseEntry(ctx, audit), kind: 'read', action: null, resources, outcome: 'error', detail });
  } else if (resources.length) {
    entries.push({ ...baseEntry(ctx, audit), kind: 'read', action: null, resources, outcome: readOutcome(resources), detail: forwarded });
  } else if (forwarded) {
    const outcome = forwards.every((f) => f.outcome === 'answered') ? 'allowed' : 'error';
    entries.push({ ...baseEntry(ctx, audit), kind: 'read', action: null, resources: [], outcome, detail: forwarded });
  }
  for (const r of refusedMutations(rc, audit, errors)) {
    entries.push({ ...baseEntry(ctx, audit), kind: 'workflow', action: r.action, resources: [], outcome: 'refused', detail: r.detail });
  }
  try {
    // Appended together: they join the same group-committed batch (src/audit/log.ts).
    await Promise.all(entries.map((entry) => appendAudit(ctx.store, entry)));
  } catch {
    body.singleResult.data = null;
    body.singleResult.errors = [{
      message: 'The audit log cannot be written, so no data is returned; try again shortly.',
      extensions: { code: 'AUDIT_UNAVAILABLE' },
    }];
  }
}

