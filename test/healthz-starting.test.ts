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
