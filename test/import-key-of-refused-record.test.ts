// A key written twice in a records file is a problem whatever else is wrong with either record: the
// import listed "appears again" only when the first record was sound, so an operator mending the file
// line by line met the duplicate in a second run (and under --skip-invalid the record written depended on
// which of the two was valid). Fujian's population register (test/fixtures/fujian-siming).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/fujian-siming');
const register = (parse(readFileSync(join(fixtures, 'register.yaml'), 'utf8')) as Catalogue).resources[0]!;
const csv = join(fixtures, 'register-twice.csv');

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-fj-import-'));
  store = await openSqliteStore(join(dir, 'data'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a key written twice beside a refused record', () => {
  it('is listed with every other problem, the first time', async () => {
    const s = await importRecords(store, register, csv);
    expect(s.problems).toEqual([
      'line 2: heightCm: "tall" is not an integer',
      'line 3: pid: "35020319850312001X" appears again (first on line 2); keys must be unique',
      'line 4: pid: "350203199101010050" is not a valid ID number (18 characters, GB 11643 check digit)',
      'line 5: pid: "350203199101010050" is not a valid ID number (18 characters, GB 11643 check digit)',
    ]);
    expect(s).toMatchObject({ records: 5, written: 0, rejected: 4, refused: true });
    expect(await store.find(collectionOf(register), {})).toEqual([]);
  });

  it('under --skip-invalid, writes neither record of the key, as when the first was sound', async () => {
    const s = await importRecords(store, register, csv, { skipInvalid: true, rejectsFile: join(dir, 'rejects.jsonl') });
    expect(s).toMatchObject({ records: 5, written: 1, rejected: 4 });
    expect((await store.find(collectionOf(register), {})).map((r) => r.pid)).toEqual(['350206199001020020']);
    const rejects = readFileSync(join(dir, 'rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number });
    expect(rejects.map((r) => r.line)).toEqual([2, 3, 4, 5]);
  });
});
