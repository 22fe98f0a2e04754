// The Guizhou fixtures (test/fixtures/guizhou): a province (520000) and its city Guiyang (520100), each a
// platform file of its own, written with the addresses of the gateways a test starts for them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDocument } from '../../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../../src/model/catalogue.ts';
import type { Limits } from '../../src/model/platform.ts';
import type { GatewayOptions } from '../../src/server/app.ts';
import type { Row } from '../../src/store/port.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

export const guizhouFixture = (name: string) => join(fileURLToPath(new URL('../fixtures/guizhou', import.meta.url)), name);

/** Ports freePort has handed out in this process: the system may give a closed one again at once. */
const handedOut = new Set<number>();

/**
 * A port nothing listens on now, for a gateway whose address another platform's file must name first; never
 * one handed out before in this process (two calls in a row got the same port, and a platform file named
 * two connected platforms at one address: a CI run of connected-platforms).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const found = (s.address() as { port: number }).port;
        s.close(() => resolve(found));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** The city's platform file in `work`, connected back to the province at `provincePort`. */
export function writeCityFile(work: string, provincePort: number): string {
  const file = join(work, 'city.yaml');
  writeFileSync(file, readFileSync(guizhouFixture('city.yaml'), 'utf8').replace('PROVINCE_URL', `http://127.0.0.1:${provincePort}`));
  return file;
}

/** The province's platform file in `work`, with the city at `cityUrl` connected as namespace `guiyang`. */
export function writeProvinceFile(work: string, cityUrl: string, timeoutMs = 3000): string {
  const file = join(work, 'province.yaml');
  writeFileSync(file, readFileSync(guizhouFixture('platform.yaml'), 'utf8').replace(/connected: \[\]/,
    `connected:\n  - { region: "520100", name: 贵阳市数据共享平台, url: "${cityUrl}", namespace: guiyang, timeoutMs: ${timeoutMs} }`));
  return file;
}

/**
 * The province (its police and rural catalogues) as a gateway on `port`, its city at `cityUrl`; the
 * connected platform asked only when a test says so (`connectedPollMs: 0`) unless `gateway` says otherwise.
 * `limits`, when given, are the province's limits to change (as startTestGateway takes them).
 */
export function startGuizhouProvince(work: string, cityUrl: string, port: number, gateway: Partial<GatewayOptions> = {}, timeoutMs?: number, limits?: Partial<Limits>): Promise<TestGateway> {
  return startTestGateway({
    platformFile: writeProvinceFile(work, cityUrl, timeoutMs),
    catalogueFiles: [guizhouFixture('police.yaml'), guizhouFixture('rural.yaml')],
    gateway: { port, connectedPollMs: 0, ...gateway },
    limits,
  });
}

/** A Guiyang home of the city's housing catalogue (city-housing.yaml). */
export type GuiyangHome = Row & { homeNo: string; qh: string; tenant: string; rent: string };

/**
 * The city (its housing catalogue, `homes` stored, `city` options given to its gateway) and the province
 * connected to it, in a work folder of their own; `close` stops both and deletes the folder.
 */
export async function startGuizhouPair(
  name: string,
  opts: { homes?: GuiyangHome[]; city?: Omit<Parameters<typeof startTestGateway>[0] & object, 'platformFile' | 'catalogueFiles'> } = {},
): Promise<{ work: string; city: TestGateway; province: TestGateway; close(): Promise<void> }> {
  const work = mkdtempSync(join(tmpdir(), `govgraph-${name}-`));
  const provincePort = await freePort();
  const city = await startTestGateway({ ...opts.city, platformFile: writeCityFile(work, provincePort), catalogueFiles: [guizhouFixture('city-housing.yaml')] });
  if (opts.homes?.length) await city.store.insert(collectionOf((readDocument(guizhouFixture('city-housing.yaml')) as Catalogue).resources[0]), opts.homes);
  const province = await startGuizhouProvince(work, city.gateway.url, provincePort);
  return {
    work, city, province,
    async close() {
      await province.close();
      await city.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Guiyang's platform file (city.yaml), written in `work`, listing `connected` as its connected platforms (timeoutMs 1000). */
export function guiyangConnectedTo(work: string, connected: readonly { region: string; name: string; url: string; namespace: string }[]): string {
  const cityFile = join(work, 'city.yaml');
  const entries = connected.map((c) => `  - { region: "${c.region}", name: ${c.name}, url: "${c.url}", namespace: ${c.namespace}, timeoutMs: 1000 }`);
  writeFileSync(cityFile, readFileSync(guizhouFixture('city.yaml'), 'utf8').replace(/connected:\n.*\n?$/, ['connected:', ...entries].join('\n')));
  return cityFile;
}
