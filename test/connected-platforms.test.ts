// Three levels of government (SPEC §12, issue 11 point 6): three real gateway processes on loopback,
// each with its own store: a province, a city connected to it, and a county connected to the city.
// Shows the namespaces stitched both ways, the connected platform's own rules (masks, denials, row
// scope) applied to the forwarded department, failure kept local and recovery, forged, replayed and
// other refused forwarded tokens, and a publication on the city visible on the province within 10 s.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKey } from '../src/audit/key.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { signForwarded, FORWARDED_HEADER } from '../src/identity/forwarded.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { signToken } from '../src/identity/token.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { eventually } from './helpers/eventually.ts';
import { freePort } from './helpers/guizhou.ts';
import { waitReady } from './helpers/served.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => join(root, 'test/fixtures/levels', name);

type Level = 'province' | 'city' | 'county';
interface Instance {
  level: Level;
  port: number;
  dir: string;
  platformFile: string;
  secret: string;
  proc: ChildProcess | null;
  url: string;
}

const levels: Record<Level, Instance> = {} as never;



function start(i: Instance): Promise<void> {
  const proc = spawn(process.execPath, [join(root, 'bin/govgraph.js'), 'serve', '--platform', i.platformFile, '--data', i.dir, '--port', String(i.port)], {
    env: { ...process.env, GOVGRAPH_JWT_SECRET: i.secret, GOVGRAPH_LOG_LEVEL: 'error', NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  i.proc = proc;
  return waitReady(i.url, 90_000, i.level);
}

async function stop(i: Instance): Promise<void> {
  const proc = i.proc;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
  i.proc = null;
}

/** A govgraph command on an instance's platform file and data folder. */
function cli(i: Instance, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/govgraph.js'), ...args, '--platform', i.platformFile, '--data', i.dir], {
      env: { ...process.env, NODE_ENV: 'test' },
    }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function query(i: Instance, dept: string, document: string, purpose = 'land-survey') {
  const token = await signToken(new TextEncoder().encode(i.secret), { dept, user: 'tester', roles: [], ttl: '1h' });
  const res = await fetch(`${i.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose },
    body: JSON.stringify({ query: document }),
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: any[] }) };
}

async function withStore<T>(i: Instance, work: (s: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(i.dir);
  // What this process writes to the platform's log is keyed with the platform's own secret, as its gateway's.
  await auditKey(store, { GOVGRAPH_JWT_SECRET: i.secret });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  for (const level of ['province', 'city', 'county'] as Level[]) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), `govgraph-${level}-`));
    levels[level] = { level, port, dir, platformFile: join(dir, 'platform.yaml'), secret: `secret-of-the-${level}-platform-on-port-${port}`, proc: null, url: `http://127.0.0.1:${port}` };
  }
  for (const i of Object.values(levels)) {
    const text = readFileSync(fixture(`${i.level}.yaml`), 'utf8')
      .replace('CITY_URL', levels.city.url).replace('PROVINCE_URL', levels.province.url).replace('COUNTY_URL', levels.county.url);
    writeFileSync(i.platformFile, text);
    const files = i.level === 'province' ? [fixture('province-catalogue.yaml')] : i.level === 'city' ? [fixture('city-catalogue.yaml')] : [];
    await withStore(i, async (store) => {
      const platform = loadPlatform(i.platformFile);
      const [imported] = files.length ? await importCatalogueFiles(store, platform, files, { publish: true }) : [];
      if (i.level === 'province') {
        await store.insert(collectionOf(imported.version.catalogue.resources[0]), [
          { parcelNo: 'P1', division: '610101', area: 10 }, { parcelNo: 'P2', division: '610102', area: 20 },
          { parcelNo: 'P3', division: '610201', area: 30 }, { parcelNo: 'P4', division: '610301', area: 40 },
        ]);
      }
      if (i.level === 'city') {
        await store.insert(collectionOf(imported.version.catalogue.resources[0]), [
          { permitNo: 'B1', applicant: '王小明', fee: 100 }, { permitNo: 'B2', applicant: '李四', fee: 200 },
        ]);
      }
    });
  }
  // The province starts while the city is still down: it starts anyway, without the city's namespace.
  await start(levels.province);
  await Promise.all([start(levels.city), start(levels.county)]);
}, 240_000);

afterAll(async () => {
  for (const i of Object.values(levels)) {
    await stop(i);
    rmSync(i.dir, { recursive: true, force: true });
  }
});

const PERMITS = `{ city { cityHousing { permits(first: 10) { nodes { permitNo applicant fee } totalCount } } } }`;

describe('three levels of government on loopback', () => {
  it('a provincial department reads the city namespace, masked and denied by the city\'s rules', async () => {
    // Started before the city: the namespace arrives with the province's next poll.
    await eventually(async () => {
      const res = await query(levels.province, '610000-MZ', PERMITS);
      expect(res.data?.city).toBeTruthy();
    }, 10_000);
    const res = await query(levels.province, '610000-MZ', PERMITS);
    expect(res.data).toEqual({ city: { cityHousing: { permits: { nodes: [
      { permitNo: 'B1', applicant: '王**', fee: null }, { permitNo: 'B2', applicant: '李*', fee: null },
    ], totalCount: 2 } } } });
    expect(res.errors).toEqual([expect.objectContaining({
      path: ['city', 'cityHousing', 'permits', 'nodes', 0, 'fee'],
      extensions: expect.objectContaining({ code: 'NOT_SHARED', resource: '610100-ZJ-00001', item: 'fee' }),
    })]);
    expect(res.errors![0].message).toBe('Item `fee` of 610100-ZJ-00001 (Building permits) is not shared; only its provider 610100-ZJ can read it.');
  });

  it('a city department reads the province namespace, narrowed by the province\'s row scope to the city', async () => {
    await eventually(async () => {
      expect((await query(levels.city, '610100-MZ', '{ province { __typename } }')).data?.province).toBeTruthy();
    }, 10_000);
    const res = await query(levels.city, '610100-MZ', `{ province { naturalResources { parcels { nodes { parcelNo division } totalCount } } } }`);
    expect(res).toEqual({ status: 200, data: { province: { naturalResources: { parcels: {
      nodes: [{ parcelNo: 'P1', division: '610101' }, { parcelNo: 'P2', division: '610102' }], totalCount: 2,
    } } } } });
    // A lookup outside the region is null, as on the province itself.
    const lookup = await query(levels.city, '610100-MZ', `{ province { naturalResources { parcel(parcelNo: "P3") { parcelNo } } } }`);
    expect(lookup.data).toEqual({ province: { naturalResources: { parcel: null } } });
  });

  it('the county reaches the city (one hop: not the province through the city)', async () => {
    // Started with the city: when its first ask found the city not yet up, the namespace arrives with its next poll.
    await eventually(async () => {
      expect((await query(levels.county, '610102-MZ', '{ city { __typename } }')).data?.city).toBeTruthy();
    }, 10_000);
    const res = await query(levels.county, '610102-MZ', `{ city { cityHousing { permits { nodes { permitNo applicant } } } } }`);
    expect(res.data).toEqual({ city: { cityHousing: { permits: { nodes: [{ permitNo: 'B1', applicant: '王**' }, { permitNo: 'B2', applicant: '李*' }] } } } });
    const hop = await query(levels.county, '610102-MZ', `{ city { province { naturalResources { parcels { totalCount } } } } }`);
    expect(hop.status).toBe(400);
    expect(hop.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('schema print shows the namespaces as the gateway serves them; --dept as the connected platform shows that department; --no-connected leaves them out', async () => {
    const [all, dept, own] = await Promise.all([
      cli(levels.province, ['schema', 'print']),
      cli(levels.province, ['schema', 'print', '--dept', '610000-MZ']),
      cli(levels.province, ['schema', 'print', '--no-connected']),
    ]);
    expect(all).toMatchObject({ code: 0, stderr: expect.not.stringContaining('left out') });
    expect(all.stdout).toMatch(/^type Query \{[^}]*\n  city: City_Query\n/m);
    expect(all.stdout).toMatch(/^type City_Permit \{[^}]*\n  fee: Int\n/m);
    expect(all.stdout).toMatch(/^type NaturalResourcesResources \{/m); // the province's own
    // 610000-MZ can never read the city's `fee` (not shared): the city's view for it leaves it out.
    expect(dept.code).toBe(0);
    expect(dept.stdout).toMatch(/^type City_Permit \{[^}]*\n  applicant: String\n/m);
    expect(dept.stdout).not.toMatch(/^type City_Permit \{[^}]*\n  fee: /m);
    expect(own.code).toBe(0);
    expect(own.stdout).not.toContain('City_');
    expect(own.stdout).toMatch(/^type NaturalResourcesResources \{/m);
  }, 60_000);

  it('both audit: the city\'s log names the forwarded department, user and purpose, via the province', async () => {
    const entries = await withStore(levels.city, (s) => s.find('_audit', { sort: [{ field: 'seq', direction: 'asc' }] }));
    const forwarded = entries.filter((e) => e.via === '610000');
    expect(forwarded.length).toBeGreaterThan(0);
    expect(forwarded.at(-1)).toMatchObject({ department: '610000-MZ', user: 'tester', purpose: 'land-survey', via: '610000' });
    // The province's own entry names the namespace, the platform and what came back.
    const own = await withStore(levels.province, (s) => s.find('_audit', { sort: [{ field: 'seq', direction: 'asc' }] }));
    // The city's denial of `fee` makes that entry partial, as the city's own entry of the read is.
    expect(own.map((e) => [e.outcome, e.detail])).toContainEqual(['partial', 'connected platforms: city (610100) answered with 1 error, denying NOT_SHARED at city.cityHousing.permits.nodes.fee']);
    // The chain with the via entries verifies under the city's own secret.
    expect(await withStore(levels.city, (s) => verifyAuditChain(s, undefined, { env: { GOVGRAPH_JWT_SECRET: levels.city.secret } }))).toMatchObject({ ok: true });
  });

  it('the city stopped: PLATFORM_UNAVAILABLE in its namespace, the rest answers; then it recovers', async () => {
    await stop(levels.city);
    const cityReads = async () => {
      const text = await (await fetch(`${levels.province.url}/metrics`)).text();
      const count = (outcome: string) => Number(new RegExp(`^govgraph_connected_platform_reads_total\\{namespace="city",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      return { answered: count('answered'), unavailable: count('unavailable') };
    };
    const before = await cityReads();
    const started = Date.now();
    const res = await query(levels.province, '610000-MZ', `{ city { cityHousing { permits { totalCount } } } naturalResources { parcels { totalCount } } }`);
    // Its one read of the city counted, unavailable: counted, not clocked (a loaded machine stretches a
    // clock bound; the province is a process of its own, beside other test files on two cores).
    expect(await cityReads()).toEqual({ answered: before.answered, unavailable: before.unavailable + 1 });
    // Asked once: a second ask, after the city's timeoutMs (3000 ms), would take 6000 ms and more.
    expect(Date.now() - started).toBeLessThan(2 * 3000);
    expect(res.data).toEqual({ city: null, naturalResources: { parcels: { totalCount: 4 } } });
    expect(res.errors).toEqual([expect.objectContaining({ path: ['city'], extensions: expect.objectContaining({ code: 'PLATFORM_UNAVAILABLE' }) })]);
    // Its namespace is left out of `schema print`, with a note naming it and why; `platform status` says so too.
    const [printed, status] = await Promise.all([cli(levels.province, ['schema', 'print']), cli(levels.province, ['platform', 'status'])]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).not.toContain('City_');
    expect(printed.stderr).toContain(`govgraph: namespace city left out (Test City Sharing Platform, 610100): nothing listens at ${levels.city.url} (connection refused).`);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`city  610100  Test City Sharing Platform  ${levels.city.url}\n  unreachable; schema unknown; last error: nothing listens at ${levels.city.url} (connection refused).`);
    await start(levels.city);
    const back = await query(levels.province, '610000-MZ', `{ city { cityHousing { permits { totalCount } } } }`);
    expect(back.data).toEqual({ city: { cityHousing: { permits: { totalCount: 2 } } } });
  }, 120_000);

  it('refuses forged, replayed, unlisted, out-of-region, long-lived and plain tokens claiming to be forwarded', async () => {
    const ask = async (token: string, headers: Record<string, string> = { [FORWARDED_HEADER]: '610000' }) => {
      const res = await fetch(`${levels.city.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify({ query: '{ cityHousing { permits { totalCount } } }' }),
      });
      return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] }) };
    };
    const refused = (r: { status: number; data?: unknown; errors?: { extensions: { code: string } }[] }) => {
      expect(r.status).toBe(401);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    };
    const claims = { iss: '610000', aud: '610100', sub: 'x', dept: '610000-MZ', deptLevel: 'province' as const, deptRegion: '610000', purpose: 'land-survey' };
    // The province's own key, read from its store: one use is accepted, the replay refused.
    const token = await withStore(levels.province, (s) => signForwarded(new PlatformKeys(s), claims));
    expect(await ask(token)).toEqual({ status: 200, data: { cityHousing: { permits: { totalCount: 2 } } } });
    refused(await ask(token));
    const sign = (c: Record<string, unknown>, exp = 30) => withStore(levels.province, async (s) => {
      const { kid, key } = await new PlatformKeys(s).signing();
      return new SignJWT(c).setProtectedHeader({ alg: 'EdDSA', kid }).setIssuedAt().setExpirationTime(`${exp}s`).setJti(crypto.randomUUID()).sign(key);
    });
    // Forged: the right issuer, another key.
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'EdDSA', kid: 'x' }).setIssuedAt().setExpirationTime('30s').setJti('f1').sign(privateKey);
    refused(await ask(forged));
    refused(await ask(await sign({ ...claims, iss: '620000' }))); // a platform the city does not list
    refused(await ask(await sign({ ...claims, dept: '620100-MZ', deptLevel: 'city', deptRegion: '620100' }))); // outside the province
    refused(await ask(await sign({ ...claims, dept: '610100-ZJ', deptLevel: 'city', deptRegion: '610100' }))); // posing as the city's provider
    refused(await ask(await sign(claims, 3600))); // lives longer than 60 s
    refused(await ask(await sign({ ...claims, aud: '610102' }))); // for the county
    const expired = await withStore(levels.province, (s) => signForwarded(new PlatformKeys(s), claims, new Date(Date.now() - 120_000)));
    refused(await ask(expired));
    // A plain department token of the city itself, claiming to be forwarded, by header or by claims.
    const plain = await signToken(new TextEncoder().encode(levels.city.secret), { dept: '610100-MZ', user: 'u', roles: [], ttl: '1h' });
    // Used first as what it is, so that the city knows it (verified tokens are kept): still refused as a forward.
    expect((await ask(plain, {})).status).toBe(200);
    refused(await ask(plain));
    const plainClaims = await new SignJWT({ ...claims, dept: '610100-MZ' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('30s')
      .sign(new TextEncoder().encode(levels.city.secret));
    refused(await ask(plainClaims, {}));
  });

  it('a forwarded request reads data only: platform fields are refused', async () => {
    const claims = { iss: '610000', aud: '610100', sub: 'x', dept: '610000-ZWB', deptLevel: 'province' as const, deptRegion: '610000', purpose: null };
    const token = await withStore(levels.province, (s) => signForwarded(new PlatformKeys(s), claims));
    const res = await fetch(`${levels.city.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '610000' },
      body: JSON.stringify({ query: '{ auditLog { totalCount } }' }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a publication on the city is visible on the province within a few of its schema asks', async () => {
    await withStore(levels.city, (s) => importCatalogueFiles(s, loadPlatform(levels.city.platformFile), [fixture('city-catalogue-2.yaml')], { publish: true }));
    // The province asks the city's schema every 3 s: seen within a few asks (five, for a loaded machine),
    // where without the poll it would never be.
    await eventually(async () => {
      const res = await query(levels.province, '610000-MZ', `{ city { cityHousing { inspections { totalCount } } } }`);
      expect(res.data).toEqual({ city: { cityHousing: { inspections: { totalCount: 0 } } } });
    }, 5 * 3000);
  }, 30_000);

  // A county catalogue published before the county listed the city, with a type under the city's prefix
  // (City_Permit): the county's gateway leaves the namespace out, and platform status and /healthz used to
  // say "reachable" with no error. Now publication refuses such a type while the city is listed, and
  // what is already published is named. The county's own schema only: nothing else reads it.
  it('a type of ours under a connected platform\'s prefix: refused when published, named by platform status and /healthz', async () => {
    const file = join(levels.county.dir, 'county-catalogue.yaml');
    writeFileSync(file, [
      'id: COUNTY-MZ', 'kind: departmental', 'title: County relief', 'compiler: "610102-MZ"', 'resources:',
      '  - code: "610102-MZ-00001"', '    name: Relief', '    provider: "610102-MZ"',
      '    graphql: { type: City_Permit, list: reliefs, byKey: relief }', '    key: caseNo',
      '    share: { type: unconditional, methods: [api] }', '    items:', '      - { name: caseNo, type: string, required: true }', '',
    ].join('\n'));
    const listed = loadPlatform(levels.county.platformFile);
    await withStore(levels.county, async (store) => {
      await expect(importCatalogueFiles(store, listed, [file], { publish: true })).rejects.toThrow(
        'resources[0].graphql.type: "City_Permit" starts with City_, the prefix of the types of connected platform city (610100); choose another type name');
      await importCatalogueFiles(store, { ...listed, connected: [] }, [file], { publish: true }); // before the city was listed
    });
    const leftOut = 'left out of this gateway\'s schema: Schema must contain uniquely named types but contains multiple types named "City_Permit". '
      + '(a type of this platform\'s catalogues under a connected platform\'s prefix; rename it)';
    const status = await cli(levels.county, ['platform', 'status']);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^ {2}answers, with a problem; schema \S+; last error: left out of this gateway's schema: /m);
    expect(status.stdout).toContain(`; last error: ${leftOut}\n`);
    await eventually(async () => {
      const health = (await (await fetch(`${levels.county.url}/healthz`)).json()) as { connected: { lastError: string | null }[] };
      expect(health.connected.map((c) => c.lastError)).toEqual([leftOut]);
    }, 10_000);
  }, 30_000);

  it('/healthz details the connected platforms and /.well-known/jwks.json publishes an Ed25519 key', async () => {
    const health = (await (await fetch(`${levels.city.url}/healthz`)).json()) as { connected: { namespace: string; reachable: boolean }[] };
    expect(health.connected.map((c) => [c.namespace, c.reachable])).toEqual([['province', true], ['county', true]]);
    const metrics = await (await fetch(`${levels.city.url}/metrics`)).text();
    expect(metrics).toMatch(/^govgraph_connected_platform_up\{namespace="province"\} 1$/m);
    expect(metrics).toMatch(/^govgraph_connected_platform_up\{namespace="county"\} 1$/m);
    const jwks = (await (await fetch(`${levels.city.url}/.well-known/jwks.json`)).json()) as { keys: { kty: string; crv: string; kid: string; d?: string }[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })]);
    expect(jwks.keys[0].d).toBeUndefined();
  });
});
