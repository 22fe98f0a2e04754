// A demand's names (SPEC §14), on a platform of its own (test/fixtures/quality): the asked department
// given in another case or with blanks around it is that department, as a department code in a filter is
// (it names a department, it does not act as one), kept as the platform lists it so that the department
// sees the demand and answers it; and a second answer's CONFLICT names the first one's status as the
// schema spells it (WILL_CATALOGUE, not will-catalogue upper-cased).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const FILE = `mutation($input: DemandInput!) { requestData(input: $input) { id provider requester } }`;
const ANSWER = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { status resource } }`;
const MZT = { dept: '370000-MZT', roles: ['applicant' as const] };
const WJW_APPROVER = { dept: '370000-WJW', roles: ['approver' as const] };
const demand = { title: 'Clinic licences', description: 'To check clinics in benefit cases', items: ['licence number'], purposes: ['benefit-check'] };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
}, 30_000);
afterAll(() => gw?.close());

describe('the asked department of a demand', () => {
  it('is found in another case and with blanks around it, kept as listed, and sees and answers the demand', async () => {
    const filed = await gw.query(FILE, { ...MZT, variables: { input: { ...demand, provider: ' 370000-wjw ' } } });
    expect(filed.errors).toBeUndefined();
    expect(filed.data!.requestData).toMatchObject({ provider: '370000-WJW', requester: '370000-MZT' });
    const { id } = filed.data!.requestData;
    expect((await gw.query(`{ demands { id } }`, { dept: '370000-WJW' })).data!.demands).toEqual([{ id }]);
    const answered = await gw.query(ANSWER, { ...WJW_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '370000-WJW-09' } } });
    expect(answered.data!.answerDemand).toEqual({ status: 'WILL_CATALOGUE', resource: '370000-WJW-09' });
  });

  it('in another case is still the requester’s own department, refused as such', async () => {
    const own = await gw.query(FILE, { ...MZT, variables: { input: { ...demand, provider: '370000-mzt' } } });
    expect(own.errors![0].extensions!.problems).toEqual([{ path: 'provider', message: 'is your own department; a demand asks another department' }]);
  });

  it('that the platform does not list is refused as before, named as typed', async () => {
    const unknown = await gw.query(FILE, { ...MZT, variables: { input: { ...demand, provider: '370000-xyz' } } });
    expect(unknown.errors![0].extensions!.problems).toEqual([{ path: 'provider', message: '370000-xyz is not a department of this platform' }]);
  });
});

describe('a second answer to a demand', () => {
  it('is a CONFLICT naming the first answer as the schema spells it', async () => {
    const { id } = (await gw.query(FILE, { ...MZT, variables: { input: { ...demand, provider: '370000-WJW' } } })).data!.requestData;
    await gw.query(ANSWER, { ...WJW_APPROVER, variables: { input: { id, decision: 'CANNOT_SHARE', basis: 'Medical Records Rules, Art. 6' } } });
    const again = await gw.query(ANSWER, { ...WJW_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '370000-WJW-10' } } });
    expect(again.errors![0].extensions!.code).toBe('CONFLICT');
    expect(again.errors![0].message).toContain('was already answered (CANNOT_SHARE)');
  });
});
