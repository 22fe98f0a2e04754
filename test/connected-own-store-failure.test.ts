// A connected platform asked while this gateway's own store fails (SPEC §12, §15). Each request to a
// connected platform is signed with this platform's key, read from its store; when that read failed, the
// store's message (a MongoDB host and port, an SQLite file's path) became the connected platform's
// `lastError` as callers get it, on /healthz, which anyone may ask, and in the PLATFORM_UNAVAILABLE a
// department got; and it blamed the connected platform. Now callers and /healthz are told that this
// gateway could not sign the request; the log (the operator's) keeps the store's message.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_KEYS_KEY } from '../src/identity/platform-keys.ts';
import { SETTINGS } from '../src/identity/secret.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { startYinchuanForNingxia } from './helpers/stand-in-yinchuan.ts';
import { lineSink } from './helpers/log-sink.ts';
import { closeLoopback } from './helpers/loopback.ts';

// What a MongoDB driver says when its server is away: the store's message, for the operator only.
const STORE_MESSAGE = 'find in _settings: MongoDB failed: connect ECONNREFUSED 10.64.8.21:27017';
let failing = false;
let work: string;
let city: Server;
let gw: TestGateway;
const logged: Record<string, unknown>[] = [];

/** The province's store, whose reads of the signing keys fail while `failing`. */
const keysFailing = (inner: Store): Store =>
  new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'find') return value.bind(target);
      return (collection: string, query: unknown) => {
        if (failing && collection === SETTINGS && JSON.stringify(query).includes(SIGNING_KEYS_KEY)) return Promise.reject(new StoreUnavailableError(STORE_MESSAGE));
        return value.call(target, collection, query);
      };
    },
  });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-own-store-'));
  // A stand-in Yinchuan (640100): its data schema, and any read answered.
  let file: string;
  ({ city, platformFile: file } = await startYinchuanForNingxia(work, () => 'YC-ZJJ@1', ['nxCivil']));
  const sink = lineSink((l) => logged.push(JSON.parse(l)));
  gw = await startTestGateway({
    platformFile: file,
    catalogueFiles: [],
    wrapStore: keysFailing,
    gateway: { connectedPollMs: 100, logger: createLogger(sink, 'info') },
  });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  if (city) await closeLoopback(city);
  rmSync(work, { recursive: true, force: true });
});

describe("this gateway's store failing while it signs for a connected platform", () => {
  it('tells /healthz and callers that this gateway could not sign, never the store message', async () => {
    failing = true;
    const health = async () => ((await (await fetch(`${gw.gateway.url}/healthz`)).json()) as { connected: { lastError: string | null; reachable: boolean }[] }).connected[0];
    // The keys are read again every 5 s (src/identity/platform-keys.ts).
    await eventually(async () => expect((await health()).lastError).not.toBeNull(), 10_000);
    const shown = await health();
    expect(shown.lastError).not.toMatch(/10\.64\.8\.21|MongoDB|_settings/);
    expect(shown.lastError).toMatch(/this gateway/);
    const answer = await gw.query('{ yinchuan { ycHousing { homes } } }', { dept: '640000-MZT', purpose: 'relief-check' });
    expect(answer.errors?.[0]?.extensions?.code).toBe('PLATFORM_UNAVAILABLE');
    expect(answer.errors?.[0]?.message).not.toMatch(/10\.64\.8\.21|MongoDB|_settings/);
    // The operator's log says what the store said, and that it was this gateway's store.
    const line = logged.find((l) => l.event === 'connected-platform' && String(l.reason).includes(STORE_MESSAGE));
    expect(line?.reason).toMatch(/this gateway/);
  }, 20_000);
});
