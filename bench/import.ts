// Import of 100,000 household registration records (JSON Lines) into a fresh embedded store, through
// `govgraph data import` in its own process (wall time and peak memory from /usr/bin/time), beside a
// baseline measured in the same run: the same rows upserted straight into a store with the same indexes,
// in batches of 1,000, with no reading, parsing or validation.
// Run: npx tsx bench/import.ts [--records 100000]
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { generateDemoRecords } from '../src/demo/generate.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const arg = process.argv.indexOf('--records');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const RESOURCE = '430000-GA-00001';

/** Runs a command under /usr/bin/time; returns [peak RSS in MB, wall seconds]. */
function timed(argv: string[]): [number, number] {
  const quoted = argv.map((a) => `'${a}'`).join(' ');
  const line = execFileSync('/bin/sh', ['-c', `/usr/bin/time -f 'TIME %M %e' ${quoted} 2>&1 >/dev/null | grep '^TIME' | tail -1`], { encoding: 'utf8' });
  const [, kb, seconds] = line.trim().split(' ');
  return [Number(kb) / 1024, Number(seconds)];
}

const work = mkdtempSync(join(tmpdir(), 'govgraph-import-bench-'));
const platform = loadPlatform(DEMO_PLATFORM_FILE);
process.stderr.write(`generating ${N} people...\n`);
const rows = generateDemoRecords({ people: N, enterprises: 2000 }).get(RESOURCE)!;
const file = join(work, 'household.jsonl');
const out = createWriteStream(file);
for (const r of rows) if (!out.write(JSON.stringify(r) + '\n')) await once(out, 'drain');
out.end();
await once(out, 'finish');

// Baseline, in this process.
const base = await openSqliteStore(join(work, 'baseline'));
const [imported] = (await importCatalogueFiles(base, platform, demoCatalogueFiles(), { publish: true })).filter((c) =>
  c.version.catalogue.resources.some((r) => r.code === RESOURCE),
);
const resource = imported.version.catalogue.resources.find((r) => r.code === RESOURCE)!;
process.stderr.write('baseline: straight upserts...\n');
const t = performance.now();
for (let k = 0; k < rows.length; k += 1000) await base.upsert(collectionOf(resource), resource.key, rows.slice(k, k + 1000));
const baselineSeconds = (performance.now() - t) / 1000;
await base.close();

// govgraph data import, in its own process, into a fresh store with the catalogues published.
const dataDir = join(work, 'import');
execFileSync(process.execPath, ['bin/govgraph.js', 'catalogue', 'import', '--publish', '--platform', DEMO_PLATFORM_FILE, '--data', dataDir, ...demoCatalogueFiles()], { stdio: 'ignore' });
process.stderr.write('govgraph data import...\n');
const [peakMb, seconds] = timed([process.execPath, 'bin/govgraph.js', 'data', 'import', '--platform', DEMO_PLATFORM_FILE, '--data', dataDir, '--resource', RESOURCE, file]);
const [nodeMb] = timed([process.execPath, 'bin/govgraph.js', '--help']);

console.log(`\n${rows.length} household registration records (15 items, ${resource.items.filter((i) => i.type !== 'text').length} indexes), node ${process.version}\n`);
console.log('| case | seconds | records/s | peak RSS |');
console.log('|---|---:|---:|---:|');
console.log(`| baseline: store upsert in batches of 1,000 (no parsing, no validation) | ${baselineSeconds.toFixed(1)} | ${(rows.length / baselineSeconds).toFixed(0)} | |`);
console.log(`| govgraph data import (stream, validate incl. check digits, duplicate keys, upsert) | ${seconds.toFixed(1)} | ${(rows.length / seconds).toFixed(0)} | ${peakMb.toFixed(0)} MB |`);
console.log(`| (govgraph --help, for scale) | | | ${nodeMb.toFixed(0)} MB |`);
rmSync(work, { recursive: true, force: true });
