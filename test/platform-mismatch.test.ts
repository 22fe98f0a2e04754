// A store served with a platform file it was not published with (found starting `govgraph serve --data
// DIR` in a folder without platform.yaml, which takes the demo platform): its catalogues name departments
// the file does not hold. `serve` and `schema print` said so with a stack trace; now in one line naming
// what does not fit and what to pass, exit status 1.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-platform-mismatch-'));
const data = join(dir, 'data');
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  const store = await openSqliteStore(data);
  await importCatalogueFiles(store, loadPlatform(join(root, 'test/fixtures/rows/platform.yaml')), [join(root, 'test/fixtures/rows/catalogue.yaml')], { publish: true });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function govgraph(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: DEMO_PLATFORM_FILE };
  delete env.MONGODB_URI;
  return promisify(execFile)(process.execPath, [join(root, 'bin', 'govgraph.js'), ...args], { cwd: dir, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('a store served with another platform file', () => {
  it('is refused by serve and schema print in one line, without a stack trace', async () => {
    for (const args of [['serve', '--port', '0'], ['schema', 'print']]) {
      const r = await govgraph(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m); // no stack
      expect(r.stderr.trimEnd().split('\n').slice(1)).toEqual([
        'govgraph: the catalogues published in this store were published with departments this platform file does not have; use the platform file they were published with (--platform FILE, env GOVGRAPH_PLATFORM), or add the departments to it:',
        expect.stringMatching(/^ {2}catalogue "\S+" resources\[0\]\.provider: \S+ is not a department of the platform$/),
        expect.stringMatching(/^ {2}catalogue "\S+" resources\[1\]\.provider: \S+ is not a department of the platform$/),
      ]);
    }
  });
});
