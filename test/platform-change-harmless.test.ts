// A platform file change the catalogues in effect still fit must not keep the gateway from starting; one
// they misfit must, and the way out the refusal names must lead out (found by the ops23 operations walk,
// Ningxia fixture, real processes):
// - a department added that an item's pattern matches and its resource's does not was refused ("an item may
//   only narrow the scope", and under row scope "lies beyond the division"), though a requester must match
//   the resource's patterns and the item's (effective-share.ts): the department reads nothing more;
// - with two catalogues that misfit, the refusal's way out, a new version of each that fits published with
//   catalogue submit, review and publish, was refused for each ("would make a schema the gateway cannot
//   serve") while the other still misfit: no way out but putting the old file back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const FIXTURE = fileURLToPath(new URL('fixtures/ningxia-ops', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-platform-harmless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const platformText = readFileSync(join(FIXTURE, 'platform.yaml'), 'utf8');

function written(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const withDepartment = (name: string, line: string) => written(name, platformText.replace('connected: []', `${line}\nconnected: []`));
const CITY_CENTRE = withDepartment('city-centre.yaml', '  - { code: "640100-ZX", name: Yinchuan Data Centre, graphqlName: ycData, level: city, region: "640100" }');
const PROVINCIAL = withDepartment('provincial.yaml', '  - { code: "640100-ZWB", name: Ningxia Government Services Bureau, graphqlName: nxGov, level: province, region: "640000" }');
const RENAMED = written('renamed.yaml', platformText.replace('Ningxia Civil Affairs Department', 'Ningxia Department of Civil Affairs'));
const DEADLINES = written('deadlines.yaml', `${platformText}deadlines: { objectionDays: 7, demandDays: 12 }\n`);

const run = (data: string, platform: string, args: string[]) =>
  runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platform }), timeout: 60_000 });

async function store(name: string, files: string[]): Promise<string> {
  const data = join(dir, name);
  const made = await run(data, join(FIXTURE, 'platform.yaml'), ['catalogue', 'import', ...files.map((f) => join(FIXTURE, f)), '--publish']);
  expect(made.code, made.stderr).toBe(0);
  return data;
}

let data: string;
beforeAll(async () => {
  data = await store('harmless', ['civil.yaml', 'market.yaml']);
});

it.each([
  ['a city department that only an item pattern matches', CITY_CENTRE],
  ['a renamed department', RENAMED],
  ['deadlines', DEADLINES],
])('%s: the schema is served', async (_name, platform) => {
  const printed = await run(data, platform, ['schema', 'print']);
  expect(printed.stderr).not.toContain('do not fit');
  expect(printed.code, printed.stderr).toBe(0);
  expect(printed.stdout).toContain('type NxReliefRecipient');
});

it('a provincial department coded 640100-: only the resource pattern that admits it is named', async () => {
  const printed = await run(data, PROVINCIAL, ['schema', 'print']);
  expect(printed.code).toBe(1);
  expect(printed.stderr).toContain('catalogue "NX-SCJ" resources[0].share.scope.departments[0]: resource 640000-SCJ-00001: "6401*" matches 640100-ZWB');
  expect(printed.stderr).not.toContain('NX-MZT'); // its item's "6401*" under departments 640100-RSJ, 640200-RSJ: 640100-ZWB reads nothing
});

it('two catalogues that misfit: a new version of each, submitted, reviewed and published as the refusal says, lets the schema be served', async () => {
  const two = await store('two', ['market.yaml', 'permits.yaml']);
  const refused = await run(two, PROVINCIAL, ['schema', 'print']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('catalogue "NX-SCJ" resources[0]');
  expect(refused.stderr).toContain('catalogue "NX-SCJ-XK" resources[0]');
  for (const [file, id] of [['market.yaml', 'NX-SCJ'], ['permits.yaml', 'NX-SCJ-XK']]) {
    const fitting = written(`fitting-${file}`, readFileSync(join(FIXTURE, file), 'utf8').replace('departments: ["6401*"]', 'departments: ["640100-RSJ"]'));
    const steps: [string[], string][] = [
      [['catalogue', 'submit', fitting, '--dept', '640000-SCJ'], 'submit'],
      [['catalogue', 'review', id, '2', '--approve', '--dept', '640000-SJJ'], 'review'],
      [['catalogue', 'publish', id, '2', '--dept', '640000-SCJ'], 'publish'],
    ];
    for (const [args, step] of steps) {
      const done = await run(two, PROVINCIAL, args);
      expect(done.code, `${id} ${step}: ${done.stderr}`).toBe(0);
    }
  }
  const served = await run(two, PROVINCIAL, ['schema', 'print']);
  expect(served.code, served.stderr).toBe(0);
  expect(served.stdout).toContain('type NxFoodPermit');
});
