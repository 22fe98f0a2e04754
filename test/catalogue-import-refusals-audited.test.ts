// A refused `govgraph catalogue import` left no audit entry, while refused grant commands, data imports and
// workflow actions do (SPEC §10: every action is on record, refusals too): a supervisor never saw that
// someone tried to import another department's catalogue, or another region's, into the store. Each is now
// one `refused` `catalogue import` entry, the operator's: why (the step that refused, how many problems in
// which file; another region's platform file), and each file by name and keyed document hash, never the
// problems' words nor anything of the files (a records file given by mistake holds an ID number).
// Real processes, on a Shandong platform of the tests' own (test/fixtures/quality).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deriveDocumentKey, keyedDocumentHash } from '../src/audit/document-hash.ts';
import { AUDIT_COLLECTION as AUDIT } from '../src/audit/entry.ts';
import { platformSecret } from '../src/identity/secret.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const ID_NUMBER = '370102199001011234';

let dir: string;
const data = () => join(dir, 'data');
const importing = (platform: string, ...args: string[]) => runGovgraph(['catalogue', 'import', '--platform', fixture(platform), '--data', data(), ...args], { env: cliEnv({}, ['GOVGRAPH_JWT_SECRET']) });
const refusals = () => withSqliteStore(data(), async (s) => {
  const key = deriveDocumentKey(await platformSecret(s, {}));
  const entries = (await s.find(AUDIT, { sort: [{ field: 'seq', direction: 'asc' }] })).filter((e) => e.action === 'catalogue import' && e.outcome === 'refused');
  return { key, entries: entries.map((e) => ({ user: e.user, department: e.department, kind: e.kind, detail: String(e.detail) })) };
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-import-refused-'));
  const first = await importing('quality/platform.yaml', '--publish', fixture('quality/police.yaml'));
  expect(first.code, first.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a refused import is on record: who, why, each file by its keyed hash, nothing of the files', async () => {
  // A records file given by mistake; the Health Commission's catalogue under the police's catalogue id.
  const records = join(dir, 'vehicles.jsonl');
  writeFileSync(records, `${JSON.stringify({ plate: '鲁A12345', owner: ID_NUMBER })}\n`);
  const takenId = join(dir, 'health-as-police.yaml');
  writeFileSync(takenId, readFileSync(fixture('quality/health.yaml'), 'utf8').replace(/^id: QT-WJW$/m, 'id: QT-GAT'));
  for (const file of [records, takenId]) {
    const r = await importing('quality/platform.yaml', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Nothing was imported:');
  }
  // Another region's platform file, with one of its catalogues.
  const other = await importing('anhui-keys/platform.yaml', '--publish', fixture('anhui-keys/health.yaml'));
  expect(other.code).toBe(1);
  expect(other.stderr).toContain('but this store belongs to the platform of region 370000');

  const { key, entries } = await refusals();
  const hashed = (file: string) => `${file} (${keyedDocumentHash(key, readFileSync(file, 'utf8'))})`;
  expect(entries).toEqual([
    { user: 'operator', department: null, kind: 'operator', detail: `import refused: the documents are invalid: 7 problems (${records}: 7), not recorded as they may quote the files (catalogue validate lists them); files: ${hashed(records)}` },
    { user: 'operator', department: null, kind: 'operator', detail: `import refused: a catalogue id is another department's: 1 problem (${takenId}: 1), not recorded as they may quote the files (catalogue validate lists them); files: ${hashed(takenId)}` },
    {
      user: 'operator', department: null, kind: 'operator',
      detail: `import and publication refused: the platform file is of another region than the store's: the platform file ${fixture('anhui-keys/platform.yaml')} is of region 340000 (安徽省数据共享平台), but this store belongs to the platform of region 370000 (Data quality test platform); files: ${hashed(fixture('anhui-keys/health.yaml'))}`,
    },
  ]);
  for (const e of entries) expect(e.detail).not.toMatch(new RegExp(`${ID_NUMBER}|鲁A12345|plate|owner`));
  const verified = await runGovgraph(['audit', 'verify', '--data', data()], { env: cliEnv({}, ['GOVGRAPH_JWT_SECRET']) });
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
}, 60_000);
