// Trusted documents (SPEC §13): the manifest graphql-codegen's client preset writes
// (examples/client/gql/persisted-documents.json) in `require` and `log` modes, documentId and Apollo's
// persisted-query hash, the example client against a gateway that requires them, and a manifest reloaded
// without a restart.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../examples/client/main.ts';
import { EnterpriseByCreditCodeDocument } from '../examples/client/gql/graphql.ts';
import { AUDIT_COLLECTION, MAX_OPERATION_NAME } from '../src/audit/entry.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { canonicalPrint, shapeOf, TrustedDocumentStore } from '../src/limits/trusted.ts';
import type { TrustMode } from '../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { watchLoopHolds } from './helpers/loop-hold.ts';

const MANIFEST = 'examples/client/gql/persisted-documents.json';
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
const [ENTERPRISE_ID, ENTERPRISE] = Object.entries(manifest).find(([, text]) => text.startsWith('query EnterpriseByCreditCode'))!;
const ME = '{ me { department } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function post(gw: TestGateway, body: object, dept = '430000-MZ') {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(dept)}`, 'x-purpose': 'social-assistance' },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] }) };
}

async function gatewayWith(mode: TrustMode, manifests: string[], lines: string[] = []) {
  const base = await startTestGateway({ demo: true });
  const platform = { ...base.platform, trustedDocuments: { mode, manifests } };
  const logger = createLogger(new Writable({ write: (chunk, _e, done) => (lines.push(chunk.toString()), done()) }), 'info');
  // The demo data of `base`, served by a second gateway on the same store with the trusted documents.
  const { startGateway } = await import('../src/server/app.ts');
  const gateway = await startGateway({ platform, store: base.store, port: 0, pollMs: 0, logger });
  return { ...base, gateway, close: async () => (await gateway.close(), await base.close()) } as TestGateway;
}

