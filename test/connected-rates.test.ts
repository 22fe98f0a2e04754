// Rates of forwarded requests (SPEC §12, §13) on a province connected to two cities. Department codes are
// each platform's own (SPEC §3: nothing reads a region out of a code), so two cities may both have a
// department "XCZX": on the province they are two departments, each with its own rate bucket. One city's
// department that sends too much must not leave the other city's department of the same code refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import type { Level } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/guizhou', name);

/** A stand-in city platform: it publishes its signing keys and nothing else (the province only verifies with them). */
interface City { region: string; url: string; keys: PlatformKeys; server: Server; close(): Promise<void> }

async function city(region: string, work: string): Promise<City> {
  const dir = mkdtempSync(join(work, `city-${region}-`));
  const store = await openSqliteStore(dir);
  const keys = new PlatformKeys(store);
  const server = createServer(async (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/jwks.json') res.end(JSON.stringify(await keys.jwks()));
    else res.writeHead(404).end('{"errors":[{"message":"not here"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    region, url, keys, server,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
    },
  };
}

let work: string;
let guiyang: City;
let liupanshui: City;
let province: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-rates-'));
  [guiyang, liupanshui] = await Promise.all([city('520100', work), city('520200', work)]);
  const provinceFile = join(work, 'province.yaml');
  writeFileSync(provinceFile, readFileSync(fixture('platform.yaml'), 'utf8').replace(/connected: \[\]/, [
    'connected:',
    `  - { region: "520100", name: 贵阳市平台, url: "${guiyang.url}", namespace: guiyang, timeoutMs: 1000 }`,
    `  - { region: "520200", name: 六盘水市平台, url: "${liupanshui.url}", namespace: liupanshui, timeoutMs: 1000 }`,
  ].join('\n')));
  province = await startTestGateway({
    platformFile: provinceFile,
    catalogueFiles: [fixture('police.yaml'), fixture('rural.yaml')],
    rates: true,
    limits: { rate: { perDepartment: { requests: 2, perMs: 60_000 }, perUser: null } },
    gateway: { connectedPollMs: 0 },
  });
}, 60_000);

afterAll(async () => {
  await province?.close();
  await guiyang?.close();
  await liupanshui?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A request forwarded by `from` for its department `dept` (of level `level` in `region`). */
async function forwarded(from: City, dept: string, level: Level, region: string): Promise<{ status: number; code?: string }> {
  const token = await signForwarded(from.keys, { iss: from.region, aud: '520000', sub: 'clerk', dept, deptLevel: level, deptRegion: region, purpose: null });
  const res = await fetch(`${province.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: from.region },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code };
}

describe('rates of departments forwarded by two connected cities', () => {
  it('a department of one city that exhausts its bucket leaves the same code of the other city its own', async () => {
    expect(await forwarded(guiyang, 'XCZX', 'city', '520100')).toEqual({ status: 200, code: undefined });
    expect(await forwarded(guiyang, 'XCZX', 'city', '520100')).toEqual({ status: 200, code: undefined });
    expect(await forwarded(guiyang, 'XCZX', 'city', '520100')).toEqual({ status: 429, code: 'RATE_LIMITED' });
    // Liupanshui's XCZX is another department: its first request is served.
    expect(await forwarded(liupanshui, 'XCZX', 'city', '520200')).toEqual({ status: 200, code: undefined });
  });
});
