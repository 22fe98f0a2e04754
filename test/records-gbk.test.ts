// Files saved in GB18030 (GBK) say so (found by the Yanbian walkthrough, h203): Excel on a Chinese Windows
// saves "CSV" in GBK, and the operator importing Yanji's employment records was told only "line 2: not
// valid UTF-8; save the file as UTF-8", with nothing saying what the file was nor how to convert it. The
// same for a JSON Lines file and a catalogue; bytes that are not GB18030 either keep the short message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { readDocument } from '../src/catalogue/read.ts';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';
import { readRecords } from '../src/records/read.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/yanbian-records/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-yanbian-gbk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GBK = 'not valid UTF-8: it reads as GB18030 (GBK), as Chinese Windows saves text unless told otherwise (a spreadsheet\'s "CSV" too); save the file as UTF-8 ("CSV UTF-8" in a spreadsheet), or convert it: iconv -f GB18030 -t UTF-8 FILE > NEW';

async function problemsOf(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const rec of readRecords(file)) if (rec.problem) out.push(rec.problem);
  return out;
}

it('the UTF-8 records read without a problem', async () => {
  expect(await problemsOf(fixture('employment.csv'))).toEqual([]);
});

it('a CSV and a JSON Lines file saved in GBK are said to be GB18030, at their first line that is not UTF-8', async () => {
  expect(await problemsOf(fixture('employment-gbk.csv'))).toEqual([`line 2: ${GBK}`]);
  expect(await problemsOf(fixture('employment-gbk.jsonl'))).toEqual([`line 1: ${GBK}`]);
});

it('a catalogue saved in GBK is said to be one, at its line', () => {
  let problems: unknown;
  try {
    readDocument(fixture('employment-gbk.yaml'));
  } catch (err) {
    problems = (err as DocumentInvalidError).problems;
  }
  expect(problems).toEqual([{ path: `${fixture('employment-gbk.yaml')}:4`, message: GBK }]);
});

it('bytes that are neither UTF-8 nor GB18030 keep the short message', async () => {
  const file = join(dir, 'binary.csv');
  writeFileSync(file, Buffer.concat([Buffer.from('registrationNo,employer\nYJ1,'), Buffer.from([0x41, 0xff, 0x42]), Buffer.from('\n')]));
  expect(await problemsOf(file)).toEqual(['line 2: not valid UTF-8; save the file as UTF-8']);
});
