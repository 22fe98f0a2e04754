// Which schema answered (SPEC §15; found by the ops23 operations walk): /metrics named the schema version in
// effect (govgraph_schema_version), but an answer said nothing of the schema it came from, so a department's
// developer whose answer changed after a publication could not tell whether the instance behind the load
// balancer served the new schema yet. Every answer to /graphql that a schema answered now names it in
// `x-schema-version`, the digest /metrics gives; a refusal before any schema (no token) names none.
// A real gateway (Ningxia fixture) and a real publication by another process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';
import { freePort } from './helpers/guizhou.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const FIXTURE = fileURLToPath(new URL('fixtures/ningxia-ops', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-schema-version-'));
const env = cliEnv({ GOVGRAPH_DATA_DIR: join(dir, 'data'), GOVGRAPH_PLATFORM: join(FIXTURE, 'platform.yaml'), GOVGRAPH_LOG_LEVEL: 'warn' });
let url: string;
let served: ServedProcess;
let token: string;

beforeAll(async () => {
  const made = await runGovgraph(['catalogue', 'import', join(FIXTURE, 'civil.yaml'), '--publish'], { env });
  expect(made.code, made.stderr).toBe(0);
  const signed = await runGovgraph(['token', '--dept', '640100-RSJ', '--ttl', '1h'], { env });
  expect(signed.code, signed.stderr).toBe(0);
  token = signed.stdout.trim();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  served = await spawnServe([], env, port);
  await waitReady(url);
});
afterAll(async () => {
  served?.child.kill('SIGKILL');
  await served?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const metricsVersion = async () => /govgraph_schema_version\{version="([0-9a-f]{12})"\} 1/.exec(await (await fetch(`${url}/metrics`)).text())?.[1];
const ask = (auth: boolean) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

it("names the schema that answered, as /metrics names it, and the new one once a publication is served; a refusal before any schema names none", async () => {
  const before = await metricsVersion();
  expect(before).toMatch(/^[0-9a-f]{12}$/);
  const answered = await ask(true);
  expect(answered.status).toBe(200);
  expect(answered.headers.get('x-schema-version')).toBe(before);
  const refused = await ask(false);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('x-schema-version')).toBeNull();

  const published = await runGovgraph(['catalogue', 'import', join(FIXTURE, 'market.yaml'), '--publish'], { env });
  expect(published.code, published.stderr).toBe(0);
  let after = before;
  for (let i = 0; i < 100 && after === before; i++) {
    await new Promise((r) => setTimeout(r, 200));
    after = await metricsVersion();
  }
  expect(after).not.toBe(before);
  expect((await ask(true)).headers.get('x-schema-version')).toBe(after);
});
