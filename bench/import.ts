// Import of 100,000 household registration records (JSON Lines) into a fresh embedded store, through
// `govgraph data import` in its own process (wall time and peak memory from /usr/bin/time), beside
// baselines measured in the same run on rows already in memory (no reading, parsing or validation):
// - plain better-sqlite3: the same rows as JSON text inserted in one transaction into a bare table, then
//   the resource's indexes built (what the import does underneath, with nothing else);
// - plain better-sqlite3 without any index (the floor of writing these bytes);
// - the store's upsert in batches of 1,000, each its own transaction (how the import wrote before it
//   became all-or-nothing).
// Run: npx tsx bench/import.ts [--records 100000]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { generateDemoRecords } from '../src/demo/generate.ts';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { importRecords } from '../src/records/import.ts';

// The command as users run it: the compiled build when there is one (`npm run build`), else the sources.
const compiled = existsSync('dist/src/cli/main.js');
const env = { ...process.env, GOVGRAPH_FROM_SOURCE: compiled ? '0' : '1' };

const arg = process.argv.indexOf('--records');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const RESOURCE = '430000-GA-00001';

/** Runs a command under /usr/bin/time; returns [peak RSS in MB, wall seconds]. */
function timed(argv: string[]): [number, number] {
  const quoted = argv.map((a) => `'${a}'`).join(' ');
  const line = execFileSync('/bin/sh', ['-c', `/usr/bin/time -f 'TIME %M %e' ${quoted} 2>&1 >/dev/null | grep '^TIME' | tail -1`], { encoding: 'utf8', env });
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

/** Plain better-sqlite3: one transaction of inserts, then (optionally) the indexes. */
function plain(withIndexes: boolean): number {
  const db = new Database(join(work, `plain-${withIndexes}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)');
  const started = performance.now();
  const insert = db.prepare('INSERT INTO t (doc) VALUES (?)');
  db.transaction(() => {
    for (const r of rows) insert.run(JSON.stringify(r));
    if (!withIndexes) return;
    for (const item of resource.items) {
      if (item.type === 'text') continue;
      db.exec(`CREATE ${item.name === resource.key ? 'UNIQUE ' : ''}INDEX "ix_${item.name}" ON t (json_extract(doc, '$.${item.name}'))`);
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return seconds;
}
// The same import in this process (no process start, modules already loaded).
const inProcess = await openSqliteStore(join(work, 'in-process'));
await importCatalogueFiles(inProcess, platform, demoCatalogueFiles(), { publish: true });
process.stderr.write('importRecords in this process...\n');
const inProcessSummary = await importRecords(inProcess, resource, file);
if (inProcessSummary.written !== rows.length) throw new Error(`in-process import wrote ${inProcessSummary.written}`);
const inProcessSeconds = inProcessSummary.elapsedMs / 1000;
await inProcess.close();

process.stderr.write('plain better-sqlite3...\n');
const plainSeconds = plain(true);
const bareSeconds = plain(false);

// govgraph data import, in its own process, into a fresh store with the catalogues published.
const dataDir = join(work, 'import');
execFileSync(process.execPath, ['bin/govgraph.js', 'catalogue', 'import', '--publish', '--platform', DEMO_PLATFORM_FILE, '--data', dataDir, ...demoCatalogueFiles()], { stdio: 'ignore', env });
process.stderr.write('govgraph data import...\n');
const [peakMb, seconds] = timed([process.execPath, 'bin/govgraph.js', 'data', 'import', '--platform', DEMO_PLATFORM_FILE, '--data', dataDir, '--resource', RESOURCE, file]);
const [nodeMb] = timed([process.execPath, 'bin/govgraph.js', '--help']);

console.log(`\n${rows.length} household registration records (15 items, ${resource.items.filter((i) => i.type !== 'text').length} indexes), node ${process.version}\n`);
console.log('| case | seconds | records/s | peak RSS |');
console.log('|---|---:|---:|---:|');
const line = (label: string, s: number, extra = '') => console.log(`| ${label} | ${s.toFixed(1)} | ${(rows.length / s).toFixed(0)} | ${extra} |`);
line('plain better-sqlite3: one transaction, no index (rows in memory)', bareSeconds);
line('plain better-sqlite3: one transaction, then the same indexes (rows in memory)', plainSeconds);
line('store upsert in batches of 1,000, a transaction each (rows in memory)', baselineSeconds);
line('importRecords in this process: stream, validate (check digits, duplicate keys), one transaction', inProcessSeconds);
line(`govgraph data import (${compiled ? 'compiled' : 'from the sources through tsx'}): process start, stream, validate (check digits, duplicate keys), one transaction`, seconds, `${peakMb.toFixed(0)} MB`);
console.log(`| (govgraph --help, for scale) | | | ${nodeMb.toFixed(0)} MB |`);
rmSync(work, { recursive: true, force: true });
