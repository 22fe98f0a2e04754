// Connected platforms that are not what the platform file says (SPEC §12, issue 11 "Bad input"): a url
// where nothing listens, a web server that is not a govgraph gateway, a gateway of another region, a
// schema that does not parse or cannot be stitched, and a platform whose answers to the namespace are
// junk or carry a stack trace. The connecting gateway starts and serves its own fields, names each
// problem with its reason in /healthz, `platform status` and its log, and never passes a stack trace on;
// a good platform's error messages reach the caller unchanged. The url, an internal network address, is
// for operators: the log and `platform status` name it; /healthz (no login) and callers' errors do not.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql, GraphQLError } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { startLevelsProvince } from './helpers/stand-in-province.ts';
import { publicVersion } from '../src/federation/connected-status.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SDL = 'type Query { housing: Housing } type Housing { permits: [Permit!] } type Permit { permitNo: String applicant: String }';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
type GraphQLAnswer = (body: string, res: ServerResponse) => void;
const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};
/** A stand-in for a connected platform: its schema document, and its answer to GraphQL requests. */
const platformLike = (region: string, sdl: string, graphql: GraphQLAnswer): Answer => (req, res) => {
  if (req.url?.startsWith('/.well-known/govgraph/schema')) json(res, 200, { region, name: `platform ${region}`, version: 'X@1', sdl });
  else if (req.url === '/graphql') { let body = ''; req.on('data', (c) => (body += c)).on('end', () => graphql(body, res)); }
  else json(res, 404, { error: 'not found' });
};

const servers: Server[] = [];
const closers: (() => Promise<unknown>)[] = [];
async function serve(answer: Answer): Promise<string> {
  const server = createServer(answer);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
async function nothingListens(): Promise<string> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

const logLines: Record<string, unknown>[] = [];
const logger = pino({ level: 'warn' }, new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } }));
let gw: TestGateway;
let work: string;
let platformFile: string;
const urls: Record<string, string> = {};

