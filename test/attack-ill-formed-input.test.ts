// Text holding half of a surrogate pair (a JSON variable's "\ud800") in what the workflow keeps of its
// callers. It is no character: MongoDB's store refuses to write it (BSON is UTF-8, src/store/mongo/
// documents.ts) where SQLite's kept it, so on SQLite a demand titled so was stored and its audit entry
// held the half, while on MongoDB the same request failed at the write and its attempt could not be
// logged either (the entry holds the title too). Every bounded input now refuses it on both adapters
// with BAD_USER_INPUT naming the path and where the half stands, never the text, and stores nothing. On
// a Zhejiang platform of its own (test/fixtures/zhejiang-quality).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
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
