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
