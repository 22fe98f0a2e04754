// How long a connected platform accepts a key its issuer retired (SPEC §12: the old key verifies until
// its tokens expire). Two `govgraph serve` processes on loopback: the levels fixture's province (the
// issuer, A) and its city (B), which lists the province and fetches its keys from it. After
// `rotate-key` on A, a token A's old key signed before the rotation is accepted until it expires, and a
// token freshly signed with the retired key (as by whoever kept it) is refused once A stops publishing it
// and B's key set is fetched again: within the retired key's publication (A's instance cache, 5 s, on top)
// and B's KEY_SET_MAX_AGE_MS. A's publication is shortened for the test (GOVGRAPH_TEST_RETIRED_KEY_MS,
// for tests only) so that the wait is seconds; the production figures are checked in the units below.
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { FORWARDED_HEADER, KEY_SET_MAX_AGE_MS, MAX_FORWARDED_TTL_SECONDS } from '../src/identity/forwarded.ts';
import {
  NEW_KEY_SIGNS_AFTER_MS, RETIRED_KEY_ALLOWANCE_MS, RETIRED_KEY_GRACE_MS, publicKeySet, retiredKeyGraceMs, rotateSigningKey, storedKeys, type StoredKey,
} from '../src/identity/platform-keys.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { freePort } from './helpers/guizhou.ts';
import { waitReady } from './helpers/served.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => join(root, 'test/fixtures/levels', name);
/** A's retired keys are published this long in the test (GOVGRAPH_TEST_RETIRED_KEY_MS). */
const TEST_GRACE_MS = 8_000;
/** How long a gateway process keeps the keys it read (src/identity/platform-keys.ts, CACHE_MS). */
const INSTANCE_CACHE_MS = 5_000;
// Ports free when the test starts (freePort), not fixed ones (4960, 4961): a port held by another run on the
// machine kept a gateway from starting, and the file failed waiting for it to be ready.
let aPort: number;
let bPort: number;
let A_URL: string;
let B_URL: string;

let work: string;
let aData: string;
const procs: ChildProcess[] = [];

const { GOVGRAPH_JWT_SECRET: _secret, GOVGRAPH_TEST_RETIRED_KEY_MS: _grace, ...inherited } = process.env;

