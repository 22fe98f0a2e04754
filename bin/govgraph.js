#!/usr/bin/env node
// The govgraph command: runs the compiled code in dist/ (made by `npm run build`, which `npm install` runs
// in a clone). GOVGRAPH_FROM_SOURCE=1 runs the TypeScript sources through tsx instead: for development and
// the tests, so that a command they start is never an older build; tsx is a development dependency.
import { existsSync } from 'node:fs';

if (process.env.GOVGRAPH_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  const main = new URL('../dist/src/cli/main.js', import.meta.url);
  if (!existsSync(main)) {
    console.error('govgraph: not built yet; run `npm run build` in ' + decodeURIComponent(new URL('..', import.meta.url).pathname));
    process.exit(1);
  }
  await import(main.href);
}
