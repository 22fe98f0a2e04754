// A connected entry whose url reaches a platform of another region (SPEC §12): Gansu lists Lanzhou's region
// (620100) at the url of Chengguan's platform (620102), a county of Lanzhou. Chengguan refuses the province
// (HTTP 401: it lists no platform 620000, and the request is signed for 620100), and `platform status` and
// the log said "it refused this platform (HTTP 401) ...", sending the operator to Chengguan's listing and
// this platform's keys. The answering platform says its region in its refusal as in its schema, and the
// reason is the one docs/operations.md lists: it answers as another region (check the url).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/gansu-views/${name}`, import.meta.url));
const WRONG = /^http:\/\/127\.0\.0\.1:\d+ answers as platform 620102, not 620100; check the url\.$/;

let work: string;
let county: TestGateway;
let province: TestGateway;
let provinceFile: string;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-answers-as-'));
  county = await startTestGateway({ platformFile: fixture('chengguan.yaml'), gateway: { logger: pino({ level: 'silent' }) } });
  provinceFile = join(work, 'province.yaml');
  writeFileSync(provinceFile, readFileSync(fixture('province.yaml'), 'utf8').replace('http://127.0.0.1:1', county.gateway.url));
  const logger = pino({ level: 'info' }, lineSink((line) => logged.push(JSON.parse(line) as Record<string, unknown>)));
  province = await startTestGateway({ platformFile: provinceFile, catalogueFiles: [fixture('catalogue.yaml')], gateway: { connectedPollMs: 0, logger } });
  await province.gateway.connected.refresh();
}, 60_000);

afterAll(async () => {
  await province?.close();
  await county?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a connected entry whose url reaches another region\'s platform', () => {
  it('is said to answer as that region, in the status and the log, not as a refusal', () => {
    const [lanzhou] = province.gateway.connected.status();
    expect(lanzhou).toMatchObject({ region: '620100', reachable: false, schemaVersion: null });
    expect(lanzhou.lastError).toMatch(WRONG);
    const line = logged.find((l) => l.event === 'connected-platform' && l.platform === '620100');
    expect(line?.reason).toMatch(WRONG);
    expect(JSON.stringify(logged)).not.toContain('refused this platform');
  });

  it('platform status says so and exits 1', async () => {
    const out = await new Promise<{ code: number; stdout: string }>((resolve) => execFile(process.execPath,
      [join(root, 'bin/govgraph.js'), 'platform', 'status', '--platform', provinceFile, '--data', province.dataDir],
      { env: { ...process.env } },
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout })));
    expect(out.code).toBe(1);
    const lines = out.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('lanzhou  620100  '));
    const [, state, lastError] = /^ {2}(.*?); schema unknown; last error: (.*)$/.exec(lines[at + 1])!;
    expect(state).toBe('unreachable');
    expect(lastError.replace(/^The connected platform .*? is unavailable: /, '')).toMatch(WRONG);
  }, 60_000);
});
