// SPEC §10: denied requests are logged too. Every request a limit refuses once its token is verified
// (SPEC §13: depth, aliases, tokens, cost, filter bounds, an `in` or a `contains` on a masked item, a `first`
// over the page maximum, the masked probes' quota, the rate, an untrusted document, an unknown purpose) has an audit entry:
// kind read, outcome refused, the refusal's code and message as its detail, the resources involved where
// the document was parsed (the item probed denied with the code), never the variables. The chain verifies.
// When the entry cannot be written, the refusal fails closed like any request (AUDIT_UNAVAILABLE, 503).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { DEFAULT_LIMITS } from '../src/model/platform.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { eq, type Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const RST = '430000-RST';
const PURPOSE = 'employment-services';
const LICENCES = '430000-ZWB-00001'; // holderName is masked for RST
const REGISTRATIONS = '430000-RST-00001';
const part = (resource: string, provider: string, denied: { item: string; code: string }[] = []) => ({
  resource, provider, items: [], denied, masked: [], records: 0, filtered: [], ordered: [], counted: false,
});

let auditFails = false;
function failingAudit(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.insert = async (collection, rows) => {
    if (auditFails && collection === AUDIT_COLLECTION) throw new Error('disk full');
    return inner.insert(collection, rows);
  };
  return store;
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    demo: true,
    rates: true,
    wrapStore: failingAudit,
    limits: {
      maxCost: 2000,
      rate: { perUser: { requests: 2, perMs: 60_000 }, perDepartment: null },
      maskedProbes: { maxIn: 20, perHour: 3, perDay: 500 },
    },
  });
});
afterAll(() => gw?.close());

