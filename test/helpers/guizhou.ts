// The Guizhou fixtures (test/fixtures/guizhou): a province (520000) and its city Guiyang (520100), each a
// platform file of its own, written with the addresses of the gateways a test starts for them.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayOptions } from '../../src/server/app.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

export const guizhouFixture = (name: string) => join(fileURLToPath(new URL('../fixtures/guizhou', import.meta.url)), name);

/** A port nothing listens on now, for a gateway whose address another platform's file must name first. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
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
 */
export function startGuizhouProvince(work: string, cityUrl: string, port: number, gateway: Partial<GatewayOptions> = {}, timeoutMs?: number): Promise<TestGateway> {
  return startTestGateway({
    platformFile: writeProvinceFile(work, cityUrl, timeoutMs),
    catalogueFiles: [guizhouFixture('police.yaml'), guizhouFixture('rural.yaml')],
    gateway: { port, connectedPollMs: 0, ...gateway },
  });
}
