// Start-up of the govgraph command, compiled (dist/, what `govgraph` runs) against the same sources run
// through tsx (GOVGRAPH_FROM_SOURCE=1, how it ran before the build), in interleaved rounds of one run:
// - `govgraph --help`: wall time and peak memory (max RSS) of the process;
// - `govgraph serve`: wall time until /readyz answers 200, and the resident memory then (from /metrics).
// Needs `npm run build` first. Run: npx tsx bench/startup.ts [--rounds 7]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'govgraph.js');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;

type Mode = 'compiled' | 'tsx';
const env = (mode: Mode) => ({ ...process.env, GOVGRAPH_FROM_SOURCE: mode === 'tsx' ? '1' : '', GOVGRAPH_LOG_LEVEL: 'silent' });

/** Wall time and max RSS (KiB, from /usr/bin/time) of `govgraph --help`. */
function help(mode: Mode): Promise<{ ms: number; rssMiB: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, bin, '--help'], { env: env(mode), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`--help exited ${code}: ${err}`));
      resolve({ ms, rssMiB: Number(err.trim().split('\n').pop()) / 1024 });
    });
  });
}

/** Wall time until /readyz says 200, and the resident memory the gateway reports then. */
async function serve(mode: Mode, dataDir: string): Promise<{ ms: number; rssMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir, '--platform', DEMO_PLATFORM_FILE], {
    env: env(mode),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    for (;;) {
      const r = await fetch(`${url}/readyz`).catch(() => null);
      if (r?.status === 200) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const rss = Number(/^govgraph_process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1]);
    return { ms, rssMiB: rss / 1024 / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dataDir = mkdtempSync(join(tmpdir(), 'govgraph-bench-startup-'));
try {
  const store = await openSqliteStore(dataDir);
  await importCatalogueFiles(store, loadPlatform(DEMO_PLATFORM_FILE), demoCatalogueFiles(), { publish: true });
  await store.close();
  const results: Record<string, { ms: number[]; rss: number[] }> = {};
  const add = (key: string, r: { ms: number; rssMiB: number }) => {
    results[key] ??= { ms: [], rss: [] };
    results[key].ms.push(r.ms);
    results[key].rss.push(r.rssMiB);
  };
  await help('compiled'); // warm the file cache
  for (let i = 0; i < ROUNDS; i++) {
    for (const mode of ['compiled', 'tsx'] as const) add(`help ${mode}`, await help(mode));
    for (const mode of ['compiled', 'tsx'] as const) add(`serve ${mode}`, await serve(mode, join(dataDir)));
  }
  console.log(`govgraph start-up, median of ${ROUNDS} interleaved rounds (${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| case | compiled | tsx (sources) | compiled / tsx |');
  console.log('|---|---:|---:|---:|');
  for (const what of ['help', 'serve']) {
    const c = results[`${what} compiled`];
    const t = results[`${what} tsx`];
    const label = what === 'help' ? '`govgraph --help`' : '`govgraph serve` until /readyz is 200';
    console.log(`| ${label}: time | ${median(c.ms).toFixed(0)} ms | ${median(t.ms).toFixed(0)} ms | ${(median(c.ms) / median(t.ms)).toFixed(2)} |`);
    console.log(`| ${label}: memory (${what === 'help' ? 'max RSS' : 'RSS when ready'}) | ${median(c.rss).toFixed(0)} MiB | ${median(t.rss).toFixed(0)} MiB | ${(median(c.rss) / median(t.rss)).toFixed(2)} |`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
