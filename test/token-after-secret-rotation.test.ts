// A token made before the platform secret was rotated (GOVGRAPH_JWT_SECRET set to a new value, the change
// recorded with `audit rekey`) was refused with a message that blamed another data folder: "a token made for
// another data folder is signed with another secret", which sent the operator looking for a mix-up of
// stores that was not there. Now the answer says the token may be signed with a secret this gateway no
// longer accepts, rotated or another data folder's, and to get a new one; the code (UNAUTHENTICATED, 401,
// invalid_token) stays and nothing of either secret is said. Real processes on a Suzhou platform of the
// test's own: `govgraph token` under the old secret, `audit rekey`, `govgraph serve` under the new one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { TOKEN_MESSAGE } from '../src/identity/verify.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/suzhou-left/${p}`, import.meta.url));
const OLD_SECRET = 'suzhou-secret-before-rotation-0123456789ab';
const NEW_SECRET = 'suzhou-secret-after-rotation-0123456789abcd';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-rotated-secret-'));
const base = { GOVGRAPH_DATA_DIR: join(dir, 'data'), GOVGRAPH_PLATFORM: fixture('platform.yaml') };
const under = (secret: string, more: Record<string, string> = {}) => cliEnv({ ...base, GOVGRAPH_JWT_SECRET: secret, ...more });
vi.setConfig({ testTimeout: 120_000 });

let served: ServedProcess | undefined;
let oldToken: string;

async function token(secret: string): Promise<string> {
  const run = await runGovgraph(['token', '--dept', '320500-DSJ', '--user', 'zhou.min'], { env: under(secret) });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

beforeAll(async () => {
  const imported = await runGovgraph(['catalogue', 'import', '--publish', fixture('subsidies.yaml')], { env: under(OLD_SECRET) });
  expect(imported.code, imported.stderr).toBe(0);
  oldToken = await token(OLD_SECRET);
  // The rotation as docs/operations.md (The platform secret) says: rekey, then the gateways on the new secret.
  const rekey = await runGovgraph(['audit', 'rekey'], { env: under(NEW_SECRET, { GOVGRAPH_PREVIOUS_JWT_SECRET: OLD_SECRET }) });
  expect(rekey.code, rekey.stderr).toBe(0);
  served = await spawnServe([], under(NEW_SECRET));
  await waitReady(`http://127.0.0.1:${served.port}`);
}, 120_000);
afterAll(async () => {
  served?.child.kill('SIGTERM');
  await served?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const ask = (token: string) =>
  fetch(`http://127.0.0.1:${served!.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { department } }' }),
  });

it('a token of the secret before the rotation is told it may be signed with a secret no longer accepted, and to get a new one', async () => {
  const res = await ask(oldToken);
  const text = await res.text();
  const body = JSON.parse(text) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
  expect({ status: res.status, challenge: res.headers.get('www-authenticate'), code: body.errors[0].extensions.code })
    .toEqual({ status: 401, challenge: 'Bearer error="invalid_token"', code: 'UNAUTHENTICATED' });
  expect(body.errors[0].message).toBe(TOKEN_MESSAGE);
  expect(body.errors[0].message).toContain('signed with a secret this gateway no longer accepts (the platform secret was rotated since it was made');
  expect(body.errors[0].message).toContain('get a new one with `govgraph token`');
  expect(body.data ?? null).toBeNull();
  // Nothing of either secret, not even a part of one.
  for (const secret of [OLD_SECRET, NEW_SECRET]) expect(text).not.toContain(secret.slice(0, 12));
});

it('a new token, made under the secret the gateway runs with, is taken', async () => {
  const res = await ask(await token(NEW_SECRET));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { me: { department: '320500-DSJ' } } });
});
