// A department's code is free (its digits need not be its region's), share scopes' department patterns
// match codes, and row scope shows a department the records of its region (SPEC §6). Found: a resource
// scoped to "1301*" (Shijiazhuang's departments, as its provider wrote it) with rows by division let a
// provincial department coded 1301... read every record of the province, Tangshan's included. Such a
// pattern is now refused where it matches a department of a region beyond the division it names; the
// exact code admits the department on purpose. Real processes, a Hebei fixture (test/fixtures/hebei-evolve).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const FIXTURE = 'test/fixtures/hebei-evolve';
const PLATFORM = join(FIXTURE, 'platform-free-codes.yaml');
const dir = mkdtempSync(join(tmpdir(), 'govgraph-scope-regions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture's catalogue with the resource's scope naming `departments`. */
function scoped(name: string, departments: string[]): string {
  const text = readFileSync(join(FIXTURE, 'civil.yaml'), 'utf8')
    .replace('scope: { purposes: [relief], rows: { item: division } }', `scope: { purposes: [relief], departments: ${JSON.stringify(departments)}, rows: { item: division } }`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}
const validate = (file: string) => runGovgraph(['catalogue', 'validate', file], { env: cliEnv({ GOVGRAPH_PLATFORM: PLATFORM }) });

it('a pattern naming a division that matches a department of a wider region is refused, naming it', async () => {
  const r = await validate(scoped('pattern', ['1301*']));
  expect(r.code).toBe(1);
  expect(r.stdout + r.stderr).toContain(
    'resources[0].share.scope.departments[0]: "1301*" matches 130100-SJZX, whose region 130000 lies beyond the division 1301 the pattern names; with row scope (division) 130100-SJZX would read the records of its own region 130000: name it by its exact code to admit it on purpose, or narrow the pattern',
  );
  expect(r.stdout + r.stderr).not.toContain('130100-RSJ,'); // Shijiazhuang's own bureau fits the pattern
});

it('the exact code admits the department on purpose; a pattern of the province names no narrower division', async () => {
  for (const departments of [['130100-RSJ', '130100-SJZX'], ['130000-*', '1301*-RSJ'], ['13*']]) {
    const r = await validate(scoped(`ok-${departments.length}-${departments[0].length}`, departments));
    expect(r.stderr + r.stdout, departments.join(',')).not.toContain('beyond the division');
    expect(r.code, departments.join(',')).toBe(0);
  }
});

// A `?` among the leading digits skipped the check: "?301*" started with no digit (no division read), and
// "1?01*" was read as the division 1, which every Hebei region lies in; both match the provincial data centre
// coded 130100-SJZX, which then read the whole province. `?` now stands for any digit of the divisions the
// pattern names: a department is refused when its region lies in none of them.
it('a ? among the leading digits names divisions too: a department beyond all of them is refused', async () => {
  for (const [pattern, divisions] of [['?301*', '?301'], ['1?01*', '1?01'], ['1301?0-*', '1301?0']]) {
    const r = await validate(scoped(`q-${divisions.replace(/\?/g, 'x')}`, [pattern]));
    expect(r.code, pattern).toBe(1);
    expect(r.stdout + r.stderr, pattern).toContain(
      `resources[0].share.scope.departments[0]: "${pattern}" matches 130100-SJZX, whose region 130000 lies beyond the divisions ${divisions} (? any digit) the pattern names; with row scope (division) 130100-SJZX would read the records of its own region 130000`,
    );
    expect(r.stdout + r.stderr, pattern).not.toContain('130100-RSJ,');
  }
  // Province and city codes, "????00-*": the data centre is a province department, in the divisions ????00 names.
  for (const pattern of ['????00-*', '13????-*', '??????-*']) {
    const r = await validate(scoped(`ok-${pattern.replace(/[?*]/g, 'x')}`, [pattern]));
    expect(r.stderr + r.stdout, pattern).not.toContain('beyond the division');
    expect(r.code, pattern).toBe(0);
  }
});
