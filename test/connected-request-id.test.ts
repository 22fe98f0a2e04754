// A namespace read carries its request id across the hop: the province sends its own request id as the
// forwarded request's x-request-id, so the province's and the city's audit entries of one read name the
// same id and a supervisor of each can find the other's (SPEC §12: both audit). Two gateways on loopback,
// each with its own store (test/fixtures/cancel).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { freePort } from './helpers/guizhou.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/cancel', name);
const QUERY = '{ city { cityStatistics { units(first: 2) { nodes { unitNo } } } } }';

let work: string;
let city: TestGateway;
let province: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-hop-id-'));
  const provincePort = await freePort();
  const cityFile = join(work, 'city.yaml');
  writeFileSync(cityFile, readFileSync(fixture('city.yaml'), 'utf8').replace('PROVINCE_URL', `http://127.0.0.1:${provincePort}`));
  city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('catalogue-city.yaml')] });
  const units = (readDocument(fixture('catalogue-city.yaml')) as Catalogue).resources[0];
  await city.store.insert(collectionOf(units), [{ unitNo: 'C1', name: 'One', parentNo: null }, { unitNo: 'C2', name: 'Two', parentNo: 'C1' }]);
  const provinceFile = join(work, 'province.yaml');
  writeFileSync(provinceFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}connected:\n  - { region: "650100", name: Request id test city, url: "${city.gateway.url}", namespace: city, timeoutMs: 10000 }\n`);
  province = await startTestGateway({ platformFile: provinceFile, catalogueFiles: [fixture('catalogue.yaml')], gateway: { port: provincePort, connectedPollMs: 0 } });
}, 60_000);

afterAll(async () => {
  await province?.close();
  await city?.close();
  rmSync(work, { recursive: true, force: true });
});

const entries = async (gw: TestGateway, requestId: string) => (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow);

it("the city's entry of a namespace read names the province's request id", async () => {
  const res = await fetch(`${province.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await province.token('650000-ZWB')}`, 'x-purpose': 'survey', 'x-request-id': 'hop-42' },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = (await res.json()) as { data?: { city: { cityStatistics: { units: { nodes: unknown[] } } } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data!.city.cityStatistics.units.nodes).toHaveLength(2);
  expect(res.headers.get('x-request-id')).toBe('hop-42');
  expect(await entries(province, 'hop-42')).toMatchObject([{ kind: 'read', department: '650000-ZWB', outcome: 'allowed' }]);
  expect(await entries(city, 'hop-42')).toMatchObject([{ kind: 'read', department: '650000-ZWB', via: '650000', outcome: 'allowed' }]);
}, 20_000);

it('a made request id travels too', async () => {
  const res = await fetch(`${province.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await province.token('650000-ZWB')}`, 'x-purpose': 'survey' },
    body: JSON.stringify({ query: QUERY }),
  });
  expect(res.status).toBe(200);
  const id = res.headers.get('x-request-id')!;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(await entries(city, id)).toMatchObject([{ via: '650000' }]);
}, 20_000);
