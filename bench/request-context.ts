// The context of a request as the gateway makes it (src/server/app.ts), for the benches that execute the
// demo's queries in process (bench/executors.ts, bench/list-phases.ts, bench/ab-in-process.ts): the
// benches' requester with its purpose, its grants through the grant cache, the access profile worked
// out as each request does, and one profile's memoised decisions.
import { accessProfile, createAccessContext, profileDecisions, type ProfileDecisions } from '../src/access/context.ts';
import { GrantCache } from '../src/access/grant-cache.ts';
import type { Platform } from '../src/model/platform.ts';
import { createCursorCodec } from '../src/server/cursors.ts';
import type { Store } from '../src/store/port.ts';
import type { RequestContext } from '../resolvers/request.ts';
import { PURPOSE, REQUESTER } from './demo-queries.ts';

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
