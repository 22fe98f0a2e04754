// What the gateway keeps between requests, and how each keeps being right (issue 10 points 4, 5, 7):
// tokens verified once until they expire, grants read once per change, a schema refresh that only moves
// forward, platform fields answered from the catalogues in effect.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { addGrant, GRANTS, revokeGrant } from '../src/access/grants.ts';
import { CATALOGUE_VERSIONS, publishedCatalogues } from '../src/catalogue/repository.ts';
import { signToken } from '../src/identity/token.ts';
import { createVerifier, CLOCK_TOLERANCE_SECONDS } from '../src/identity/verify.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { GA_COMPILER, PUBLISH, REVIEW, SUBMIT, ZWB_AUDITOR, demoCatalogue } from './helpers/workflow.ts';

const SECRET = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes!!');

describe('tokens are verified once until they expire', () => {
  const platform = { departments: [{ code: '430000-GA', name: 'GA' }] } as never;
  const sign = (claims: Record<string, unknown>, exp: number, secret = SECRET) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuedAt().setExpirationTime(exp).sign(secret);

  it('answers a kept token without verifying it again, and refuses it once past exp (with the tolerance)', async () => {
    let clock = Date.now();
    const v = createVerifier({ secret: SECRET, platform, now: () => clock });
    const exp = Math.floor(clock / 1000) + 60;
    const token = await sign({ dept: '430000-GA' }, exp);
    const first = await v.verify(`Bearer ${token}`);
    // The same token with its signature cut: were it verified again, it would be refused.
    expect(await v.verify(`Bearer ${token}`)).toBe(first);
    clock = (exp + CLOCK_TOLERANCE_SECONDS) * 1000;
    expect(await v.verify(`Bearer ${token}`)).toBe(first);
    clock += 1;
    await expect(v.verify(`Bearer ${token}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });
  });

  it('refuses forged, none, expired and unknown-department tokens every time', async () => {
    const v = createVerifier({ secret: SECRET, platform });
    const now = Math.floor(Date.now() / 1000);
    const forged = await sign({ dept: '430000-GA' }, now + 60, new TextEncoder().encode('another-secret-of-at-least-32-bytes!'));
    const unknown = await sign({ dept: '999999-XX' }, now + 60);
    const expired = await sign({ dept: '430000-GA' }, now - CLOCK_TOLERANCE_SECONDS - 5);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', dept: '430000-GA', exp: now + 60 })}.`;
    // A good token's payload under a signature of another token (a forgery built from a kept token).
    const good = await sign({ dept: '430000-GA' }, now + 60);
    await v.verify(`Bearer ${good}`);
    const [h, , sig] = good.split('.');
    const swapped = `${h}.${b64({ sub: 'admin', dept: '430000-GA', exp: now + 600 })}.${sig}`;
    for (const [token, reason] of [[forged, 'bad-signature'], [unknown, 'unknown-department'], [expired, 'expired'], [none, 'algorithm-not-allowed'], [swapped, 'bad-signature']]) {
      for (let i = 0; i < 2; i++) await expect(v.verify(`Bearer ${token}`), `${reason} #${i}`).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason });
    }
  });
});

