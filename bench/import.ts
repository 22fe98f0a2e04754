// Import of 100,000 household registration records (JSON Lines) into a fresh embedded store, through
// `govgraph data import` in its own process (wall time from its start and peak memory, from
// /usr/bin/time), beside, in the same run and in interleaved rounds (medians reported):
// - plain better-sqlite3: the same rows as JSON text inserted in one transaction into a bare table, then
//   the resource's indexes built (what the import does underneath, with nothing else), rows in memory
//   (no reading, parsing or validation);
// - plain better-sqlite3 without any index (the floor of writing these bytes);
// - importRecords in this process (the command's work without its process start);
// and once, for history, the store's upsert in batches of 1,000, each its own transaction (how the
// import wrote before it became all-or-nothing).
// The load average is printed before and after: the machine may be shared.
// Run: npx tsx bench/import.ts [--records 100000] [--rounds 3]
import { execFileSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { generateDemoRecords } from '../src/demo/generate.ts';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { importRecords } from '../src/records/import.ts';

// The command as users run it: the compiled build when there is one (`npm run build`), else the sources.
const compiled = existsSync('dist/src/cli/main.js');
const env = { ...process.env, GOVGRAPH_FROM_SOURCE: compiled ? '0' : '1' };

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = option('--records', 100_000);
const ROUNDS = option('--rounds', 3);
const RESOURCE = '430000-GA-00001';
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Runs a command under /usr/bin/time; returns [peak RSS in MB, wall seconds, CPU seconds (user + system)]. */
function timed(argv: string[]): [number, number, number] {
  const quoted = argv.map((a) => `'${a}'`).join(' ');
  const line = execFileSync('/bin/sh', ['-c', `/usr/bin/time -f 'TIME %M %e %U %S' ${quoted} 2>&1 >/dev/null | grep '^TIME' | tail -1`], { encoding: 'utf8', env });
  const [, kb, seconds, user, system] = line.trim().split(' ');
  return [Number(kb) / 1024, Number(seconds), Number(user) + Number(system)];
}

/** CPU seconds (user + system) this process spent in `work`, beside its result. */
async function cpu<T>(work: () => T | Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return [result, (used.user + used.system) / 1e6];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = mkdtempSync(join(tmpdir(), 'govgraph-import-bench-'));
const loadBefore = load();
process.stderr.write(`generating ${N} people...\n`);
const rows = generateDemoRecords({ people: N, enterprises: 2000 }).get(RESOURCE)!;
const file = join(work, 'household.jsonl');
const out = createWriteStream(file);
for (const r of rows) if (!out.write(JSON.stringify(r) + '\n')) await once(out, 'drain');
out.end();
await once(out, 'finish');

// A store with the catalogues published, copied afresh for each import (the command's and this process's).
const template = join(work, 'template');
execFileSync(process.execPath, ['bin/govgraph.js', 'catalogue', 'import', '--publish', '--platform', DEMO_PLATFORM_FILE, '--data', template, ...demoCatalogueFiles()], { stdio: 'ignore', env });
const fresh = (name: string) => {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(template, dir, { recursive: true });
  return dir;
};
const probe = await openSqliteStore(fresh('probe'));
const resource = (await publishedCatalogues(probe)).flatMap((c) => c.resources).find((r) => r.code === RESOURCE)!;
await probe.close();

/** Plain better-sqlite3: one transaction of inserts, then (optionally) the indexes. */
function plain(withIndexes: boolean): number {
  const name = join(work, `plain-${withIndexes}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(name + suffix, { force: true });
  const db = new Database(name);
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

/** importRecords in this process (no process start, modules loaded), into a fresh store. */
async function inProcess(): Promise<number> {
  const store = await openSqliteStore(fresh('in-process'));
  const summary = await importRecords(store, resource, file);
  if (summary.written !== rows.length) throw new Error(`in-process import wrote ${summary.written}`);
  await store.close();
  return summary.elapsedMs / 1000;
}

/** govgraph data import in its own process, into a fresh store: [peak MB, seconds from its start, CPU seconds]. */
function command(): [number, number, number] {
  return timed([process.execPath, 'bin/govgraph.js', 'data', 'import', '--platform', DEMO_PLATFORM_FILE, '--data', fresh('command'), '--resource', RESOURCE, file]);
}

const results = {
  bare: [] as number[], plain: [] as number[], inProcess: [] as number[], command: [] as number[], commandMb: [] as number[],
  // CPU seconds: what a loaded machine changes least (the wall figures above grow with the load average).
  bareCpu: [] as number[], plainCpu: [] as number[], inProcessCpu: [] as number[], commandCpu: [] as number[],
};
for (let round = 1; round <= ROUNDS; round++) {
  process.stderr.write(`round ${round}/${ROUNDS} (load ${load()})...\n`);
  // Interleaved, in a different order each round.
  const steps: (() => Promise<void>)[] = [
    async () => {
      const [s, c] = await cpu(() => plain(true));
      results.plain.push(s);
      results.plainCpu.push(c);
    },
    async () => {
      const [mb, s, c] = command();
      results.command.push(s);
      results.commandMb.push(mb);
      results.commandCpu.push(c);
    },
    async () => {
      const [s, c] = await cpu(inProcess);
      results.inProcess.push(s);
      results.inProcessCpu.push(c);
    },
    async () => {
      const [s, c] = await cpu(() => plain(false));
      results.bare.push(s);
      results.bareCpu.push(c);
    },
  ];
  for (let k = 0; k < steps.length; k++) await steps[(k + round - 1) % steps.length]();
}

process.stderr.write('once: store upsert in batches of 1,000...\n');
const base = await openSqliteStore(fresh('batched'));
const t = performance.now();
for (let k = 0; k < rows.length; k += 1000) await base.upsert(collectionOf(resource), resource.key, rows.slice(k, k + 1000));
const batchedSeconds = (performance.now() - t) / 1000;
await base.close();
const [helpMb] = timed([process.execPath, 'bin/govgraph.js', '--help']);
const loadAfter = load();

const indexes = resource.items.filter((i) => i.type !== 'text').length;
console.log(`\n${rows.length} household registration records (${resource.items.length} items, ${indexes} indexes), node ${process.version}, ${ROUNDS} interleaved rounds, medians`);
console.log(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}\n`);
console.log('| case | wall s | records/s | each round, wall s | CPU s | records per CPU s | peak RSS |');
console.log('|---|---:|---:|---|---:|---:|---:|');
const line = (label: string, xs: number[], cpus: number[], extra = '') => {
  const s = median(xs);
  const c = cpus.length ? median(cpus) : undefined;
  const cpuCells = c === undefined ? ' | ' : `${c.toFixed(2)} | ${(rows.length / c).toFixed(0)}`;
  console.log(`| ${label} | ${s.toFixed(2)} | ${(rows.length / s).toFixed(0)} | ${xs.map((x) => x.toFixed(2)).join(', ')} | ${cpuCells} | ${extra} |`);
};
line('plain better-sqlite3: one transaction, no index (rows in memory)', results.bare, results.bareCpu);
line(`plain better-sqlite3: one transaction, then the same ${indexes} indexes (rows in memory)`, results.plain, results.plainCpu);
line('importRecords in this process: read, validate (check digits, duplicate keys), one transaction', results.inProcess, results.inProcessCpu);
line(`govgraph data import (${compiled ? 'compiled' : 'from the sources through tsx'}), from its process start`, results.command, results.commandCpu, `${median(results.commandMb).toFixed(0)} MB`);
line('(once) store upsert in batches of 1,000, a transaction each (rows in memory)', [batchedSeconds], []);
console.log(`| (govgraph --help, for scale) | | | | | | ${helpMb.toFixed(0)} MB |`);
const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
console.log(`\nagainst plain better-sqlite3 with the indexes: the command ${ratio(results.command, results.plain)}x wall, ${ratio(results.commandCpu, results.plainCpu)}x CPU; in process ${ratio(results.inProcess, results.plain)}x wall, ${ratio(results.inProcessCpu, results.plainCpu)}x CPU`);
rmSync(work, { recursive: true, force: true });
