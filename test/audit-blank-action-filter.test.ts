// auditLog's filter given blank names nothing and is refused naming it (docs/workflow.md), as `department`,
// `resource`, `provider` and `via` are: `action` (new today) and `requestId` given "" or " " answered an
// empty page with totalCount 0, which a supervisor could read as "no such action was ever taken".
// On the Qinghai fixture (test/fixtures/qinghai-quality), through the real GraphQL field.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const SUPERVISOR = { dept: '630000-DSJ', roles: ['supervisor' as const] };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'benefits.yaml')] });
}, 60_000);
afterAll(() => gw?.close());

it.each([
  ['action', '""'], ['action', '"  "'], ['requestId', '""'], ['requestId', '" "'],
])('refuses filter.%s given %s, naming it', async (field, value) => {
  const res = await gw.query(`{ auditLog(filter: { ${field}: ${value} }) { totalCount } }`, SUPERVISOR);
  expect(res.data?.auditLog ?? null).toBeNull();
  expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', problems: [{ path: `filter.${field}`, message: 'is empty' }] } });
});

it('still finds the entries of an action given', async () => {
  const res = await gw.query('{ auditLog(filter: { action: "catalogue import" }) { totalCount } }', SUPERVISOR);
  expect(res.errors).toBeUndefined();
  expect(res.data!.auditLog.totalCount).toBeGreaterThan(0);
});
