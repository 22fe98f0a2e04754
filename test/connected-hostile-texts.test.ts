// What a listed connected platform says about itself, as `platform status`, /healthz and the log show
// it (SPEC §12): its schema version, its region, the message of its refusal, the names in a schema that
// cannot be stitched. Each was bounded only by the 8 MiB of a schema document: a platform answering with
// a version of a megabyte had it in every /healthz answer (which needs no login) and in the log. Now
// each is cut (128 characters for a version or region, 300 for a message; src/federation/their-text.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectedPlatforms } from '../src/federation/connected.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { provinceListing } from './helpers/stand-in-province.ts';

const LONG = 1_000_000;
const SDL = 'type Query { housing: Housing } type Housing { permits: Int }';

/** The stand-in platforms, by region: each answers its schema document as `answer` says. */
const answers: Record<string, (region: string) => { status: number; body: unknown }> = {
  '610100': (region) => ({ status: 200, body: { region, name: 'n', version: `v${'x'.repeat(LONG)}`, sdl: SDL } }),
  '610200': () => ({ status: 401, body: { errors: [{ message: `no ${'y'.repeat(LONG)}` }] } }),
  '610300': () => ({ status: 200, body: { region: `r${'z'.repeat(LONG)}`, name: 'n', version: 'v1', sdl: SDL } }),
  '610400': (region) => ({ status: 200, body: { region, name: 'n', version: 'v1', sdl: `type Query { a: T${'t'.repeat(LONG)} }` } }),
  // A region that reads as the one listed, and a version that reverses what follows it.
  '610500': (region) => ({ status: 200, body: { region: `${region}\u200b`, name: 'n', version: 'v1', sdl: SDL } }),
  '610600': (region) => ({ status: 200, body: { region, name: 'n', version: 'v1\u202e2.3', sdl: SDL } }),
};

const servers: Server[] = [];
const lines: { message: string; fields: Record<string, unknown> }[] = [];
let work: string;
let connected: ConnectedPlatforms;
let close: () => Promise<void>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-texts-'));
  const listed = [];
  for (const [region, answer] of Object.entries(answers)) {
    const server = createServer((req, res) => {
      const { status, body } = answer(region);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    listed.push({ region, name: `City ${region}`, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, namespace: `c${region}`, timeoutMs: 5000 });
  }
  const platform = provinceListing(listed);
  const store = await openSqliteStore(mkdtempSync(join(work, 'keys-')));
  connected = new ConnectedPlatforms(platform, new PlatformKeys(store), { pollMs: 0, log: (_level, message, fields) => lines.push({ message, fields }) });
  close = async () => (connected.stop(), store.close());
  await connected.refresh();
}, 60_000);

afterAll(async () => {
  await close?.();
  for (const s of servers) s.closeAllConnections(), s.close();
  rmSync(work, { recursive: true, force: true });
});

const longest = (values: unknown[]) => Math.max(...values.map((v) => (typeof v === 'string' ? v.length : 0)));

describe('what a connected platform says about itself', () => {
  it('its schema version: cut at 128 characters, saying how long it was', () => {
    expect(connected.status().find((s) => s.region === '610100')).toMatchObject({ reachable: true, lastError: null, schemaVersion: `v${'x'.repeat(127)}… (${LONG + 1} characters, cut)` });
  });

  it('the message of its refusal, the region it answers as, the names of a schema that cannot be stitched: cut at 300 characters', () => {
    const byRegion = (region: string) => connected.status().find((s) => s.region === region)!;
    expect(byRegion('610200').lastError).toMatch(new RegExp(`^it refused this platform \\(HTTP 401\\): no y{297}… \\(${LONG + 3} characters, cut\\) It verifies`));
    expect(byRegion('610300').lastError).toMatch(new RegExp(` answers as platform rz{127}… \\(${LONG + 1} characters, cut\\), not 610300; check the url\\.$`));
    expect(byRegion('610400').lastError).toMatch(/^its schema cannot be stitched: Unknown type "Tt{285}… \(\d+ characters, cut\)$/);
  });

  it('a region or version holding a hidden character shows it as an escape: not "answers as platform 610500, not 610500"', () => {
    const byRegion = (region: string) => connected.status().find((s) => s.region === region)!;
    expect(byRegion('610500').lastError).toMatch(/ answers as platform 610500\\u200b, not 610500; check the url\.$/);
    expect(byRegion('610600')).toMatchObject({ reachable: true, schemaVersion: 'v1\\u202e2.3' });
    for (const l of lines) expect(JSON.stringify(l.fields)).not.toMatch(/[\u200b\u202e]/);
  });

  it('nothing longer than a few hundred characters in platform status, /healthz or the log', () => {
    for (const s of [...connected.status(), ...connected.publicStatus()]) expect(longest(Object.values(s))).toBeLessThan(1000);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(longest(Object.values(l.fields))).toBeLessThan(1000);
  });
});
