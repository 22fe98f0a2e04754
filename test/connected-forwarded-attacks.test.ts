// Forwarded identities under attack (SPEC §12, issue 11 points 2-5), against real gateways on loopback:
// the levels fixture's province (a gateway, listing the city), the county (its keys only: it signs), and
// the city as two gateway processes over one data folder, listing both. What the city must refuse, each
// with the one message that tells an attacker nothing of which check failed:
// - a jti used at one instance of the city, sent to the other (the jti is claimed in the store);
// - `iss` spelled otherwise than the city lists the province (leading zero, blanks, full-width digits,
//   a number, a list), the token signed with the province's own key;
// - keys the token names or carries (`jwk`, `jku`, `x5u`), another listed platform's key under the
//   province's `kid`, HS256 keyed with the province's published public key;
// - `nbf` in the future;
// - a county forwarding a department of a higher level than its own, or outside its region;
// - a purpose sent beside the token (`x-purpose`) when the token carries none: the purpose travels signed;
// - two hops: a department the county forwards, asking the city for its `province` namespace (also under
//   an alias named like a data field), which the province would accept from the city.
// And the verifier alone: a key set url that redirects is not followed; roles, `via` and names in the
// token are not taken.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { AuthenticationError } from '../src/identity/errors.ts';
import { createForwardedVerifier, FORWARDED_HEADER, FORWARDED_MESSAGE, signForwarded, type ForwardedClaims } from '../src/identity/forwarded.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import { eq } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { eventually } from './helpers/eventually.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { freePort } from './helpers/guizhou.ts';
import { keysOnlyPlatform, type KeysOnlyPlatform } from './helpers/keys-only-platform.ts';
import { startLevelsProvince } from './helpers/stand-in-province.ts';
import { waitReady } from './helpers/served.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => join(root, 'test/fixtures/levels', name);

