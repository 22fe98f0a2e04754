// `catalogue submit` of a file holding no catalogue, or several: the refusal named no file (`  is empty`,
// a blank where the path goes), where `catalogue validate` says `empty.yaml: holds no catalogue`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGovgraph } from './helpers/cli.ts';

const fixtures = fileURLToPath(new URL('./fixtures/jiangxi/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-submit-none-'));
const common = ['--platform', join(fixtures, 'platform.yaml'), '--data', join(dir, 'data')];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const r = await runGovgraph(['catalogue', 'import', join(fixtures, 'persons.yaml'), '--publish', ...common]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

describe('catalogue submit of a file without one catalogue names the file', () => {
  const persons = () => readFileSync(join(fixtures, 'persons.yaml'), 'utf8');
  it.each([
    ['empty.yaml', () => '', 'holds no catalogue'],
    ['comments.yaml', () => '# 江西 catalogue, to be written\n', 'holds no catalogue'],
    ['two.yaml', () => `${persons()}\n---\n${persons()}`, 'holds 2 documents; submit one catalogue at a time'],
  ])('%s', async (name, text, message) => {
    const file = join(dir, name);
    writeFileSync(file, text());
    const r = await runGovgraph(['catalogue', 'submit', file, '--dept', '360000-GAT', ...common]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`\n  ${file}: ${message}\n`);
    expect(r.stderr).not.toMatch(/^\s+(is empty|holds)/m);
  }, 30_000);
});
