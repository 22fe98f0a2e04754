import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 ships CommonJS (main) and ESM (module) copies; Node loads the CommonJS one for the
  // libraries, so the tests must too, or schema objects from two copies meet and graphql refuses them.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
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
  },
});