describe('the gateway', () => {
  let gw: TestGateway;
  let counting: CountingStore;
  let other: { gateway: Gateway; store: Store } | null = null;

  beforeAll(async () => {
    gw = await startTestGateway({ wrapStore: (s) => (counting = countingStore(s)) });
  });
  afterAll(async () => {
    await other?.gateway.close();
    await other?.store.close();
    await gw?.close();
  });

  // Household registrations (GA's conditional resource), read by MZ for social assistance, need a grant.
  const MZ = { dept: '430000-MZ', purpose: 'social-assistance' };
  const HOUSEHOLDS = `{ publicSecurity { householdRegistrations(first: 1) { nodes { gender } } } }`;
  const HOUSEHOLD_GRANT = { requester: '430000-MZ', resource: '430000-GA-00001', items: ['gender'], purposes: ['social-assistance'], createdBy: 'test' };
  const codesOf = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => (r.errors ?? []).map((e) => e.extensions?.code);
  const grantReads = () => counting.calls.filter((c) => c === `find ${GRANTS}`).length;

  it('reads a department\'s grants once per change, not once per request', async () => {
    counting.reset();
    for (let i = 0; i < 5; i++) expect(codesOf(await gw.query(HOUSEHOLDS, MZ))).toEqual(['GRANT_REQUIRED']);
    expect(grantReads()).toBe(1);
    // A grant added in this process (an operator's command, the sharing workflow) counts on the next request.
    const g = await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, HOUSEHOLD_GRANT);
    counting.reset();
    for (let i = 0; i < 3; i++) expect(codesOf(await gw.query(HOUSEHOLDS, MZ))).toEqual([]);
    expect(grantReads()).toBe(1);
    await revokeGrant(gw.store, g.id, 'test');
    expect(codesOf(await gw.query(HOUSEHOLDS, MZ))).toEqual(['GRANT_REQUIRED']);
  });

  it('sees another instance\'s grant within 2 s, and its revocation too', async () => {
    const store = await openSqliteStore(gw.dataDir);
    const gateway = await startGateway({ platform: gw.platform, store, port: 0, pollMs: 400 });
    other = { gateway, store };
    const token = await signToken(gateway.secret, { dept: MZ.dept, user: 'tester', roles: [], ttl: '1h' });
    const codes = async () => {
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': MZ.purpose },
        body: JSON.stringify({ query: HOUSEHOLDS }),
      });
      return codesOf((await res.json()) as never);
    };
    expect(await codes()).toEqual(['GRANT_REQUIRED']);
    // Written through the first gateway's connection: the second instance learns of it by polling.
    const g = await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, HOUSEHOLD_GRANT);
    const within = async (want: (c: unknown[]) => boolean) => {
      const start = Date.now();
      while (Date.now() - start < 2000) {
        if (want(await codes())) return Date.now() - start;
        await new Promise((r) => setTimeout(r, 50));
      }
      return Infinity;
    };
    expect(await within((c) => c.length === 0)).toBeLessThan(2000);
    await revokeGrant(gw.store, g.id, 'test');
    expect(await within((c) => c.includes('GRANT_REQUIRED'))).toBeLessThan(2000);
  });

  it('never installs a refresh that read older versions after a newer publication', async () => {
    // Instance B publishes v2 (this gateway does not poll); this gateway's refresh then reads v2 and is
    // held inside the store while this gateway publishes v3. It must end on v3.
    const store = await openSqliteStore(gw.dataDir);
    const b = await startGateway({ platform: gw.platform, store, port: 0, pollMs: 0 });
    const tokenB = (dept: string, roles: string[]) => signToken(b.secret, { dept, user: 'tester', roles: roles as never, ttl: '1h' });
    const postB = async (query: string, who: { dept: string; roles: string[] }, variables: object) => {
      const res = await fetch(`${b.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenB(who.dept, who.roles)}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data: any; errors?: unknown[] };
    };
    const withItem = (name: string) => {
      const doc = demoCatalogue('public-security.yaml');
      doc.resources[0].items.push({ name, type: 'string' } as never);
      return doc;
    };
    const s2 = await postB(SUBMIT, GA_COMPILER, { doc: JSON.stringify(withItem('wardTwo')) });
    const v2 = s2.data.submitCatalogue.version.version;
    await postB(REVIEW, ZWB_AUDITOR, { id: 'HN-GA', v: v2, d: 'APPROVE' });
    expect((await postB(PUBLISH, GA_COMPILER, { id: 'HN-GA', v: v2 })).errors).toBeUndefined();
    await b.close();
    await store.close();

    // Hold this gateway's next full read of the published versions after it has read them (v2).
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const inside = new Promise<void>((r) => (entered = r));
    let armed = true;
    const find = gw.gateway.holder['store'].find.bind(gw.gateway.holder['store']);
    vi.spyOn(gw.gateway.holder['store'] as Store, 'find').mockImplementation(async (collection, query) => {
      const rows = await find(collection, query);
      if (armed && collection === CATALOGUE_VERSIONS && !query.projection) {
        armed = false;
        entered();
        await held;
      }
      return rows;
    });
    const poll = gw.gateway.holder.refresh();
    await inside;
    const s3 = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: JSON.stringify(withItem('wardThree')) } });
    const v3 = s3.data!.submitCatalogue.version.version;
    await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v: v3, d: 'APPROVE' } });
    const publish = gw.query(PUBLISH, { ...GA_COMPILER, variables: { id: 'HN-GA', v: v3 } });
    await new Promise((r) => setTimeout(r, 300)); // the publish waits for the held refresh
    release();
    await poll;
    expect((await publish).errors).toBeUndefined();
    vi.restoreAllMocks();
    const r = await gw.query(`{ publicSecurity { criminalCaseFiles(first: 1) { nodes { wardThree } } } }`, GA_COMPILER);
    expect(r.errors).toBeUndefined();
  });

  it('answers platform fields from the catalogues it holds, without a store read per row', async () => {
    const catalogues = await publishedCatalogues(gw.store);
    for (let i = 0; i < 3; i++) await addGrant(gw.store, { platform: gw.platform, catalogues }, HOUSEHOLD_GRANT);
    counting.reset();
    const r = await gw.query(`{ grants { id provider } }`, { dept: '430000-ZWB', roles: ['supervisor'] });
    expect(r.errors).toBeUndefined();
    expect(r.data!.grants.length).toBeGreaterThan(0);
    expect(counting.calls.filter((c) => c === `find ${CATALOGUE_VERSIONS}`).length).toBe(0);
  });
});
