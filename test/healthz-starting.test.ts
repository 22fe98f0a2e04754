// /healthz answers 200 once the schema is loaded (and from then on: liveness), 503 `starting` before:
// the gateway listens before it loads the schema, so that /readyz can say it is starting, and a probe
// must not take a gateway that cannot read its catalogues yet for a live one.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { startGateway } from '../src/server/app.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let base: TestGateway | undefined;
afterAll(() => base?.close());

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  });
});

it('says 503 starting until the schema is loaded, then 200', async () => {
  base = await startTestGateway({ demo: true });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // The catalogues' first read waits at the gate: the gateway listens, its schema not loaded.
  const store: Store = Object.create(base.store);
  store.find = async (collection, query) => {
    if (collection === CATALOGUE_VERSIONS) await gate;
    return base!.store.find(collection, query);
  };
  const port = await freePort();
  const starting = startGateway({ platform: base.platform, store, port, pollMs: 0 });
  const ask = async (path: string) => {
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        return [res.status, await res.json()];
      } catch (err) {
        if (i > 100) throw err; // not listening yet: asked again
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  expect(await ask('/healthz')).toEqual([503, { status: 'starting' }]);
  expect(await ask('/readyz')).toEqual([503, { status: 'starting' }]);
  release();
  const gateway = await starting;
  try {
    expect(await ask('/healthz')).toEqual([200, { status: 'ok' }]);
    expect(await ask('/readyz')).toEqual([200, { status: 'ready' }]);
  } finally {
    await gateway.close();
  }
}, 60_000);

it('says 503 starting while the start waits on a connected platform, as /readyz and /graphql do', async () => {
  base ??= await startTestGateway({ demo: true });
  // A connected platform that takes every connection and never answers: the start waits its timeout for
  // the first schema ask, the local schema loaded meanwhile, and /graphql answers 503 starting.
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const silentPort = (silent.address() as AddressInfo).port;
  const platform = {
    ...base.platform,
    connected: [{ region: '990000', name: 'Silent platform', url: `http://127.0.0.1:${silentPort}`, namespace: 'silent', timeoutMs: 3000 }],
  };
  const port = await freePort();
  const starting = startGateway({ platform, store: base.store, port, pollMs: 0 });
  const ask = async (path: string, init?: RequestInit): Promise<[number, unknown]> => {
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
        return [res.status, await res.json()];
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  try {
    // Past the local schema's load (a few hundred ms), inside the connected platform's 3 s.
    const until = Date.now() + 10_000;
    while (Date.now() < until && (await ask('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' }))[0] !== 503) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1000));
    const [ready, graphql, health] = [await ask('/readyz'), await ask('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' }), await ask('/healthz')];
    expect(ready[1]).toEqual({ status: 'starting' });
    expect(graphql[0]).toBe(503);
    expect(health[0]).toBe(503);
    expect((health[1] as { status: string }).status).toBe('starting');
  } finally {
    const gateway = await starting;
    await gateway.close();
    silent.close();
  }
}, 60_000);
