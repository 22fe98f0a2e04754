import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// The test files that share a worker's modules (isolate: false): listed, with why, in the file itself.
const SHARED = readFileSync(new URL('test/setup/shared-worker.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

export default defineConfig({
  // graphql 16 ships CommonJS (main) and ESM (module) copies; Node loads the CommonJS one for the
  // libraries, so the tests must too, or schema objects from two copies meet and graphql refuses them.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one alone on CI's two, where the suite took 20
    // minutes file after file. Two files at a time use both cores; the tests that time or kill processes
    // are written for a loaded machine (they ran beside other suites and helpers' runs).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The sources are compiled to dist/ once before the files run, and a command a test starts
    // (bin/govgraph.js) runs that build: never an older one, and no tsx compiling in every process.
    globalSetup: ['test/setup/build.ts'],
    // Each file imports src/, graphql and Apollo again in a fresh process (about a second of a loaded
    // core each). The files of test/setup/shared-worker.txt run with isolate: false instead, one after
    // another in a worker that keeps those modules; the others (processes started, vi.mock) as before.
    // 'isolated' sorts first, so its long process-starting files start first, as before.
    projects: [
      // (include is set here, not above: a project's arrays add to those it extends)
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SHARED] } },
      { extends: true, test: { name: 'shared', include: SHARED, isolate: false } },
    ],
  },
});
