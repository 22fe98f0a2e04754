// The files a command is given (src/model/named-file.ts, src/cli/file-argument.ts): a folder, a path that
// names nothing, a loop of symbolic links or a file this user may not read, given where a command reads
// or writes a file, is one line naming the argument, exit status 1, no stack, and nothing stored.
// `catalogue submit folder/` answered `folder: cannot be read (EISDIR)`, `data import` of a folder named
// x.jsonl died of an unhandled EISDIR with its stack, `--rejects folder/` likewise, and `--platform` naming
// nothing went unnoticed by the commands that do not read the platform. `catalogue submit` of a file saved in
// GBK stored a version whose title held U+FFFD in place of the bytes; it is refused at the line now.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { readDocuments } from '../src/catalogue/read.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { cliEnv, runGovgraph, withSqliteStore, type CliResult } from './helpers/cli.ts';
import { guizhouFixture } from './helpers/guizhou.ts';

vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), 'govgraph-file-arguments-'));
const data = join(dir, 'data');
const platformFile = guizhouFixture('platform.yaml');
const catalogueFile = guizhouFixture('police.yaml');
const catalogue = readDocuments(catalogueFile)[0] as Catalogue;
const resource = catalogue.resources[0];

const folder = join(dir, 'records.jsonl'); // a folder with a record file's name
const missing = join(dir, 'missing.jsonl');
const loop = join(dir, 'loop.jsonl'); // a symbolic link to itself: there, but never a file
const record = join(dir, 'one.jsonl');
// The catalogue with its title saved in GBK (贵州 as B9 F3 D6 DD): read as UTF-8 it would be stored as U+FFFD.
const gbk = join(dir, 'police-gbk.yaml');

beforeAll(async () => {
  mkdirSync(folder);
  symlinkSync(loop, loop);
  writeFileSync(record, '{}\n'); // invalid: with --skip-invalid it goes to the rejects file
  const [head, tail] = readFileSync(catalogueFile, 'utf8').split('title: 贵州');
  writeFileSync(gbk, Buffer.concat([Buffer.from(`${head}title: `), Buffer.from([0xb9, 0xf3, 0xd6, 0xdd]), Buffer.from(tail)]));
  await withSqliteStore(data, (store) => importCatalogueFiles(store, loadPlatform(platformFile), [catalogueFile], { publish: true }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const govgraph = (...args: string[]) =>
  runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile }) });

/** What a refused command must not have changed: catalogue versions, audit entries, the resource's records. */
const stored = () =>
  withSqliteStore(data, async (s) => [await s.count(CATALOGUE_VERSIONS), await s.count(AUDIT_COLLECTION), await s.count(collectionOf(resource))]);

/** Exit 1, nothing on stdout, and on stderr (after the announcement of platform and store, if any) exactly `govgraph: line`. */
function refusedInOneLine(r: CliResult, line: string): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toBe(`govgraph: ${line}`);
  expect(lines.slice(0, -1).every((l) => /^govgraph: (platform|store) /.test(l))).toBe(true);
}

describe('a file argument that is not a file to read', () => {
  const submit = (file: string) => govgraph('catalogue', 'submit', file, '--dept', catalogue.compiler);
  const dataImport = (file: string, ...more: string[]) => govgraph('data', 'import', '--resource', resource.code, file, ...more);

  it.each([
    ['catalogue submit of a folder', () => submit(dir), `${dir}: a folder, not a file`],
    ['catalogue submit of a missing file', () => submit(missing), `${missing}: no such file`],
    ['catalogue submit of a loop of links', () => submit(loop), `${loop}: cannot be read (a loop of symbolic links)`],
    ['catalogue submit of a file that is not UTF-8', () => submit(gbk), `${gbk}:3: not valid UTF-8: it reads as GB18030 (GBK), as Chinese Windows saves text unless told otherwise (a spreadsheet's "CSV" too); save the file as UTF-8 ("CSV UTF-8" in a spreadsheet), or convert it: iconv -f GB18030 -t UTF-8 FILE > NEW`],
    ['data import of a folder', () => dataImport(folder), `${folder}: a folder, not a file`],
    ['data import of a missing file', () => dataImport(missing), `${missing}: no such file`],
    ['data import of a loop of links', () => dataImport(loop), `${loop}: cannot be read (a loop of symbolic links)`],
    ['data import writing its rejects into a folder', () => dataImport(record, '--skip-invalid', '--rejects', folder), `rejects file ${folder}: a folder, not a file`],
    ['data import writing its rejects where there is no folder', () => dataImport(record, '--skip-invalid', '--rejects', join(missing, 'r.jsonl')),
      `rejects file ${join(missing, 'r.jsonl')}: cannot be made: there is no folder ${missing}`],
    ['data import writing its rejects under a file', () => dataImport(record, '--skip-invalid', '--rejects', join(record, 'r.jsonl')),
      `rejects file ${join(record, 'r.jsonl')}: cannot be made: ${record} is not a folder`],
    ['audit verify against a folder of checkpoints', () => govgraph('audit', 'verify', '--checkpoints', folder),
      `--checkpoints ${folder}: a folder, not a file; name the file the gateways append their checkpoints to`],
    ['a platform file that is not there, for a command that does not read it', () => govgraph('grant', 'list', '--platform', missing),
      `--platform: ${missing}: no such file; name the platform's YAML or JSON file (such as platform.yaml)`],
  ])('%s', async (_, run, line) => {
    const before = await stored();
    refusedInOneLine(await run(), line);
    expect(await stored()).toEqual(before);
  });

  // root reads whatever the mode bits say: there the file is readable and the case says nothing.
  it.skipIf(process.getuid?.() === 0)('a file this user may not read', async () => {
    const locked = join(dir, 'locked.jsonl');
    writeFileSync(locked, '{}\n');
    chmodSync(locked, 0o000);
    const before = await stored();
    refusedInOneLine(await dataImport(locked), `${locked}: cannot be read (permission denied)`);
    refusedInOneLine(await submit(locked), `${locked}: cannot be read (permission denied)`);
    expect(await stored()).toEqual(before);
  });
});
