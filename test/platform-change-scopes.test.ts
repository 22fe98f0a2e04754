// The share checks that depend on the platform file ran when a catalogue was validated, submitted or
// imported, against the platform file of that day; `serve` and `schema print` then took an edited file
// without asking them again. Found: a provincial data centre coded 130100-SJZX (region 130000) added to the
// Hebei file after a catalogue scoped to "1301*" with rows by division was published: the gateway started,
// and the data centre read every record of the province, Tangshan's included, which that catalogue's
// validation refuses (test/scope-pattern-regions.test.ts). Now every command that builds the schema checks
// the catalogues in effect against its file and refuses it, naming the catalogue, the resource and the
// department or purpose, before anything is served. Real processes, the Hebei fixture.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { spawnServe } from './helpers/served.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const FIXTURE = fileURLToPath(new URL('fixtures/hebei-evolve', import.meta.url));
const PORT = 0; // a port the system picks (serve is refused before it listens; the last one listens)
const dir = mkdtempSync(join(tmpdir(), 'govgraph-platform-change-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const platformText = readFileSync(join(FIXTURE, 'platform.yaml'), 'utf8');
/** The fixture's platform file with `edit` made, written to `dir/name.yaml`. */
function platformFile(name: string, edit: (text: string) => string): string {
  const file = join(dir, `${name}.yaml`);
  const text = edit(platformText);
  expect(text, name).not.toBe(platformText);
  writeFileSync(file, text);
  return file;
}
const PUBLISHED_WITH = platformFile('published-with', (t) => `${t}\n`);
const ADDED = join(FIXTURE, 'platform-free-codes.yaml'); // the same with 130100-SJZX, a provincial department
const MOVED = platformFile('moved', (t) => t.replace('level: city, region: "130100" }', 'level: province, region: "130000" }'));
const REMOVED = platformFile('removed', (t) => t.replace(/^.*130200-RSJ.*\n/m, '').replace('code: relief, name: Relief checks', 'code: audit, name: Audit checks'));

/** The fixture's catalogue with the resource's scope naming `departments` (rows by division, as published). */
function catalogueFile(name: string, departments: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, readFileSync(join(FIXTURE, 'civil.yaml'), 'utf8').replace(
    'scope: { purposes: [relief], rows: { item: division } }',
    `scope: { purposes: [relief], departments: ${JSON.stringify(departments)}, rows: { item: division } }`,
  ));
  return file;
}

const govgraph = (platform: string, args: string[]) =>
  runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platform }), timeout: 60_000 });

const LEAD =
  'govgraph: the share scopes of catalogues published in this store do not fit this platform file (each was checked against the departments, regions and purposes ' +
  'of the platform file it was published with); change the platform file back for the departments and purposes named below, or publish a new version ' +
  'of each catalogue named that fits this file (govgraph catalogue submit, review and publish, or catalogue import --publish); nothing is served until every one fits:';
const AT = '  catalogue "HB-MZT" resources[0].share.scope';
const BEYOND = (d: string) =>
  `${AT}.departments[0]: resource 130000-MZT-00001: "1301*" matches ${d}, whose region 130000 lies beyond the division 1301 the pattern names; ` +
  `with row scope (division) ${d} would read the records of its own region 130000: name it by its exact code to admit it on purpose, or narrow the pattern`;

beforeAll(async () => {
  const r = await govgraph(PUBLISHED_WITH, ['catalogue', 'import', '--publish', catalogueFile('published', ['1301*', '130200-RSJ'])]);
  expect(r.stderr + r.stdout, 'import').toContain('HB-MZT version 1 published');
  const records = await govgraph(PUBLISHED_WITH, ['data', 'import', '--resource', '130000-MZT-00001', join(FIXTURE, 'recipients.jsonl')]);
  expect(records.code, records.stderr).toBe(0);
});

it.each([
  ['a department added whose region lies beyond the division a pattern names', ADDED, [BEYOND('130100-SJZX')]],
  ['a department whose region changed to one beyond it', MOVED, [BEYOND('130100-RSJ')]],
  ['the purpose and a department a scope names, removed', REMOVED, [
    `${AT}.purposes[0]: resource 130000-MZT-00001: "relief" is not a purpose of the platform (audit)`,
    `${AT}.departments[1]: resource 130000-MZT-00001: "130200-RSJ" matches no department of the platform`,
  ]],
])('%s: serve, schema print and platform adopt refuse the platform file, naming catalogue, resource and department', async (_case, platform, lines) => {
  for (const args of [['serve', '--port', String(PORT)], ['schema', 'print'], ['platform', 'adopt']]) {
    const r = await govgraph(platform, args);
    expect(r.code, args[0]).toBe(1);
    expect(r.stdout, args[0]).not.toContain('GraphQL'); // never listened
    expect(r.stderr, args[0]).not.toMatch(/^\s+at /m); // no stack
    expect(r.stderr.trimEnd().split('\n').slice(1), args[0]).toEqual([LEAD, ...lines]);
  }
});

it('the file the catalogue was published with serves; a new version fitting the edited file lets it serve, the new department reading nothing', async () => {
  const before = await govgraph(PUBLISHED_WITH, ['schema', 'print']);
  expect(before.code, before.stderr).toBe(0);
  // The provider names Shijiazhuang's bureau by its exact code and Tangshan's: the data centre is not admitted.
  const fixed = await govgraph(ADDED, ['catalogue', 'import', '--publish', catalogueFile('fixed', ['130100-RSJ', '130200-RSJ'])]);
  expect(fixed.stderr + fixed.stdout).toContain('HB-MZT version 2 published');
  const served = await spawnServe(['--platform', ADDED], cliEnv({ GOVGRAPH_DATA_DIR: data }), PORT);
  try {
    const read = async (dept: string) => {
      const token = (await govgraph(ADDED, ['token', '--dept', dept])).stdout.trim();
      const res = await fetch(`http://127.0.0.1:${served.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'relief' },
        body: JSON.stringify({ query: '{ hbCivil { reliefRecipients { nodes { caseNo } } } }' }),
      });
      return (await res.json()) as { data?: { hbCivil?: { reliefRecipients?: { nodes: { caseNo: string }[] } | null } | null }; errors?: { message: string }[] };
    };
    const centre = await read('130100-SJZX');
    expect(centre.data?.hbCivil?.reliefRecipients ?? null).toBeNull();
    expect(JSON.stringify(centre.errors)).not.toContain('TS-001');
    const shijiazhuang = await read('130100-RSJ');
    expect(shijiazhuang.data?.hbCivil?.reliefRecipients?.nodes.map((n) => n.caseNo).sort()).toEqual(['SJZ-001', 'SJZ-002']);
  } finally {
    served.child.kill('SIGTERM');
    await served.exited;
  }
});
