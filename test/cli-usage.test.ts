// Each command's usage, as a new department developer meets it (found by edges20): `govgraph help catalogue
// import` printed the `catalogue` group's help (commander's help command takes one name), no help had an
// example, and a mistake on the command line was commander's `error: ...` followed by the whole help; and
// `token --dept D --user --ttl 30m` said "too many arguments" instead of naming --user. Every command is
// walked, as listed by the program itself, in real processes.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { govgraphProgram } from '../src/cli/program.ts';
import { commandPath, leafCommands } from '../src/cli/usage.ts';
import { cliEnv, runGovgraph, type CliResult } from './helpers/cli.ts';

const platform = fileURLToPath(new URL('./fixtures/jiangxi/platform.yaml', import.meta.url));
const data = mkdtempSync(join(tmpdir(), 'govgraph-usage-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));
const env = cliEnv({ GOVGRAPH_JWT_SECRET: 'jiangxi-test-secret-of-at-least-32-bytes!' });
const govgraph = (...args: string[]) => runGovgraph(args, { env, cwd: data });

const paths = leafCommands(govgraphProgram()).map(commandPath);

/** Runs `work` over `items`, four processes at a time (the machine is shared). */
async function inTurns<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 4) results.push(...(await Promise.all(items.slice(i, i + 4).map(work))));
  return results;
}

/** The lines a command wrote on stderr. */
const errLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l !== '');

it('the program lists the commands the README names', () => {
  expect(paths).toEqual(expect.arrayContaining(['serve', 'token', 'catalogue import', 'grant revoke', 'request decide', 'platform adopt']));
  expect(paths.length).toBeGreaterThan(20);
});

describe('help', () => {
  it('`help PATH` and `PATH --help` print the command\'s own usage, options and an example, exit 0', async () => {
    const seen = await inTurns(paths, async (path) => ({ path, r: await govgraph('help', ...path.split(' ')) }));
    for (const { path, r } of seen) {
      expect([path, r.code, r.stderr]).toEqual([path, 0, '']);
      expect(r.stdout.startsWith(`Usage: govgraph ${path} `), `${path}: ${r.stdout.slice(0, 80)}`).toBe(true);
      expect(r.stdout).toContain('\nOptions:\n');
      // An example of this very command.
      expect(r.stdout, path).toMatch(new RegExp(`\\nExamples?( \\(with the demo platform's codes: write your platform's\\))?:\\n {2}\\$ .*govgraph ${path}[ \\n]`));
    }
    // The same text as PATH --help (a few of them: each is a process).
    for (const path of ['catalogue import', 'token', 'platform rotate-key']) {
      const viaFlag = await govgraph(...path.split(' '), '--help');
      expect([viaFlag.code, viaFlag.stdout]).toEqual([0, seen.find((s) => s.path === path)!.r.stdout]);
    }
  }, 180_000);

  it("an example naming the demo's codes says they are the demo's; one naming none does not", async () => {
    // Found by the Yanbian walkthrough (h203): `token --dept 430000-MZ`, copied from the help on a platform of
    // its own, was refused as no department of it, and nothing in the help said the code was the demo's.
    const token = await govgraph('token', '--help');
    expect(token.stdout).toContain("\nExample (with the demo platform's codes: write your platform's):\n  $ TOKEN=$(govgraph token --dept 430000-MZ ");
    const serve = await govgraph('serve', '--help');
    expect(serve.stdout).toContain('\nExamples:\n  $ govgraph serve --platform platform.yaml');
  }, 30_000);

  it('help of a command there is not: one line naming the commands there are, exit 1', async () => {
    const r = await govgraph('help', 'catalogue', 'imprt');
    expect(r.code).toBe(1);
    expect(errLines(r)).toEqual(['govgraph: help: govgraph catalogue has no command "imprt"; its commands are: validate, import, submit, review, publish, list']);
    const top = await govgraph('help');
    expect([top.code, top.stdout]).toEqual([0, expect.stringContaining('help [command...]')]);
  }, 30_000);

  it('help --help, and a path ending in --help, print the help; an option or a word past a command is one line, exit 1', async () => {
    // Refused before: "unknown option '--help' (did you mean --help?)".
    const top = await govgraph('help', '--help');
    expect([top.code, top.stderr, top.stdout]).toEqual([0, '', expect.stringMatching(/^Usage: govgraph \[options\] \[command\]\n/)]);
    const own = await govgraph('help', 'catalogue', 'import', '-h');
    expect([own.code, own.stderr, own.stdout]).toEqual([0, '', expect.stringMatching(/^Usage: govgraph catalogue import /)]);
    const option = await govgraph('help', 'token', '--dept');
    expect([option.code, errLines(option)]).toEqual([1, ['govgraph: help: "--dept" is an option, and help takes a command\'s words only, e.g. govgraph help catalogue import']]);
    // A group's help names a command it does not know in one line too (commander's printed the group's help, exit 1).
    const group = await govgraph('catalogue', 'help', 'imprt');
    expect([group.code, group.stdout, errLines(group)]).toEqual([1, '', ['govgraph: help: govgraph catalogue has no command "imprt"; its commands are: validate, import, submit, review, publish, list']]);
    const groupOwn = await govgraph('grant', 'help', 'add');
    expect([groupOwn.code, groupOwn.stdout]).toEqual([0, expect.stringMatching(/^Usage: govgraph grant add /)]);
    // Not "its commands are: " with none named.
    const past = await govgraph('help', 'token', 'extra');
    expect([past.code, errLines(past)]).toEqual([1, ['govgraph: help: govgraph token is a command, with no commands of its own ("extra"); govgraph help token prints its usage']]);
  }, 30_000);
});

