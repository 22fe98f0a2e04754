// /metrics labels a connected platform chooses (SPEC §15). A denial's `resource` label was the text of
// the error's `extensions.resource`, and a connected platform's errors come back with their extensions
// unchanged: a city answering each request with a new resource text made the province's gateway keep one
// more series per request, for as long as it ran. Now a resource of this platform's catalogues is its own
// label, and a connected platform's codes are bounded as operation names are (the first 200 distinct
// well-formed ones; the rest `other`).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONNECTED_RESOURCES } from '../src/server/metrics.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture as fixture, writeProvinceFile } from './helpers/guizhou.ts';
import { closeLoopback } from './helpers/loopback.ts';

let work: string;
let city: Server;
let province: TestGateway;
let answered = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-metrics-labels-'));
  // A stand-in city: its schema, and every data answer a denial naming a resource it never named before.
  city = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/.well-known/govgraph/schema')) {
        res.end(JSON.stringify({ region: '520100', name: 'c', version: 'v1', sdl: 'type Query { housing: Housing } type Housing { permits: Int }' }));
        return;
      }
      const resource = answered % 2 ? `520100-ZJ-${answered}` : `${answered}-${'x'.repeat(300)}`;
      answered++;
      // Under the key it was asked (graphql-tools aliases the root fields it delegates), as a gateway answers.
      const key = /([_A-Za-z0-9]+)\s*:\s*housing\b/.exec(JSON.parse(body || '{}').query ?? '')?.[1] ?? 'housing';
      res.end(JSON.stringify({ data: { __typename: 'Query', [key]: { permits: null } }, errors: [{ message: 'no', path: [key, 'permits'], extensions: { code: 'NOT_SHARED', resource } }] }));
    });
  });
  await new Promise<void>((r) => city.listen(0, '127.0.0.1', r));
  const file = writeProvinceFile(work, `http://127.0.0.1:${(city.address() as { port: number }).port}`);
  province = await startTestGateway({ platformFile: file, catalogueFiles: [fixture('police.yaml')], gateway: { connectedPollMs: 0 } });
}, 60_000);

afterAll(async () => {
  await province?.close();
  if (city) await closeLoopback(city);
  rmSync(work, { recursive: true, force: true });
});

const denialSeries = async () =>
  (await (await fetch(`${province.gateway.url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('govgraph_denials_total{'));

describe('denials by resource', () => {
  it('a connected platform cannot grow the series: its first distinct well-formed codes, then other', async () => {
    const requests = 2 * MAX_CONNECTED_RESOURCES + 40;
    for (let i = 0; i < requests; i++) {
      const res = await province.query('{ guiyang { housing { permits } } }', { dept: '520000-SWJ', purpose: 'tax-audit' });
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_SHARED');
    }
    const series = await denialSeries();
    expect(series.length).toBe(MAX_CONNECTED_RESOURCES + 1);
    expect(series).toContain(`govgraph_denials_total{code="NOT_SHARED",resource="other"} ${requests - MAX_CONNECTED_RESOURCES}`);
    expect(series.join('\n')).not.toMatch(/xxx/);
  }, 60_000);

  it('a resource of this platform keeps its own series, however many connected codes came first', async () => {
    const res = await province.query('{ police { residents { totalCount } } }', { dept: '520000-SWJ', purpose: 'tax-audit' });
    const code = res.errors?.[0]?.extensions?.resource;
    expect(typeof code).toBe('string');
    expect(await denialSeries()).toContainEqual(expect.stringMatching(new RegExp(`^govgraph_denials_total\\{code="[A-Z_]+",resource="${code}"\\} 1$`)));
  });
});
