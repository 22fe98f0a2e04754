// A connected platform that lists this one back under another region than its own (SPEC §12): each side
// signs its requests for the region its own file lists the other under, so both refuse each other (401).
// The side whose file names the wrong region was told only to check that the other lists it and serves
// its keys, which it does: the reason it could act on (the region its own file lists) was not said. The
// refusal says the refusing platform's region, and the reason is that it answers as another region.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture as fixture, freePort, startGuizhouProvince, writeCityFile } from './helpers/guizhou.ts';

let work: string;
let city: TestGateway;
let province: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-region-'));
  const [cityPort, provincePort] = [await freePort(), await freePort()];
  // The city lists the Guizhou province (520000) as 520102, a county of its own: a region the platform
  // file's checks take (it lies within the city's); an unrelated one (530000) they refuse at validation.
  const cityFile = writeCityFile(work, provincePort);
  writeFileSync(cityFile, readFileSync(cityFile, 'utf8').replace('region: "520000"', 'region: "520102"'));
  const logger = pino({ level: 'silent' });
  city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('city-housing.yaml')], gateway: { port: cityPort, connectedPollMs: 0, logger } });
  province = await startGuizhouProvince(work, `http://127.0.0.1:${cityPort}`, provincePort, { logger });
  await city.gateway.connected.refresh();
}, 60_000);

afterAll(async () => {
  await province?.close();
  await city?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a connected platform listed under another region than its own', () => {
  it('refuses the requests signed for that region; the side that lists it so is told to check the region', () => {
    const [ofProvince] = city.gateway.connected.status();
    expect(ofProvince).toMatchObject({ region: '520102', reachable: false, schemaVersion: null });
    // The province says its region in its refusal: the city's entry names another one for its url.
    expect(ofProvince.lastError).toMatch(/^http:\/\/127\.0\.0\.1:\d+ answers as platform 520000, not 520102; check the url\.$/);
    // The province, listed wrongly, is refused by the city, which lists no platform 520000.
    const [ofCity] = province.gateway.connected.status();
    expect(ofCity).toMatchObject({ region: '520100', reachable: false, schemaVersion: null });
    expect(ofCity.lastError).toContain(`at the url its own \`connected\` lists for region 520000: that entry must exist`);
  });
});
