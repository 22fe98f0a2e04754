import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectionOf, RECORD_ORDER_FIELD, type Resource } from '../src/model/catalogue.ts';
import { ROW_ORDER, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { importRecords, summaryLine, type ImportProgress, type ImportSummary } from '../src/records/import.ts';
import { reportImport } from '../src/cli/data.ts';
import { aroundMethod } from './helpers/store-around.ts';
import { countingStore } from './helpers/counting-store.ts';

const resource: Resource = {
  code: '430000-MZ-00009',
  name: 'Test assistance',
  provider: '430000-MZ',
  graphql: { type: 'TestAssistance', list: 'testAssistances', byKey: 'testAssistance' },
  key: 'caseNo',
  share: { type: 'unconditional', methods: ['api'] },
  items: [
    { name: 'caseNo', type: 'string', required: true, pattern: '^DB[0-9]{4}$' },
    { name: 'idNumber', type: 'string', format: 'idcard', required: true },
    { name: 'fullName', type: 'string', length: 30 },
    { name: 'householdSize', type: 'int' },
    { name: 'active', type: 'boolean' },
    { name: 'approvedOn', type: 'date' },
    { name: 'remarks', type: 'text' },
  ],
};
const COLLECTION = collectionOf(resource);
const ID1 = '11010519491231002X';
const ID2 = '430102199003071234';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-import-'));
  store = await openSqliteStore(join(dir, 'data'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, lines: string[]): string {
  const f = join(dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

const jsonl = (...records: object[]) => records.map((r) => JSON.stringify(r));

/** The summary line with its timing (`in 0.1 s, 20 records/s`) as `in T`. */
const line = (s: ImportSummary) => summaryLine(s).replace(/ in \d+\.\d s, [\d,]+ records\/s/, ' in T');

/** The stored records' items (the place each is given in a masked key's list, `_o`, left out: places()). */
async function rows() {
  return store.find(COLLECTION, { projection: resource.items.map((i) => i.name), sort: [{ field: 'caseNo', direction: 'asc' }] });
}

/** Each stored record's place in a masked key's list (src/records/import/placing.ts), by its key. */
async function places(): Promise<Record<string, unknown>> {
  const found = await store.find(COLLECTION, { projection: ['caseNo', RECORD_ORDER_FIELD] });
  return Object.fromEntries(found.map((r) => [r.caseNo, r[RECORD_ORDER_FIELD]]));
}

describe('importRecords', () => {
  it('imports JSON Lines, then upserts by key on a second import', async () => {
    const f = file('a.jsonl', jsonl(
      { caseNo: 'DB0001', idNumber: ID1, fullName: '张伟', householdSize: 3, active: true, approvedOn: '2024-05-01' },
      { caseNo: 'DB0002', idNumber: ID2 },
    ));
    const s = await importRecords(store, resource, f);
    expect(s).toEqual({
      resource: '430000-MZ-00009', file: f, records: 2, written: 2, inserted: 2, updated: 0,
      rejected: 0, problems: [], problemCount: 0, refused: false, elapsedMs: expect.any(Number),
    });
    expect(line(s)).toBe('imported 2 records into 430000-MZ-00009 (2 new, 0 updated) in T');
    expect(await rows()).toEqual([
      { caseNo: 'DB0001', idNumber: ID1, fullName: '张伟', householdSize: 3, active: true, approvedOn: '2024-05-01', remarks: null },
      { caseNo: 'DB0002', idNumber: ID2, fullName: null, householdSize: null, active: null, approvedOn: null, remarks: null },
    ]);
    expect(await store.listIndexes(COLLECTION)).toEqual([
      { fields: ['caseNo'], unique: true },
      { fields: [RECORD_ORDER_FIELD, ROW_ORDER], unique: false },
      { fields: ['idNumber'], unique: false },
      { fields: ['fullName'], unique: false },
      { fields: ['householdSize'], unique: false },
      { fields: ['active'], unique: false },
      { fields: ['approvedOn'], unique: false },
    ]);
    const placed = await places();
    expect(placed).toEqual({ DB0001: expect.any(Number), DB0002: expect.any(Number) });

    const g = file('b.jsonl', jsonl({ caseNo: 'DB0002', idNumber: ID2, householdSize: 5 }, { caseNo: 'DB0003', idNumber: ID1 }));
    const s2 = await importRecords(store, resource, g);
    expect(line(s2)).toBe('imported 2 records into 430000-MZ-00009 (1 new, 1 updated) in T');
    expect((await rows()).map((r) => [r.caseNo, r.householdSize])).toEqual([['DB0001', 3], ['DB0002', 5], ['DB0003', null]]);
    // The record updated keeps its place; the new one gets one.
    expect(await places()).toEqual({ ...placed, DB0003: expect.any(Number) });
  });

  it('gives records stored without a place (by a release before places) one when their file is imported again', async () => {
    await store.upsert(COLLECTION, 'caseNo', [{ caseNo: 'DB0001', idNumber: ID1 }, { caseNo: 'DB0002', idNumber: ID2 }]);
    expect(await places()).toEqual({ DB0001: null, DB0002: null });
    const f = file('again.jsonl', jsonl({ caseNo: 'DB0001', idNumber: ID1 }, { caseNo: 'DB0002', idNumber: ID2 }));
    expect(line(await importRecords(store, resource, f))).toBe('imported 2 records into 430000-MZ-00009 (0 new, 2 updated) in T');
    expect(await places()).toEqual({ DB0001: expect.any(Number), DB0002: expect.any(Number) });
  });

  it('places the records stored without a place in one write of the store, not one a record', async () => {
    // 1,200 records of an older release (more than a page of the import's own reads), none in the file imported.
    const old = Array.from({ length: 1200 }, (_, i) => ({ caseNo: `DB${String(i + 1000).padStart(4, '0')}`, idNumber: ID2 }));
    await store.upsert(COLLECTION, 'caseNo', old);
    const counted = countingStore(store);
    const s = await importRecords(counted, resource, file('new.jsonl', jsonl({ caseNo: 'DB0001', idNumber: ID1 })));
    expect(s).toMatchObject({ refused: false, inserted: 1 });
    expect(s.placingUnfinished).toBeUndefined();
    const writes = counted.calls.filter((c) => /^(update|fillNulls|upsert|insert) /.test(c));
    expect(writes).toEqual([`fillNulls ${COLLECTION}`]);
    expect(await store.count(COLLECTION, { kind: 'compare', field: RECORD_ORDER_FIELD, op: 'eq', value: null })).toBe(0);
    expect(new Set(Object.values(await places())).size).toBe(1201);
  });

  it('says so when placing them fails after the import committed, which stays committed; the next import places them', async () => {
    await store.upsert(COLLECTION, 'caseNo', [{ caseNo: 'DB0001', idNumber: ID1 }]);
    // placeUnplaced writes the places with `fillNulls`; the import's own unit never calls it.
    const failing = aroundMethod(store, 'fillNulls', async () => {
      throw new Error('database or disk is full');
    });
    const f = file('one.jsonl', jsonl({ caseNo: 'DB0002', idNumber: ID2 }));
    const s = await importRecords(failing, resource, f);
    expect(s).toMatchObject({ refused: false, written: 1, inserted: 1, placingUnfinished: 'database or disk is full' });
    expect(await places()).toEqual({ DB0001: null, DB0002: expect.any(Number) });
    const lines: string[] = [];
    reportImport(s, (l) => lines.push('out ' + l), (l) => lines.push('err ' + l));
    expect(lines.map((l) => l.replace(/ in \d+\.\d s, [\d,]+ records\/s/, ' in T'))).toEqual([
      'out imported 1 record into 430000-MZ-00009 (1 new, 0 updated) in T',
      "err govgraph: the records were written, but giving 430000-MZ-00009's records stored without a place in its masked key's list one did not finish " +
        '(database or disk is full): they still come first in that list, in the order they were stored in; the next import of 430000-MZ-00009 finishes it',
    ]);

    const again = await importRecords(store, resource, f);
    expect(again.placingUnfinished).toBeUndefined();
    expect(await places()).toEqual({ DB0001: expect.any(Number), DB0002: expect.any(Number) });
  });

  it('imports CSV: empty cells are null, booleans and numbers from text, line numbers of quoted multi-line cells', async () => {
    const f = file('a.csv', [
      'caseNo,idNumber,fullName,householdSize,active,approvedOn,remarks',
      `DB0001,${ID1},张伟,3,1,2024-05-01,"two`,
      'lines"',
      `DB0002,${ID2},,,false,,`,
      `DB0003,${ID2},李娜,x,true,,`,
    ]);
    const s = await importRecords(store, resource, f);
    expect(s.problems).toEqual(['line 5: householdSize: "x" is not an integer']);
    expect(s.refused).toBe(true);
    expect(await rows()).toEqual([]);

    const g = file('b.csv', [
      'caseNo,idNumber,fullName,householdSize,active,approvedOn,remarks',
      `DB0001,${ID1},张伟,3,1,2024-05-01,"two`,
      'lines"',
      '',
      `DB0002,${ID2},,,false,,`,
    ]);
    expect(line(await importRecords(store, resource, g))).toBe('imported 2 records into 430000-MZ-00009 (2 new, 0 updated) in T');
    expect(await rows()).toEqual([
      { caseNo: 'DB0001', idNumber: ID1, fullName: '张伟', householdSize: 3, active: true, approvedOn: '2024-05-01', remarks: 'two\nlines' },
      { caseNo: 'DB0002', idNumber: ID2, fullName: null, householdSize: null, active: false, approvedOn: null, remarks: null },
    ]);
  });

  it('all-or-nothing: any problem writes nothing and reports every problem', async () => {
    await importRecords(store, resource, file('seed.jsonl', jsonl({ caseNo: 'DB0001', idNumber: ID1, fullName: '张伟' })));
    const before = await rows();
    const f = file('bad.jsonl', [
      ...jsonl({ caseNo: 'DB0001', idNumber: ID1, fullName: '王芳' }),
      '',
      '{"caseNo": "DB0002", ',
      '[1, 2]',
      ...jsonl(
        { caseNo: 'DB0003', idNumber: '110105194912310021', householdSize: 2.5 },
        { caseNo: 'DB0004', idNumber: ID2, approvedOn: '1990-02-30', colour: 'red' },
        { caseNo: 'DB0001', idNumber: ID2 },
        { caseNo: 'DB04', idNumber: ID2 },
      ),
    ]);
    const s = await importRecords(store, resource, f);
    expect(s.problems).toEqual([
      expect.stringMatching(/^line 3: not valid JSON \(.+\)$/),
      'line 4: expected a JSON object, got an array',
      'line 5: idNumber: "110105194912310021" is not a valid ID number (18 characters, GB 11643 check digit)',
      'line 5: householdSize: 2.5 is not an integer',
      'line 6: approvedOn: "1990-02-30" is not a date (YYYY-MM-DD)',
      'line 6: colour: is not an item of 430000-MZ-00009 (items: caseNo, idNumber, fullName, householdSize, active, approvedOn, remarks)',
      'line 7: caseNo: "DB0001" appears again (first on line 1); keys must be unique',
      'line 8: caseNo: "DB04" does not match the pattern ^DB[0-9]{4}$',
    ]);
    expect(s).toMatchObject({ records: 7, written: 0, inserted: 0, updated: 0, rejected: 6, problemCount: 8, refused: true });
    expect(s.rejectsFile).toBeUndefined();
    expect(line(s)).toBe(`refused ${f}: 8 problems in 6 of 7 records; nothing was written to 430000-MZ-00009 (read in T)`);
    expect(await rows()).toEqual(before);
  });

  it('skip-invalid writes the good rows and the rejects with line numbers and reasons', async () => {
    const f = file('mixed.jsonl', [
      ...jsonl({ caseNo: 'DB0001', idNumber: ID1 }),
      '{oops',
      ...jsonl({ caseNo: 'DB0002', idNumber: ID2, householdSize: 'two' }, { caseNo: 'DB0003', idNumber: ID2 }, { caseNo: 'DB0001', idNumber: ID2 }),
    ]);
    const s = await importRecords(store, resource, f, { skipInvalid: true });
    expect(s).toMatchObject({ records: 5, written: 2, inserted: 2, updated: 0, rejected: 3, problemCount: 3, refused: false, rejectsFile: `${f}.rejects.jsonl` });
    expect(line(s)).toBe(`imported 2 records into 430000-MZ-00009 (2 new, 0 updated) in T; 3 rejected, written to ${f}.rejects.jsonl`);
    expect((await rows()).map((r) => [r.caseNo, r.idNumber])).toEqual([['DB0001', ID1], ['DB0003', ID2]]);
    const rejects = readFileSync(`${f}.rejects.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects).toEqual([
      { line: 2, problems: [expect.stringMatching(/^line 2: not valid JSON/)], record: null },
      { line: 3, problems: ['line 3: householdSize: "two" is not an integer (a JSON number, not a string)'], record: { caseNo: 'DB0002', idNumber: ID2, householdSize: 'two' } },
      { line: 5, problems: ['line 5: caseNo: "DB0001" appears again (first on line 1); keys must be unique'], record: { caseNo: 'DB0001', idNumber: ID2 } },
    ]);
  });

  it('skip-invalid with a rejects file of its own', async () => {
    const f = file('x.jsonl', jsonl({ caseNo: 'DB0001' }));
    const rejectsFile = join(dir, 'out', '..', 'my-rejects.jsonl');
    const s = await importRecords(store, resource, f, { skipInvalid: true, rejectsFile });
    expect(s).toMatchObject({ written: 0, rejected: 1, rejectsFile });
    expect(readFileSync(rejectsFile, 'utf8')).toBe(
      JSON.stringify({ line: 1, problems: ['line 1: idNumber: a value is required'], record: { caseNo: 'DB0001' } }) + '\n',
    );
  });

  it('lists the first problems and counts them all', async () => {
    const f = file('many.jsonl', Array.from({ length: 150 }, (_, i) => JSON.stringify({ caseNo: `DB${String(i).padStart(4, '0')}` })));
    const s = await importRecords(store, resource, f);
    expect(s.problems.length).toBe(100);
    expect(s.problems[99]).toBe('line 100: idNumber: a value is required');
    expect(s.problemCount).toBe(150);
  });

  it('CSV: a row with the wrong number of fields, and a bad header refused even with skip-invalid', async () => {
    const f = file('short.csv', ['caseNo,idNumber', `DB0001,${ID1}`, 'DB0002', `DB0003,${ID2},extra`]);
    expect((await importRecords(store, resource, f)).problems).toEqual([
      'line 3: expected 2 fields as in the header, got 1',
      'line 4: expected 2 fields as in the header, got 3',
    ]);
    const g = file('header.csv', ['caseNo,idNumber,caseNo', `DB0001,${ID1},DB0001`]);
    const s = await importRecords(store, resource, g, { skipInvalid: true });
    expect(s).toMatchObject({ refused: true, written: 0, problems: ['line 1: column "caseNo" appears twice in the header'] });
    expect(await rows()).toEqual([]);
  });

  it('CSV: a header with a column that is not an item, or without a required item, is one problem, not one a row', async () => {
    const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => `DB${String(i).padStart(4, '0')},${ID1},red`);
    const f = file('colour.csv', ['caseNo,idNumber,colour', ...rowsOf(500)]);
    for (const skipInvalid of [false, true]) {
      const s = await importRecords(store, resource, f, { skipInvalid });
      expect(s).toMatchObject({
        refused: true,
        written: 0,
        problemCount: 1,
        problems: ['line 1: column "colour" of the header is not an item of 430000-MZ-00009 (items: caseNo, idNumber, fullName, householdSize, active, approvedOn, remarks)'],
      });
    }
    const g = file('no-id.csv', ['caseNo,fullName', 'DB0001,张伟', 'DB0002,李娜']);
    expect((await importRecords(store, resource, g)).problems).toEqual(['line 1: the header lacks the required item idNumber']);
    // A required column misspelled is both: the one problem says so, so that one correction suffices.
    const h = file('misspelled.csv', ['caseNo,idNumbr', `DB0001,${ID1}`]);
    expect((await importRecords(store, resource, h)).problems).toEqual([
      'line 1: column "idNumbr" of the header is not an item of 430000-MZ-00009 (items: caseNo, idNumber, fullName, householdSize, active, approvedOn, remarks); the header lacks the required item idNumber',
    ]);
    expect(await rows()).toEqual([]);
  });

  it('a column or property named by an item\'s title (an export headed 姓名) names the item to write instead', async () => {
    const titled: Resource = {
      ...resource,
      items: resource.items.map((i) => ({ ...i, title: ({ caseNo: '案件编号', idNumber: '身份证号', fullName: ' 姓名 ' } as Record<string, string>)[i.name] })),
    };
    const f = file('titles.csv', ['caseNo,身份证号,姓名,备注', `DB0001,${ID1},张伟,x`]);
    expect((await importRecords(store, titled, f)).problems).toEqual([
      'line 1: columns "身份证号", "姓名", "备注" of the header are not items of 430000-MZ-00009 (items: caseNo, idNumber, fullName, householdSize, active, approvedOn, remarks); ' +
        '"身份证号" is the title of the item idNumber: records name items by name, so write idNumber; ' +
        '"姓名" is the title of the item fullName: records name items by name, so write fullName; the header lacks the required item idNumber',
    ]);
    const g = file('titles.jsonl', [JSON.stringify({ caseNo: 'DB0001', idNumber: ID1, 姓名: '张伟' })]);
    expect((await importRecords(store, titled, g)).problems).toEqual([
      'line 1: 姓名: is not an item of 430000-MZ-00009 (items: caseNo, idNumber, fullName, householdSize, active, approvedOn, remarks); it is the title of the item fullName: records name items by name, so write fullName',
    ]);
    expect(await rows()).toEqual([]);
  });

  it('a refused CSV header is no record: the summary says the header, not "1 problem in 1 of 1 records" of a file of 3', async () => {
    const f = file('header-first.csv', ['caseNo,idNumber,colour', `DB0001,${ID1},red`, `DB0002,${ID2},blue`, `DB0003,${ID1},green`]);
    for (const skipInvalid of [false, true]) {
      const s = await importRecords(store, resource, f, { skipInvalid });
      expect(s).toMatchObject({ refused: true, headerRefused: true, records: 0, rejected: 0, written: 0, problemCount: 1 });
      expect(line(s)).toBe(`refused ${f}: 1 problem in its header; no record was read, and nothing was written to 430000-MZ-00009 (in ${(s.elapsedMs / 1000).toFixed(1)} s)`);
    }
    // The rejects file of --skip-invalid says why nothing was read.
    expect(readFileSync(`${f}.rejects.jsonl`, 'utf8')).toBe(
      JSON.stringify({ line: 1, problems: ['line 1: column "colour" of the header is not an item of 430000-MZ-00009 (items: caseNo, idNumber, fullName, householdSize, active, approvedOn, remarks)'], record: null }) + '\n',
    );
    // A record's own problem still counts the records read.
    const g = file('row-bad.csv', ['caseNo,idNumber', `DB0001,${ID1}`, 'DB0002']);
    expect(line(await importRecords(store, resource, g))).toBe(`refused ${g}: 1 problem in 1 of 2 records; nothing was written to 430000-MZ-00009 (read in T)`);
    expect(await rows()).toEqual([]);
  });

  it('a problem that stops the reading before any record (a CSV saved as GBK, a JSON array, a header\'s quote never closed) reads no record either', async () => {
    const gbk = join(dir, 'gbk.csv');
    // 李 in GBK (0xC0 0xEE): Excel's CSV of a department's machine, its header ASCII and its rows not UTF-8.
    writeFileSync(gbk, Buffer.concat([Buffer.from(`caseNo,idNumber,fullName\nDB0001,${ID1},`), Buffer.from([0xc0, 0xee]), Buffer.from(`\nDB0002,${ID2},x\n`)]));
    const array = file('array.json', [JSON.stringify([{ caseNo: 'DB0001', idNumber: ID1 }])]);
    const quote = file('quote.csv', ['caseNo,"idNumber', `DB0001,${ID1}`]);
    for (const [f, problem] of [
      [gbk, 'line 2: not valid UTF-8: it reads as GB18030 (GBK)'],
      [array, 'line 1: the file is a JSON array; write one JSON object per line (JSON Lines)'],
      [quote, 'line 1: a quoted field opened on this line is never closed'],
    ] as const) {
      const s = await importRecords(store, resource, f, { skipInvalid: true });
      expect(s).toMatchObject({ refused: true, noRecordRead: true, records: 0, rejected: 0, written: 0, problemCount: 1 });
      expect(s.problems[0]).toContain(problem);
      expect(line(s)).toBe(`refused ${f}: 1 problem; no record was read, and nothing was written to 430000-MZ-00009 (in ${(s.elapsedMs / 1000).toFixed(1)} s)`);
    }
    expect(await rows()).toEqual([]);
  });

  it('a key spelled two ways is still one key: 7 and "007" of an int key are a duplicate', async () => {
    const numbered: Resource = {
      ...resource,
      key: 'no',
      items: [{ name: 'no', type: 'int', required: true }, { name: 'label', type: 'string', required: true }],
    };
    const f = join(dir, 'numbered.csv');
    writeFileSync(f, 'no,label\n7,first\n007,second\n');
    const s = await importRecords(store, numbered, f);
    expect(s.problems).toEqual(['line 3: no: "007" appears again (first on line 2); keys must be unique']);
    expect(await store.count(collectionOf(numbered))).toBe(0);
  });

  it('JSON written over several lines (an export pretty-printed) is refused whole, saying so, not line by line', async () => {
    const record = { caseNo: 'DB0001', idNumber: ID1, remarks: 'a { in a text, and a "quoted } brace' };
    const f = file('pretty.json', JSON.stringify(record, null, 2).split('\n'));
    const s = await importRecords(store, resource, f, { skipInvalid: true });
    expect(s).toMatchObject({ refused: true, noRecordRead: true, written: 0, problemCount: 1 });
    expect(s.problems).toEqual([
      'line 1: the record goes on past the end of its line: the file is JSON written over several lines (pretty-printed); JSON Lines holds one record a line: write each JSON object on one line',
    ]);
    // A record that is closed on its line but not valid JSON is that line's own problem, and the reading goes on.
    const broken = file('broken.jsonl', ['{"caseNo": "DB0001", "remarks": "{ [",}', ...jsonl({ caseNo: 'DB0002', idNumber: ID2 })]);
    const t = await importRecords(store, resource, broken, { skipInvalid: true });
    expect(t.problems).toEqual([expect.stringMatching(/^line 1: not valid JSON \(/)]);
    expect(t).toMatchObject({ written: 1, rejected: 1 });
    // Nor is a record broken by a line break inside a text: its two lines are refused, the others read.
    const split = file('split.jsonl', ['{"caseNo": "DB0003", "remarks": "first', 'second"}', ...jsonl({ caseNo: 'DB0004', idNumber: ID2 })]);
    const u = await importRecords(store, resource, split, { skipInvalid: true });
    expect(u.problems).toEqual([expect.stringMatching(/^line 1: not valid JSON \(/), expect.stringMatching(/^line 2: not valid JSON \(/)]);
    expect(u).toMatchObject({ written: 1, rejected: 2 });
  });

  it('a first record cut short (a brace lost) before lines that are records is its own problem, not a pretty-printed file', async () => {
    // Line 1 opens a record it does not close, as pretty-printed JSON does; but line 2 is a record, not the
    // rest of line 1's: with --skip-invalid the others are written (the whole file was refused as pretty-printed).
    const cut = `${JSON.stringify({ caseNo: 'DB0001', idNumber: ID1 }).slice(0, -1)},`;
    const f = file('cut-short.jsonl', [cut, ...jsonl({ caseNo: 'DB0002', idNumber: ID2 }, { caseNo: 'DB0003', idNumber: ID1 })]);
    const s = await importRecords(store, resource, f, { skipInvalid: true });
    expect(s.problems).toEqual([expect.stringMatching(/^line 1: not valid JSON \(/)]);
    expect(s).toMatchObject({ refused: false, written: 2, rejected: 1 });
    // A blank line 2, or none, does not go on with line 1 either.
    for (const lines of [[cut, '', ...jsonl({ caseNo: 'DB0004', idNumber: ID2 })], [cut]]) {
      const g = file('cut-short-2.jsonl', lines);
      expect((await importRecords(store, resource, g, { skipInvalid: true })).problems).toEqual([expect.stringMatching(/^line 1: not valid JSON \(/)]);
    }
    // Pretty-printed with CRLF line ends and a byte order mark: still refused whole, saying so.
    const pretty = file('pretty-crlf.json', [`\ufeff${JSON.stringify({ caseNo: 'DB0005', idNumber: ID2 }, null, 2).replace(/\n/g, '\r\n')}`]);
    const p = await importRecords(store, resource, pretty, { skipInvalid: true });
    expect(p).toMatchObject({ refused: true, written: 0, problemCount: 1 });
    expect(p.problems).toEqual([expect.stringMatching(/^line 1: the record goes on past the end of its line/)]);
  });

  it('a JSON array instead of JSON Lines is refused whole', async () => {
    const f = file('array.json', [JSON.stringify([{ caseNo: 'DB0001', idNumber: ID1 }])]);
    const s = await importRecords(store, resource, f, { skipInvalid: true });
    expect(s).toMatchObject({ refused: true, problems: ['line 1: the file is a JSON array; write one JSON object per line (JSON Lines)'] });
  });

  it('refuses unknown file types and missing files with a clear message', async () => {
    await expect(importRecords(store, resource, file('a.txt', ['x']))).rejects.toThrow(
      /a\.txt: unknown record file type "\.txt"; use \.jsonl, \.ndjson or \.json \(JSON Lines\) or \.csv$/,
    );
    await expect(importRecords(store, resource, join(dir, 'none.jsonl'))).rejects.toThrow(/none\.jsonl: no such file$/);
  });

  it('writes in batches and reports progress with the time elapsed', async () => {
    const f = file('many.ndjson', Array.from({ length: 2500 }, (_, i) => JSON.stringify({ caseNo: `DB${String(i).padStart(4, '0')}`, idNumber: ID1 })));
    const seen: ImportProgress[] = [];
    const s = await importRecords(store, resource, f, { batchSize: 700, onProgress: (p) => seen.push(p) });
    expect(s).toMatchObject({ records: 2500, written: 2500, inserted: 2500 });
    expect(await store.count(COLLECTION)).toBe(2500);
    expect(seen.map((p) => p.records)).toEqual([1000, 2000, 2500]);
    expect(seen.every((p, i) => p.elapsedMs >= (seen[i - 1]?.elapsedMs ?? 0))).toBe(true);
    expect(seen.at(-1)!.bytesRead).toBe(seen.at(-1)!.totalBytes);
  });
});
