// A request's cancellation signal (src/limits/cancel.ts) is handed to every read of the request: each read
// waiting for a reader thread of the embedded store listens to it until it is done. Twenty aliases of a
// walking list had node print `MaxListenersExceededWarning: 11 abort listeners added to [AbortSignal]` at
// every such request, noise an operator reads as a leak. On the demo platform, a store that sends every
// walking read to a thread (`readerThreadRows: -1`), the warnings node emits while such a request runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import { signToken } from '../src/identity/token.ts';
import { limitsOf, type Platform } from '../src/model/platform.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

let dir: string;
let gateway: Gateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-signal-listeners-'));
  const loaded = loadPlatform(DEMO_PLATFORM_FILE);
  const platform: Platform = { ...loaded, limits: { ...limitsOf(loaded), rate: { perDepartment: null, perUser: null } } };
  const store = await openSqliteStore(dir, { readerThreadRows: -1 });
  await ensureDemo(store, platform, () => {});
  gateway = await startGateway({ platform, store, port: 0, pollMs: 0 });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a request whose twenty reads wait for reader threads at once prints no MaxListenersExceededWarning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    const token = await signToken(gateway.secret, { dept: '430000-GA', user: 'tester', roles: [], ttl: '1h' });
    // Each alias a walk of the household register (a `contains` uses no index): a read on a thread each.
    const query = `{ publicSecurity { ${Array.from({ length: 20 }, (_, i) => `a${i}: householdRegistrations(first: 2, filter: { fullName: { contains: "${i}x" } }) { nodes { idNumber } }`).join(' ')} } }`;
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const body = await res.json() as { data?: { publicSecurity: Record<string, { nodes: unknown[] }> }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data!.publicSecurity)).toHaveLength(20);
    // A warning is emitted on the next tick of the loop: give it one.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
}, 60_000);
