// The revocation mark (src/access/grants/rows.ts) makes every gateway on the store read every department's
// grants again. Only a revocation that ends a grant moves it: a revokeGrant refused (no approver role, not
// the provider, an unknown id, a grant revoked already) writes none, so a department cannot make the
// gateways read the grants again by revoking what it may not, or the same grant over and over. On the Gansu
// fixture (test/fixtures/gansu-clients), through the real GraphQL field.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { storeGrant } from '../src/access/grants/adding.ts';
import { GRANT_REVOCATIONS, LATEST_REVOCATION } from '../src/access/grants/rows.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { eq } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/gansu-clients';
const POLICE = '620000-GAT';
const LANZHOU = '620100-MZJ';
const grant = (id: string): Grant => ({
  id, requester: LANZHOU, resource: '620000-GAT-00001', items: ['idNumber'], purposes: ['subsistence-allowance'], unmasked: [], rows: null,
  from: '2026-12-01T00:00:00Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-12-01T00:00:00Z', createdBy: 'op',
  requestId: null, provider: POLICE,
});

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'police.yaml')] });
  await storeGrant(gw.store, grant('g-1'));
  await storeGrant(gw.store, grant('g-2'));
}, 60_000);
afterAll(() => gw?.close());

const mark = async () => (await gw.store.find(GRANT_REVOCATIONS, { filter: eq('key', LATEST_REVOCATION), limit: 1 }).catch(() => []))[0]?.value ?? null;
const revoke = (id: string, dept: string, roles: ('approver' | 'applicant')[]) =>
  gw.query(`mutation { revokeGrant(id: "${id}") { id revokedAt } }`, { dept, roles });

it('moves only when a grant is ended, never on a refusal', async () => {
  const before = await mark();
  for (const [dept, roles, code] of [[LANZHOU, ['approver'], 'FORBIDDEN'], [POLICE, ['applicant'], 'FORBIDDEN'], ['620000-SJJ', ['approver'], 'FORBIDDEN']] as const) {
    const res = await revoke('g-1', dept, [...roles]);
    expect(res.errors?.[0].extensions?.code).toBe(code);
    expect(await mark()).toBe(before);
  }
  expect((await revoke('no-such-grant', POLICE, ['approver'])).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(await mark()).toBe(before);

  const done = await revoke('g-1', POLICE, ['approver']);
  expect(done.errors).toBeUndefined();
  const moved = await mark();
  expect(moved).not.toBeNull();
  expect(moved).not.toBe(before);
  // The same grant again, as often as asked: refused, the mark where the revocation left it.
  for (let i = 0; i < 3; i++) {
    expect((await revoke('g-1', POLICE, ['approver'])).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await mark()).toBe(moved);
  }
  // Another grant's revocation moves it again.
  expect((await revoke('g-2', POLICE, ['approver'])).errors).toBeUndefined();
  expect(await mark()).not.toBe(moved);
});
