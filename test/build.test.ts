// The compiled command (SPEC §15): `npm run build` compiles to dist/, and bin/govgraph.js runs dist/ (the
// other tests run the sources, GOVGRAPH_FROM_SOURCE=1). The build is made here when dist/ is older than
// the sources, as `npm install` makes it.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const compiled = { cwd: root, env: { ...process.env, GOVGRAPH_FROM_SOURCE: '' } };

beforeAll(() => {
  const prepared = spawnSync(process.execPath, ['scripts/prepare.mjs'], { cwd: root, stdio: 'inherit' });
  expect(prepared.status).toBe(0);
}, 300_000);

describe('the compiled command', () => {
  it('--version prints the package version; --help lists the commands and cites nothing a user cannot open', async () => {
    const version = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version;
    expect((await run(process.execPath, ['bin/govgraph.js', '--version'], compiled)).stdout).toBe(`${version}\n`);
    const { stdout } = await run(process.execPath, ['bin/govgraph.js', '--help'], compiled);
    for (const command of ['serve', 'catalogue', 'data', 'schema', 'token', 'grant', 'audit']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(stdout).not.toMatch(/SPEC|§/);
  });
});
