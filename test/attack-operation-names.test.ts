// Attacks through the operation name a client sends (SPEC §10, §13): it is the client's choice, and a
// request refused before its operation is resolved (a rate, a limit) is audited with the name as sent.
// A refused request costs its sender nothing more than its bucket, so the name must not let it write
// a megabyte into the audit log with each refusal: only a GraphQL name of sane length is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, MAX_DETAIL } from '../src/audit/entry.ts';
import { MAX_LIST, MAX_NAME } from '../src/model/input-bounds.ts';
import { eq } from '../src/store/port.ts';
import { startGateway } from '../src/server/app.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true, rates: true, limits: { maxDepth: 4, rate: { perUser: { requests: 1, perMs: 60_000 }, perDepartment: null } } });
});
afterAll(() => gw?.close());

const HUGE = 'Op' + 'x'.repeat(500_000);
let n = 0;
async function send(body: Record<string, unknown>, user: string) {
  const requestId = `opname-${++n}`;
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('430000-RST', [], user)}`, 'x-request-id': requestId },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { errors?: { extensions: { code: string } }[] };
  const rows = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
  return { code: answer.errors?.[0]?.extensions.code, entries: rows.map(fromRow), stored: JSON.stringify(rows).length };
}

describe('the operation name of a refused request, as audited', () => {
  it('a rate-limited request with a huge name: refused, its entry without the name', async () => {
    await send({ query: '{ me { user } }' }, 'rated');
    const sent = await send({ query: `query ${HUGE} { me { user } }`, operationName: HUGE }, 'rated');
    expect(sent.code).toBe('RATE_LIMITED');
    expect(sent.entries).toHaveLength(1);
    expect(sent.entries[0].operationName).toBeNull();
    expect(sent.stored).toBeLessThan(10_000);
  });

  it('a name that is not a GraphQL name is not recorded either', async () => {
    await send({ query: '{ me { user } }' }, 'odd');
    const sent = await send({ query: '{ me { user } }', operationName: 'a\nb"<script>' }, 'odd');
    expect(sent.code).toBe('RATE_LIMITED');
    expect(sent.entries[0].operationName).toBeNull();
  });

  it('a document over a limit with a huge name: refused, its entry without the name', async () => {
    const deep = `query ${HUGE} { humanResources { employmentRegistrations(first: 1) { nodes { employer { name } } } } }`;
    const sent = await send({ query: deep, operationName: HUGE }, 'deep');
    expect(sent.code).toBe('QUERY_TOO_COMPLEX');
    expect(sent.entries).toHaveLength(1);
    expect(sent.entries[0].operationName).toBeNull();
    expect(sent.stored).toBeLessThan(10_000);
  });

  it('a well-formed name is recorded as sent', async () => {
    await send({ query: '{ me { user } }' }, 'plain');
    const sent = await send({ query: 'query Mine { me { user } }', operationName: 'Mine' }, 'plain');
    expect(sent.code).toBe('RATE_LIMITED');
    expect(sent.entries[0].operationName).toBe('Mine');
  });
});

describe('the document hash of an untrusted request, as audited', () => {
  it('a documentId of 500 KB under trustedDocuments: require is refused before the rate, and not stored', async () => {
    const platform = { ...gw.platform, trustedDocuments: { mode: 'require' as const, manifests: ['examples/client/gql/persisted-documents.json'] } };
    const strict = await startGateway({ platform, store: gw.store, port: 0, pollMs: 0 });
    try {
      const requestId = 'opname-hash-1';
      const res = await fetch(`${strict.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('430000-RST', [], 'hasher')}`, 'x-request-id': requestId },
        body: JSON.stringify({ documentId: 'f'.repeat(500_000) }),
      });
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
      const rows = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
      expect(rows).toHaveLength(1);
      // Its keyed hash (docs/operations.md, The document hash): 76 characters, not the id as sent.
      expect(fromRow(rows[0]).documentHash).toBe(gw.documentHash('f'.repeat(500_000)));
      expect(JSON.stringify(rows).length).toBeLessThan(10_000);
    } finally {
      await strict.close();
    }
  });
});

describe('the detail of a refusal, as audited', () => {
  it('a refusal naming a path with an alias of 200 KB is stored cut to a bounded length', async () => {
    const alias = 'a'.repeat(200_000);
    const values = JSON.stringify(Array.from({ length: 21 }, (_, i) => `张${i}`));
    const requestId = 'opname-detail-1';
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('430000-RST', [], 'aliaser')}`, 'x-purpose': 'employment-services', 'x-request-id': requestId },
      body: JSON.stringify({ query: `{ adminService { ${alias}: electronicLicences(filter: { holderName: { in: ${values} } }) { totalCount } } }` }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const rows = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
    expect(rows).toHaveLength(1);
    const { detail } = fromRow(rows[0]);
    expect(detail).toMatch(/^BAD_USER_INPUT: a{10}/);
    expect(detail!.length).toBeLessThanOrEqual(MAX_DETAIL);
  });
});

describe('the detail of a workflow action, as audited', () => {
  // An applicant's own text goes into a workflow entry's detail: a demand's items, or the item of an
  // objection refused. Each argument is bounded (src/model/input-bounds.ts, test/attack-input-bounds.test.ts),
  // but a detail naming many of them is not: it is cut as a read's refusal is.
  const BIG = 'y'.repeat(500_000);
  async function action(user: string, document: string, input: Record<string, unknown>) {
    const requestId = `workflow-detail-${user}`;
    const token = await gw.token('430000-MZ', ['applicant'], user);
    await gw.query(document, { token, purpose: 'social-assistance', variables: { input }, headers: { 'x-request-id': requestId } });
    return (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow);
  }

  it('a demand for as many items as it may name, each as long as it may be: filed, its entry cut to a bounded length', async () => {
    const items = Array.from({ length: MAX_LIST }, (_, i) => `${i}`.padEnd(MAX_NAME, 'y'));
    const entries = await action('demander', 'mutation($input: DemandInput!) { requestData(input: $input) { id } }',
      { title: 'Pensions', description: 'For eligibility', items, purposes: ['social-assistance'], provider: '430000-GA' });
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([['requestData', 'ok']]);
    expect(entries[0].detail).toMatch(/^demand .* to 430000-GA: Pensions \(0y{10}/);
    expect(entries[0].detail!.length).toBeLessThanOrEqual(MAX_DETAIL);
  });

  it('an objection to an item named with 500 KB: refused by the bound on names, its entry without the name', async () => {
    const entries = await action('objector', 'mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }',
      { resource: '430000-GA-00001', key: '43010219350227846X', item: BIG, reason: 'Wrong' });
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([['raiseObjection', 'refused']]);
    expect(entries[0].detail).toBe(`BAD_USER_INPUT: raiseObjection is refused: the platform keeps no longer input.\n  item: has 500000 characters; at most ${MAX_NAME}`);
  });
});
