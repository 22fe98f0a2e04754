// A connected platform's department views (extendFor, for introspection) were kept per local view and
// department code with no bound: a forwarded department is named by the platform that forwards it, any
// code within its region, so a platform naming a new code at each introspection left one stitched schema
// behind per code for as long as the publication stayed in effect (found by the soak walk, §13/§15).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { ConnectedPlatforms, DEPARTMENT_VIEWS_KEPT } from '../src/federation/connected.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import type { Department } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { provinceListing } from './helpers/stand-in-province.ts';
import { closeLoopback, listenOnLoopback } from './helpers/loopback.ts';

let work: string;
let server: Server;
let url: string;
let viewsAsked = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-views-bounded-'));
  server = createServer((req, res) => {
    if (!req.url?.startsWith('/.well-known/govgraph/schema')) return void res.writeHead(404).end();
    if (req.url.endsWith('?view=department')) viewsAsked++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ region: '450100', name: 'Nanning', version: 'v1', sdl: 'type Query { roads: Roads } type Roads { km: Int }' }));
  });
  url = await listenOnLoopback(server);
});

afterAll(async () => {
  await closeLoopback(server);
  rmSync(work, { recursive: true, force: true });
});

const dept = (code: string): Department => ({ code, name: code, graphqlName: 'x', level: 'county', region: '450102' }) as Department;

describe('department views of the connected platforms', () => {
  it(`keep at most ${DEPARTMENT_VIEWS_KEPT} departments per local view, the least recently asked going first`, async () => {
    const platform = provinceListing([{ region: '450100', name: 'Nanning', url, namespace: 'nanning', timeoutMs: 3000 }], [dept('450000-ZWB')]);
    const store = await openSqliteStore(mkdtempSync(join(work, 'keys-')));
    const connected = new ConnectedPlatforms(platform, new PlatformKeys(store), { pollMs: 0 });
    const local = makeExecutableSchema({ typeDefs: 'type Query { own: Int }', resolvers: {} });
    try {
      await connected.refresh();
      const codes = Array.from({ length: DEPARTMENT_VIEWS_KEPT + 40 }, (_, i) => `450102-Z${i}`);
      for (const code of codes) await connected.extendFor(local, dept(code));
      expect(viewsAsked).toBe(codes.length);
      // The newest are kept (no new ask), the first ones were forgotten (asked again).
      await connected.extendFor(local, dept(codes.at(-1)!));
      expect(viewsAsked).toBe(codes.length);
      await connected.extendFor(local, dept(codes[0]));
      expect(viewsAsked).toBe(codes.length + 1);
      expect(connected.keptViews(local)).toBe(DEPARTMENT_VIEWS_KEPT);
    } finally {
      connected.stop();
      await store.close();
    }
  });
});
