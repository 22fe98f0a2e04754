// Every /graphql answer says its request id in an x-request-id header: the one the caller sent when it is a
// plain token, else the UUID the gateway made, the same id its log line and audit entry carry, so a
// developer can quote it to an operator. Refusals included (an unknown purpose, a missing token).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { eq } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
});
afterAll(() => gw?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const READ = '{ adminService { electronicLicences(first: 1) { nodes { licenceNo } } } }';

async function post(headers: Record<string, string>, query = READ) {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
  return { status: res.status, id: res.headers.get('x-request-id'), code: body.errors?.[0]?.extensions.code };
}

const entriesOf = async (requestId: string) => gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
const as = async (dept: string, purpose: string) => ({ authorization: `Bearer ${await gw.token(dept)}`, 'x-purpose': purpose });

it("echoes the caller's x-request-id, which is its audit entry's", async () => {
  const sent = await post({ ...(await as('430000-RST', 'employment-services')), 'x-request-id': 'proxy-7f3a:1' });
  expect(sent).toMatchObject({ status: 200, id: 'proxy-7f3a:1', code: undefined });
  expect(await entriesOf('proxy-7f3a:1')).toHaveLength(1);
});

it('names the UUID it made when none was sent, or when the one sent was not a plain token', async () => {
  const extras: Record<string, string>[] = [{}, { 'x-request-id': 'x'.repeat(129) }, { 'x-request-id': 'a b' }];
  for (const extra of extras) {
    const sent = await post({ ...(await as('430000-RST', 'employment-services')), ...extra });
    expect(sent.id).toMatch(UUID);
    expect(await entriesOf(sent.id!)).toHaveLength(1);
  }
});

it('names it on refusals too: an unknown purpose (audited) and a missing token', async () => {
  const refused = await post({ ...(await as('430000-RST', 'no-such-purpose')), 'x-request-id': 'refused-1' });
  expect(refused).toMatchObject({ id: 'refused-1' });
  expect(refused.code).toBeDefined();
  expect(await entriesOf('refused-1')).toHaveLength(1);
  const anonymous = await post({ 'x-request-id': 'anonymous-1' });
  expect(anonymous).toMatchObject({ status: 401, id: 'anonymous-1', code: 'UNAUTHENTICATED' });
});

const BY_ID = 'query($id: String) { auditLog(filter: { requestId: $id }) { totalCount nodes { requestId department } } }';
const find = async (dept: string, id: string, roles: ('supervisor' | 'auditor')[] = []) =>
  (await gw.query(BY_ID, { dept, roles, variables: { id } })).data?.auditLog as { totalCount: number; nodes: { requestId: string; department: string }[] };

it('auditLog finds the entry by the request id its answer named, for those who may read it, and no one else', async () => {
  const sent = await post({ ...(await as('430000-RST', 'employment-services')), 'x-request-id': 'quoted-by-developer' });
  expect(sent.id).toBe('quoted-by-developer');
  const one = { totalCount: 1, nodes: [{ requestId: 'quoted-by-developer', department: '430000-RST' }] };
  expect(await find('430000-ZWB', 'quoted-by-developer', ['supervisor'])).toEqual(one); // the competent department's supervisor
  expect(await find('430000-RST', 'quoted-by-developer')).toEqual(one); // the requester
  expect(await find('430000-MZ', 'quoted-by-developer', ['supervisor'])).toEqual({ totalCount: 0, nodes: [] }); // neither
  expect(await find('430000-RST', 'QUOTED-BY-DEVELOPER')).toEqual({ totalCount: 0, nodes: [] }); // ids are exact
});

it('names it on the answers given before a query is read: a GET naming no operation, another method, an OPTIONS (found by the review)', async () => {
  for (const [method, url] of [['GET', '/graphql'], ['PUT', '/graphql'], ['OPTIONS', '/graphql']] as const) {
    const res = await fetch(`${gw.gateway.url}${url}`, { method, headers: { 'x-request-id': `early-${method}` } });
    await res.arrayBuffer();
    expect([method, res.headers.get('x-request-id')]).toEqual([method, `early-${method}`]);
  }
});
