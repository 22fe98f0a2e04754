import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import { addVersion, markPublished } from '../src/catalogue/repository.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { findPublishedResource, reportImport } from '../src/cli/data.ts';
import type { ImportSummary } from '../src/records/import.ts';

const run = promisify(execFile);
const catalogue: Catalogue = {
  id: 'HN-TEST',
  kind: 'departmental',
  title: 'Test catalogue',
  compiler: '430000-MZ',
  resources: [{
    code: '430000-MZ-00009',
    name: 'Test assistance',
    provider: '430000-MZ',
    graphql: { type: 'TestAssistance', list: 'testAssistances', byKey: 'testAssistance' },
    key: 'caseNo',
    share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'caseNo', type: 'string', required: true }, { name: 'householdSize', type: 'int' }],
  }],
};

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-cli-'));
  const store = await openSqliteStore(join(dir, 'data'));
  await addVersion(store, catalogue, 'operator', 'approved');
  await markPublished(store, 'HN-TEST', 1);
  await expect(findPublishedResource(store, '430000-XX-00001')).rejects.toThrow(
    'no published resource 430000-XX-00001; published resources are: 430000-MZ-00009',
  );
  expect((await findPublishedResource(store, '430000-MZ-00009')).key).toBe('caseNo');
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the command; the timing of summary lines (`in 0.1 s, 20 records/s`) reads `in T`, and the line
 * naming the store it uses (test/cli-stores.test.ts checks it) is left out.
 */
async function cli(...args: string[]) {
  const untimed = (text: string) => text.replace(/ in \d+\.\d s, [\d,]+ records\/s/g, ' in T').replace(/^govgraph: (platform|store) .*\n/m, '');
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/govgraph.js', ...args, '--data', join(dir, 'data')]);
    return { code: 0, stdout: untimed(stdout), stderr: untimed(stderr) };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: untimed(e.stdout), stderr: untimed(e.stderr) };
  }
}

describe('govgraph data import', () => {
  it('imports, prints the summary line with the time and rate, refuses a bad file with exit code 1, exits 3 when it skipped rejects', async () => {
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '{"caseNo":"A","householdSize":2}\n{"caseNo":"B"}\n');
    expect(await cli('data', 'import', '--resource', '430000-MZ-00009', good))
      .toEqual({ code: 0, stdout: 'imported 2 records into 430000-MZ-00009 (2 new, 0 updated) in T\n', stderr: '' });

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'caseNo,householdSize\nA,3\nC,three\n');
    expect(await cli('data', 'import', '--resource', '430000-MZ-00009', bad)).toEqual({
      code: 1,
      stdout: '',
      stderr: `line 3: householdSize: "three" is not an integer\nrefused ${bad}: 1 problem in 1 of 2 records; nothing was written to 430000-MZ-00009 (read in T)\n` +
        `fix the records on the lines above and import the file again, or import it with --skip-invalid to write its 1 valid record now and put the 1 refused, with their problems, in ${bad}.rejects.jsonl (--rejects FILE names another; exit status 3)\n`,
    });

    expect(await cli('data', 'import', '--resource', '430000-MZ-00009', bad, '--skip-invalid', '--rejects', join(dir, 'r.jsonl'))).toEqual({
      code: 3,
      stdout: `imported 1 record into 430000-MZ-00009 (0 new, 1 updated) in T; 1 rejected, written to ${join(dir, 'r.jsonl')}\n`,
      stderr: '',
    });
  }, 60_000);

  it('an unknown resource code is a clear error', async () => {
    const r = await cli('data', 'import', '--resource', '430000-GA-00001', join(dir, 'x.jsonl'));
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'govgraph: no published resource 430000-GA-00001; published resources are: 430000-MZ-00009\n',
    });
  }, 30_000);

  it('a refused import lists at most the first problems and counts the rest', () => {
    const lines: string[] = [];
    const s: ImportSummary = {
      resource: 'R', file: 'f.jsonl', records: 300, written: 0, inserted: 0, updated: 0, rejected: 150,
      problems: ['line 1: a: x', 'line 2: a: y'], problemCount: 152, refused: true, elapsedMs: 2000,
    };
    reportImport(s, (l) => lines.push('out ' + l), (l) => lines.push('err ' + l));
    expect(lines).toEqual([
      'err line 1: a: x',
      'err line 2: a: y',
      'err ... and 150 more problems',
      'err refused f.jsonl: 152 problems in 150 of 300 records; nothing was written to R (read in 2.0 s, 150 records/s)',
      'err fix the records on the lines above and import the file again, or import it with --skip-invalid to write its 150 valid records now and put the 150 refused, with their problems, in f.jsonl.rejects.jsonl (--rejects FILE names another; exit status 3)',
    ]);
  });
});
