// A listed connected platform that answers its schema document byte by byte (slowloris, SPEC §12):
// timeoutMs bounds each ask, but the poll asked again every few seconds meanwhile. With a timeoutMs of
// up to an hour (the platform file allows 3,600,000 ms) and a 3 s poll, that is up to 1,200 asks open at
// once, each a socket and up to MAX_SCHEMA_BYTES held; and an older answer landing after a newer one put
// its schema back. Now a platform is asked for its schema once at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectedPlatforms } from '../src/federation/connected.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { DEFAULT_CONNECTED_TIMEOUT_MS } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { provinceListing } from './helpers/stand-in-province.ts';
import { closeLoopback, listenOnLoopback } from './helpers/loopback.ts';

let work: string;
let server: Server;
let url: string;
let open = 0;
let mostOpen = 0;
let asked = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-slow-'));
  // A space every 50 ms, never the end of the document.
  server = createServer((_req, res) => {
    asked++;
    mostOpen = Math.max(mostOpen, ++open);
    res.writeHead(200, { 'content-type': 'application/json' });
    const drip = setInterval(() => res.write(' '), 50);
    res.on('close', () => (clearInterval(drip), open--));
  });
  url = await listenOnLoopback(server);
});

afterAll(async () => {
  await closeLoopback(server);
  rmSync(work, { recursive: true, force: true });
});

describe('a connected platform answering its schema byte by byte', () => {
  it('is asked once at a time, each ask bounded by its timeoutMs', async () => {
    const platform = provinceListing([{ region: '610300', name: 'City slow', url, namespace: 'slow', timeoutMs: 1500 }]);
    const store = await openSqliteStore(mkdtempSync(join(work, 'keys-')));
    const connected = new ConnectedPlatforms(platform, new PlatformKeys(store), { pollMs: 100 });
    try {
      const started = Date.now();
      // start() returns once its one ask is cut at its timeoutMs, not after another ask or at the default
      // bound: before a timer of 4000 ms set before it, and after one ask. Timers fire in the order of their
      // deadlines however late a loaded machine runs them, and start() returns in the same turn as the
      // ask's timer (not under 3 s on the clock, which a late timer broke).
      expect(DEFAULT_CONNECTED_TIMEOUT_MS).toBeGreaterThan(4000);
      const bound = new Promise<string>((r) => setTimeout(() => r('a timer of 4000 ms'), 4000));
      expect(await Promise.race([connected.start().then(() => 'start()'), bound])).toBe('start()');
      expect(asked).toBeLessThanOrEqual(1);
      expect(connected.status()[0]).toMatchObject({ reachable: false, lastError: 'no answer within 1500 ms.' });
      // The poll ticks every 100 ms, and a refresh asked for meanwhile waits for the ask in flight.
      await Promise.all([new Promise((r) => setTimeout(r, 2000)), connected.refresh()]);
      expect(connected.status()[0]).toMatchObject({ reachable: false, lastError: 'no answer within 1500 ms.' });
      const elapsed = Date.now() - started;
      expect(mostOpen).toBe(1);
      expect(asked).toBeGreaterThanOrEqual(2);
      // One ask after another, each cut at its 1500 ms: at most one begun per 1500 ms of the time this took
      // (3 over the nominal 3.5 s; a loaded machine's late timers lengthen it, and the poll asked in that time).
      expect(asked).toBeLessThanOrEqual(Math.floor(elapsed / 1500) + 1);
    } finally {
      connected.stop();
      await store.close();
    }
  }, 30_000);
});
