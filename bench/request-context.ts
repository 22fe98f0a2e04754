// The context of a request as the gateway makes it (src/server/app.ts), for the benches that execute the
// demo's queries in process (bench/executors.ts, bench/list-phases.ts, bench/ab-in-process.ts,
// bench/denied-item.ts): the benches' requester with its purpose, its grants through the grant cache, the
// access profile worked out as each request does, and one profile's memoised decisions. And what those
// benches start from: the demo's data in a temporary store, the gateway's schema built over it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessProfile, createAccessContext, profileDecisions, type ProfileDecisions } from '../src/access/context.ts';
import { GrantCache } from '../src/access/grant-cache.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import type { Platform } from '../src/model/platform.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { createCursorCodec } from '../src/server/cursors.ts';
import type { Store } from '../src/store/port.ts';
import type { RequestContext } from '../resolvers/request.ts';
import { benchPlatform, PURPOSE, REQUESTER } from './demo-queries.ts';

export function requestContexts(platform: Platform, store: Store, published: RequestContext['published'], decisions: ProfileDecisions = profileDecisions()): () => Promise<RequestContext> {
  const grantCache = new GrantCache(store);
  const cursors = createCursorCodec(new Uint8Array(32));
  const dept = platform.departments.find((d) => d.code === REQUESTER)!;
  let n = 0;
  return async () => {
    const now = new Date();
    const grants = await grantCache.activeFor(dept.code, now);
    accessProfile({ requester: dept, purpose: PURPOSE, grants });
    return {
      requestId: `bench-${n++}`, platform, store, identity: { user: 'bench', dept, roles: [] }, purpose: PURPOSE, now,
      access: createAccessContext({ requester: dept, purpose: PURPOSE, grants, now }, decisions),
      grants, cursors, loaders: new Map(), records: new Map(), reads: new Map(),
      schema: { check: () => {}, refresh: async () => false }, forwards: [], published,
    };
  };
}

/** The demo's data in a temporary store (`name` in its folder's name), the schema built over it, the requests' contexts; `close` removes the store. */
export async function demoInProcess(name: string) {
  const { platform } = benchPlatform(0);
  const dir = mkdtempSync(join(tmpdir(), `govgraph-${name}-`));
  const store = await openSqliteStore(dir);
  const close = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    process.stderr.write('loading the demo data...\n');
    await ensureDemo(store, platform);
    const built = buildGatewaySchema(platform, await publishedCatalogues(store));
    return { platform, store, built, context: requestContexts(platform, store, built.catalogues), close };
  } catch (error) {
    await close();
    throw error;
  }
}
