// A listed connected platform that costs the connecting gateway CPU and memory through its schema
// (SPEC §12): one that serves a schema document of tens of megabytes at every poll, each with a new
// version, had it read, parsed and stitched every 3 s (64 MB was the only bound, that of any answer).
// Now a schema document is read up to MAX_SCHEMA_BYTES, then refused with the reason in the log and
// `platform status`; an answer to the namespace that says it is larger than MAX_ANSWER_BYTES is refused
// before it is read. One that bumps its version at every poll without changing its schema had it
// stitched again each time (and every department's introspection view dropped): a schema whose text is
// the one in effect is not stitched again, whatever version it claims. One that serves a different
// schema at every poll had it parsed and stitched every 3 s (about 15 s at 8 MiB, the gateway stalled for
// every caller meanwhile): a platform's schema is now built from a bucket of REBUILD_BURST builds, one
// more each minute, its first schema at once, and the namespace answers from the last one built meanwhile.
// The answer said to be too large is then sent in full if the gateway reads on: how much of it left the
// platform is counted, not how long the refusal took.
// An honest platform publishing several times in a row has each publication built at the poll that sees
// it (SPEC §12: within 10 s); a fixed minute between two builds showed the second up to a minute late.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLObjectType } from 'graphql';
import { ConnectedPlatforms, MAX_SCHEMA_BYTES } from '../src/federation/connected.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { MAX_ANSWER_BYTES } from '../src/federation/http-client.ts';
import { REBUILD_BURST, REBUILD_COST_FACTOR, REBUILD_INTERVAL_MS, SchemaRebuilds } from '../src/federation/schema-rebuilds.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { provinceListing, startLevelsProvince } from './helpers/stand-in-province.ts';
import { publicVersion } from '../src/federation/connected-status.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SDL = 'type Query { housing: Housing } type Housing { permits: Int }';

/**
 * An answer that says it is larger than any answer read, then sends it, 1 MiB at a time as the gateway
 * reads it: the bytes it handed to the connection before the gateway hung up (or all of them).
 */
async function hugeAnswer(res: ServerResponse): Promise<number> {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MAX_ANSWER_BYTES + 1) });
  res.on('error', () => {});
  const closed = new Promise((r) => res.once('close', r));
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  while (!res.destroyed && sent + chunk.length <= MAX_ANSWER_BYTES) {
    sent += chunk.length;
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), closed]);
  }
  if (!res.destroyed) (sent += MAX_ANSWER_BYTES + 1 - sent), res.end(Buffer.alloc(1, 0x20));
  await closed;
  return sent;
}

/**
 * A stand-in platform answering its schema document with `sdl(n)` and version `v<n>` at its n-th ask;
 * `answers`: the bytes of each answer to the namespace it sent (hugeAnswer), once the connection closed.
 */
async function schemaServer(region: string, sdl: (n: number) => string): Promise<{ url: string; server: Server; asked: () => number; answers: Promise<number>[] }> {
  let n = 0;
  const answers: Promise<number>[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/graphql') return void answers.push(hugeAnswer(res));
    if (!req.url?.startsWith('/.well-known/govgraph/schema')) return void res.writeHead(404).end();
    n++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ region, name: `platform ${region}`, version: `v${n}`, sdl: sdl(n) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, asked: () => n, answers };
}

const logLines: Record<string, unknown>[] = [];
const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } }));
const servers: Server[] = [];
let work: string;
let platformFile: string;
let gw: TestGateway;
let bumping: Awaited<ReturnType<typeof schemaServer>>;

