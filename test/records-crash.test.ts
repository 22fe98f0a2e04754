// All-or-nothing imports under kill -9 (SPEC §11, issue 9 point 4): a real `govgraph data import` process
// is killed with SIGKILL at several moments of its run; each time the store must open and show every
// record of the file or none of them, and a re-import over existing records must show every record old
// or every record new.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { addVersion, markPublished } from '../src/catalogue/repository.ts';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { eq } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const N = 20_000;
const resource = {
  code: '430000-MZ-00009',
  name: 'Test assistance',
  provider: '430000-MZ',
  graphql: { type: 'TestAssistance', list: 'testAssistances', byKey: 'testAssistance' },
  key: 'caseNo',
  share: { type: 'unconditional' as const, methods: ['api' as const] },
  items: [
    { name: 'caseNo', type: 'string' as const, required: true },
    { name: 'householdSize', type: 'int' as const },
    { name: 'district', type: 'string' as const },
    { name: 'approvedOn', type: 'date' as const },
    { name: 'active', type: 'boolean' as const },
  ],
};
const catalogue: Catalogue = { id: 'HN-TEST', kind: 'departmental', title: 'Test catalogue', compiler: '430000-MZ', resources: [resource] };
const COLLECTION = collectionOf(resource);

let dir: string;
let seeded: string; // a data folder with the catalogue published and no record
let first: string; // N records, householdSize 1
let second: string; // the same keys, householdSize 2

function records(file: string, size: number): string {
  const path = join(dir, file);
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    lines.push(JSON.stringify({ caseNo: `C${String(i).padStart(6, '0')}`, householdSize: size, district: `d${i % 97}`, approvedOn: `2024-02-${day}`, active: i % 2 === 0 }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-crash-'));
  seeded = join(dir, 'seeded');
  const store = await openSqliteStore(seeded);
  await addVersion(store, catalogue, 'operator', 'approved');
  await markPublished(store, 'HN-TEST', 1);
  await store.close();
  first = records('first.jsonl', 1);
  second = records('second.jsonl', 2);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the import in its own process; kills it with SIGKILL after `killAfterMs` unless it ended. */
function runImport(data: string, file: string, killAfterMs?: number): Promise<{ code: number | null; killed: boolean; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/govgraph.js', 'data', 'import', '--resource', resource.code, '--data', data, file], { stdio: 'ignore' });
  let killed = false;
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => { killed = child.kill('SIGKILL'); }, killAfterMs);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, ms: Date.now() - started });
    });
  });
}

/**
 * What a killed import left beside the store file, and the file once the next opening closed: SQLite in
 * WAL mode keeps uncommitted pages in `-wal` only (never a rollback `-journal`, which an opening would
 * roll back), and the next opening ignores them; its close checkpoints and removes `-wal` and `-shm`.
 */
async function leftBehind(data: string): Promise<{ files: string[]; afterOpening: string[]; integrity: unknown }> {
  const files = readdirSync(data).filter((f) => f.startsWith('govgraph.sqlite')).sort();
  const store = await openSqliteStore(data);
  await store.count(COLLECTION);
  await store.close();
  const afterOpening = readdirSync(data).filter((f) => f.startsWith('govgraph.sqlite') && statSync(join(data, f)).size > 0).sort();
  const db = new Database(join(data, 'govgraph.sqlite'), { readonly: true });
  try {
    return { files, afterOpening, integrity: db.pragma('integrity_check', { simple: true }) };
  } finally {
    db.close();
  }
}

/** How many records have each householdSize, from a fresh store on the folder. */
async function sizes(data: string): Promise<Record<string, number>> {
  const store = await openSqliteStore(data);
  try {
    const out: Record<string, number> = {};
    for (const size of [1, 2]) {
      const n = await store.count(COLLECTION, eq('householdSize', size));
      if (n) out[size] = n;
    }
    return out;
  } finally {
    await store.close();
  }
}

/**
 * The import's audit entries (attempted, done) on the folder, and whether its chain verifies: records
 * written must never be without the entry written before them (src/workflow/data-import.ts).
 */
async function importAudit(data: string, file: string): Promise<{ details: string[]; chain: boolean }> {
  const store = await openSqliteStore(data);
  try {
    const rows = await store.find(AUDIT_COLLECTION, { filter: eq('action', 'data import'), sort: [{ field: 'seq', direction: 'asc' }] });
    const details = rows.map((r) => String(r.detail)).filter((d) => d.startsWith(`data import of ${file} into`));
    return { details, chain: (await verifyAuditChain(store)).ok };
  } finally {
    await store.close();
  }
}

