// A changed connected schema waiting for its build (SPEC §12, `pendingSchema` in /healthz) and a
// connected platform that goes down meanwhile: /healthz kept saying "v…, to be built at … or later"
// beside `reachable: false`, a build that cannot happen (a build needs the schema fetched again, and
// nothing answers). What an operator sees now: the platform unreachable, the schema in effect, no pending
// change; once it answers again, the change it still has is pending again, to be built when due.
// The city is a `govgraph serve` process of its own, killed; the province a gateway on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, GOVGRAPH_BIN, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { REBUILD_BURST } from '../src/federation/schema-rebuilds.ts';
import { guizhouFixture as fixture, freePort, startGuizhouProvince, writeCityFile } from './helpers/guizhou.ts';

interface Health { reachable: boolean; schemaVersion: string | null; pendingSchema: string | null; lastError: string | null }

let work: string;
let cityDir: string;
let cityFile: string;
let cityPort: number;
let city: ChildProcess | null = null;
let province: TestGateway;

async function startCity(): Promise<void> {
  city = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--platform', cityFile, '--data', cityDir, '--port', String(cityPort)], {
    env: cliEnv({ GOVGRAPH_JWT_SECRET: 'a-secret-of-the-city-long-enough-for-hs256', GOVGRAPH_LOG_LEVEL: 'error', NODE_ENV: 'test' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${cityPort}/readyz`)).status).toBe(200), 90_000);
}

async function killCity(): Promise<void> {
  const proc = city;
  city = null;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

/** The city's housing catalogue with `extra` items added: a new published version, a new schema there. */
async function publishOnCity(extra: string[]): Promise<void> {
  const file = join(work, `housing-${extra.length}.yaml`);
  writeFileSync(file, readFileSync(fixture('city-housing.yaml'), 'utf8').trimEnd() + '\n' + extra.map((name) => `      - { name: ${name}, type: string }\n`).join(''));
  const out = await runGovgraph(['catalogue', 'import', file, '--publish', '--platform', cityFile, '--data', cityDir]);
  expect(out.stderr).not.toMatch(/error/i);
  expect(out.code).toBe(0);
}

const health = async (): Promise<Health> =>
  ((await (await fetch(`${province.gateway.url}/healthz`)).json()) as { connected: Health[] }).connected[0];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-pending-'));
  cityDir = mkdtempSync(join(work, 'city-'));
  cityPort = await freePort();
  const provincePort = await freePort();
  cityFile = writeCityFile(work, provincePort);
  const out = await runGovgraph(['catalogue', 'import', fixture('city-housing.yaml'), '--publish', '--platform', cityFile, '--data', cityDir]);
  expect(out.code).toBe(0);
  await startCity();
  province = await startGuizhouProvince(work, `http://127.0.0.1:${cityPort}`, provincePort, { connectedPollMs: 200 }, 5000);
}, 120_000);

afterAll(async () => {
  await killCity();
  await province?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a pending connected schema and a connected platform that goes down', () => {
  it('is not shown while the platform is down, and is shown again once it answers', async () => {
    const first = await eventually(async () => {
      const h = await health();
      expect(h).toMatchObject({ reachable: true, pendingSchema: null, lastError: null });
      expect(h.schemaVersion).not.toBeNull();
      return h.schemaVersion;
    });
    // Each change is built at once while the platform's bucket of builds lasts (REBUILD_BURST); the next waits.
    let built = first;
    const extra: string[] = [];
    for (let i = 0; i < REBUILD_BURST; i++) {
      extra.push(`extra${i}`);
      await publishOnCity(extra);
      const before = built;
      built = await eventually(async () => {
        const h = await health();
        expect(h).toMatchObject({ pendingSchema: null });
        expect(h.schemaVersion).not.toBe(before);
        return h.schemaVersion;
      });
    }
    await publishOnCity([...extra, 'floor']);
    const pending = await eventually(async () => {
      const h = await health();
      expect(h).toMatchObject({ reachable: true, schemaVersion: built, lastError: null });
      expect(h.pendingSchema).toMatch(/, to be built at \d{4}-\d\d-\d\dT[\d:.]+Z or later \(/);
      return h.pendingSchema;
    });

    await killCity();
    await eventually(async () => expect(await health()).toMatchObject({ reachable: false }));
    const down = await health();
    expect(down).toMatchObject({ reachable: false, schemaVersion: built, pendingSchema: null });
    // A kept-alive connection reset, or nothing listening: either way it does not answer.
    expect(down.lastError).toMatch(/(nothing listens at its address|the connection to its address was closed in the middle of the request)/);
    expect(province.gateway.connected.status()[0]).toMatchObject({ reachable: false, pendingSchema: null });

    // Back with the change still unbuilt: pending again, to be built at the same time as before (or
    // built, on a machine so slow that the wait was over before the city was back).
    await startCity();
    const due = Date.parse(/to be built at (\S+) or later/.exec(pending!)![1]);
    await eventually(async () => {
      const back = await health();
      expect(back).toMatchObject({ reachable: true, lastError: null });
      if (Date.now() < due) expect(back).toMatchObject({ schemaVersion: built, pendingSchema: pending });
      else expect(back.pendingSchema).toBeNull();
    });
  }, 240_000);
});
