// A connected platform answering each department-view ask (`?view=department`) with a text not seen
// before: each was parsed and stitched, on the event loop, for every department's introspection: 1.5 MB
// of types held the connecting gateway 15 to 20 s each time, every caller waiting (its own schema's
// builds were bounded, src/federation/schema-rebuilds.ts; the views' were not). Now the views' build time
// per platform is a budget (BuildBudget): past it, a view lacks that namespace until the budget refills.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { ConnectedPlatforms } from '../src/federation/connected.ts';
import { BuildBudget } from '../src/federation/schema-rebuilds.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import type { Department } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { provinceListing } from './helpers/stand-in-province.ts';
import { closeLoopback, listenOnLoopback } from './helpers/loopback.ts';

/** Enough types that a build takes tens of milliseconds. */
const TYPES = Array.from({ length: 400 }, (_, i) => `type T${i} { a: Int b: String c: [T${i}] }`).join('\n');
let asked = 0;
let work: string;
let server: Server;
let url: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-view-builds-'));
  server = createServer((req, res) => {
    if (!req.url?.startsWith('/.well-known/govgraph/schema')) return void res.writeHead(404).end();
    const view = req.url.endsWith('?view=department');
    // Each view ask: a text not seen before.
    const sdl = view ? `type Query { housing: Housing holder: Holder } type Housing { permits: Int } type Holder { ${Array.from({ length: 400 }, (_, i) => `f${i}: T${i}`).join(' ')} } type Ask${++asked} { a: Int }\n${TYPES}` : 'type Query { housing: Housing } type Housing { permits: Int }';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region: '610300', name: 'City', version: 'v1', sdl }));
  });
  url = await listenOnLoopback(server);
});

afterAll(async () => {
  await closeLoopback(server);
  rmSync(work, { recursive: true, force: true });
});

const local = makeExecutableSchema({ typeDefs: 'type Query { own: Int }', resolvers: {} });
const dept = (code: string): Department => ({ code, name: code, graphqlName: code, level: 'province', region: '610000' }) as Department;

describe('department views of a connected platform that answers each ask with a new text', () => {
  it('are built while the platform\'s budget of build time lasts; then lack its namespace, without building', async () => {
    const platform = provinceListing([{ region: '610300', name: 'City', url, namespace: 'city', timeoutMs: 3000 }], [dept('610000-ZWB')]);
    const store = await openSqliteStore(mkdtempSync(join(work, 'keys-')));
    // A burst of 1 ms: the first build spends it, and the wait after is twenty times what it took.
    const connected = new ConnectedPlatforms(platform, new PlatformKeys(store), { pollMs: 0, viewBuildBurstMs: 1 });
    // The texts parsed and stitched (ConnectedPlatforms' build, the gateway's own and the views'), counted
    // rather than timed: a build of these texts is what held the event loop.
    const builds = vi.spyOn(ConnectedPlatforms.prototype as unknown as { build(c: unknown, sdl: string): unknown }, 'build');
    const viewBuilds = () => builds.mock.calls.filter(([, sdl]) => /type Ask\d+ /.test(sdl)).length;
    try {
      await connected.refresh();
      const first = await connected.extendFor(local, dept('610000-MZ'));
      expect(Object.keys(first.getQueryType()!.getFields())).toContain('city');
      expect(viewBuilds()).toBe(1);
      const second = await connected.extendFor(local, dept('610000-ZR'));
      const third = await connected.extendFor(local, dept('610000-GA'));
      expect(asked).toBe(3);
      expect(Object.keys(second.getQueryType()!.getFields())).toEqual(['own']);
      expect(Object.keys(third.getQueryType()!.getFields())).toEqual(['own']);
      // Not built: asked only.
      expect(viewBuilds()).toBe(1);
    } finally {
      builds.mockRestore();
      connected.stop();
      await store.close();
    }
  });

  it('the budget: a burst, then a twentieth of the time passing', () => {
    const budget = new BuildBudget(2000);
    expect(budget.due('610300', 0)).toBe(true);
    budget.built('610300', 500, 0);
    budget.built('610300', 1000, 0);
    expect(budget.due('610300', 0)).toBe(true);
    budget.built('610300', 16_500, 0);
    expect(budget.due('610300', 0)).toBe(false);
    expect(budget.nextAt('610300', 0)).toBe(new Date(16_000 * 20).toISOString());
    expect(budget.due('610300', 16_000 * 20 - 1)).toBe(false);
    expect(budget.due('610300', 16_000 * 20 + 1)).toBe(true);
  });
});
