// What /healthz, which needs no token, shows of a connected platform's schema version (SPEC §12, §15).
// A govgraph gateway's version lists its published catalogues, `id@version,…`: /healthz showed a caller
// without a token which departments of the city publish and how often (a city's catalogue ids name its
// departments), which the city shows only to platforms it lists. Now /healthz gives the version's digest,
// which still changes with it; `platform status` and the log, the operator's, give the version itself.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { startYinchuanForNingxia } from './helpers/stand-in-yinchuan.ts';
import { closeLoopback } from './helpers/loopback.ts';

let version = 'YC-GAJ-ZDRY@3,YC-ZJJ@1';
let work: string;
let city: Server;
let gw: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-healthz-version-'));
  // A stand-in Yinchuan (640100): its data schema under `version`.
  let file: string;
  ({ city, platformFile: file } = await startYinchuanForNingxia(work, () => version));
  gw = await startTestGateway({ platformFile: file, catalogueFiles: [], gateway: { connectedPollMs: 100 } });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  if (city) await closeLoopback(city);
  rmSync(work, { recursive: true, force: true });
});

const health = async () => {
  const res = await fetch(`${gw.gateway.url}/healthz`);
  return { text: await res.clone().text(), shown: ((await res.json()) as { connected: { schemaVersion: string | null }[] }).connected[0] };
};

describe('/healthz and a connected platform\'s schema version', () => {
  it('shows a digest, never the catalogue ids; the digest changes with the version; platform status has the version', async () => {
    const first = await health();
    expect(first.text).not.toMatch(/YC-|ZDRY|ZJJ/);
    expect(first.shown.schemaVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(gw.gateway.connected.status()[0].schemaVersion).toBe(version);
    version = 'YC-GAJ-ZDRY@4,YC-ZJJ@1';
    const second = await eventually(async () => {
      const h = await health();
      expect(h.shown.schemaVersion).not.toBe(first.shown.schemaVersion);
      return h;
    }, 5_000);
    expect(second.text).not.toMatch(/YC-|ZDRY|ZJJ/);
    expect(second.shown.schemaVersion).toMatch(/^[0-9a-f]{12}$/);
  });
});
