#!/usr/bin/env node
// Builds the GraphiQL page's static files into dist/graphiql/ (git-ignored) with esbuild:
//   graphiql.js, graphiql.css          the page (React + GraphiQL 5, fonts inlined in the CSS)
//   editor.worker.js, json.worker.js,  Monaco's web workers, loaded by graphiql.js from beside itself
//   graphql.worker.js
// Run by `npm run build` (and by `npm install` in a clone when dist/graphiql is missing or older than
// scripts/ or the lock file) and served by src/server/graphiql.ts. The files are written to a new folder
// that then takes the place of dist/graphiql by renaming, so a running gateway never serves half a build.
// Nothing in the output loads anything from another host.
import { build } from 'esbuild';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist', 'graphiql');
const outdir = `${target}.new-${process.pid}`;
const require = createRequire(join(root, 'package.json'));
// Monaco and its GraphQL worker come with @graphiql/react; resolve them from there, hoisted or not.
const graphiqlReactRequire = createRequire(createRequire(require.resolve('graphiql')).resolve('@graphiql/react'));

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  legalComments: 'none',
  target: ['es2022'],
  platform: 'browser',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

await Promise.all([
  build({
    ...common,
    entryPoints: { graphiql: join(root, 'scripts', 'graphiql-app.mjs') },
    outdir,
    format: 'esm',
    // Only used with a subscription URL, which the page never passes.
    external: ['graphql-ws'],
    loader: { '.ttf': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl' },
  }),
  build({
    ...common,
    entryPoints: {
      'editor.worker': graphiqlReactRequire.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
      'json.worker': graphiqlReactRequire.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
      'graphql.worker': graphiqlReactRequire.resolve('monaco-graphql/esm/graphql.worker.js'),
    },
    outdir,
    format: 'iife',
  }),
]);

const files = (await readdir(outdir)).sort();
const sizes = await Promise.all(files.map(async (f) => `${f} ${Math.round((await stat(join(outdir, f))).size / 1024)} KiB`));
const graphiqlVersion = require('graphiql/package.json').version;
await writeFile(join(outdir, 'build.json'), JSON.stringify({ graphiql: graphiqlVersion, files, builtAt: new Date().toISOString() }, null, 2));
const old = `${target}.old-${process.pid}`;
await rename(target, old).catch(() => {});
await rename(outdir, target);
await rm(old, { recursive: true, force: true });
console.log(`GraphiQL ${graphiqlVersion} built into dist/graphiql in ${Date.now() - started} ms: ${sizes.join(', ')}`);
