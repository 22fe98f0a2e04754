// Connected platforms served behind a proxy under a path prefix (`https://gz.example/govgraph`), as
// operators put gateways behind nginx: the schema, the data and the signing keys are all asked under the
// url's path. The keys were asked at the host's root, so the city, listing the province under a prefix,
// fetched them from the proxy's root (404) and refused every forwarded request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture as fixture, freePort, startGuizhouProvince, writeCityFile } from './helpers/guizhou.ts';

let work: string;
let city: TestGateway;
let province: TestGateway;
let proxy: http.Server;
/** Paths the proxy was asked, in order. */
const asked: string[] = [];

/** A proxy serving the gateway on `to` under `/<prefix>` for each prefix, and nothing elsewhere (404). */
function prefixProxy(routes: () => Record<string, number>): http.Server {
  return http.createServer((req, res) => {
    asked.push(req.url ?? '');
    const [, prefix, ...rest] = (req.url ?? '/').split('/');
    const port = routes()[prefix];
    if (port === undefined) {
      res.writeHead(404).end('not here');
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port, path: `/${rest.join('/')}`, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-path-prefix-'));
  const provincePort = await freePort();
  let cityPort = 0;
  proxy = prefixProxy(() => ({ gz: provincePort, gy: cityPort }));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const at = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  // The city lists the province at the proxy's /gz; the province lists the city at /gy/graphql.
  const cityFile = writeCityFile(work, provincePort);
  writeFileSync(cityFile, readFileSync(cityFile, 'utf8').replace(`http://127.0.0.1:${provincePort}`, `${at}/gz`));
  city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('city-housing.yaml')], gateway: { connectedPollMs: 0 } });
  cityPort = Number(new URL(city.gateway.url).port);
  await city.store.insert(collectionOf((readDocument(fixture('city-housing.yaml')) as Catalogue).resources[0]), [
    { homeNo: 'H1', qh: '520102', tenant: '王小明', rent: '300.00' },
  ]);
  province = await startGuizhouProvince(work, `${at}/gy/graphql`, provincePort);
}, 60_000);

afterAll(async () => {
  await province?.close();
  await city?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('connected platforms behind a proxy under a path prefix', () => {
  it('reads the namespace: schema and data under the city\'s prefix, the province\'s keys under its own', async () => {
    const res = await province.query('{ guiyang { gyHousing { subsidisedHomes { nodes { homeNo tenant } } } } }', { dept: '520102-XCZX', purpose: 'poverty-relief' });
    expect(res).toEqual({ status: 200, data: { guiyang: { gyHousing: { subsidisedHomes: { nodes: [{ homeNo: 'H1', tenant: '王**' }] } } } } });
    expect(asked).toContain('/gz/.well-known/jwks.json');
    expect(asked).toContain('/gy/graphql');
    expect(asked.filter((p) => !p.startsWith('/gz/') && !p.startsWith('/gy/'))).toEqual([]);
  });
});
