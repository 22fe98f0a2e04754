// The compiled command (SPEC §15): `npm run build` compiles to dist/, and bin/govgraph.js runs dist/ (as
// every test's commands do: test/setup/build.ts compiles before the files run). The build is made here when
// dist/ is older than the sources, as `npm install` makes it.
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
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

describe('npm run build', () => {
  // Issue 2, point 1: `npm run build` type-checks everything (tests, bench, examples, codegen.ts), not only
  // the sources it compiles to dist/ (tsconfig.build.json covers src and resolvers alone).
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> };
  /** The commands a script runs, with `npm run X` steps expanded. */
  const commands = (name: string): string[] =>
    (pkg.scripts[name] ?? '').split('&&').map((s) => s.trim()).flatMap((step) => {
      const nested = /^npm run (\S+)$/.exec(step);
      return nested ? commands(nested[1]!) : [step];
    });

  it('type-checks every TypeScript file of the project with tsconfig.json, before it compiles', () => {
    const steps = commands('build');
    const check = steps.findIndex((s) => /^tsc -p tsconfig\.json --noEmit$/.test(s));
    expect(check, `npm run build runs: ${steps.join(' && ')}`).toBeGreaterThanOrEqual(0);
    expect(check).toBeLessThan(steps.findIndex((s) => s.includes('tsconfig.build.json')));
    // tsconfig.json covers every top-level folder and file holding TypeScript.
    const listed = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.json', '--listFilesOnly'], { cwd: root, encoding: 'utf8' });
    expect(listed.status).toBe(0);
    const checked = new Set(listed.stdout.split('\n').filter((f) => f.startsWith(root) && !f.includes('/node_modules/')).map((f) => f.slice(root.length).split('/')[0]));
    const tracked = spawnSync('git', ['ls-files', '*.ts'], { cwd: root, encoding: 'utf8' });
    const tops = new Set(tracked.stdout.split('\n').filter((f) => f && !f.endsWith('.d.ts')).map((f) => f.split('/')[0]!));
    expect(tops.size).toBeGreaterThan(3);
    for (const top of tops) expect(checked, `${top} is not type-checked by tsconfig.json`).toContain(top);
  });
});

// Help and messages are string literals and templates of src/: none may cite the specification or the
// design notes, which are not in this repository (issue 13: "help and messages that cite only what a user
// can open"). A connected platform's codeless error was logged citing "SPEC §8's codes".
describe('the texts of the sources', () => {
  it('cite no section of the specification and no design or style note (an RFC may be cited); comments may', () => {
    const files = (readdirSync(`${root}src`, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => `${root}src/${f}`);
    const cited: string[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
          if (/\bSPEC\b|\bDESIGN-|\bSTYLE\.md\b/.test(node.text)) cited.push(`${file.slice(root.length)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(files.length).toBeGreaterThan(50);
    expect(cited).toEqual([]);
  });
});
