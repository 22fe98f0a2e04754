// A document identical to the latest version of its catalogue, whatever that version's status, is stored
// as a new version (SPEC §9) with an UNCHANGED warning naming the version it repeats and its status;
// "identical" is the parsed catalogue: key order, spacing, YAML or JSON, the id's case do not count. On
// a platform of its own (test/fixtures/sichuan: SC-WJW of 510000-WJW), through the submitCatalogue
// mutation and `catalogue submit`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { REVIEW, SUBMIT } from './helpers/workflow.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan', name);
const PLATFORM = fixture('platform.yaml');
const BLOOD = readFileSync(fixture('blood.yaml'), 'utf8');
/** The health catalogue with one more item. */
const MORE = BLOOD.replace('      - { name: units, type: int }\n', '      - { name: units, type: int }\n      - { name: ward, type: string }\n');

/** A value with every object's keys in reverse order. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
  return v;
}
/** The health catalogue as JSON, its keys in reverse order and indented otherwise. */
const BLOOD_JSON = JSON.stringify(reversed(parse(BLOOD)), null, 7);

const WJW = { dept: '510000-WJW', roles: ['compiler' as const] };
const DSJ = { dept: '510000-DSJ', roles: ['auditor' as const] };

describe('submitCatalogue: a document the same as the latest version', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: PLATFORM, catalogueFiles: [fixture('blood.yaml')] });
  });
  afterAll(() => gw?.close());

  const submit = async (doc: string) => {
    const r = await gw.query(SUBMIT, { ...WJW, variables: { doc } });
    expect(r.errors).toBeUndefined();
    return r.data!.submitCatalogue as { version: { version: number }; warnings: { kind: string; path: string; message: string }[] };
  };
  const unchanged = (s: Awaited<ReturnType<typeof submit>>) => s.warnings.filter((w) => w.kind === 'UNCHANGED');

  it('warns, naming the version it repeats and its status, and stores it all the same', async () => {
    // The published v1, in JSON, keys reversed, other spacing, the id in another case.
    const first = await submit(BLOOD_JSON.replace('"SC-WJW"', '"sc-wjw"'));
    expect(first.version.version).toBe(2);
    expect(unchanged(first)).toEqual([expect.objectContaining({ kind: 'UNCHANGED', path: '',
      message: 'The document is the same catalogue as SC-WJW v1 (published): it is stored as a new version all the same, repeating v1.' })]);
    // Against the submitted v2 now: the latest version, whatever its status.
    const second = await submit(BLOOD);
    expect(second.version.version).toBe(3);
    expect(unchanged(second).map((w) => w.message)).toEqual([expect.stringContaining('SC-WJW v2 (submitted)')]);
    // A change: no warning; the same as v1 again after it: none either (v4 is the latest).
    expect(unchanged(await submit(MORE))).toEqual([]);
    expect(unchanged(await submit(BLOOD))).toEqual([]);
    // A rejected latest version is repeated too.
    const rejected = await gw.query(REVIEW, { ...DSJ, variables: { id: 'SC-WJW', v: 5, d: 'REJECT', c: 'not needed' } });
    expect(rejected.errors).toBeUndefined();
    expect(unchanged(await submit(BLOOD)).map((w) => w.message)).toEqual([expect.stringContaining('SC-WJW v5 (rejected)')]);
  });
});

describe('catalogue submit: a document the same as the latest version', () => {
  vi.setConfig({ testTimeout: 120_000 });
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-unchanged-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const govgraph = (...args: string[]) =>
    runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: join(dir, 'data'), GOVGRAPH_PLATFORM: PLATFORM }) });

  it('prints the warning as the other warnings', async () => {
    expect((await govgraph('catalogue', 'import', fixture('blood.yaml'), '--publish')).code).toBe(0);
    const file = join(dir, 'health.json');
    writeFileSync(file, BLOOD_JSON);
    const r = await govgraph('catalogue', 'submit', file, '--dept', '510000-WJW');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  warning UNCHANGED: The document is the same catalogue as SC-WJW v1 (published): it is stored as a new version all the same, repeating v1.\n');
    const more = join(dir, 'health-more.yaml');
    writeFileSync(more, MORE);
    const changed = await govgraph('catalogue', 'submit', more, '--dept', '510000-WJW');
    expect(changed.code).toBe(0);
    expect(changed.stdout).not.toContain('UNCHANGED');
  });
});
