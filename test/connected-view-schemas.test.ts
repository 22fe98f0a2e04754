// Department introspection views of a connected platform (SPEC §5, §12, §15): each view asks the
// platform for its `?view=department` schema. The text was parsed and stitched again every time a view
// was made: for every department whose view was not kept, and for all of them after any publication here
// or there. Now a connected platform's view schema is built once per text, whatever asks for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { ConnectedPlatforms } from '../src/federation/connected.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import type { Department } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { provinceListing } from './helpers/stand-in-province.ts';
import { closeLoopback, listenOnLoopback } from './helpers/loopback.ts';

let work: string;
let server: Server;
let url: string;
/** The view schema the stand-in platform serves now, and how often it was asked for one. */
let viewSdl = 'type Query { housing: Housing } type Housing { permits: Int }';
let viewsAsked = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-views-'));
  server = createServer((req, res) => {
    if (!req.url?.startsWith('/.well-known/govgraph/schema')) return void res.writeHead(404).end();
    const view = req.url.endsWith('?view=department');
    if (view) viewsAsked++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ region: '610300', name: 'City', version: 'v1', sdl: view ? viewSdl : 'type Query { housing: Housing } type Housing { permits: Int fee: Int }' }));
  });
  url = await listenOnLoopback(server);
});

afterAll(async () => {
  await closeLoopback(server);
  rmSync(work, { recursive: true, force: true });
});

const local = (n: number) => makeExecutableSchema({ typeDefs: `type Query { own${n}: Int }`, resolvers: {} });
const dept = (code: string): Department => ({ code, name: code, graphqlName: code, level: 'province', region: '610000' }) as Department;

/** The connected platform's schemas as parsed here, that a stitched view was made of. */
function parsedIn(view: GraphQLSchema): GraphQLSchema[] {
  const info = view.extensions.stitchingInfo as { subschemaMap: Map<unknown, { schema: GraphQLSchema }> };
  return [...info.subschemaMap.values()].map((s) => s.schema);
}

describe('a connected platform\'s department views', () => {
  it('are built once per view schema text, for every department and rebuild; a new text is built', async () => {
    const platform = provinceListing([{ region: '610300', name: 'City', url, namespace: 'city', timeoutMs: 3000 }], [dept('610000-ZWB')]);
    const store = await openSqliteStore(mkdtempSync(join(work, 'keys-')));
    const connected = new ConnectedPlatforms(platform, new PlatformKeys(store), { pollMs: 0 });
    try {
      await connected.refresh();
      const a = await connected.extendFor(local(1), dept('610000-MZ'));
      const b = await connected.extendFor(local(1), dept('610000-ZRZY'));
      // A publication here: a new local schema, every view made again.
      const c = await connected.extendFor(local(2), dept('610000-MZ'));
      expect(viewsAsked).toBe(3);
      for (const view of [a, b, c]) expect(Object.keys(view.getQueryType()!.getFields())).toContain('city');
      const [parsed] = parsedIn(a);
      expect(parsed.getType('Housing')).toBeTruthy();
      expect(parsedIn(b)[0]).toBe(parsed);
      expect(parsedIn(c)[0]).toBe(parsed);

      viewSdl = 'type Query { housing: Housing } type Housing { permits: Int area: Float }';
      const d = await connected.extendFor(local(3), dept('610000-MZ'));
      expect(parsedIn(d)[0]).not.toBe(parsed);
      expect(Object.keys((parsedIn(d)[0].getType('Housing') as unknown as { getFields(): object }).getFields())).toEqual(['permits', 'area']);
    } finally {
      connected.stop();
      await store.close();
    }
  });
});
