// Two gateways on loopback, each with its own store (test/fixtures/cancel): a city of units (650100) and a
// province connected to it under the namespace `city`, whose department 650000-ZWB reads the city's units.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDocument } from '../../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../../src/model/catalogue.ts';
import type { Row, Store } from '../../src/store/port.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';
import { freePort } from './guizhou.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('..', import.meta.url)), 'fixtures/cancel', name);

export interface CityHop {
  city: TestGateway;
  province: TestGateway;
  close(): Promise<void>;
}

/** The two gateways, the city's units stored (`unitNo`, `name`, `parentNo`), its store wrapped by `wrapCityStore`. */
export async function startCityHop(opts: { units: Row[]; wrapCityStore?: (s: Store) => Store; name: string }): Promise<CityHop> {
  const work = mkdtempSync(join(tmpdir(), 'govgraph-city-hop-'));
  const provincePort = await freePort();
  const cityFile = join(work, 'city.yaml');
  writeFileSync(cityFile, readFileSync(fixture('city.yaml'), 'utf8').replace('PROVINCE_URL', `http://127.0.0.1:${provincePort}`));
  const city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('catalogue-city.yaml')], wrapStore: opts.wrapCityStore });
  const units = (readDocument(fixture('catalogue-city.yaml')) as Catalogue).resources[0];
  await city.store.insert(collectionOf(units), opts.units);
  const provinceFile = join(work, 'province.yaml');
  writeFileSync(provinceFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}connected:\n  - { region: "650100", name: ${opts.name}, url: "${city.gateway.url}", namespace: city, timeoutMs: 10000 }\n`);
  const province = await startTestGateway({ platformFile: provinceFile, catalogueFiles: [fixture('catalogue.yaml')], gateway: { port: provincePort, connectedPollMs: 0 } });
  return {
    city,
    province,
    async close() {
      await province.close();
      await city.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