describe('trustedDocuments: require', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-trusted-'));
  const file = join(dir, 'persisted-documents.json');
  let gw: TestGateway;
  beforeAll(async () => {
    copyFileSync(MANIFEST, file);
    gw = await gatewayWith('require', [file]);
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const creditCode = async () =>
    (await post(gw, { query: '{ marketRegulation { enterpriseRegistrations(first: 1) { nodes { creditCode } } } }' }, '430000-SCJG'));

  it('refuses a document not in the manifests with DOCUMENT_NOT_TRUSTED and no data', async () => {
    const res = await post(gw, { query: ME });
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'DOCUMENT_NOT_TRUSTED', hash: gw.documentHash(ME) });
    expect((await creditCode()).errors?.[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
  });

  // canonicalPrint prints each node's subtree again at every level above it: a 4-kilobyte text nested
  // 1,300 deep took 0.6 s, once per request the rate lets through. A text of no manifest document's
  // shape is not printed at all.
  it('refuses texts nested a thousand deep without holding the event loop', async () => {
    const holds = watchLoopHolds();
    for (let i = 0; i < 3; i++) {
      const deep = `{${` me${i} {`.repeat(1300)} department${'}'.repeat(1301)}`;
      const res = await post(gw, { query: deep });
      expect(res.errors?.map((e) => e.extensions.code)).toEqual(['DOCUMENT_NOT_TRUSTED']);
    }
    const held = holds.stop();
    if (held !== null) expect(held).toBeLessThan(200);
  });

  it('a document prints canonically as another only if it has its shape (depth and number of nodes)', () => {
    expect(shapeOf(parse(ENTERPRISE))).toBe(shapeOf(parse(canonicalPrint(parse(ENTERPRISE)))));
    expect(shapeOf(parse('{ a { b } c }'))).toBe(shapeOf(parse('{ c, a { b } }')));
    expect(shapeOf(parse('{ a { b } c }'))).not.toBe(shapeOf(parse('{ a { b { c } } }')));
  });

  it('runs a manifest operation by documentId, by persisted-query hash, and as its text however spaced', async () => {
    const variables = { creditCode: '91430000000000000X' };
    for (const body of [
      { documentId: ENTERPRISE_ID, variables },
      { documentId: `sha256:${ENTERPRISE_ID}`, variables }, // GraphQL over HTTP's prefixed form
      { extensions: { persistedQuery: { version: 1, sha256Hash: ENTERPRISE_ID } }, variables },
      { query: ENTERPRISE, variables },
      { query: ENTERPRISE.replace(/ /g, '\n  '), variables },
    ]) {
      const res = await post(gw, body);
      expect(res.errors, JSON.stringify(body)).toBeUndefined();
      expect(res.data).toEqual({ marketRegulation: { enterpriseRegistration: null } });
    }
  });

  it('prints alike what differs only in an order that means nothing; a mutation\'s root fields keep theirs', () => {
    const same = (a: string, b: string) => canonicalPrint(parse(a)) === canonicalPrint(parse(b));
    expect(same('query Q($b: Int, $a: String) { y(p: 1, q: { s: 2, r: [3, 1] }) { d c } x }', 'query Q($a: String, $b: Int) { x y(q: { r: [3, 1], s: 2 }, p: 1) { c d } }')).toBe(true);
    expect(same('{ y(q: { r: [3, 1] }) }', '{ y(q: { r: [1, 3] }) }')).toBe(false); // a list keeps its order
    expect(same('{ a: x b: y }', '{ a: y b: x }')).toBe(false); // aliases stay with their fields
    expect(same('mutation M { revoke { id b a } grant { id } }', 'mutation M { revoke { a b id } grant { id } }')).toBe(true);
    expect(same('mutation M { revoke { id } grant { id } }', 'mutation M { grant { id } revoke { id } }')).toBe(false); // run in order
    // Root fields reached through a fragment run in order too: on Mutation, typed or untyped inline, nested.
    for (const [a, b] of [
      ['mutation M { ...F } fragment F on Mutation { revoke { id } grant { id } }', 'mutation M { ...F } fragment F on Mutation { grant { id } revoke { id } }'],
      ['mutation M { ... on Mutation { revoke { id } grant { id } } }', 'mutation M { ... on Mutation { grant { id } revoke { id } } }'],
      ['mutation M { ... @include(if: true) { revoke { id } grant { id } } }', 'mutation M { ... @include(if: true) { grant { id } revoke { id } } }'],
      ['mutation M { ...F } fragment F on Mutation { ... { revoke { id } grant { id } } }', 'mutation M { ...F } fragment F on Mutation { ... { grant { id } revoke { id } } }'],
    ]) expect(same(a!, b!), b).toBe(false);
    // What such a fragment's fields select is sorted as anywhere else, and so are a query's inline fragments.
    expect(same('mutation M { ... on Mutation { revoke { id b a } } }', 'mutation M { ... on Mutation { revoke { a b id } } }')).toBe(true);
    expect(same('{ ... on Query { y x } }', '{ ... on Query { x y } }')).toBe(true);
  });

  it('does not admit under require a manifest mutation\'s root fields, reached through a fragment, in another order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-trusted-order-'));
    const file = join(dir, 'persisted-documents.json');
    const written = 'mutation Steps($id: ID!) { ... on Mutation { withdraw(id: $id) { id } publish(id: $id) { id } } }';
    writeFileSync(file, JSON.stringify({ [sha256(written)]: written }));
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [file] });
    try {
      expect(store.admits({ query: written.replace(/ \{ /g, ' {\n  ') })).toBe(true); // spaced otherwise
      expect(store.admits({ query: 'mutation Steps($id: ID!) { ... on Mutation { publish(id: $id) { id } withdraw(id: $id) { id } } }' })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a manifest operation sent as the client wrote it: its typed document\'s text, whose fields and variables the manifest lists sorted', async () => {
    const written = EnterpriseByCreditCodeDocument.toString();
    expect(written.replace(/\s+/g, ' ').trim()).not.toBe(ENTERPRISE); // the manifest sorts `name` after `establishedOn`
    const res = await post(gw, { query: written, variables: { creditCode: '91430000000000000X' } });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ marketRegulation: { enterpriseRegistration: null } });
    // Sorting never makes another operation trusted: a field more or less, or another argument, is refused.
    for (const other of [written.replace('status', ''), written.replace('$creditCode)', '"91430000000000000X")').replace('($creditCode: String!)', '')]) {
      expect((await post(gw, { query: other, variables: { creditCode: 'x' } })).errors?.[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
    }
  });

  it('refuses an unknown hash, sent as documentId, as a persisted-query hash or in a GET, with DOCUMENT_NOT_TRUSTED (not Apollo\'s PERSISTED_QUERY_NOT_FOUND)', async () => {
    const unknownId = 'sha256:' + '0'.repeat(64);
    const byDocumentId = await post(gw, { documentId: unknownId });
    expect(byDocumentId.status).toBe(400);
    // The hash named as the audit entry records an id no manifest holds: keyed, as sent without GraphQL over
    // HTTP's algorithm prefix (as the manifests key it).
    expect(byDocumentId.errors).toEqual([expect.objectContaining({ extensions: { code: 'DOCUMENT_NOT_TRUSTED', hash: gw.documentHash('0'.repeat(64)) } })]);
    const byExtension = await post(gw, { extensions: { persistedQuery: { version: 1, sha256Hash: '1'.repeat(64) } } });
    expect(byExtension.errors?.[0].extensions).toEqual({ code: 'DOCUMENT_NOT_TRUSTED', hash: gw.documentHash('1'.repeat(64)) });
    // A GET names its document in the query string: the text, or the hash in `extensions`.
    const get = async (params: Record<string, string>) => {
      const res = await fetch(`${gw.gateway.url}/graphql?${new URLSearchParams(params)}`, {
        headers: { authorization: `Bearer ${await gw.token('430000-MZ')}`, 'x-purpose': 'social-assistance', 'apollo-require-preflight': 'true' },
      });
      return { status: res.status, ...((await res.json()) as { errors?: { extensions: Record<string, unknown> }[] }) };
    };
    const getHash = await get({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: '2'.repeat(64) } }) });
    expect([getHash.status, getHash.errors?.[0].extensions.code]).toEqual([400, 'DOCUMENT_NOT_TRUSTED']);
    const getText = await get({ query: ME });
    expect([getText.status, getText.errors?.[0].extensions]).toEqual([400, { code: 'DOCUMENT_NOT_TRUSTED', hash: gw.documentHash(ME) }]);
    const getTrusted = await get({ query: ENTERPRISE, variables: JSON.stringify({ creditCode: 'x' }) });
    expect(getTrusted.errors).toBeUndefined();
    // A GET's `documentId` parameter, as a POST body's (GraphQL over HTTP's persisted documents).
    const getUnknownId = await get({ documentId: '3'.repeat(64) });
    expect([getUnknownId.status, getUnknownId.errors?.[0].extensions]).toEqual([400, { code: 'DOCUMENT_NOT_TRUSTED', hash: gw.documentHash('3'.repeat(64)) }]);
    const getById = await get({ documentId: ENTERPRISE_ID, variables: JSON.stringify({ creditCode: 'x' }) });
    expect([getById.status, getById.errors]).toEqual([200, undefined]);
    const getByPrefixedId = await get({ documentId: `sha256:${ENTERPRISE_ID}`, variables: JSON.stringify({ creditCode: 'x' }) });
    expect([getByPrefixedId.status, getByPrefixedId.errors]).toEqual([200, undefined]);
    // A text that does not even parse is in no manifest either.
    expect((await post(gw, { query: '{ me { ' })).errors?.[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
  });

  it('serves the example client, which sends documentIds', async () => {
    const lines: string[] = [];
    await main({ url: gw.gateway.url, token: await gw.token('430000-MZ'), purpose: 'social-assistance' }, (l) => lines.push(l));
    expect(lines[0]).toMatch(/^Open-ended employment registrations: \d+ in all/);
  });

  it('reloads a changed manifest without a restart', async () => {
    writeFileSync(file, JSON.stringify({ ...manifest, [`sha256:${sha256(ME)}`]: ME }));
    const deadline = Date.now() + 10_000;
    let res = await post(gw, { query: ME });
    while (res.errors && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      res = await post(gw, { query: ME });
    }
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ me: { department: '430000-MZ' } });
  });
});

