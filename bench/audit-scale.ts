// The audit log at scale (an operator's year of requests): what its size costs `serve`'s start, the
// supervisor's `auditLog`, `govgraph audit verify` and one request's audit write, on the embedded store.
// Two logs written as the gateway writes them (bench/audit-scale/fill.ts: the chain under the platform's
// key, a checkpoint each minute the head moved): `--entries` (1,000,000) and the baseline `--base` (10,000),
// measured in interleaved rounds of one run, medians. The data folders are kept under `--root` and reused.
// Run: npx tsx bench/audit-scale.ts [--entries 1000000] [--base 10000] [--rounds 3] [--root /tmp/govgraph-audit-scale] [--port 7290]
// With `--only TEXT`, only the auditLog pages whose name holds TEXT (`--only 'one day'`): no serve, verify or write.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { listAudit, auditCursor, type AuditFilter } from '../src/audit/query.ts';
import { appendAudit } from '../src/audit/log.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { BIN, prepare, type Prepared } from './audit-scale/prepare.ts';
import { COMPETENT, REQUESTERS, resourceOf, YEAR_START } from './audit-scale/fill.ts';

if (process.argv.includes('--help')) {
  console.log(`npx tsx bench/audit-scale.ts [options]   (after npm run build:js: serve and audit verify run dist/)

  --entries N   the large log's entries (1000000); 3 to 7 minutes to fill the million once
  --base N      the baseline log's entries (10000)
  --rounds N    interleaved rounds, medians reported (3)
  --root DIR    where the logs' data folders are kept and reused (/tmp/govgraph-audit-scale)
  --port N      the port of serve's start (7290)
  --only TEXT   only the auditLog cases whose name holds TEXT ('one day', 'month'): no serve, verify or write
  --help        this text`);
  process.exit(0);
}

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ENTRIES = Number(arg('entries', '1000000'));
const BASE = Number(arg('base', '10000'));
const ROUNDS = Number(arg('rounds', '3'));
const ROOT = arg('root', '/tmp/govgraph-audit-scale');
const PORT = Number(arg('port', '7290'));
const ONLY = process.argv.includes('--only') ? arg('only', '') : undefined;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `serve`'s start: until /healthz answers, until /readyz says ready, and the slowest /healthz within 3 s of the first. */
async function serveStart(p: Prepared): Promise<{ listening: number; ready: number; slowestHealthz: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(PORT)], { env: p.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ask = async (path: string): Promise<{ status: number; ms: number } | null> => {
    const t = performance.now();
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}${path}`);
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - t };
    } catch {
      return null;
    }
  };
  try {
    let listening = NaN;
    let ready = NaN;
    let slowest = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${stderr}`);
      const health = await ask('/healthz');
      const now = performance.now() - started;
      if (health && Number.isNaN(listening)) listening = now;
      if (health && !Number.isNaN(listening)) slowest = Math.max(slowest, health.ms);
      if (Number.isNaN(ready) && health && (await ask('/readyz'))?.status === 200) ready = performance.now() - started;
      if (!Number.isNaN(ready) && now - listening > 3000) return { listening, ready, slowestHealthz: slowest };
      if (now > 120_000) throw new Error(`serve not ready in 2 minutes: ${stderr}`);
      await sleep(5);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** `govgraph audit verify`: wall time and the process's peak memory (GNU time's maximum resident set). */
async function verify(p: Prepared): Promise<{ ms: number; rssMb: number; said: string }> {
  const started = performance.now();
  const { stdout, stderr } = await promisify(execFile)('/usr/bin/time', ['-f', 'RSS %M', process.execPath, BIN, 'audit', 'verify'], { env: p.env, maxBuffer: 1 << 26 });
  const ms = performance.now() - started;
  const rss = /RSS (\d+)/.exec(stderr);
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN, said: stdout.trim().split('\n')[0] };
}

const supervisor = { dept: COMPETENT, roles: ['supervisor'] };
/** The supervisor's pages: first pages filtered as an operator filters, and pages deep in the log (a cursor halfway). */
function queries(entries: number): [string, AuditFilter, string | null, typeof supervisor][] {
  const midday = new Date(YEAR_START + (entries / 2) * ((365 * 24 * 3600_000) / 1_000_000)).toISOString().slice(0, 10);
  // The day before the log's last (the log's first day when it holds less than a day: --base 2000 is 17 hours).
  const newest = new Date(Math.max(YEAR_START, YEAR_START + (entries - 1) * ((365 * 24 * 3600_000) / 1_000_000) - 24 * 3600_000)).toISOString().slice(0, 10);
  // The 30 days from the day halfway's first (from the log's first day when it holds less than 60 days).
  const month = new Date(Math.max(YEAR_START, Date.parse(`${midday}T00:00:00.000Z`) - 15 * 24 * 3600_000)).toISOString().slice(0, 10);
  const half = auditCursor(Math.floor(entries / 2));
  return [
    ['no filter, first page', {}, null, supervisor],
    ['no filter, page halfway', {}, half, supervisor],
    ['department, first page', { department: REQUESTERS[3] }, null, supervisor],
    ['department, page halfway', { department: REQUESTERS[3] }, half, supervisor],
    ['resource, first page', { resource: resourceOf(5).code }, null, supervisor],
    ['resource, page halfway', { resource: resourceOf(5).code }, half, supervisor],
    ['one day (from, to), first page', { from: `${midday}T00:00:00.000Z`, to: `${midday}T23:59:59.999Z` }, null, supervisor],
    ["one day (from, to), a requester's own, first page", { from: `${midday}T00:00:00.000Z`, to: `${midday}T23:59:59.999Z` }, null, { dept: REQUESTERS[3], roles: [] }],
    ['the newest day (from, to), first page', { from: `${newest}T00:00:00.000Z`, to: `${newest}T23:59:59.999Z` }, null, supervisor],
    // More than a window of entries (20,000), far back: read through the time index a window at a time.
    ['a month halfway (from, to), first page', { from: `${month}T00:00:00.000Z`, to: new Date(Date.parse(`${month}T00:00:00.000Z`) + 30 * 24 * 3600_000).toISOString() }, null, supervisor],
    ["a month halfway (from, to), a requester's own, first page", { from: `${month}T00:00:00.000Z`, to: new Date(Date.parse(`${month}T00:00:00.000Z`) + 30 * 24 * 3600_000).toISOString() }, null, { dept: REQUESTERS[3], roles: [] }],
    // More than a window of entries, the newest: a page alone is the seq index's first window.
    ['the last 30 days (from, to), first page', { from: new Date(Date.parse(`${newest}T00:00:00.000Z`) - 29 * 24 * 3600_000).toISOString(), to: `${newest}T23:59:59.999Z` }, null, supervisor],
    ['action (data import), first page', { action: 'data import' }, null, supervisor],
    ["a requester's own, first page", {}, null, { dept: REQUESTERS[3], roles: [] }],
  ];
}

