// Guiyang's gateway (test/fixtures/guizhou) as a process of its own beside an in-process province, for the
// tests of a connected platform that publishes while the province holds its older schema.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, GOVGRAPH_BIN, runGovgraph, type CliResult } from './cli.ts';
import { eventually } from './eventually.ts';
import type { TestGateway } from './gateway.ts';
import { freePort, startGuizhouProvince, writeCityFile } from './guizhou.ts';

/** The city's secret, for its gateway and its commands alike (the audit log is keyed with it). */
export const CITY_ENV = cliEnv({ GOVGRAPH_JWT_SECRET: 'a-secret-of-the-city-long-enough-for-hs256', GOVGRAPH_LOG_LEVEL: 'error', NODE_ENV: 'test' });

/** The city's port and the province's: GOVGRAPH_TEST_PORT and the next when set, else free ones. */
export async function cityAndProvincePorts(): Promise<{ cityPort: number; provincePort: number }> {
  const base = Number(process.env.GOVGRAPH_TEST_PORT ?? 0);
  return { cityPort: base || (await freePort()), provincePort: base ? base + 1 : await freePort() };
}

/** `govgraph serve` of the city's platform file and data folder on `port`, once ready. */
export async function serveCity(cityFile: string, cityDir: string, port: number): Promise<ChildProcess> {
  const city = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--platform', cityFile, '--data', cityDir, '--port', String(port)], {
    env: CITY_ENV,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await eventually(async () => {
    if (city.exitCode !== null) throw new Error(`the city's gateway ended (exit code ${city.exitCode})`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    if (res.status !== 200) throw new Error(`readyz ${res.status}`);
  }, 90_000);
  return city;
}

/** Kills the city's gateway, if it runs, and waits for it to end. */
export async function stopCity(city: ChildProcess | null): Promise<void> {
  if (!city || city.exitCode !== null) return;
  const exited = new Promise((r) => city.once('exit', r));
  city.kill('SIGKILL');
  await exited;
}

/** The city's gateway process beside a province gateway on loopback, in a work folder of their own. */
export interface GuiyangBesideProvince {
  work: string;
  cityDir: string;
  cityFile: string;
  province: TestGateway;
  /** `govgraph catalogue import FILE --publish` of the city, as its operator runs it (its secret, folder, platform file). */
  publishCity(file: string): Promise<CliResult>;
  /** Stops the city's gateway and the province, and removes the work folder. */
  close(): Promise<void>;
}

/**
 * The set-up of a test of a city that publishes while the province holds its older schema: the city's
 * platform file, its first catalogue (`firstCatalogue(work)`, published by the command, which must succeed),
 * `beforeServe` (records imported by the commands), the city's gateway, then the province's (no poll of
 * the city: connectedPollMs 0, so only a refusal or an answer can have it ask again).
 */
export async function startGuiyangBesideProvince(
  prefix: string,
  firstCatalogue: (work: string) => string,
  beforeServe?: (city: Pick<GuiyangBesideProvince, 'work' | 'cityDir' | 'cityFile'>) => Promise<void>,
): Promise<GuiyangBesideProvince> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const cityDir = join(work, 'city');
  let city: ChildProcess | null = null;
  let province: TestGateway | undefined;
  const close = async () => {
    await stopCity(city);
    await province?.close();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const { cityPort, provincePort } = await cityAndProvincePorts();
    const cityFile = writeCityFile(work, provincePort);
    const publishCity = (file: string) => runGovgraph(['catalogue', 'import', file, '--publish', '--platform', cityFile, '--data', cityDir], { env: CITY_ENV });
    const first = await publishCity(firstCatalogue(work));
    if (first.code !== 0) throw new Error(`the city's first catalogue import failed (exit code ${first.code}): ${first.stderr}`);
    await beforeServe?.({ work, cityDir, cityFile });
    city = await serveCity(cityFile, cityDir, cityPort);
    province = await startGuizhouProvince(work, `http://127.0.0.1:${cityPort}`, provincePort, { connectedPollMs: 0 });
    return { work, cityDir, cityFile, province, publishCity, close };
  } catch (err) {
    await close();
    throw err;
  }
}