describe('a mistake on the command line is one line, exit 1, never a stack', () => {
  it('an unknown option, for every command', async () => {
    const seen = await inTurns(paths, async (path) => ({ path, r: await govgraph(...path.split(' '), '--no-such-option', '--platform', platform) }));
    for (const { path, r } of seen) {
      expect([path, r.code, r.stdout, errLines(r)]).toEqual([path, 1, '', [`govgraph ${path}: unknown option '--no-such-option'; govgraph ${path} --help shows the usage`]]);
    }
  }, 180_000);

  it('a mistyped option is named, not the required one it was meant for', async () => {
    const r = await govgraph('token', '--dep', '360100-YBJ', '--platform', platform);
    expect(errLines(r)).toEqual(["govgraph token: unknown option '--dep' (did you mean --dept?); govgraph token --help shows the usage"]);
  }, 30_000);

  it('no arguments, a missing argument or value, one argument too many', async () => {
    const cases: [string[], string][] = [
      [['token'], "govgraph token: required option '--dept <code>' not specified; govgraph token --help shows the usage"],
      [['catalogue', 'import'], "govgraph catalogue import: missing required argument 'files'; govgraph catalogue import --help shows the usage"],
      [['grant', 'revoke', 'a', 'b'], "govgraph grant revoke: too many arguments for 'revoke'. Expected 1 argument but got 2; govgraph grant revoke --help shows the usage"],
      [['grant', 'list', '--data'], "govgraph grant list: option '--data <dir>' argument missing; govgraph grant list --help shows the usage"],
    ];
    for (const [args, line] of cases) {
      const r = await govgraph(...args);
      expect([args, r.code, errLines(r)]).toEqual([args, 1, [line]]);
    }
  }, 60_000);

  it('token --dept D --user --ttl 30m says --user has no value, not "too many arguments"', async () => {
    const r = await govgraph('token', '--dept', '360100-YBJ', '--user', '--ttl', '30m', '--platform', platform);
    expect([r.code, r.stdout, errLines(r)]).toEqual([1, '', ['govgraph: --user: no value given (it took "--ttl", an option of the command, as its value); write --user <user>']]);
  }, 30_000);
});
