// Text holding half of a surrogate pair (a JSON variable's "\ud800") in what the workflow keeps of its
// callers. It is no character: MongoDB's store refuses to write it (BSON is UTF-8, src/store/mongo/
// documents.ts) where SQLite's kept it, so on SQLite a demand titled so was stored and its audit entry
// held the half, while on MongoDB the same request failed at the write and its attempt could not be
// logged either (the entry holds the title too). Every bounded input now refuses it on both adapters
// with BAD_USER_INPUT naming the path and where the half stands, never the text, and stores nothing. On
// a Zhejiang platform of its own (test/fixtures/zhejiang-quality).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { LONE_SURROGATE } from '../src/formats/well-formed.ts';
import { eq } from '../src/store/port.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { HANGZHOU_MZ, householdDemand, startZhejiangGateway, ZHEJIANG_POLICE } from './helpers/zhejiang-demands.ts';

const HANGZHOU = { dept: HANGZHOU_MZ, roles: ['applicant' as const] };
const POLICE_APPROVER = { dept: ZHEJIANG_POLICE, roles: ['approver' as const] };
const FILE = `mutation($input: DemandInput!) { requestData(input: $input) { id title } }`;
const ANSWER = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { status basis } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startZhejiangGateway();
}, 30_000);
afterAll(() => gw?.close());

/** No text of the store's demands and audit entries holds half of a pair (their messages may name one, as `\\ud800`). */
async function nothingKeptHoldsHalf() {
  for (const collection of [DEMANDS, AUDIT_COLLECTION]) {
    const texts = (await gw.store.find(collection, {})).flatMap((row) => Object.values(row).filter((v) => typeof v === 'string'));
    expect(texts.filter((t) => LONE_SURROGATE.test(t))).toEqual([]);
  }
}

it('refuses a demand whose title or items hold half of a surrogate pair, storing and logging none of it', async () => {
  const r = await gw.query(FILE, { ...HANGZHOU, variables: { input: householdDemand({ title: 'Household \ud800 sizes', items: ['household size', 'income\udc00'] }) } });
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(r.errors![0].extensions!.problems).toEqual([
    { path: 'title', message: expect.stringMatching(/^holds half of a surrogate pair \(\\ud800, character 11\)/) },
    { path: 'items[1]', message: expect.stringMatching(/^holds half of a surrogate pair \(\\udc00, character 7\)/) },
  ]);
  expect(r.errors![0].message).toMatch(/^requestData is refused: the platform keeps only well-formed text\.\n {2}title: holds half/);
  expect(await gw.store.find(DEMANDS, {})).toEqual([]);
  const refusals = await gw.store.find(AUDIT_COLLECTION, { filter: eq('action', 'requestData') });
  expect(refusals.map((e) => e.outcome)).toEqual(['refused']);
  await nothingKeptHoldsHalf();
});

it('refuses a decline whose basis holds one, and the demand stays open; a pair written whole is kept', async () => {
  const filed = await gw.query(FILE, { ...HANGZHOU, variables: { input: householdDemand({ title: 'Household sizes 😀' }) } });
  expect(filed.errors).toBeUndefined();
  expect(filed.data!.requestData.title).toBe('Household sizes 😀');
  const id = filed.data!.requestData.id;
  const r = await gw.query(ANSWER, { ...POLICE_APPROVER, variables: { input: { id, decision: 'CANNOT_SHARE', basis: 'Public Security Law art. 3\udbff' } } });
  expect(r.errors?.map((e) => e.extensions?.problems)).toEqual([[{ path: 'basis', message: expect.stringContaining('(\\udbff, character 27)') }]]);
  expect((await gw.store.find(DEMANDS, { filter: eq('id', id) })).map((d) => d.status)).toEqual(['open']);
  await nothingKeptHoldsHalf();
});

// What a read's client chooses besides the workflow's inputs (SPEC §10: the entry records the request, not
// its values): an operation name, an alias, a variable, a cursor. Each is answered (served, or refused with
// a clear error), each entry written is well-formed and the log verifies. The log's writer makes any text
// it is handed well-formed (test/audit-well-formed.test.ts); these paths keep the half out before it.
it('a read whose operation name, alias, filter value or cursor holds a half is answered, and its entry is well-formed', async () => {
  const read = (document: string, variables: Record<string, unknown> = {}) => gw.query(document, { ...HANGZHOU, purpose: 'allowance', variables });
  const seq = async () => (await gw.store.find(AUDIT_COLLECTION, {})).length;
  const start = await seq();
  // A filter by a value holding one: served (no record holds it), the entry naming the item, never the value.
  const filtered = await read('query Residents($d: String) { zjPolice { zjResidents(filter: { district: { eq: $d } }) { totalCount } } }', { d: 'Xihu\ud800' });
  expect([filtered.errors, filtered.data]).toEqual([undefined, { zjPolice: { zjResidents: { totalCount: 0 } } }]);
  // A cursor holding one: refused as any cursor not given out, with its entry.
  const paged = await read('query($a: String) { zjPolice { zjResidents(after: $a) { totalCount } } }', { a: 'c\udc00' });
  expect(paged.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', 'The `after` cursor is not one this platform gave out; pass the endCursor of a previous page.']]);
  // An alias holding one: the document does not parse (a name is ASCII), said with the code point, not the text.
  const aliased = await read('{ zjPolice { r\ud800: zjResidents { totalCount } } }');
  expect(aliased.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['GRAPHQL_PARSE_FAILED', 'Syntax Error: Invalid character: U+D800.']]);
  // An operation name holding one, sent beside a document: recorded as none (not a GraphQL name).
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(HANGZHOU_MZ, ['applicant'])}`, 'x-purpose': 'allowance' },
    body: JSON.stringify({ query: '{ zjPolice { zjResidents { totalCount } } }', operationName: 'Residents\ud800' }),
  });
  expect(res.status).toBe(400);
  const entries = (await gw.store.find(AUDIT_COLLECTION, {})).slice(start);
  expect(entries.map((e) => [e.operationName, e.outcome, e.resourceCodes])).toEqual([
    ['Residents', 'allowed', '|330000-GAT-001|'],
    [null, 'refused', '|330000-GAT-001|'],
  ]);
  await nothingKeptHoldsHalf();
  expect(await verifyAuditChain(gw.store)).toMatchObject({ ok: true });
  expect(await seq()).toBe(start + 2);
});