type Figures = Record<string, number[]>;
const put = (f: Figures, key: string, v: number) => (f[key] ??= []).push(v);

async function inProcess(p: Prepared, f: Figures, round: number): Promise<void> {
  const store = await openSqliteStore(p.data);
  try {
    for (const [name, filter, after, viewer] of queries(p.entries).filter(([name]) => ONLY === undefined || name.includes(ONLY))) {
      // With totalCount (as every request counted before 7 December's evening), and without (counted only when selected).
      for (const counted of [true, false]) {
        const t = performance.now();
        const page = await listAudit(store, viewer, filter, { first: 50, after }, COMPETENT, 500, counted);
        put(f, `auditLog: ${name}${counted ? ', totalCount' : ''}`, performance.now() - t);
        if (page.nodes.length === 0) throw new Error(`${name}: no entries`);
      }
    }
    if (ONLY !== undefined) return;
    // One request's entry, written alone (a quiet gateway), the first of the process (indexes, key) excluded.
    const entry = (n: number) => ({
      requestId: `bench-${round}-${n}`, department: REQUESTERS[0], user: 'bench', purpose: 'permit-review', operationName: 'CaseByNo', documentHash: null,
      kind: 'read' as const, action: null, outcome: 'allowed' as const, detail: null,
      resources: [{ resource: resourceOf(1).code, provider: resourceOf(1).provider, items: ['caseNo'], denied: [], masked: [], records: 1, filtered: ['caseNo'], ordered: [], counted: false }],
    });
    const prev = process.env.GOVGRAPH_JWT_SECRET;
    process.env.GOVGRAPH_JWT_SECRET = p.env.GOVGRAPH_JWT_SECRET;
    try {
      await appendAudit(store, entry(-1));
      const times: number[] = [];
      for (let n = 0; n < 30; n++) {
        const t = performance.now();
        await appendAudit(store, entry(n));
        times.push(performance.now() - t);
      }
      put(f, 'one audit write (median of 30)', median(times));
    } finally {
      process.env.GOVGRAPH_JWT_SECRET = prev;
    }
  } finally {
    await store.close();
  }
}

const logs = [await prepare(ROOT, BASE, console.log), await prepare(ROOT, ENTRIES, console.log)];
const figures: Figures[] = logs.map(() => ({}));
let said = ['', ''];
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, p] of logs.entries()) {
    if (ONLY !== undefined) {
      await inProcess(p, figures[i], round);
      continue;
    }
    const s = await serveStart(p);
    put(figures[i], 'serve: /healthz answers', s.listening);
    put(figures[i], 'serve: /readyz ready', s.ready);
    put(figures[i], 'serve: slowest /healthz in its first 3 s', s.slowestHealthz);
    await inProcess(p, figures[i], round);
    const v = await verify(p);
    put(figures[i], 'audit verify', v.ms);
    put(figures[i], 'audit verify: peak RSS (MB)', v.rssMb);
    said[i] = v.said;
  }
}
const [base, large] = logs;
console.log(`\nthe audit log at ${large.entries.toLocaleString('en-US')} entries (${large.checkpoints.toLocaleString('en-US')} checkpoints) against ${base.entries.toLocaleString('en-US')} (${base.checkpoints.toLocaleString('en-US')}), median of ${ROUNDS} interleaved rounds (${process.version}, ${new Date().toISOString().slice(0, 16)}Z)`);
console.log(`audit verify said: ${said[0]} | ${said[1]}\n`);
console.log(`| operation | ${base.entries.toLocaleString('en-US')} entries | ${large.entries.toLocaleString('en-US')} entries | ratio |`);
console.log('|---|---:|---:|---:|');
for (const key of Object.keys(figures[0])) {
  const a = median(figures[0][key]);
  const b = median(figures[1][key]);
  const unit = key.includes('MB') ? '' : ' ms';
  console.log(`| ${key} | ${a.toFixed(1)}${unit} | ${b.toFixed(1)}${unit} | ${(b / a).toFixed(1)}× |`);
}