beforeAll(async () => {
  // Over the bound by a little, with a new schema (a new field) at every ask; a block string keeps it cheap to parse.
  const huge = await schemaServer('610100', (n) => `type Query { housing: Housing v${n}: Int } type Housing { permits: Int } """${'x'.repeat(MAX_SCHEMA_BYTES)}""" scalar Pad`);
  // The same schema, a new version at every ask.
  bumping = await schemaServer('610200', () => SDL);
  servers.push(huge.server, bumping.server);
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-hostile-'));
  ({ gw, platformFile } = await startLevelsProvince(work, [
    `  - { region: "610100", name: City huge, url: "${huge.url}", namespace: huge, timeoutMs: 5000 }`,
    `  - { region: "610200", name: City bumping, url: "${bumping.url}", namespace: bumping, timeoutMs: 5000 }`,
  ], { logger, connectedPollMs: 0 }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  for (const s of servers) s.closeAllConnections(), s.close();
  rmSync(work, { recursive: true, force: true });
});

const TOO_LARGE = new RegExp(`^http://127\\.0\\.0\\.1:\\d+ sent a schema document larger than ${MAX_SCHEMA_BYTES} bytes \\(8 MiB\\), the most this gateway reads of a connected platform's schema; it was read no further\\.$`);

describe('a connected platform\'s schema document', () => {
  it('larger than MAX_SCHEMA_BYTES: refused, read no further, the reason logged and in /healthz', async () => {
    const status = () => gw.gateway.connected.status().find((s) => s.namespace === 'huge')!;
    expect(status()).toMatchObject({ reachable: false, schemaVersion: null });
    expect(status().lastError).toMatch(TOO_LARGE);
    const line = logLines.find((l) => l.event === 'connected-platform' && l.namespace === 'huge');
    expect(line).toMatchObject({ level: 40, msg: 'connected platform unavailable' });
    expect(String(line!.reason)).toMatch(TOO_LARGE);
    const health = (await (await fetch(`${gw.gateway.url}/healthz`)).json()) as { connected: { namespace: string; lastError: string }[] };
    expect(health.connected.find((c) => c.namespace === 'huge')!.lastError)
      .toBe(`it sent a schema document larger than ${MAX_SCHEMA_BYTES} bytes (8 MiB), the most this gateway reads of a connected platform's schema; it was read no further.`);
  });

  it('the same text under a new version: not stitched again, the version noted', async () => {
    let changes = 0;
    const stop = gw.gateway.connected.onChange(() => changes++);
    try {
      for (let i = 0; i < 3; i++) await gw.gateway.connected.refresh();
    } finally {
      stop();
    }
    expect(changes).toBe(0);
    expect(gw.gateway.connected.status().find((s) => s.namespace === 'bumping')).toMatchObject({ reachable: true, lastError: null, schemaVersion: `v${bumping.asked()}` });
  });

  it('an answer to the namespace larger than MAX_ANSWER_BYTES: PLATFORM_UNAVAILABLE for the caller, logged with the url', async () => {
    const res = await gw.query('{ bumping { housing { permits } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });
    // Refused on what it says, not once 64 MiB were read: the platform got out no more than the connection's
    // buffers hold before the gateway hung up (counted, not timed: on the clock, a fast machine reads 64 MiB
    // of loopback in well under the 2 s that once bounded this).
    const sent = await Promise.all(bumping.answers);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeLessThan(MAX_ANSWER_BYTES / 2);
    expect(res.data).toEqual({ bumping: null, naturalResources: { parcels: { totalCount: 0 } } });
    expect(res.errors).toEqual([expect.objectContaining({
      message: 'The connected platform City bumping (610200) is unavailable: it sent an answer of more than 67108864 bytes, the most this gateway reads of a connected platform\'s answer; it was read no further.',
      extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '610200' },
    })]);
    const line = logLines.find((l) => l.msg === 'connected platform answer refused');
    expect(line).toMatchObject({ level: 40, platform: '610200', namespace: 'bumping' });
    expect(String(line!.reason)).toMatch(/: http:\/\/127\.0\.0\.1:\d+ sent an answer of more than 67108864 bytes/);
  });

  it('platform status names the bound', async () => {
    const out = await new Promise<{ code: number; stdout: string }>((resolve) => execFile(process.execPath,
      [join(root, 'bin/govgraph.js'), 'platform', 'status', '--platform', platformFile, '--data', gw.dataDir],
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout })));
    expect(out.code).toBe(1);
    const lines = out.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('huge  '));
    expect(lines[at + 1]).toMatch(/^ {2}unreachable; schema unknown; last error: /);
    expect(lines[at + 1].replace(/^.*?; last error: /, '')).toMatch(TOO_LARGE);
  }, 60_000);
});