function serve(platformFile: string, data: string, port: number, env: Record<string, string> = {}): void {
  procs.push(spawn(process.execPath, [join(root, 'bin/govgraph.js'), 'serve', '--platform', platformFile, '--data', data, '--port', String(port)], {
    // No GOVGRAPH_JWT_SECRET: each gateway uses the secret kept in its store, as the import that made it did.
    env: { ...inherited, GOVGRAPH_LOG_LEVEL: 'error', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  }));
}

beforeAll(async () => {
  [aPort, bPort] = [await freePort(), await freePort()];
  [A_URL, B_URL] = [`http://127.0.0.1:${aPort}`, `http://127.0.0.1:${bPort}`];
  work = mkdtempSync(join(tmpdir(), 'govgraph-retired-key-'));
  // A: the province, listing nothing (it only signs and publishes its keys here).
  const aFile = join(work, 'province.yaml');
  writeFileSync(aFile, readFileSync(fixture('province.yaml'), 'utf8').replace(/connected:[\s\S]*$/, 'connected: []\n'));
  aData = mkdtempSync(join(work, 'province-'));
  const a = await openSqliteStore(aData);
  try {
    await importCatalogueFiles(a, loadPlatform(aFile), [fixture('province-catalogue.yaml')], { publish: true });
  } finally {
    await a.close();
  }
  // B: the city, listing the province at A.
  const bFile = join(work, 'city.yaml');
  writeFileSync(bFile, readFileSync(fixture('city.yaml'), 'utf8').replace('PROVINCE_URL', A_URL).replace(/^ {2}- \{ region: "610102".*\n/m, ''));
  const bData = mkdtempSync(join(work, 'city-'));
  const b = await openSqliteStore(bData);
  try {
    const [imported] = await importCatalogueFiles(b, loadPlatform(bFile), [fixture('city-catalogue.yaml')], { publish: true });
    await b.insert(collectionOf(imported.version.catalogue.resources[0]), [{ permitNo: 'B1', applicant: '王小明', fee: 100 }, { permitNo: 'B2', applicant: '李四', fee: 200 }]);
  } finally {
    await b.close();
  }
  serve(aFile, aData, aPort, { GOVGRAPH_TEST_RETIRED_KEY_MS: String(TEST_GRACE_MS) });
  serve(bFile, bData, bPort);
  await Promise.all([waitReady(A_URL), waitReady(B_URL)]);
}, 180_000);

afterAll(async () => {
  for (const proc of procs) {
    if (proc.exitCode !== null) continue;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A forwarded token for a province department, signed with `key`, issued at `iat` and expiring at `exp` (seconds). */
function tokenOf(key: StoredKey, iat: number, exp: number): string {
  const payload = { iss: '610000', aud: '610100', sub: 'clerk', dept: '610000-MZ', deptLevel: 'province', deptRegion: '610000', purpose: 'land-survey', iat, exp, jti: randomUUID() };
  const input = `${b64({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })}.${b64(payload)}`;
  const privateKey = createPrivateKey({ key: key.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}
/** A token signed now with `key`, living 30 s as A's own. */
const fresh = (key: StoredKey) => {
  const now = Math.floor(Date.now() / 1000);
  return tokenOf(key, now, now + 30);
};

/** B's answer to a forwarded read: its status. */
async function ask(token: string): Promise<number> {
  const res = await fetch(`${B_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '610000' },
    body: JSON.stringify({ query: '{ cityHousing { permits { totalCount } } }' }),
  });
  await res.text();
  return res.status;
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

describe('a key the issuer retired, at the platform connected to it', () => {
  it("accepts the old key's honest token until it expires, and refuses the retired key's fresh tokens within the window", async () => {
    const a = await openSqliteStore(aData);
    let old: StoredKey;
    let current: StoredKey;
    let rotatedAt: number;
    try {
      [old] = await storedKeys(a);
      expect(await ask(fresh(old))).toBe(200); // B fetched A's keys
      rotatedAt = Date.now();
      ({ current } = await rotateSigningKey(a, new Date(rotatedAt)));
    } finally {
      await a.close();
    }
    // Signed with the old key before the rotation, living 58 s, expiring 7 s after it.
    const expires = rotatedAt + 7_000;
    const honest = () => tokenOf(old, Math.floor(expires / 1000) - 58, Math.floor(expires / 1000));
    // B fetches A's keys again for the new key once A's instance publishes it (within 5 s): the set it
    // gets still holds the old key.
    const until = rotatedAt + INSTANCE_CACHE_MS + 3_000;
    let newKeyAccepted = false;
    while (!newKeyAccepted && Date.now() < until) {
      newKeyAccepted = (await ask(fresh(current))) === 200;
      if (!newKeyAccepted) await new Promise((r) => setTimeout(r, 300));
    }
    expect(newKeyAccepted).toBe(true);
    // The honest token, just before it expires (and past B's refetch): accepted.
    await sleepUntil(Math.floor(expires / 1000) * 1000 - 700);
    expect(await ask(honest())).toBe(200);
    // The retired key's fresh tokens: refused at the latest when A's publication (and its instance's cache)
    // has ended and B's key set is as old as KEY_SET_MAX_AGE_MS, with a second of slack.
    const bound = rotatedAt + TEST_GRACE_MS + INSTANCE_CACHE_MS + KEY_SET_MAX_AGE_MS + 1_000;
    let refusedAt: number | null = null;
    while (refusedAt === null && Date.now() < bound + 3_000) {
      if ((await ask(fresh(old))) === 401) refusedAt = Date.now();
      else await new Promise((r) => setTimeout(r, 250));
    }
    expect(refusedAt).not.toBeNull();
    expect(refusedAt!).toBeLessThanOrEqual(bound);
    // Not refused for any other reason: the new key's tokens are accepted.
    expect(await ask(fresh(current))).toBe(200);
  }, 90_000);
});

describe('the window with the production figures', () => {
  it('publishes a retired key until its last token has expired, plus the allowance, and no longer', () => {
    expect(retiredKeyGraceMs({})).toBe(RETIRED_KEY_GRACE_MS);
    expect(retiredKeyGraceMs({ GOVGRAPH_TEST_RETIRED_KEY_MS: '8000' })).toBe(8_000);
    expect(retiredKeyGraceMs({ GOVGRAPH_TEST_RETIRED_KEY_MS: 'soon' })).toBe(RETIRED_KEY_GRACE_MS);
    // The old key signs until the new one is NEW_KEY_SIGNS_AFTER_MS old, in a process whose keys are up to
    // 5 s old; its token lives at most MAX_FORWARDED_TTL_SECONDS.
    const lastExpiry = NEW_KEY_SIGNS_AFTER_MS + INSTANCE_CACHE_MS + MAX_FORWARDED_TTL_SECONDS * 1000;
    expect(RETIRED_KEY_GRACE_MS).toBe(lastExpiry + RETIRED_KEY_ALLOWANCE_MS);
    expect(RETIRED_KEY_GRACE_MS).toBe(80_000);
    // Accepted by a connected platform at most: published, one instance's cache, the platform's key set.
    expect(RETIRED_KEY_GRACE_MS + INSTANCE_CACHE_MS + KEY_SET_MAX_AGE_MS).toBe(95_000);
    const retiredAt = Date.parse('2026-01-01T00:00:00Z');
    const keys = [
      { kid: 'new', publicJwk: {}, privateJwk: {}, createdAt: new Date(retiredAt).toISOString(), retiredAt: null },
      { kid: 'old', publicJwk: {}, privateJwk: {}, createdAt: new Date(retiredAt - 86_400_000).toISOString(), retiredAt: new Date(retiredAt).toISOString() },
    ];
    const published = (ms: number) => publicKeySet(keys, new Date(retiredAt + ms)).keys.map((k) => k.kid);
    expect(published(lastExpiry)).toEqual(['new', 'old']);
    expect(published(RETIRED_KEY_GRACE_MS)).toEqual(['new']);
  });
});
