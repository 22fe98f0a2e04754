// Request rates (SPEC §13) hold across instances: two real `govgraph serve` processes on one SQLite data
// folder share each user's and each department's token bucket (Store.meter). Past a bucket, RATE_LIMITED
// with HTTP 429 and Retry-After.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { signToken } from '../src/identity/token.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { takeRequest, RATE_BUCKETS } from '../src/limits/rates.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const SECRET = 'rates-test-secret-of-enough-length-0123456789';
const PER_USER = 5;
const PER_DEPT = 8;

async function serve(platform: string, data: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/govgraph.js', 'serve', '--port', '0', '--platform', platform, '--data', data], {
    env: { ...process.env, GOVGRAPH_JWT_SECRET: SECRET, GOVGRAPH_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { child, url };
}

describe('rates across two gateway processes on one store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-rates-'));
  let a: { child: ChildProcess; url: string };
  let b: { child: ChildProcess; url: string };
  beforeAll(async () => {
    const platform = join(dir, 'platform.yaml');
    writeFileSync(
      platform,
      `${readFileSync(DEMO_PLATFORM_FILE, 'utf8')}\nlimits:\n  rate:\n    perUser: { requests: ${PER_USER}, per: 60s }\n    perDepartment: { requests: ${PER_DEPT}, per: 60s }\n`,
    );
    // serve opens only an existing store (SPEC §15): make it first.
    await (await openSqliteStore(join(dir, 'data'))).close();
    [a, b] = await Promise.all([serve(platform, join(dir, 'data')), serve(platform, join(dir, 'data'))]);
  }, 60_000);
  afterAll(() => {
    a?.child.kill('SIGTERM');
    b?.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (url: string, user: string, dept = '430000-MZ') => {
    const token = await signToken(new TextEncoder().encode(SECRET), { dept, user, roles: [], ttl: '1h' });
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { user } }' }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] } };
  };

  it("a user's bucket is one for both instances", async () => {
    const results = [];
    for (let i = 0; i < PER_USER + 3; i++) results.push(await ask(i % 2 ? b.url : a.url, 'li.na'));
    expect(results.map((r) => r.status)).toEqual([...Array(PER_USER).fill(200), 429, 429, 429]);
    const refused = results[PER_USER];
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(Math.ceil(60 / PER_USER));
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'perUser' });
    expect(refused.body.errors?.[0].message).toMatch(/User li\.na of 430000-MZ has sent more than 5 requests per 60 s \(limits\.rate\.perUser\)\. Try again after/);
  });

  it("a department's bucket is shared by its users on both instances; other departments are not touched", async () => {
    // li.na took 5 of the department's 8 tokens above; concurrent requests of two more users take the rest.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(i % 2 ? b.url : a.url, `user${i % 2}`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(PER_DEPT - PER_USER);
    const refusals = results.filter((r) => r.status === 429).map((r) => r.body.errors?.[0].extensions.limit);
    expect(refusals).toHaveLength(8 - (PER_DEPT - PER_USER));
    expect(refusals).toContain('perDepartment');
    expect((await ask(a.url, 'someone', '430000-GA')).status).toBe(200);
  });
});

describe('a refused rate reads nothing', () => {
  let gw: TestGateway;
  let counting: CountingStore;
  const rate = { perUser: { requests: 2, perMs: 60_000 }, perDepartment: null };
  beforeAll(async () => {
    gw = await startTestGateway({ rates: true, limits: { rate }, wrapStore: (s) => (counting = countingStore(s)) });
  }, 60_000);
  afterAll(() => gw?.close());

  it('is refused before grants, the document or any store read other than the meter; the audit log gets the refusal', async () => {
    // The user's bucket is emptied beforehand (as by requests to another instance), so this department's
    // first request here would otherwise read its grants (the grants cache is empty for it) and the data.
    for (let i = 0; i < rate.perUser.requests; i++) expect(await takeRequest(gw.store, gw.platform.limits!.rate, { dept: '430000-SCJG', user: 'zhao' })).toBeNull();
    const audited = await gw.store.count(AUDIT_COLLECTION);
    counting.reset();
    const res = await gw.query('{ marketRegulation { enterpriseRegistrations(first: 5) { nodes { creditCode name } totalCount } } }', {
      token: await gw.token('430000-SCJG', [], 'zhao'),
    });
    expect(res.status).toBe(429);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'perUser' });
    // The meter, then the refusal's audit entry (SPEC §10): nothing else is read.
    expect(counting.calls.filter((c) => !c.includes(AUDIT_COLLECTION) && !c.startsWith('watch'))).toEqual([`meter ${RATE_BUCKETS}`]);
    const [entry] = (await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 })).map(fromRow);
    expect(entry).toMatchObject({ kind: 'read', outcome: 'refused', department: '430000-SCJG', user: 'zhao', resources: [] });
    expect(entry.detail).toMatch(/^RATE_LIMITED: User zhao of 430000-SCJG has sent more than 2 requests per 60 s/);
    expect(await gw.store.count(AUDIT_COLLECTION)).toBe(audited + 1);
    // Another user of the department is served, and its read is audited.
    counting.reset();
    const other = await gw.query('{ marketRegulation { enterpriseRegistrations(first: 5) { nodes { creditCode } } } }', { dept: '430000-SCJG' });
    expect(other.errors).toBeUndefined();
    // The meter first; then this department's grants (after the revocation mark they are kept with).
    expect(counting.calls[0]).toBe(`meter ${RATE_BUCKETS}`);
    expect(counting.calls).toContain('find _grants');
    expect(await gw.store.count(AUDIT_COLLECTION)).toBe(audited + 2);
  });

  it('counts a request with an unknown purpose: a stream of them is refused by the rate, not refused and audited for ever', async () => {
    const token = await gw.token('430000-SCJG', [], 'qian');
    const ask = (purpose: string) => gw.query('{ me { user } }', { token, purpose });
    const first = await ask('no-such-purpose');
    expect([first.status, first.errors?.[0].extensions?.code]).toEqual([400, 'BAD_USER_INPUT']);
    // Its token was taken: one more request fits in the user's bucket of 2, then the rate refuses any.
    expect((await ask('social-assistance')).status).toBe(200);
    const audited = await gw.store.count(AUDIT_COLLECTION);
    for (const purpose of ['no-such-purpose', 'social-assistance']) {
      const res = await ask(purpose);
      expect([res.status, res.errors?.[0].extensions?.code], purpose).toEqual([429, 'RATE_LIMITED']);
    }
    // The first refusal of the user's bucket is written; the second, before the bucket has a token again,
    // is folded into it (src/limits/rate-entries.ts).
    expect(await gw.store.count(AUDIT_COLLECTION)).toBe(audited + 1);
  });
});
