// The operation-name series of /metrics (src/server/metrics.ts): each department takes at most
// MAX_OPERATION_NAMES_PER_DEPARTMENT of them first. Department codes are each platform's own: a province
// and a county both connected to a city can forward the same code (a county department's, the county's
// own and the province's view of it), and they are two departments, as their rate buckets are
// (counterKey). One platform's department sending made-up names took the other's share.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { MAX_OPERATION_NAMES_PER_DEPARTMENT } from '../src/server/metrics.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { keysOnlyPlatform, type KeysOnlyPlatform } from './helpers/keys-only-platform.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/guizhou', name);

let work: string;
let province: KeysOnlyPlatform;
let county: KeysOnlyPlatform;
let city: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-metrics-share-'));
  province = await keysOnlyPlatform('520000', work);
  county = await keysOnlyPlatform('520102', work);
  const cityFile = join(work, 'city.yaml');
  writeFileSync(cityFile, readFileSync(fixture('city.yaml'), 'utf8').replace(/connected:\n.*\n?$/, [
    'connected:',
    `  - { region: "520000", name: Province, url: "${province.url}", namespace: province, timeoutMs: 1000 }`,
    `  - { region: "520102", name: County, url: "${county.url}", namespace: county, timeoutMs: 1000 }`,
  ].join('\n')));
  city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('city-housing.yaml')], gateway: { connectedPollMs: 0 } });
}, 60_000);

afterAll(async () => {
  await city?.close();
  await province?.close();
  await county?.close();
  rmSync(work, { recursive: true, force: true });
});

async function forward(from: KeysOnlyPlatform, iss: string, operation: string): Promise<void> {
  const token = await signForwarded(from.keys, { iss, aud: '520100', sub: 'clerk', dept: '520102-WJW', deptLevel: 'county', deptRegion: '520102', purpose: 'poverty-relief' });
  const res = await fetch(`${city.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: iss },
    body: JSON.stringify({ query: `query ${operation} { __typename }` }),
  });
  await res.text();
}

it('counts a department forwarded by one platform apart from the same code forwarded by another', async () => {
  for (let i = 0; i <= MAX_OPERATION_NAMES_PER_DEPARTMENT; i++) await forward(province, '520000', `MadeUp${i}`);
  await forward(county, '520102', 'CountyOwnQuery');
  const metrics = await (await fetch(`${city.gateway.url}/metrics`)).text();
  expect(metrics).toContain('operation="MadeUp0"');
  expect(metrics).not.toContain(`operation="MadeUp${MAX_OPERATION_NAMES_PER_DEPARTMENT}"`);
  expect(metrics).toContain('operation="CountyOwnQuery"');
}, 60_000);
