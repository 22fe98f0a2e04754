// All-or-nothing imports under kill -9 (SPEC §11, issue 9 point 4): a real `govgraph data import` process
// is killed with SIGKILL at several moments of its run; each time the store must open and show every
// record of the file or none of them, and a re-import over existing records must show every record old
// or every record new.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { addVersion, markPublished } from '../src/catalogue/repository.ts';
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
        const seen = await sizes(data);
        expect([before, after]).toContainEqual(seen);
        outcomes.push(`${label} ${fraction}: ${r.killed ? 'killed' : 'finished'}, ${seen === before || JSON.stringify(seen) === JSON.stringify(before) ? 'none' : 'all'}`);
        rmSync(data, { recursive: true, force: true });
      }
    }
    // The test means something only if some imports were killed mid-way and left nothing.
    expect(outcomes.filter((o) => o.includes('killed, none')).length, outcomes.join('\n')).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