let n = 0;
/** Sends `document` as a user of its own (the rate is 2 a minute) and returns the answer and the request's entries. */
async function send(document: string, opts: { user?: string; variables?: Record<string, unknown>; gateway?: Gateway; purpose?: string } = {}) {
  const requestId = `refusal-${++n}`;
  const url = (opts.gateway ?? gw.gateway).url;
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await gw.token(RST, [], opts.user ?? `user-${n}`)}`,
      'x-purpose': opts.purpose ?? PURPOSE,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query: document, variables: opts.variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
  const rows = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
  return { status: res.status, body, code: body.errors?.[0]?.extensions.code, entries: rows.map(fromRow), stored: JSON.stringify(rows) };
}

/** The one entry of a refused request, checked for what every refusal's entry holds. */
function refusal(sent: Awaited<ReturnType<typeof send>>, document: string, code: string): AuditEntry {
  expect(sent.code).toBe(code);
  expect(sent.entries).toHaveLength(1);
  const [entry] = sent.entries;
  expect(entry).toMatchObject({ kind: 'read', action: null, outcome: 'refused', department: RST, purpose: PURPOSE, documentHash: gw.documentHash(document) });
  // A rate bucket's refusal says that the bucket's next refusals until it resets are folded into it (src/limits/rate-entries.ts).
  const { message, extensions } = sent.body.errors![0];
  const folded = /\(limits\.rate\.\w+\)/.test(message) ? `; further refusals of this bucket until ${String(extensions.resetsAt)} are counted in the metrics, not written here` : '';
  expect(entry.detail).toBe(`${code}: ${folded ? message.replace(/\.$/, '') : message}${folded}`);
  return entry;
}

const licences = (args: string) => `{ adminService { electronicLicences(${args}) { nodes { licenceNo } } } }`;

describe('a request refused by a limit has its audit entry', () => {
  it('a masked item filtered with contains (refused as the list runs)', async () => {
    const doc = licences('first: 2, filter: { holderName: { contains: "张" } }');
    const sent = await send(doc);
    const entry = refusal(sent, doc, 'BAD_USER_INPUT');
    expect(entry.resources).toEqual([part(LICENCES, '430000-ZWB', [{ item: 'holderName', code: 'BAD_USER_INPUT' }])]);
  });

  it('an in over maskedProbes.maxIn on a masked item: the variables are not stored', async () => {
    const doc = 'query Probe($v: [String!]) { adminService { electronicLicences(filter: { holderName: { in: $v } }) { totalCount } } }';
    const sent = await send(doc, { variables: { v: Array.from({ length: 21 }, (_, i) => `secret-name-${i}`) } });
    const entry = refusal(sent, doc, 'BAD_USER_INPUT');
    expect(entry.operationName).toBe('Probe');
    expect(entry.detail).toMatch(/maskedProbes\.maxIn/);
    expect(entry.resources).toEqual([part(LICENCES, '430000-ZWB', [{ item: 'holderName', code: 'BAD_USER_INPUT' }])]);
    expect(sent.stored).not.toContain('secret-name');
  });

  it('a first over the page maximum, sent as a variable: the figure is not stored', async () => {
    const doc = 'query($n: Int) { adminService { electronicLicences(first: $n) { nodes { licenceNo } } } }';
    const sent = await send(doc, { variables: { n: 987654321 } });
    expect(['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX']).toContain(sent.code);
    expect(sent.entries.map((e) => [e.kind, e.outcome, e.detail?.split(':')[0], e.resources.map((r) => r.resource)])).toEqual([['read', 'refused', sent.code, [LICENCES]]]);
    expect(sent.stored).not.toContain('987654321');
  });

  it('a document over maxCost (a validation rule)', async () => {
    const doc = '{ humanResources { employmentRegistrations(first: 1000) { nodes { registrationNo fullName position } } } }';
    const entry = refusal(await send(doc), doc, 'QUERY_TOO_COMPLEX');
    expect(entry.detail).toMatch(/maxCost = 2000/);
    expect(entry.resources).toEqual([part(REGISTRATIONS, RST)]);
  });

  it('a document over maxAliases', async () => {
    const doc = `query Many { humanResources { ${Array.from({ length: 31 }, (_, i) => `r${i}: employmentRegistrations(first: 1) { totalCount }`).join(' ')} } }`;
    const entry = refusal(await send(doc), doc, 'QUERY_TOO_COMPLEX');
    expect(entry.detail).toMatch(/maxAliases = 30/);
    expect(entry.operationName).toBe('Many');
    expect(entry.resources).toEqual([part(REGISTRATIONS, RST)]);
  });

  it('a document over maxDepth', async () => {
    const doc = `{ __schema { types { fields { type { ${'ofType { '.repeat(12)}name${' }'.repeat(12)} } } } } }`;
    const entry = refusal(await send(doc), doc, 'QUERY_TOO_COMPLEX');
    expect(entry.detail).toMatch(/maxDepth = 15/);
    expect(entry.resources).toEqual([]);
  });

  it("an introspection over graphql's own bound of nested type lists, within maxDepth", async () => {
    // It came out as GRAPHQL_VALIDATION_FAILED, with no entry (found by the §13 walk).
    const doc = '{ __type(name: "Query") { fields { type { fields { type { fields { name } } } } } } }';
    const entry = refusal(await send(doc), doc, 'QUERY_TOO_COMPLEX');
    expect(entry.detail).toMatch(/introspection nests the lists fields, inputFields, interfaces and possibleTypes three deep/);
    expect(entry.resources).toEqual([]);
  });

  it('a document over maxTokens (refused by the parser: no resources known)', async () => {
    const doc = `{ me { user${' user'.repeat(DEFAULT_LIMITS.maxTokens)} } }`;
    const entry = refusal(await send(doc), doc, 'QUERY_TOO_COMPLEX');
    expect(entry.detail).toMatch(/maxTokens = 4000/);
    expect(entry.resources).toEqual([]);
  });

  it('a filter over limits.filter.maxConditions', async () => {
    const doc = 'query($f: EmploymentRegistrationFilter) { humanResources { employmentRegistrations(filter: $f) { totalCount } } }';
    const sent = await send(doc, { variables: { f: { or: Array.from({ length: 51 }, (_, i) => ({ position: { eq: `job-${i}` } })) } } });
    const entry = refusal(sent, doc, 'BAD_USER_INPUT');
    expect(entry.detail).toMatch(/maxConditions/);
    expect(entry.resources).toEqual([part(REGISTRATIONS, RST)]);
    expect(sent.stored).not.toContain('job-');
  });

  it("the masked probes' quota", async () => {
    const doc = 'query($v: [String!]) { adminService { electronicLicences(filter: { holderName: { in: $v } }) { totalCount } } }';
    const sent = await send(doc, { variables: { v: ['a-name', 'b-name', 'c-name', 'd-name'] } });
    const entry = refusal(sent, doc, 'RATE_LIMITED');
    expect(entry.detail).toMatch(/limits\.maskedProbes/);
    expect(entry.resources).toEqual([part(LICENCES, '430000-ZWB')]);
    expect(sent.stored).not.toContain('a-name');
  });

  it("the user's rate (refused before the document is read: no resources known)", async () => {
    const doc = 'query Me { me { user } }';
    for (let i = 0; i < 2; i++) expect((await send(doc, { user: 'flood' })).status).toBe(200);
    const sent = await send(doc, { user: 'flood' });
    expect(sent.status).toBe(429);
    const entry = refusal(sent, doc, 'RATE_LIMITED');
    expect(entry).toMatchObject({ user: 'flood', operationName: 'Me', resources: [] });
    expect(entry.detail).toMatch(/limits\.rate\.perUser/);
  });

  it('an untrusted document under trustedDocuments: require', async () => {
    const platform = { ...gw.platform, trustedDocuments: { mode: 'require' as const, manifests: ['examples/client/gql/persisted-documents.json'] } };
    const strict = await startGateway({ platform, store: gw.store, port: 0, pollMs: 0 });
    try {
      const doc = 'query Unknown { me { user } }';
      const sent = await send(doc, { gateway: strict });
      const entry = refusal(sent, doc, 'DOCUMENT_NOT_TRUSTED');
      expect(entry).toMatchObject({ operationName: 'Unknown', resources: [] });
    } finally {
      await strict.close();
    }
  });

  it('an unknown purpose (refused before the document is read): no purpose in the entry, the one sent in its detail', async () => {
    const doc = 'query Me { me { user } }';
    const sent = await send(doc, { purpose: 'recruiting' });
    expect([sent.status, sent.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect(sent.body.errors![0].message).toMatch(/^Unknown purpose "recruiting" in the `x-purpose` header; send one of: /);
    expect(sent.entries).toHaveLength(1);
    expect(sent.entries[0]).toMatchObject({
      kind: 'read', action: null, outcome: 'refused', department: RST, purpose: null, operationName: 'Me', documentHash: gw.documentHash(doc), resources: [],
      detail: `BAD_USER_INPUT: ${sent.body.errors![0].message}`,
    });
  });

  it('a data read with a refused alias beside it: one entry, the refusal among its parts', async () => {
    const doc = `{ adminService { ok: electronicLicences(first: 1) { nodes { licenceNo } } bad: electronicLicences(first: 1, orderBy: [{ field: holderName }]) { nodes { licenceNo } } } }`;
    const sent = await send(doc);
    expect(sent.code).toBe('BAD_USER_INPUT');
    expect(sent.entries).toHaveLength(1);
    expect(sent.entries[0]).toMatchObject({ outcome: 'partial', detail: expect.stringMatching(/^BAD_USER_INPUT: holderName of 430000-ZWB-00001 is masked/) });
    expect(sent.entries[0].resources.map((r) => [r.resource, r.items, r.denied])).toEqual([[LICENCES, ['licenceNo'], [{ item: 'holderName', code: 'BAD_USER_INPUT' }]]]);
  });

  it('the chain holds every entry and verifies; the provider sees the refusals about its resource', async () => {
    expect(await verifyAuditChain(gw.store)).toMatchObject({ ok: true });
    expect(await gw.store.count(AUDIT_COLLECTION, eq('outcome', 'refused'))).toBe(13);
    const log = await gw.query('{ auditLog(filter: { outcome: REFUSED }, first: 20) { nodes { outcome detail resources { resource } } } }', {
      token: await gw.token('430000-ZWB', [], 'zwb-auditor'),
    });
    expect(log.errors, JSON.stringify(log.errors)).toBeUndefined();
    const nodes = log.data!.auditLog.nodes as { outcome: string; detail: string; resources: { resource: string }[] }[];
    expect(nodes.map((e) => e.detail.split(':')[0]).sort()).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'RATE_LIMITED']);
    expect(nodes.every((e) => e.outcome === 'REFUSED' && e.resources.some((r) => r.resource === LICENCES))).toBe(true);
  });

  it('fails closed when the entry cannot be written: AUDIT_UNAVAILABLE, HTTP 503', async () => {
    auditFails = true;
    try {
      const sent = await send(licences('first: 2, filter: { holderName: { contains: "张" } }'));
      expect([sent.status, sent.code, sent.body.data ?? null]).toEqual([503, 'AUDIT_UNAVAILABLE', null]);
      // A read refused nothing fails closed the same way (docs/operations.md: "like a read").
      const read = await send(licences('first: 2'));
      expect([read.status, read.code, read.body.data ?? null]).toEqual([503, 'AUDIT_UNAVAILABLE', null]);
      for (let i = 0; i < 2; i++) await send('{ me { user } }', { user: 'flood-2' });
      const limited = await send('{ me { user } }', { user: 'flood-2' });
      expect([limited.status, limited.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    } finally {
      auditFails = false;
    }
  });
});
