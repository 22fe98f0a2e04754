// Guiyang's gateway (test/fixtures/guizhou) as a process of its own beside an in-process province, for the
// tests of a connected platform that publishes while the province holds its older schema.
import { spawn, type ChildProcess } from 'node:child_process';
import { cliEnv, GOVGRAPH_BIN } from './cli.ts';
import { eventually } from './eventually.ts';
import { freePort } from './guizhou.ts';

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
