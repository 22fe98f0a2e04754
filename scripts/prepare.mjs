#!/usr/bin/env node
// `npm install` in a clone (package.json "prepare") and `npm start` ("prestart"): builds dist/ only when it
// is missing or older than what it is built from, so a second install, or `npx govgraph`, changes nothing
// and never rewrites files under a running gateway. `npm run build` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time of the files under `dir` (recursively), 0 when there is none. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = (file) => (existsSync(join(root, file)) ? statSync(join(root, file)).mtimeMs : 0);
const inputs = ['src', 'resolvers', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => newest(join(root, p)));
const steps = [];
if (built('dist/src/cli/main.js') < Math.max(...inputs)) steps.push('build:js');
if (built('dist/graphiql/build.json') < Math.max(newest(join(root, 'scripts')), newest(join(root, 'package-lock.json')))) steps.push('build:graphiql');
for (const step of steps) {
  const run = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', step], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
