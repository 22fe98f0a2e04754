// Vitest's global setup: compiles the sources to dist/ once, before any test file runs, so that every
// command a test starts (bin/govgraph.js) runs the code under test, compiled. Running each one through tsx
// instead cost it about half a second of compiling per process, on a machine already loaded by the tests,
// and more than a third of the suite's time (the CLI files ran 139 s through tsx against 61 s compiled).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // Always build:js (8 s), not only when dist/ looks older: a checkout can leave dist/ newer than sources it
  // was not built from. prepare.mjs then builds GraphiQL's assets when they are missing or older.
  for (const args of [['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], ['scripts/prepare.mjs']]) {
    const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`the build before the tests failed: node ${args.join(' ')} exited with ${run.status}`);
  }
}
