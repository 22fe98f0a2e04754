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
