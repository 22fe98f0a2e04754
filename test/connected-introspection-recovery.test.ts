// Introspection and a connected platform that is down (SPEC §12, §15): a department's view of the schema
// built while the city did not answer has no `guiyang` namespace. When the city answers again, the view
// must get it, as the gateway's own schema does: before, the view was kept until the city's next
// publication (a restart of the city with the same catalogues never brought the namespace back).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { guizhouFixture as fixture, freePort, writeCityFile, writeProvinceFile } from './helpers/guizhou.ts';

let work: string;
let cityFile: string;
let cityPort: number;
let city: TestGateway | null = null;
let province: TestGateway;

/** The city on its port, a new store each time with the same catalogue: the same schema version. */
async function startCity(): Promise<void> {
  city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('city-housing.yaml')], gateway: { port: cityPort } });
}
async function stopCity(): Promise<void> {
  await city?.close();
  city = null;
}

const reachable = async (): Promise<boolean> => {
  const health = (await (await fetch(`${province.gateway.url}/healthz`)).json()) as { connected: { reachable: boolean; lastError: string | null }[] };
  return health.connected[0].reachable && health.connected[0].lastError === null;
};

const namespaceOf = async (dept: string): Promise<boolean> => {
  const res = await province.query('{ __schema { types { name } } }', { dept });
  expect(res.errors).toBeUndefined();
  return (res.data!.__schema.types as { name: string }[]).some((t) => t.name === 'Guiyang_SubsidisedHome');
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-recovery-'));
  cityPort = await freePort();
  const provincePort = await freePort();
  cityFile = writeCityFile(work, provincePort);
  const provinceFile = writeProvinceFile(work, `http://127.0.0.1:${cityPort}`, 2000);
  // The city down when the province starts; the province asks it every 200 ms.
  province = await startTestGateway({
    platformFile: provinceFile,
    catalogueFiles: [fixture('police.yaml'), fixture('rural.yaml')],
    gateway: { port: provincePort, connectedPollMs: 200 },
  });
}, 60_000);

afterAll(async () => {
  await province?.close();
  await stopCity();
  rmSync(work, { recursive: true, force: true });
});

describe('a department\'s view of the schema and a connected platform that was down', () => {
  it('started with the city down: the view gets the namespace once the city answers', async () => {
    expect(await namespaceOf('520000-SWJ')).toBe(false);
    await startCity();
    await eventually(async () => expect(await reachable()).toBe(true));
    expect(await namespaceOf('520000-SWJ')).toBe(true);
  }, 60_000);

  it('the city down for a while (same catalogues when back): a view built meanwhile gets the namespace back', async () => {
    await stopCity();
    await eventually(async () => expect(await reachable()).toBe(false));
    // The gateway's schema keeps the namespace (null with PLATFORM_UNAVAILABLE); a view built now lacks it.
    expect(await namespaceOf('520000-GAT')).toBe(false);
    await startCity();
    await eventually(async () => expect(await reachable()).toBe(true));
    expect(await namespaceOf('520000-GAT')).toBe(true);
    // A view built while the city answered is kept as it was.
    expect(await namespaceOf('520000-SWJ')).toBe(true);
  }, 60_000);
});
