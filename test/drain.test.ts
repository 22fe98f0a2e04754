// Draining (SPEC §15) on a real `govgraph serve` process under load from keep-alive clients: SIGTERM makes
// /readyz say 503 for drainDelayMs while requests are still answered, each answer closing its connection
// (a keep-alive client then goes to another instance, as behind a load balancer); then new connections
// are refused; no request the gateway accepted is lost or reset; idle keep-alive connections are closed;
// one log line at the start of the drain and one at its end; exit 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { signToken } from '../src/identity/token.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { spawnServe } from './helpers/served.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-drain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DRAIN_DELAY_MS = 1500;
const CLIENTS = 20;

interface Outcome {
  at: number;
  kind: 'answered' | 'refused' | 'broken';
  detail?: string;
  /** The answer closed its connection. */
  closed?: boolean;
}

/**
 * A probe's connection that the gateway never accepted: refused once the listener is closed, or reset
 * by the kernel when it still sat in the listen backlog as the process exited (seen on a busy machine).
 */
const notAccepted = (code: string | undefined) => code === 'ECONNREFUSED' || code === 'ECONNRESET';

/** POSTs on a keep-alive agent; classifies the outcome: an answer, a refused connection, or anything else. */
function post(agent: http.Agent, port: number, body: string, token: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          resolve({
            at: Date.now(),
            kind: res.statusCode === 200 && text.includes('"data"') ? 'answered' : 'broken',
            detail: `${res.statusCode} ${text.slice(0, 80)}`,
            closed: res.headers.connection === 'close',
          }),
        );
        res.on('error', (e) => resolve({ at: Date.now(), kind: 'broken', detail: e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ at: Date.now(), kind: e.code === 'ECONNREFUSED' ? 'refused' : 'broken', detail: e.code ?? e.message }));
    req.end(body);
  });
}

it('drains under load: readiness 503 first, nothing accepted is lost or reset, then refused, one line each end', async () => {
  const platformFile = join(dir, 'platform.yaml');
  const doc = parse(readFileSync(DEMO_PLATFORM_FILE, 'utf8'));
  // Rates off: the load is one user's, far over the default bucket on an idle machine; this test is about draining.
  writeFileSync(
    platformFile,
    stringify({ ...doc, limits: { rate: { perDepartment: 'off', perUser: 'off' } }, server: { drainDelayMs: DRAIN_DELAY_MS, shutdownTimeoutMs: 10_000 } }),
  );
  const store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, loadPlatform(platformFile), demoCatalogueFiles(), { publish: true });
  const token = await signToken(await storedSecret(store), { dept: '430000-GA', user: 'load', roles: [], ttl: '1h' });
  await store.close();

  const { child, port, exited, output } = await spawnServe(['--data', join(dir, 'data'), '--platform', platformFile], { ...process.env, GOVGRAPH_LOG_LEVEL: 'info' });

  // Readiness, polled on new connections (a load balancer's probe).
  const readiness: { sent: number; at: number; status: number | string }[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const sent = Date.now();
      const status = await new Promise<number | string>((resolve) => {
        http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', (e: NodeJS.ErrnoException) => resolve(notAccepted(e.code) ? 'refused' : (e.code ?? 'error')));
      });
      readiness.push({ sent, at: Date.now(), status });
      if (typeof status === 'string') return;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();

  // The load: keep-alive clients, each sending one request after another on its connection until an
  // answer closes it (then it would go to another instance).
  const body = JSON.stringify({ query: '{ me { department } }' });
  const outcomes: Outcome[] = [];
  const clients = Array.from({ length: CLIENTS }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (;;) {
        const o = await post(agent, port, body, token);
        outcomes.push(o);
        if (o.kind !== 'answered' || o.closed) return;
      }
    } finally {
      agent.destroy();
    }
  });

  // An idle keep-alive connection, open since before the signal: closed cleanly, without an error.
  const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const idle = await post(idleAgent, port, body, token);
  const idleSocketClosed = new Promise<boolean>((resolve) => {
    const socket = Object.values(idleAgent.freeSockets)[0]?.[0];
    if (!socket) return resolve(false);
    socket.once('error', () => resolve(false));
    socket.once('close', (hadError: boolean) => resolve(!hadError));
  });
  await new Promise((r) => setTimeout(r, 700));
  const answeredBefore = outcomes.filter((o) => o.kind === 'answered').length;
  const signalled = Date.now();
  child.kill('SIGTERM');
  await Promise.all(clients);
  await poller;
  polling = false;
  const code = await exited;
  idleAgent.destroy();

  const broken = outcomes.filter((o) => o.kind === 'broken');
  expect(broken).toEqual([]);
  expect(idle.kind).toBe('answered');
  expect(await idleSocketClosed).toBe(true);
  expect(answeredBefore).toBeGreaterThan(CLIENTS);
  // Every client was answered until an answer closed its connection, after the signal.
  expect(outcomes.filter((o) => o.closed).length).toBe(CLIENTS);
  expect(outcomes.every((o) => o.kind === 'answered')).toBe(true);
  expect(readiness.at(-1)!.status).toBe('refused');
  expect(readiness.some((r) => r.status === 503)).toBe(true);
  expect(readiness.filter((r) => r.at < signalled - 50).every((r) => r.status === 200)).toBe(true);
  expect(code).toBe(0);
  const lines = output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const drainLines = lines.filter((l) => typeof l.event === 'string' && l.event.startsWith('drain'));
  expect(drainLines.map((l) => l.event)).toEqual(['drain-start', 'drain-end']);
  expect(drainLines[0]).toMatchObject({ drainDelayMs: DRAIN_DELAY_MS, shutdownTimeoutMs: 10_000 });
  expect(drainLines[1]).toMatchObject({ forcedConnections: 0 });
  // New connections were accepted (readiness answered 503 on them) until drainDelayMs after the drain
  // began, give or take one probe under load.
  const lastAccepted = Math.max(...readiness.filter((r) => r.status === 503).map((r) => r.sent));
  expect(lastAccepted - drainLines[0].time).toBeGreaterThanOrEqual(DRAIN_DELAY_MS - 400);
  expect(readiness.filter((r) => r.sent < drainLines[0].time).every((r) => r.status === 200 || r.at > drainLines[0].time)).toBe(true);
}, 60_000);
