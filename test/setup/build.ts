// Vitest's global setup: brings dist/ up to date once, before any test file runs, so that every command a
// test starts (bin/govgraph.js) runs the code under test, compiled. Running each one through tsx instead
// cost every process its compiling, on a machine already loaded by the tests: more than a third of the
// suite's time (the two largest CLI files ran 139 s through tsx, 61 s compiled).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // What `npm install` and `npm start` run: builds dist/ (and GraphiQL's assets) when older than the
  // sources they are built from, and changes nothing otherwise.
  const run = spawnSync(process.execPath, ['scripts/prepare.mjs'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`the build before the tests failed: node scripts/prepare.mjs exited with ${run.status}`);
}
