// A JSON Lines record that writes one property twice (test/fixtures/taiyuan-sweep, Taiyuan 140100):
// JSON.parse keeps the last value silently, so `govgraph data import` stored a record the provider never
// wrote as such (its key the second idNumber, or its name the second fullName) and said "imported".
// Catalogue documents refuse a property written twice and CSV headers a column written twice; a record
// is refused at its line too, and --skip-invalid rejects it with that problem.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../src/records/read.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/taiyuan-sweep/${p}`, import.meta.url));
const RESIDENTS = '140100-GAJ-00001';
const ID_A = '14010519800101001X';
const ID_B = '140105198001010028';

let dir: string;
let data: string;
let env: NodeJS.ProcessEnv;
let files = 0;
function recordsFile(lines: string[]): string {
  const file = join(dir, `records-${++files}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
/** The residents stored (the collection named after the code, as the fixture gives no `source`). */
const storedKeys = () => withSqliteStore(data, (store) => store.find('r_140100_gaj_00001', { projection: ['idNumber', 'fullName'] }));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-repeated-'));
  ({ data, env } = storeOfCase(dir, 'data', fixture('platform.yaml')));
  const published = await runGovgraph(['catalogue', 'import', fixture('police.yaml'), '--publish'], { env });
  expect(published.stderr + published.stdout).toContain('TY-GAJ version 1 published');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('govgraph data import of a JSON Lines record that writes a property twice', () => {
  it('refuses the file at that line, naming the property, and writes nothing', async () => {
    const file = recordsFile([
      JSON.stringify({ idNumber: ID_A, fullName: '王建国', district: '小店区' }),
      `{"idNumber":"${ID_A}","fullName":"李秀英","district":"迎泽区","idNumber":"${ID_B}"}`,
      `{"idNumber":"${ID_B}","fullName":"赵敏","full\\u004eame":"赵"}`,
    ]);
    const r = await runGovgraph(['data', 'import', '--resource', RESIDENTS, file], { env });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toContain('line 2: "idNumber" is written twice in the record; write each item once (JSON keeps only the last value)');
    expect(r.stderr + r.stdout).toContain('line 3: "fullName" is written twice in the record');
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
    expect(await storedKeys()).toEqual([]);
  });

  it('with --skip-invalid writes the others and rejects it with its line and problem', async () => {
    const file = recordsFile([
      JSON.stringify({ idNumber: ID_A, fullName: '王建国' }),
      `{"idNumber":"${ID_B}","fullName":"李秀英","fullName":"李"}`,
    ]);
    const r = await runGovgraph(['data', 'import', '--resource', RESIDENTS, file, '--skip-invalid'], { env });
    expect(r.code).toBe(3);
    const rejects = readFileSync(`${file}.rejects.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; problems: string[] });
    expect(rejects).toMatchObject([{ line: 2, problems: [expect.stringContaining('"fullName" is written twice')] }]);
    expect(await storedKeys()).toEqual([expect.objectContaining({ idNumber: ID_A, fullName: '王建国' })]);
  });
});

describe('the reader', () => {
  it('takes names that only look alike, and a value or nested object that holds a name', async () => {
    const file = recordsFile([
      `{"idNumber":"${ID_A}","fullName":"\\"idNumber\\": x","district":"a\\\\"}`,
      `{"idNumber":"${ID_B}","fullname":"x","fullName":"y"}`,
      `{"idNumber":"${ID_B}","district":{"idNumber":1,"idNumber":2}}`,
    ]);
    const read = [];
    for await (const r of readRecords(file)) read.push(r);
    expect(read.map((r) => r.problem)).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a name written twice whatever its values, also an object before a plain value', async () => {
    const file = recordsFile([
      `{"district":{"a":1},"idNumber":"${ID_A}","district":"小店区"}`,
      `{"idNumber":"${ID_A}" , "district" : null,"district":"x"}`,
    ]);
    const read = [];
    for await (const r of readRecords(file)) read.push(r);
    expect(read.map((r) => r.problem)).toEqual([
      expect.stringMatching(/^line 1: "district" is written twice/),
      expect.stringMatching(/^line 2: "district" is written twice/),
    ]);
  });
});
