// Rates of forwarded requests (SPEC §12, §13) on a city connected to its province and to one of its
// counties. Department codes are each platform's own: the province may have a department coded
// "520102-XCZX" (its code names a division within the province) and so may the county. On the city they
// are two departments, each with its own rate bucket: one that sends too much must not leave the other refused.
// So a platform could make codes up without end; `limits.rate.perPlatform` bounds all it forwards together.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { RATE_BUCKETS } from '../src/limits/rates.ts';
import type { Level } from '../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guiyangConnectedTo, guizhouFixture as fixture } from './helpers/guizhou.ts';
import { keysOnlyPlatform as city, type KeysOnlyPlatform as City } from './helpers/keys-only-platform.ts';


let work: string;
let guizhou: City;
let nanming: City;
let guiyang: TestGateway;
/** The same city with a bucket of 3 per forwarding platform. */
let bounded: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-rates-'));
  [guizhou, nanming] = await Promise.all([city('520000', work), city('520102', work)]);
  const cityFile = guiyangConnectedTo(work, [
    { region: '520000', name: '贵州省平台', url: guizhou.url, namespace: 'guizhou' },
    { region: '520102', name: '南明区平台', url: nanming.url, namespace: 'nanming' },
  ]);
  guiyang = await startTestGateway({
    platformFile: cityFile,
    catalogueFiles: [fixture('city-housing.yaml')],
    rates: true,
    limits: { rate: { perDepartment: { requests: 2, perMs: 60_000 }, perUser: null } },
    gateway: { connectedPollMs: 0 },
  });
  bounded = await startTestGateway({
    platformFile: cityFile,
    catalogueFiles: [fixture('city-housing.yaml')],
    rates: true,
    // A department of a connected platform takes at most half of perPlatform: 2 each, 4 together.
    limits: { rate: { perDepartment: { requests: 2, perMs: 60_000 }, perUser: null, perPlatform: { requests: 4, perMs: 60_000 } } },
    gateway: { connectedPollMs: 0 },
  });
}, 60_000);

afterAll(async () => {
  await guiyang?.close();
  await bounded?.close();
  await guizhou?.close();
  await nanming?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A request forwarded by `from` for its department `dept` (of level `level` in `region`). */
async function forwarded(from: City, dept: string, level: Level, region: string, to = guiyang): Promise<{ status: number; code?: string; limit?: string }> {
  const token = await signForwarded(from.keys, { iss: from.region, aud: '520100', sub: 'clerk', dept, deptLevel: level, deptRegion: region, purpose: null });
  const res = await fetch(`${to.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: from.region },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string; limit?: string } }[] };
  const e = body.errors?.[0]?.extensions;
  return e ? { status: res.status, code: e.code, limit: e.limit } : { status: res.status };
}

describe('rates of departments forwarded by two connected platforms', () => {
  it('a department of one platform that exhausts its bucket leaves the same code of the other platform its own', async () => {
    expect(await forwarded(guizhou, '520102-XCZX', 'province', '520000')).toEqual({ status: 200, code: undefined });
    expect(await forwarded(guizhou, '520102-XCZX', 'province', '520000')).toEqual({ status: 200, code: undefined });
    expect(await forwarded(guizhou, '520102-XCZX', 'province', '520000')).toEqual({ status: 429, code: 'RATE_LIMITED', limit: 'perDepartment' });
    // Nanming's 520102-XCZX is another department: its first request is served.
    expect(await forwarded(nanming, '520102-XCZX', 'county', '520102')).toEqual({ status: 200, code: undefined });
  });
});

describe('the bucket of a forwarding platform (limits.rate.perPlatform)', () => {
  it('holds all its departments together, made-up codes included; another platform and the city keep theirs', async () => {
    for (const dept of ['520000-A1', '520000-A2', '520000-A3', '520000-A4']) {
      expect(await forwarded(guizhou, dept, 'province', '520000', bounded)).toEqual({ status: 200 });
    }
    // A fifth code, never seen, each of its own buckets full: the platform's is empty.
    expect(await forwarded(guizhou, '520000-A5', 'province', '520000', bounded)).toEqual({ status: 429, code: 'RATE_LIMITED', limit: 'perPlatform' });
    expect(await forwarded(guizhou, '520000-A1', 'province', '520000', bounded)).toEqual({ status: 429, code: 'RATE_LIMITED', limit: 'perPlatform' });
    expect(await forwarded(nanming, '520102-B1', 'county', '520102', bounded)).toEqual({ status: 200 });
    // The city's own department takes from no platform's bucket.
    const own = await fetch(`${bounded.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await bounded.token('520100-ZJJ')}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(own.status).toBe(200);
  });

  it('gives the department its token back when the platform refuses', async () => {
    // 520000-A5 was refused above by the platform's bucket: its own bucket of 2 is still full.
    const rows = await bounded.store.find(RATE_BUCKETS, { filter: { kind: 'compare', field: 'key', op: 'eq', value: 'dept|520000-A5@520000' } });
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].level)).toBeLessThan(1);
  });
});