describe('trustedDocuments: require, within the rate', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const base = await startTestGateway({ demo: true, rates: true, limits: { rate: { perUser: { requests: 2, perMs: 60_000 }, perDepartment: null } } });
    const platform = { ...base.platform, trustedDocuments: { mode: 'require' as const, manifests: [MANIFEST] } };
    const { startGateway } = await import('../src/server/app.ts');
    const gateway = await startGateway({ platform, store: base.store, port: 0, pollMs: 0 });
    gw = { ...base, gateway, close: async () => (await gateway.close(), await base.close()) };
  });
  afterAll(() => gw?.close());

  it('an untrusted document takes a token of the rate, so a stream of them writes a bounded number of audit entries', async () => {
    const entries = async () => (await gw.store.find(AUDIT_COLLECTION, {})).length;
    const before = await entries();
    const codes: unknown[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await post(gw, i % 2 ? { query: ME } : { documentId: 'sha256:' + String(i % 10).repeat(64) });
      codes.push(res.errors?.[0].extensions.code);
    }
    // Two tokens: two refusals as untrusted, each on record; then the bucket is empty and one entry
    // stands for the other 28 refusals (the metrics count each).
    expect(codes.slice(0, 2)).toEqual(['DOCUMENT_NOT_TRUSTED', 'DOCUMENT_NOT_TRUSTED']);
    expect(new Set(codes.slice(2))).toEqual(new Set(['RATE_LIMITED']));
    expect((await entries()) - before).toBe(3);
    const trusted = await post(gw, { documentId: ENTERPRISE_ID, variables: { creditCode: 'x' } });
    expect([trusted.status, trusted.errors?.[0].extensions.code]).toEqual([429, 'RATE_LIMITED']);
  });
});