let work: string;
let province: TestGateway;
let provinceKeys: PlatformKeys;
let county: KeysOnlyPlatform;
/** The city's two instances over one data folder. */
const cities: { url: string; proc: ChildProcess | null }[] = [];
const citySecret = 'secret-of-the-city-platform-in-the-attack-test';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-forwarded-attacks-'));
  const ports = [await freePort(), await freePort()];
  for (const port of ports) cities.push({ url: `http://127.0.0.1:${port}`, proc: null });
  ({ gw: province } = await startLevelsProvince(work, [
    `  - { region: "610100", name: Test City Sharing Platform, url: "${cities[0].url}", namespace: city, timeoutMs: 3000 }`,
  ], { connectedPollMs: 0 }));
  provinceKeys = new PlatformKeys(province.store);
  county = await keysOnlyPlatform('610102', work);
  const cityDir = mkdtempSync(join(work, 'city-'));
  const cityFile = join(work, 'city.yaml');
  writeFileSync(cityFile, readFileSync(fixture('city.yaml'), 'utf8').replace('PROVINCE_URL', province.gateway.url).replace('COUNTY_URL', county.url));
  const store = await openSqliteStore(cityDir);
  try {
    const [imported] = await importCatalogueFiles(store, loadPlatform(cityFile), [fixture('city-catalogue.yaml')], { publish: true });
    await store.insert(collectionOf(imported.version.catalogue.resources[0]), [{ permitNo: 'B1', applicant: '王小明', fee: 100 }, { permitNo: 'B2', applicant: '李四', fee: 200 }]);
  } finally {
    await store.close();
  }
  ports.forEach((port, i) => {
    cities[i].proc = spawn(process.execPath, [join(root, 'bin/govgraph.js'), 'serve', '--platform', cityFile, '--data', cityDir, '--port', String(port)], {
      env: { ...process.env, GOVGRAPH_JWT_SECRET: citySecret, GOVGRAPH_LOG_LEVEL: 'error', NODE_ENV: 'test' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });
  await Promise.all(cities.map((c) => waitReady(c.url)));
}, 180_000);

afterAll(async () => {
  for (const c of cities) {
    const proc = c.proc;
    if (!proc || proc.exitCode !== null) continue;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }
  await county?.close();
  await province?.close();
  rmSync(work, { recursive: true, force: true });
});

const PERMITS = '{ cityHousing { permits { totalCount } } }';
const ACCEPTED = { status: 200, data: { cityHousing: { permits: { totalCount: 2 } } } };
const claims: ForwardedClaims = { iss: '610000', aud: '610100', sub: 'clerk', dept: '610000-MZ', deptLevel: 'province', deptRegion: '610000', purpose: 'land-survey' };
const countyClaims: ForwardedClaims = { ...claims, iss: '610102', dept: '610102-MZ', deptLevel: 'county', deptRegion: '610102' };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A forwarded request to a city instance, with the province's forwarding header unless told otherwise. */
async function ask(token: string, opts: { city?: number; headers?: Record<string, string>; query?: string } = {}) {
  const res = await fetch(`${cities[opts.city ?? 0].url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(opts.headers ?? { [FORWARDED_HEADER]: '610000' }) },
    body: JSON.stringify({ query: opts.query ?? PERMITS }),
  });
  return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] }) };
}

/** Refused as unauthenticated, with no data and the one message whatever the check that failed. */
function refused(r: Awaited<ReturnType<typeof ask>>): void {
  expect({ status: r.status, data: r.data ?? null, errors: r.errors?.map((e) => [e.message, e.extensions.code]) })
    .toEqual({ status: 401, data: null, errors: [[FORWARDED_MESSAGE, 'UNAUTHENTICATED']] });
}

/** A compact JWS with any header and payload, signed with an Ed25519 key (the platform's own unless given). */
async function signRaw(keys: PlatformKeys, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const { kid, key } = await keys.signing();
  const input = `${b64({ alg: 'EdDSA', kid, ...header })}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** The claims of a fresh forwarded token, as signForwarded makes them. */
function payloadOf(c: ForwardedClaims, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return { ...c, iat, exp: iat + 30, jti: crypto.randomUUID(), ...extra };
}

describe('the city, two instances over one store, and forwarded tokens', () => {
  it('a token used at one instance is refused at the other: the jti is claimed in the store', async () => {
    const first = await signForwarded(provinceKeys, claims);
    expect(await ask(first, { city: 0 })).toEqual(ACCEPTED);
    refused(await ask(first, { city: 1 }));
    // The other instance accepts a fresh token, once, and the first refuses it then.
    const second = await signForwarded(provinceKeys, claims);
    expect(await ask(second, { city: 1 })).toEqual(ACCEPTED);
    refused(await ask(second, { city: 0 }));
  });

  it('refuses the province\'s own signature under an issuer spelled otherwise than the city lists it', async () => {
    for (const iss of ['0610000', ' 610000', '610000 ', '６１００００', 610000, ['610000']]) {
      const token = await signRaw(provinceKeys, {}, payloadOf(claims, { iss }));
      // A header value is ASCII: the full-width spelling travels in the token only.
      if (/^[\x20-\x7e]*$/.test(String(iss))) refused(await ask(token, { headers: { [FORWARDED_HEADER]: String(iss) } }));
      refused(await ask(token, { headers: {} }));
    }
    // The same claims spelled as listed: accepted.
    expect(await ask(await signRaw(provinceKeys, {}, payloadOf(claims)))).toEqual(ACCEPTED);
  });

  it('uses only the keys at the url the city lists: not those a token names or carries, nor another platform\'s under the province\'s kid', async () => {
    // An attacker's key server: never to be asked.
    let asked = 0;
    const attacker = createServer((_req, res) => { asked++; res.writeHead(404).end(); });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    try {
      const at = `http://127.0.0.1:${(attacker.address() as { port: number }).port}`;
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const jwk = publicKey.export({ format: 'jwk' });
      const { kid } = await provinceKeys.signing();
      const bySelf = (header: Record<string, unknown>) => {
        const input = `${b64(header)}.${b64(payloadOf(claims))}`;
        return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
      };
      refused(await ask(bySelf({ alg: 'EdDSA', kid, jwk })));
      refused(await ask(bySelf({ alg: 'EdDSA', jwk })));
      refused(await ask(bySelf({ alg: 'EdDSA', kid: 'attacker', jku: `${at}/jwks.json`, x5u: `${at}/cert.pem` })));
      // The county's real key (a platform the city lists), under the province's kid, or its own.
      refused(await ask(await signRaw(county.keys, { kid }, payloadOf(claims))));
      refused(await ask(await signRaw(county.keys, {}, payloadOf(claims))));
      // HS256 keyed with what the province publishes: its public key's bytes, or its key set's text.
      const published = (await (await fetch(`${province.gateway.url}/.well-known/jwks.json`)).json()) as { keys: { x: string }[] };
      for (const secret of [Buffer.from(published.keys[0].x, 'base64url'), Buffer.from(JSON.stringify(published)), Buffer.from(published.keys[0].x)]) {
        refused(await ask(await new SignJWT(payloadOf(claims)).setProtectedHeader({ alg: 'HS256', kid }).sign(secret)));
      }
      expect(asked).toBe(0);
    } finally {
      attacker.closeAllConnections();
      attacker.close();
    }
  });

  it('refuses a token not valid before a time to come', async () => {
    const now = Math.floor(Date.now() / 1000);
    refused(await ask(await signRaw(provinceKeys, {}, payloadOf(claims, { nbf: now + 600 }))));
    expect(await ask(await signRaw(provinceKeys, {}, payloadOf(claims, { nbf: now })))).toEqual(ACCEPTED);
  });

  it('refuses a user that shows nothing or holds a control character or half of a surrogate pair, as a department\'s own token', async () => {
    // And one that reads as another user's (src/model/identifier-text.ts): a right-to-left override, a
    // zero-width space inside, a byte order mark, a name not in NFC.
    for (const sub of ['\u200b', '\u3164', '\ufeff\u2800', 'clerk\nsupervisor: all', 'clerk\udc00', 'clerk\u202enimda', 'wang\u200bwei', '\ufeffclerk', 'Jose\u0301']) refused(await ask(await signRaw(provinceKeys, {}, payloadOf({ ...claims, sub }))));
    expect(await ask(await signRaw(provinceKeys, {}, payloadOf({ ...claims, sub: '王小明' })))).toEqual(ACCEPTED);
  });

  it('refuses a county forwarding a department of a higher level than its own, or outside its region', async () => {
    const fromCounty = { [FORWARDED_HEADER]: '610102' };
    for (const c of [
      { deptLevel: 'city', deptRegion: '610100' }, // the city's level and region
      { deptLevel: 'province', deptRegion: '610000' }, // the province's
      { deptLevel: 'province', deptRegion: '610102' }, // its own region, called a province
      { dept: '610100-MZ2', deptLevel: 'county', deptRegion: '610102' }, // a code of the city's division
      { dept: '620102-MZ', deptLevel: 'county', deptRegion: '620102' }, // another province's county
      { dept: `610102-${'M'.repeat(122)}` }, // a code longer than any platform file or catalogue takes (128)
    ]) {
      refused(await ask(await signForwarded(county.keys, { ...countyClaims, ...c } as ForwardedClaims), { headers: fromCounty }));
    }
    expect(await ask(await signForwarded(county.keys, countyClaims), { headers: fromCounty })).toEqual(ACCEPTED);
    expect(await ask(await signForwarded(county.keys, { ...countyClaims, dept: `610102-${'M'.repeat(121)}` }), { headers: fromCounty })).toEqual(ACCEPTED);
  });

  it('takes the purpose from the token only: an x-purpose beside a token without one is not the department\'s', async () => {
    const res = await ask(await signForwarded(provinceKeys, { ...claims, purpose: null }), { headers: { [FORWARDED_HEADER]: '610000', 'x-purpose': 'land-survey' } });
    expect(res.data).toEqual({ cityHousing: { permits: null } });
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['PURPOSE_REQUIRED']);
  });

  it('one hop: a department the county forwards cannot reach the province through the city, which the province would accept', async () => {
    const PARCELS = '{ province { naturalResources { parcels { totalCount } } } }';
    // The city's own department reads the province's namespace (row scope: the city's two parcels).
    await eventually(async () => {
      const token = await new SignJWT({ dept: '610100-MZ', roles: [] }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setExpirationTime('1h').sign(new TextEncoder().encode(citySecret));
      expect(await ask(token, { headers: { 'x-purpose': 'land-survey' }, query: PARCELS })).toEqual({ status: 200, data: { province: { naturalResources: { parcels: { totalCount: 0 } } } } });
    }, 15_000);
    const fromCounty = { [FORWARDED_HEADER]: '610102' };
    for (const query of [PARCELS, '{ cityHousing: province { naturalResources { parcels { totalCount } } } }', '{ ... on Query { province { __typename } } }']) {
      const res = await ask(await signForwarded(county.keys, countyClaims), { headers: fromCounty, query });
      expect({ status: res.status, data: res.data ?? null, codes: res.errors?.map((e) => e.extensions.code) }).toEqual({ status: 403, data: null, codes: ['FORBIDDEN'] });
    }
    // The province saw none of them: no entry of its log names the county's department.
    expect(await province.store.find('_audit', { filter: eq('department', '610102-MZ') })).toEqual([]);
  }, 30_000);
});

describe('the forwarded-identity verifier', () => {
  const servers: Server[] = [];
  const stores: Awaited<ReturnType<typeof openSqliteStore>>[] = [];
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections(), s.close();
    for (const s of stores) await s.close();
  });
  const freshStore = async () => {
    const s = await openSqliteStore(mkdtempSync(join(work, 'verifier-')));
    stores.push(s);
    return s;
  };
  const listen = async (handle: Parameters<typeof createServer>[1]) => {
    const s = createServer(handle);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  };
  const cityListing = (provinceUrl: string) => ({
    platform: { region: '610100', level: 'city', name: 'c', competentDepartment: '610100-ZWB', holidays: [] },
    purposes: [], departments: [{ code: '610100-ZWB', name: 'z', graphqlName: 'z', level: 'city', region: '610100' }],
    connected: [{ region: '610000', name: 'Province', url: provinceUrl, namespace: 'province' }],
  } as unknown as Platform);

  it('does not follow a key set url that redirects, even to the province\'s real keys', async () => {
    let followed = 0;
    const real = await listen(async (_req, res) => {
      followed++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(await provinceKeys.jwks()));
    });
    const moved = await listen((_req, res) => void res.writeHead(302, { location: `${real}/.well-known/jwks.json` }).end());
    const verifier = createForwardedVerifier({ platform: cityListing(moved), store: await freshStore() });
    const reason = await verifier.verify(`Bearer ${await signForwarded(provinceKeys, claims)}`, '610000').then(() => 'accepted', (e: AuthenticationError) => e.reason);
    expect(reason).not.toBe('accepted');
    expect(followed).toBe(0);
  });

  it('takes no roles, via or names from the token: the department is the claims\' code, level and region, via the listed platform', async () => {
    const url = await listen(async (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(await provinceKeys.jwks()));
    });
    const verifier = createForwardedVerifier({ platform: cityListing(url), store: await freshStore() });
    const token = await signRaw(provinceKeys, {}, payloadOf(claims, {
      roles: ['supervisor', 'auditor', 'approver'], via: '620000', name: 'Competent Department', graphqlName: 'cityService', dept: '610000-MZ',
    }));
    expect(await verifier.verify(`Bearer ${token}`, '610000')).toEqual({
      identity: { user: 'clerk', dept: { code: '610000-MZ', name: '610000-MZ (via Province)', graphqlName: '', level: 'province', region: '610000', via: '610000' }, roles: [], via: '610000' },
      purpose: 'land-survey',
    });
  });
});
