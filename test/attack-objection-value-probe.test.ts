// An applicant that reads an item masked raises objections with a proposedValue that guesses the hidden
// value (SPEC §14 walk as an attacker): one guess right, one wrong. Nothing it is answered, nor what it may
// read afterwards (its objections, the records' `_objections`, its own audit entries), may differ between
// the two but the ids, keys and the guesses it typed itself: the proposed value is stored for the
// provider to read, never compared with the record. On a Qinghai fixture (test/fixtures/qinghai-quality):
// the police's permit kind is secret, masked `full`, for every department but the police.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const POLICE = '630000-GA-00021';
const XINING = { dept: '630100-RS', roles: ['applicant' as const], purpose: 'benefits' };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'benefits.yaml')] });
  const police = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === POLICE)!;
  await gw.store.insert(collectionOf(police), [{ permitNo: 'P1', permitKind: 'family' }, { permitNo: 'P2', permitKind: 'work' }]);
}, 60_000);
afterAll(() => gw?.close());

/** Everything the raiser sees after raising on `permitNo` with `guess`, its own words and ids left out. */
async function seenAfterRaising(permitNo: string, guess: string) {
  const raised = await gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id resource item status raisedBy reason dueDate overdue answer } }`,
    { ...XINING, variables: { input: { resource: POLICE, key: permitNo, item: 'permitKind', reason: 'The permit kind looks wrong', proposedValue: guess } } });
  expect(raised.errors).toBeUndefined();
  const { id, ...answer } = raised.data!.raiseObjection;
  // Its own entry of the raise: the latest about the resource, read before anything else reads it.
  const audit = await gw.query(`{ auditLog(filter: { resource: "${POLICE}" }, first: 1) { nodes { action outcome resources { resource items denied { item code } masked records } detail } } }`, XINING);
  expect(audit.errors).toBeUndefined();
  const listed = await gw.query(`query($id: ID) { objections(id: $id) { resource item status dueDate overdue answer proposedValue } }`, { ...XINING, variables: { id } });
  const record = await gw.query(`query($k: String!) { qhPolice { qhPermit(permitNo: $k) { permitKind _objections { item status dueDate } } } }`, { ...XINING, variables: { k: permitNo } });
  const [entry] = audit.data!.auditLog.nodes;
  return {
    answer,
    listed: listed.data!.objections.map((o: { proposedValue: string }) => ({ ...o, proposedValue: o.proposedValue === guess })),
    record: record.data!.qhPolice.qhPermit,
    audit: { ...entry, detail: entry.detail.replace(id, 'ID') },
  };
}

it('a right guess and a wrong one are answered alike, and leave alike what the raiser reads after', async () => {
  const right = await seenAfterRaising('P1', 'family');
  const wrong = await seenAfterRaising('P2', 'family');
  expect(right).toEqual(wrong);
  expect(right.record).toEqual({ permitKind: '******', _objections: [{ item: 'permitKind', status: 'OPEN', dueDate: right.answer.dueDate }] });
  expect(right.audit.action).toBe('raiseObjection');
  expect(JSON.stringify(right.audit)).not.toContain('family');
});