describe('a connected platform whose schema changes at every poll', () => {
  const LOCAL = makeExecutableSchema({ typeDefs: 'type Query { own: Int }', resolvers: { Query: { own: () => 1 } } });
  /** A new field v<n> at its n-th ask. */
  const changing = (n: number) => `type Query { housing: Housing v${n}: Int } type Housing { permits: Int }`;

  async function province(url: string, rebuildIntervalMs?: number, rebuildBurst?: number) {
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const platform = provinceListing([{ region: '610300', name: 'City changing', url, namespace: 'changing', timeoutMs: 3000 }]);
    const store = await openSqliteStore(mkdtempSync(join(work, 'keys-')));
    const connected = new ConnectedPlatforms(platform, new PlatformKeys(store), {
      pollMs: 0, rebuildIntervalMs, rebuildBurst, log: (level, message, fields) => lines.push({ level, message, fields }),
    });
    let changes = 0;
    connected.onChange(() => changes++);
    const fields = () => Object.keys((connected.extend(LOCAL).getQueryType()!.getFields().changing.type as GraphQLObjectType).getFields());
    return { connected, lines, changes: () => changes, fields, status: () => connected.status()[0], close: () => (connected.stop(), store.close()) };
  }

  it('builds a publication at each poll that sees it, several in a row (SPEC §12: within 10 s)', async () => {
    const city = await schemaServer('610300', changing);
    servers.push(city.server);
    const p = await province(city.url); // the gateway's own interval and burst
    try {
      // The first schema, then three publications in a row, each seen by the next poll: each built then.
      // A build is followed by REBUILD_COST_FACTOR times what it took without one (a tiny schema's: a few
      // ms, over 150 on a loaded machine, when a fixed 3 s between polls failed): the next poll comes 3 s
      // later as in a gateway, or that factor times the last refresh (the build within it) if longer; far
      // from the minute a fixed wait between two builds took, which this shows is gone.
      let lastMs = 0;
      for (let i = 1; i <= 4; i++) {
        if (i > 1) {
          const wait = Math.max(3000, REBUILD_COST_FACTOR * lastMs + 10);
          expect(wait).toBeLessThan(REBUILD_INTERVAL_MS / 2);
          await new Promise((r) => setTimeout(r, wait));
        }
        const started = performance.now();
        await p.connected.refresh();
        lastMs = Math.ceil(performance.now() - started);
        expect(p.changes()).toBe(i);
        expect(p.fields()).toEqual(['housing', `v${i}`]);
        expect(p.status()).toMatchObject({ schemaVersion: `v${i}`, pendingSchema: null });
      }
      expect(p.lines.filter((l) => l.message === 'connected platform schema changed again; built later')).toEqual([]);
    } finally {
      await p.close();
    }
  }, 120_000); // three waits of up to REBUILD_INTERVAL_MS / 2 on a slow machine

  it('a bucket of REBUILD_BURST builds, one more each interval, and never sooner than 20 times the last build', () => {
    const r = new SchemaRebuilds(60_000, 3);
    const t = 1_000_000;
    expect(r.due('610300', t)).toBe(true);
    for (let i = 0; i < 3; i++) {
      expect(r.due('610300', t + i * 3000)).toBe(true);
      r.built('610300', 10, t + i * 3000);
    }
    expect(r.due('610300', t + 9000)).toBe(false); // spent: a platform changing at every poll waits
    expect(r.skip('610300')).toBe(true);
    expect(r.skip('610300')).toBe(false);
    // One build given back each minute, counted from the first: 3 - 3 + 0.1 after 6 s, 1 after 60 s.
    expect(r.nextAt('610300', t + 9000)).toBe(new Date(t + 60_000).toISOString());
    expect(r.due('610300', t + 59_999)).toBe(false);
    expect(r.due('610300', t + 60_000)).toBe(true);
    expect(r.built('610300', 10, t + 60_000)).toBe(2);
    expect(r.due('610300', t + 64_000)).toBe(false);
    // A slow build: 20 times what it took before the next, builds left or not.
    const slow = new SchemaRebuilds();
    slow.built('610400', 1000, t);
    expect(slow.due('610400', t + 3000)).toBe(false);
    expect(slow.due('610400', t + 20_000)).toBe(true);
    expect(REBUILD_BURST).toBeGreaterThanOrEqual(3);
  });

  it('is built once, the changes after it skipped, the last one built in effect, the pending one in the status and logged once', async () => {
    const city = await schemaServer('610300', changing);
    servers.push(city.server);
    const p = await province(city.url, undefined, 1); // a bucket of one build: the wait after each
    try {
      // The first schema starts no wait (a publication right after the start shows at once); the second does.
      await p.connected.refresh();
      await p.connected.refresh();
      expect(p.changes()).toBe(2);
      for (let i = 0; i < 3; i++) await p.connected.refresh();
      expect(p.changes()).toBe(2);
      expect(p.fields()).toEqual(['housing', 'v2']);
      expect(p.status()).toMatchObject({ reachable: true, lastError: null, schemaVersion: 'v2' });
      expect(p.status().pendingSchema).toMatch(/^v5, to be built at \d{4}-\d\d-\d\dT[\d:.]+Z or later \(/);
      const warned = p.lines.filter((l) => l.message === 'connected platform schema changed again; built later');
      expect(warned).toEqual([{ level: 'warn', message: 'connected platform schema changed again; built later', fields: expect.objectContaining({ platform: '610300', namespace: 'changing', version: 'v3' }) }]);
      // /healthz (anyone's) names the waiting version by its digest, and the time as platform status does.
      const health = p.connected.publicStatus()[0];
      expect(health.pendingSchema).toBe(p.status().pendingSchema!.replace(/^v5/, publicVersion('v5')));
      expect(health.schemaVersion).toBe(publicVersion('v2'));
    } finally {
      await p.close();
    }
  });

  it('the first change after a quiet period is built at once, its skipped changes counted in the log', async () => {
    const city = await schemaServer('610300', changing);
    servers.push(city.server);
    const p = await province(city.url, 100, 1);
    try {
      for (let i = 0; i < 3; i++) await p.connected.refresh();
      expect(p.changes()).toBe(2);
      // The wait is the interval or 20 times what the build took, whichever is longer: the time the status
      // names, not a fixed 2 s (a build of over 100 ms on a loaded machine made that wait longer: CI 155).
      const at = Date.parse(/to be built at (\S+) or later/.exec(p.status().pendingSchema ?? '')?.[1] ?? '');
      expect(at).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now()) + 50));
      await p.connected.refresh();
      expect(p.changes()).toBe(3);
      expect(p.fields()).toEqual(['housing', 'v4']);
      expect(p.status()).toMatchObject({ schemaVersion: 'v4', pendingSchema: null });
      expect(p.lines.find((l) => l.message === 'connected platform schema built after changes skipped'))
        .toEqual({ level: 'info', message: 'connected platform schema built after changes skipped', fields: { platform: '610300', namespace: 'changing', skipped: 1 } });
    } finally {
      await p.close();
    }
  });
});