beforeAll(async () => {
  urls.refused = await nothingListens();
  urls.unknown = 'http://no-such-host.invalid:4000';
  // Accepts the connection and closes it at once, as a gateway killed in the middle of a request does.
  const resetting = netServer((socket) => socket.resetAndDestroy());
  closers.push(() => new Promise((r) => resetting.close(r)));
  await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', r));
  urls.reset = `http://127.0.0.1:${(resetting.address() as { port: number }).port}`;
  urls.html = await serve((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body>It works!</body></html>'); });
  urls.elsewhere = await serve(platformLike('620100', SDL, (_req, res) => json(res, 200, { data: null })));
  urls.unparsable = await serve(platformLike('610300', 'type Query { housing: ', (_req, res) => json(res, 200, { data: null })));
  urls.unstitchable = await serve(platformLike('610400', 'type Housing { permits: Int }', (_req, res) => json(res, 200, { data: null })));
  urls.junk = await serve(platformLike('610500', SDL, (_req, res) => json(res, 200, { errors: 'boom' })));
  // A platform in development mode: its errors carry stack traces. It runs the delegated document for real.
  const leaky = makeExecutableSchema({
    typeDefs: SDL,
    resolvers: {
      Query: { housing: () => ({ permits: [{ permitNo: 'B1' }, { permitNo: 'B2' }] }) },
      Permit: {
        applicant: (p: { permitNo: string }) => {
          if (p.permitNo === 'B1') throw new Error('cannot read properties of undefined (at /srv/city/resolvers.js:12)');
          throw new GraphQLError('Item `applicant` of 610600-ZJ-00001 (Building permits) is not shared; only its provider 610600-ZJ can read it.', {
            extensions: { code: 'NOT_SHARED', resource: '610600-ZJ-00001', item: 'applicant' },
          });
        },
      },
    },
  });
  urls.leaky = await serve(platformLike('610600', SDL, async (body, res) => {
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    const result = await graphql({ schema: leaky, source: query, variableValues: variables });
    json(res, 200, {
      data: result.data,
      errors: result.errors?.map((e) => ({ ...e.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR', ...e.extensions, stacktrace: (e.originalError ?? e).stack?.split('\n') } })),
    });
  }));
  // A platform whose errors carry Apollo's `extensions.http`, the channel a gateway's own errors set its HTTP answer with.
  const bossy = makeExecutableSchema({
    typeDefs: SDL,
    resolvers: {
      Query: { housing: () => ({ permits: [{ permitNo: 'C1' }] }) },
      Permit: { applicant: () => { throw new GraphQLError('Item `applicant` is not shared.', { extensions: { code: 'NOT_SHARED', http: { status: 401 } } }); } },
    },
  });
  urls.bossy = await serve(platformLike('610800', SDL, async (body, res) => {
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    const result = await graphql({ schema: bossy, source: query, variableValues: variables });
    json(res, 200, { data: result.data, errors: result.errors?.map((e) => e.toJSON()) });
  }));
  const entries = [
    ['refused', '610100'], ['html', '610200'], ['elsewhere', '610700'], ['unparsable', '610300'],
    ['unstitchable', '610400'], ['junk', '610500'], ['leaky', '610600'], ['bossy', '610800'],
    ['unknown', '610900'], ['reset', '611000'],
  ].map(([ns, region]) => `  - { region: "${region}", name: City ${ns}, url: "${urls[ns]}", namespace: ${ns}, timeoutMs: 2000 }`);
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-bad-'));
  ({ gw, platformFile } = await startLevelsProvince(work, entries, { logger, connectedPollMs: 0 }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  for (const s of servers) s.closeAllConnections(), s.close();
  for (const close of closers) await close();
  rmSync(work, { recursive: true, force: true });
});

const REASONS: Record<string, string | RegExp> = {
  refused: /nothing listens at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)\.$/,
  html: /http:\/\/127\.0\.0\.1:\d+ did not answer as a govgraph gateway \(HTTP 200\)\.$/,
  elsewhere: /http:\/\/127\.0\.0\.1:\d+ answers as platform 620100, not 610700; check the url\.$/,
  unparsable: /^its schema cannot be stitched: Syntax Error: /,
  unstitchable: /^its schema cannot be stitched: /,
  // Node's codes in words an operator can act on, the code after them ("ENOTFOUND at http://…" before).
  unknown: /the host name of http:\/\/no-such-host\.invalid:4000 is not known: check the url, and this machine's name service \(ENOTFOUND\)\.$/,
  reset: /the connection to http:\/\/127\.0\.0\.1:\d+ was closed in the middle of the request \(the gateway there stopped, or something between closed it\) \(ECONNRESET\)\.$/,
};
/** The same reasons as /healthz and callers get them: without the url. */
const CALLER_REASONS: Record<string, string | RegExp> = {
  ...REASONS,
  refused: /nothing listens at its address \(connection refused\)\.$/,
  html: /it did not answer as a govgraph gateway \(HTTP 200\)\.$/,
  elsewhere: /it answers as platform 620100, not 610700: this platform's file lists a wrong url for it\.$/,
  unknown: /the host name of its address is not known: check the url, and this machine's name service \(ENOTFOUND\)\.$/,
  reset: /the connection to its address was closed in the middle of the request \(the gateway there stopped, or something between closed it\) \(ECONNRESET\)\.$/,
};

describe('connected platforms that are not what the platform file says', () => {
  it('the gateway starts and answers its own fields; /healthz names each problem and its reason', async () => {
    const own = await gw.query('{ naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(own).toEqual({ status: 200, data: { naturalResources: { parcels: { totalCount: 0 } } } });
    const health = (await (await fetch(`${gw.gateway.url}/healthz`)).json()) as { status: string; connected: { namespace: string; reachable: boolean; lastError: string | null; schemaVersion: string | null }[] };
    expect(health.status).toBe('ok');
    // Anyone may ask /healthz: the connected platforms' addresses are not in it.
    expect(Object.keys(health.connected[0]).sort()).toEqual(['checkedAt', 'lastError', 'name', 'namespace', 'pendingSchema', 'reachable', 'region', 'schemaVersion']);
    expect(JSON.stringify(health)).not.toContain('127.0.0.1');
    const by = Object.fromEntries(health.connected.map((c) => [c.namespace, c]));
    for (const [ns, reason] of Object.entries(CALLER_REASONS)) {
      expect(by[ns].schemaVersion, ns).toBeNull();
      expect(by[ns].lastError, ns).toMatch(reason);
    }
    // Unreachable or not a gateway: not reachable. A gateway whose schema cannot be stitched: reachable, with the problem.
    expect(by.refused.reachable).toBe(false);
    expect(by.unstitchable.reachable).toBe(true);
    // Its version by its digest: a version lists that platform's catalogues (connected-status.ts publicVersion).
    expect(by.junk).toMatchObject({ reachable: true, schemaVersion: publicVersion('X@1'), lastError: null });
  });

  it('logs each problem with its reason (a warning, no stack)', () => {
    for (const [ns, reason] of Object.entries(REASONS)) {
      const line = logLines.find((l) => l.event === 'connected-platform' && l.namespace === ns);
      expect(line, ns).toMatchObject({ msg: 'connected platform unavailable', level: 40 });
      expect(String(line!.reason), ns).toMatch(reason);
      expect(JSON.stringify(line)).not.toMatch(/\n\s+at /);
    }
  });

  it('a namespace whose platform answers junk is null with PLATFORM_UNAVAILABLE; the rest of the response stands', async () => {
    const res = await gw.query('{ junk { housing { permits { permitNo } } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(res.data).toEqual({ junk: null, naturalResources: { parcels: { totalCount: 0 } } });
    expect(res.errors).toEqual([expect.objectContaining({
      message: 'The connected platform City junk (610500) is unavailable: it did not answer as a govgraph gateway (HTTP 200).',
      path: ['junk'], extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '610500' },
    })]);
  });

  it('passes a connected platform\'s access errors on unchanged, under the namespace, without its stack trace; hides its internal errors', async () => {
    const res = await gw.query('{ leaky { housing { permits { permitNo applicant } } } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(res.data).toEqual({ leaky: { housing: { permits: [{ permitNo: 'B1', applicant: null }, { permitNo: 'B2', applicant: null }] } } });
    expect(res.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({
        message: 'Item `applicant` of 610600-ZJ-00001 (Building permits) is not shared; only its provider 610600-ZJ can read it.',
        path: ['leaky', 'housing', 'permits', 1, 'applicant'],
        extensions: { code: 'NOT_SHARED', resource: '610600-ZJ-00001', item: 'applicant' },
      }),
      expect.objectContaining({ message: 'Internal server error.', path: ['leaky', 'housing', 'permits', 0, 'applicant'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]));
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|resolvers\.js|\n\s+at /);
  });

  // Failure is local: an error in a namespace never sets the status of the whole answer (Apollo applies an
  // error's extensions.http to the response it is in, so a connected platform's error could make it a 401).
  it('a connected platform\'s error under the namespace does not set the HTTP status of the answer', async () => {
    const res = await gw.query('{ bossy { housing { permits { permitNo applicant } } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(res).toEqual({
      status: 200,
      data: { bossy: { housing: { permits: [{ permitNo: 'C1', applicant: null }] } }, naturalResources: { parcels: { totalCount: 0 } } },
      errors: [{ message: 'Item `applicant` is not shared.', locations: [{ line: 1, column: 40 }], path: ['bossy', 'housing', 'permits', 0, 'applicant'], extensions: { code: 'NOT_SHARED' } }],
    });
  });

  it('platform status lists each with its reason and exits 1', async () => {
    const out = await new Promise<{ code: number; stdout: string }>((resolve) => execFile(process.execPath,
      [join(root, 'bin/govgraph.js'), 'platform', 'status', '--platform', platformFile, '--data', gw.dataDir],
      { env: { ...process.env } },
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout })));
    expect(out.code).toBe(1);
    for (const [ns, reason] of Object.entries(REASONS)) {
      const at = out.stdout.split('\n').findIndex((l) => l.startsWith(`${ns}  `));
      expect(at, ns).toBeGreaterThan(0);
      const [, state, lastError] = /^  (.*?); schema unknown; last error: (.*)$/.exec(out.stdout.split('\n')[at + 1])!;
      expect(state, ns).toBe(['refused', 'html', 'elsewhere', 'unknown', 'reset'].includes(ns) ? 'unreachable' : 'answers, with a problem');
      expect(lastError.replace(/^The connected platform .*? is unavailable: /, ''), ns).toMatch(reason);
    }
    expect(out.stdout).toMatch(/^junk {2}610500 {2}City junk {2}http:\/\/127\.0\.0\.1:\d+\n {2}reachable; schema X@1$/m);
  }, 60_000);
});
