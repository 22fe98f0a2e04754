// What another publication is told while `catalogue import` of many files holds the publication lock, or
// for 30 s after it was interrupted (Ctrl-C): `another publication (catalogue import of ...) is in progress`.
// An import of 40 files named all 40 paths in that one line; now the first three and how many more.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { cliEnv, GOVGRAPH_BIN } from './helpers/cli.ts';

const platform = fileURLToPath(new URL('./fixtures/jiangxi/platform.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-lock-holder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 40 catalogues of the Jiangxi tax office (360200-SWJ), one resource each. */
function catalogueFiles(): string[] {
  mkdirSync(join(dir, 'catalogues'));
  return Array.from({ length: 40 }, (_, i) => {
    const file = join(dir, 'catalogues', `tax-${i + 1}.yaml`);
    writeFileSync(file, `id: JDZ-SWJ-${i + 1}
kind: departmental
title: 景德镇税务目录 ${i + 1}
compiler: "360200-SWJ"
resources:
  - code: "360200-SWJ-${String(i + 1).padStart(5, '0')}"
    name: 纳税记录 ${i + 1}
    provider: "360200-SWJ"
    graphql: { type: JdzTax${i + 1}, list: jdzTaxes${i + 1}, byKey: jdzTax${i + 1} }
    key: no
    share: { type: unconditional, methods: [api] }
    items:
      - { name: no, title: 编号, type: string, length: 12, required: true }
`);
    return file;
  });
}

/** The publication lock's holder as stored, once some process holds it, or null. */
function lockHolder(store: string): string | null {
  if (!existsSync(store)) return null;
  const db = new Database(store, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT doc FROM "c:_publication_lock"').pluck().get() as string | undefined;
    return row ? (JSON.parse(row) as { what: string }).what : null;
  } catch {
    return null; // no lock table yet
  } finally {
    db.close();
  }
}

it('an import of 40 files is named by its first three files and how many more', async () => {
  const files = catalogueFiles();
  const data = join(dir, 'data');
  const child = spawn(process.execPath, [GOVGRAPH_BIN, 'catalogue', 'import', ...files, '--publish', '--platform', platform, '--data', data], {
    env: cliEnv(),
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let holder: string | null = null;
  let done = false;
  void exited.then(() => (done = true));
  while (!holder && !done) {
    await new Promise((r) => setTimeout(r, 50));
    holder = lockHolder(join(data, 'govgraph.sqlite'));
  }
  child.kill('SIGKILL'); // as a Ctrl-C'd import leaves it
  await exited;
  expect(holder).toBe(`catalogue import of ${files.slice(0, 3).join(', ')} and 37 more files`);
}, 60_000);
