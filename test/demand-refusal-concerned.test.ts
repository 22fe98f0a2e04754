// A refused answerDemand names the promised code (and so shows the refusal to the code's owner) only when
// the refusal is about that code (SPEC §10, §14). Found: the code's owner was named as concerned whatever
// the refusal, so another department's approver, a user without the approver role, a second answer and
// a decline without a basis, each promising a code in the Health Commission's space, put an attempt on
// that code into the Commission's log though nothing about the code was refused (nor even looked at).
// And what a refusal about the code tells the answering department is what every department reads (the
// platform's departments, the versions ever published): a code that only another department's draft
// holds is refused, or taken, as one that exists nowhere. On a Zhejiang platform of its own
// (test/fixtures/zhejiang-quality).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { ANSWER_DEMAND, fileHouseholdDemand, HANGZHOU_MZ, startZhejiangGateway, ZHEJIANG_POLICE, zhejiangFixture as fixture } from './helpers/zhejiang-demands.ts';

const HANGZHOU = { dept: HANGZHOU_MZ, roles: ['applicant', 'approver'] as Role[] };
const POLICE = ZHEJIANG_POLICE;
const HEALTH = '330000-WJW';
const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 50) { nodes { department action outcome detail resources { resource provider } } } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startZhejiangGateway();
}, 30_000);
afterAll(() => gw?.close());

const file = () => fileHouseholdDemand(gw, HANGZHOU.roles);
const answer = (who: { dept: string; roles: Role[] }, input: Record<string, unknown>) => gw.query(ANSWER_DEMAND, { ...who, variables: { input } });
const code = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

/** The answerDemand entries `dept` reads, as department, outcome and resources named. */
async function answers(dept: string) {
  const r = await gw.query(LOG, { dept, roles: [], variables: { filter: { kind: 'WORKFLOW', action: 'answerDemand' } } });
  expect(r.errors).toBeUndefined();
  return r.data!.auditLog.nodes as { department: string; outcome: string; detail: string | null; resources: { resource: string; provider: string }[] }[];
}

it('names the promised code only in a refusal about the code', async () => {
  const id = await file();
  const promise = { id, decision: 'WILL_CATALOGUE', resource: '330000-WJW-009' };
  // Another department's approver, a police user who is no approver, then a decline without a basis.
  expect(code(await answer(HANGZHOU, promise))).toEqual(['FORBIDDEN']);
  expect(code(await answer({ dept: POLICE, roles: ['applicant'] }, promise))).toEqual(['FORBIDDEN']);
  expect(code(await answer({ dept: POLICE, roles: ['approver'] }, { ...promise, decision: 'CANNOT_SHARE', basis: ' ' }))).toEqual(['BAD_USER_INPUT']);
  // None was about the code: the Health Commission reads none of them, and none names a resource.
  expect(await answers(HEALTH)).toEqual([]);
  const police = await answers(POLICE);
  expect(police.map((n) => [n.department, n.outcome, n.resources])).toEqual([
    [POLICE, 'REFUSED', []], [POLICE, 'REFUSED', []], ['330100-MZ', 'REFUSED', []],
  ]);

  // The police's approver promising it: refused about the code, which the Commission sees.
  expect(code(await answer({ dept: POLICE, roles: ['approver'] }, promise))).toEqual(['BAD_USER_INPUT']);
  expect((await answers(HEALTH)).map((n) => [n.department, n.outcome, n.resources])).toEqual([
    [POLICE, 'REFUSED', [{ resource: '330000-WJW-009', provider: HEALTH }]],
  ]);

  // Answered, then a second answer promising the Commission's code: a CONFLICT, not about the code.
  expect(code(await answer({ dept: POLICE, roles: ['approver'] }, { id, decision: 'CANNOT_SHARE', basis: 'Household data law' }))).toBeUndefined();
  expect(code(await answer({ dept: POLICE, roles: ['approver'] }, promise))).toEqual(['CONFLICT']);
  expect(await answers(HEALTH)).toHaveLength(1);
});

it("tells the answering department nothing of another department's drafts", async () => {
  // The Commission submits (does not publish) a version with two new codes: one in its own space, one in
  // no department's space.
  const doc = parse(readFileSync(fixture('health.yaml'), 'utf8')) as Catalogue;
  const base = doc.resources[0];
  for (const [c, type] of [['330000-WJW-077', 'ZjClinic'], ['330000-ZJYB-07', 'ZjInsured']] as const) {
    doc.resources.push({ ...structuredClone(base), code: c, name: `Resource ${c}`, graphql: { type, list: `${type[0].toLowerCase()}${type.slice(1)}s`, byKey: `${type[0].toLowerCase()}${type.slice(1)}x` } });
  }
  const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { status } } }`, { dept: HEALTH, roles: ['compiler'], variables: { doc: JSON.stringify(doc) } });
  expect(sub.errors).toBeUndefined();
  expect(sub.data!.submitCatalogue.version.status).toBe('SUBMITTED');

  // In the Commission's space: the draft's code and one nothing holds are refused alike.
  const refusal = async (promised: string) => {
    const r = await answer({ dept: POLICE, roles: ['approver'] }, { id: await file(), decision: 'WILL_CATALOGUE', resource: promised });
    expect(code(r)).toEqual(['BAD_USER_INPUT']);
    return { message: r.errors![0].message.replaceAll(promised.slice(-3), 'NNN'), problems: JSON.stringify(r.errors![0].extensions!.problems).replaceAll(promised.slice(-3), 'NNN') };
  };
  expect(await refusal('330000-WJW-077')).toEqual(await refusal('330000-WJW-078'));
  const entries = (await answers(POLICE)).slice(0, 2);
  expect(entries.map((n) => n.resources)).toEqual([[{ resource: '330000-WJW-078', provider: HEALTH }], [{ resource: '330000-WJW-077', provider: HEALTH }]]);
  expect(entries[0].detail!.replaceAll('078', 'NNN').replace(/demand \S+/g, 'demand ID')).toBe(entries[1].detail!.replaceAll('077', 'NNN').replace(/demand \S+/g, 'demand ID'));

  // In no department's space: the draft's code is taken, as one nothing holds.
  for (const promised of ['330000-ZJYB-07', '330000-ZJYB-08']) {
    expect((await answer({ dept: POLICE, roles: ['approver'] }, { id: await file(), decision: 'WILL_CATALOGUE', resource: promised })).data!.answerDemand)
      .toEqual({ status: 'WILL_CATALOGUE', resource: promised });
  }
});
