// A data import refused for its records says what to do next: fix the lines, or import again with
// --skip-invalid, which writes the valid records and puts the others in the rejects file it names. An
// operator's first import of a file with some bad lines was told only that nothing was written. A file
// whose reading stopped (a quote never closed) is refused with --skip-invalid too: it is not offered then.
// Real processes of the command, on a store of a resource of Yunnan's (no demo department).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import { addVersion, markPublished } from '../src/catalogue/repository.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const run = promisify(execFile);
const RESOURCE = '530000-MZT-00003';
const catalogue: Catalogue = {
  id: 'YN-MZT-RELIEF',
  kind: 'departmental',
  title: 'Yunnan relief register',
  compiler: '530000-MZT',
  resources: [{
    code: RESOURCE,
    name: 'Relief cases',
    provider: '530000-MZT',
    graphql: { type: 'YnReliefCase', list: 'reliefCases', byKey: 'reliefCase' },
    key: 'caseNo',
    share: { type: 'unconditional', methods: ['api'] },
    items: [
      { name: 'caseNo', type: 'string', required: true },
      { name: 'category', type: 'enum', values: ['urban', 'rural'], required: true },
    ],
  }],
};

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-next-step-'));
  const store = await openSqliteStore(join(dir, 'data'));
  await addVersion(store, catalogue, 'operator', 'approved');
  await markPublished(store, catalogue.id, 1);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dataImport(...args: string[]): Promise<{ code: number; stderr: string[] }> {
  try {
    const { stderr } = await run(process.execPath, ['bin/govgraph.js', 'data', 'import', '--resource', RESOURCE, ...args, '--data', join(dir, 'data')]);
    return { code: 0, stderr: stderr.split('\n') };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr.split('\n') };
  }
}

describe('a data import refused for its records', () => {
  it('says to fix the lines or import with --skip-invalid, with the counts and the rejects file, and that is what --skip-invalid does', async () => {
    const file = join(dir, 'cases.csv');
    writeFileSync(file, 'caseNo,category\nKM-1,urban\nKM-2,town\nKM-3,rural\nKM-4,\n');
    const refused = await dataImport(file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `fix the records on the lines above and import the file again, or import it with --skip-invalid to write its 2 valid records now and put the 2 refused, with their problems, in ${file}.rejects.jsonl (--rejects FILE names another; exit status 3)`,
    );

    const skipped = await dataImport(file, '--skip-invalid');
    expect(skipped.code).toBe(3);
    expect(readFileSync(`${file}.rejects.jsonl`, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { line: number }).line)).toEqual([3, 5]);
  }, 60_000);

  it('with no valid record, says only to fix the lines', async () => {
    const file = join(dir, 'none.jsonl');
    writeFileSync(file, '{"caseNo":"KM-9","category":"town"}\n');
    const refused = await dataImport(file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('fix the records on the lines above and import the file again: none of its records is valid');
    expect(refused.stderr.join('\n')).not.toContain('--skip-invalid');
  }, 60_000);

  it('whose reading stopped (a quote never closed) offers no --skip-invalid, which refuses it too', async () => {
    const file = join(dir, 'unclosed.csv');
    writeFileSync(file, 'caseNo,category\nKM-5,urban\nKM-6,town\n"KM-7,rural\n');
    const refused = await dataImport(file);
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(/never closed/);
    expect(refused.stderr.join('\n')).not.toMatch(/fix the records|--skip-invalid/);
    expect((await dataImport(file, '--skip-invalid')).code).toBe(1);
    expect(existsSync(`${file}.rejects.jsonl`)).toBe(true); // what was read up to the stop
  }, 60_000);
});