describe('trustedDocuments: log', () => {
  const lines: string[] = [];
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await gatewayWith('log', [MANIFEST], lines);
  });
  afterAll(() => gw?.close());

  it('runs a document not in the manifests and logs it with its hash, never its text', async () => {
    const res = await post(gw, { query: ME });
    expect(res.data).toEqual({ me: { department: '430000-MZ' } });
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'untrusted document');
    expect(warning).toMatchObject({ department: '430000-MZ', hash: gw.documentHash(ME), level: 40 });
    expect(JSON.stringify(warning)).not.toContain('me {');
    lines.splice(0);
    await post(gw, { documentId: ENTERPRISE_ID, variables: { creditCode: 'x' } });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'untrusted document')).toEqual([]);
  });

  it('logs an operation name only when the request log would record it (a GraphQL name of sane length)', async () => {
    lines.splice(0);
    const long = 'Q' + 'x'.repeat(MAX_OPERATION_NAME);
    expect((await post(gw, { query: `query ${long} { me { department } }` })).errors).toBeUndefined();
    await post(gw, { query: 'query Mine { me { department } }' });
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'untrusted document');
    expect(warnings.map((w) => w.operationName ?? null)).toEqual([null, 'Mine']);
  });

  it('keeps APQ registrations per department: a hash sent alone does not tell whether another department sent its text', async () => {
    // The question one department asked, with a value in it; another guesses the text and sends its hash.
    const asked = '{ marketRegulation { enterpriseRegistrations(filter: { name: { eq: "a guessed name" } }, first: 1) { totalCount } } }';
    const hashAlone = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(asked) } } };
    const registered = await post(gw, { query: asked, ...hashAlone }, '430000-GA');
    expect(registered.errors).toBeUndefined();
    expect((await post(gw, hashAlone, '430000-GA')).data).toEqual(registered.data);
    const other = await post(gw, hashAlone, '430000-MZ');
    expect(other.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(other.data).toBeUndefined();
    // The other department's client then sends the text, as APQ does, and has its own registration.
    expect((await post(gw, { query: asked, ...hashAlone }, '430000-MZ')).errors).toBeUndefined();
    expect((await post(gw, hashAlone, '430000-MZ')).errors).toBeUndefined();
  });
});

describe('trustedDocuments: a manifest that cannot be read', () => {
  it('is reported once, not at every poll, and again once it changes or comes back broken after being read', async () => {
    const { TrustedDocumentStore } = await import('../src/limits/trusted.ts');
    const dir = mkdtempSync(join(tmpdir(), 'gg-manifest-'));
    const file = join(dir, 'persisted-documents.json');
    const said: string[] = [];
    try {
      const store = new TrustedDocumentStore({ mode: 'off', manifests: [file] }, (m) => said.push(m));
      store.reload();
      store.reload();
      expect(said).toHaveLength(1);
      // In words, as every file an operator names: not Node's `ENOENT: no such file or directory, stat '...'`.
      expect(said).toEqual([`trusted documents: ${file}: no such file`]);
      writeFileSync(file, JSON.stringify({ abc: '{ __typename }' }));
      store.reload();
      expect(store.size).toBe(2);
      writeFileSync(file, 'not json');
      const later = new Date(Date.now() + 5000);
      (await import('node:fs')).utimesSync(file, later, later);
      store.reload();
      store.reload();
      expect(said).toHaveLength(2);
      expect(said[1].startsWith(`trusted documents: ${file}: not JSON (`)).toBe(true);
      const folder: string[] = [];
      new TrustedDocumentStore({ mode: 'off', manifests: [dir] }, (m) => folder.push(m));
      expect(folder).toEqual([`trusted documents: ${dir}: a folder, not a file`]);
      expect(store.size).toBe(2); // the last good contents are kept
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