describe('data import killed with SIGKILL', () => {
  it('leaves every record or none, into an empty collection and over existing records', async () => {
    // An uninterrupted run: how long an import takes here, and the folder with the first file in it.
    const full = join(dir, 'full');
    cpSync(seeded, full, { recursive: true });
    const whole = await runImport(full, first);
    expect(whole.code).toBe(0);
    expect(await sizes(full)).toEqual({ 1: N });

    // Kills late in the run (past the process start: reading, validating, writing, committing).
    const outcomes: string[] = [];
    for (const fraction of [0.4, 0.6, 0.8]) {
      for (const [label, from, file, before, after] of [
        ['empty', seeded, first, {}, { 1: N }],
        ['over', full, second, { 1: N }, { 2: N }],
      ] as const) {
        const data = join(dir, `${label}-${fraction}`);
        cpSync(from, data, { recursive: true });
        const r = await runImport(data, file, Math.round(whole.ms * fraction));
        const left = await leftBehind(data);
        expect(left.files.every((f) => ['govgraph.sqlite', 'govgraph.sqlite-wal', 'govgraph.sqlite-shm'].includes(f)), left.files.join(' ')).toBe(true);
        expect({ afterOpening: left.afterOpening, integrity: left.integrity }).toEqual({ afterOpening: ['govgraph.sqlite'], integrity: 'ok' });
        const seen = await sizes(data);
        expect([before, after]).toContainEqual(seen);
        // The entry before the records: written whenever they are; killed before its done entry, it stands alone.
        const audit = await importAudit(data, file);
        expect(audit.chain).toBe(true);
        const written = JSON.stringify(seen) === JSON.stringify(after);
        const attempted = audit.details.filter((d) => d.endsWith('attempted (all or nothing)')).length;
        expect(attempted, audit.details.join('\n')).toBe(written || audit.details.length ? 1 : 0);
        // Not killed: attempted and done; killed, the done entry only once the records are committed.
        if (!r.killed) expect(audit.details).toHaveLength(2);
        else expect(audit.details.length).toBeLessThanOrEqual(written ? 2 : 1);
        outcomes.push(`${label} ${fraction}: ${r.killed ? 'killed' : 'finished'}, ${seen === before || JSON.stringify(seen) === JSON.stringify(before) ? 'none' : 'all'}`);
        rmSync(data, { recursive: true, force: true });
      }
    }
    // The test means something only if some imports were killed mid-way and left nothing.
    expect(outcomes.filter((o) => o.includes('killed, none')).length, outcomes.join('\n')).toBeGreaterThanOrEqual(2);
  }, 300_000);
});

// --skip-invalid writes its rejects as it reads. Killed midway, an import wrote no record; the rejects
// file must then be the last finished import's, not one truncated and refilled with rejects of records
// that were never imported (a run killed just after the file was opened left it empty).
describe('data import --skip-invalid killed with SIGKILL', () => {
  it('leaves the rejects file of the last import that ended as it was', async () => {
    const file = join(dir, 'some-bad.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < N; i++) lines.push(JSON.stringify({ caseNo: `R${String(i).padStart(6, '0')}`, householdSize: i % 500 === 7 ? 'many' : 3 }));
    writeFileSync(file, lines.join('\n') + '\n');
    const data = join(dir, 'skip');
    cpSync(seeded, data, { recursive: true });
    const rejects = join(dir, 'skip.rejects.jsonl');
    const args = ['bin/govgraph.js', 'data', 'import', '--resource', resource.code, '--data', data, '--skip-invalid', '--rejects', rejects, file];
    const run = (kill: boolean) => new Promise<{ code: number | null; killed: boolean }>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: 'ignore' });
      let killed = false;
      const before = existsSync(rejects) ? readFileSync(rejects, 'utf8') : null;
      // Killed as soon as this run has begun writing rejects, wherever it writes them.
      const poll = setInterval(() => {
        if (!kill || killed) return;
        const now = existsSync(rejects) ? readFileSync(rejects, 'utf8') : null;
        if (now !== before || existsSync(`${rejects}.part`)) killed = child.kill('SIGKILL');
      }, 2);
      child.on('exit', (code) => {
        clearInterval(poll);
        resolve({ code, killed });
      });
    });
    expect((await run(false)).code).toBe(3);
    const finished = readFileSync(rejects, 'utf8');
    expect(finished.trim().split('\n')).toHaveLength(N / 500);

    expect((await run(true)).killed).toBe(true);
    expect(readFileSync(rejects, 'utf8')).toBe(finished);

    expect((await run(false)).code).toBe(3); // run again: the same rejects, nothing left beside them
    expect(readFileSync(rejects, 'utf8')).toBe(finished);
    expect(existsSync(`${rejects}.part`)).toBe(false);
  }, 60_000);
});
