// Rates of forwarded requests (SPEC §12, §13) on a city connected to its province and to one of its
// counties. Department codes are each platform's own: the province may have a department coded
// "520102-XCZX" (its code names a division within the province) and so may the county. On the city they
// are two departments, each with its own rate bucket: one that sends too much must not leave the other refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import type { Level } from '../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { keysOnlyPlatform as city, type KeysOnlyPlatform as City } from './helpers/keys-only-platform.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/guizhou', name);

let work: string;
let guizhou: City;
let nanming: City;
let guiyang: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-rates-'));
  [guizhou, nanming] = await Promise.all([city('520000', work), city('520102', work)]);
  const cityFile = join(work, 'city.yaml');
  writeFileSync(cityFile, readFileSync(fixture('city.yaml'), 'utf8').replace(/connected:\n.*\n?$/, [
    'connected:',
    `  - { region: "520000", name: 贵州省平台, url: "${guizhou.url}", namespace: guizhou, timeoutMs: 1000 }`,
    `  - { region: "520102", name: 南明区平台, url: "${nanming.url}", namespace: nanming, timeoutMs: 1000 }`,
  ].join('\n')));
  guiyang = await startTestGateway({
    platformFile: cityFile,
    catalogueFiles: [fixture('city-housing.yaml')],
    rates: true,
    limits: { rate: { perDepartment: { requests: 2, perMs: 60_000 }, perUser: null } },
    gateway: { connectedPollMs: 0 },
  });
}, 60_000);

afterAll(async () => {
  await guiyang?.close();
  await guizhou?.close();
  await nanming?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A request forwarded by `from` for its department `dept` (of level `level` in `region`). */
async function forwarded(from: City, dept: string, level: Level, region: string): Promise<{ status: number; code?: string }> {
  const token = await signForwarded(from.keys, { iss: from.region, aud: '520100', sub: 'clerk', dept, deptLevel: level, deptRegion: region, purpose: null });
  const res = await fetch(`${guiyang.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: from.region },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code };
}

describe('rates of departments forwarded by two connected platforms', () => {
  it('a department of one platform that exhausts its bucket leaves the same code of the other platform its own', async () => {
    expect(await forwarded(guizhou, '520102-XCZX', 'province', '520000')).toEqual({ status: 200, code: undefined });
    expect(await forwarded(guizhou, '520102-XCZX', 'province', '520000')).toEqual({ status: 200, code: undefined });
    expect(await forwarded(guizhou, '520102-XCZX', 'province', '520000')).toEqual({ status: 429, code: 'RATE_LIMITED' });
    // Nanming's 520102-XCZX is another department: its first request is served.
    expect(await forwarded(nanming, '520102-XCZX', 'county', '520102')).toEqual({ status: 200, code: undefined });
  });
});
