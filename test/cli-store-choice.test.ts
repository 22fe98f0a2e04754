// A command named two stores, one by a flag and one by a variable: `--data DIR` typed in a shell where
// MONGODB_URI was exported (the production database) ran on MongoDB, without a word, against the rule
// that a flag wins over a variable (found by h225, an operator of Yunnan's platform: `grant add --data
// ./data` would have granted on the production store). The flag wins now and the store line says which
// setting was left unused; both flags are refused; both variables take MongoDB, saying so.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { writeOneResourceCatalogue } from './helpers/one-resource-catalogue.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-store-choice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const platform = join(dir, 'platform.yaml');
const data = join(dir, 'data');
// Nothing listens on this port (the task's last): a command that takes MongoDB fails to connect, quickly.
const deadMongo = 'mongodb://127.0.0.1:7529/yunnan?serverSelectionTimeoutMS=300';

const govgraph = (set: Record<string, string>, ...args: string[]) =>
  runGovgraph([...args, '--platform', platform], { cwd: dir, env: cliEnv(set), timeout: 30_000 });

beforeAll(async () => {
  copyFileSync(fileURLToPath(new URL('./fixtures/yunnan-tourism/platform.yaml', import.meta.url)), platform);
  const catalogue = writeOneResourceCatalogue(join(dir, 'guides.yaml'), {
    id: 'YN-WLT', title: 'Licensed tour guides', dept: '530000-WLT', code: '530000-WLT-00001',
    graphql: { type: 'YnGuide', list: 'guides', byKey: 'guide' },
  });
  const made = await govgraph({}, 'catalogue', 'import', catalogue, '--publish', '--data', data);
  expect(made.code, made.stderr).toBe(0);
}, 60_000);

describe('a store named by a flag and another by a variable', () => {
  it('--data wins over MONGODB_URI in the environment, and the store line says MONGODB_URI is not used', async () => {
    const r = await govgraph({ MONGODB_URI: deadMongo }, 'catalogue', 'list', '--data', data);
    expect(r.stderr).toContain(`govgraph: platform ${platform}; store ${join(data, 'govgraph.sqlite')} (--data; MONGODB_URI, set in the environment, is not used: a flag wins over a variable)`);
    expect(r.stderr).not.toContain('MongoDB');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('YN-WLT');
  });

  it('--data and --mongodb-uri together are refused before anything is opened', async () => {
    const r = await govgraph({}, 'catalogue', 'list', '--data', data, '--mongodb-uri', deadMongo);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'govgraph: --data and --mongodb-uri: both given, and a command uses one store; give --data DIR for the embedded store or --mongodb-uri URI for MongoDB\n',
    });
  });

  it('both variables take MongoDB, as before, and say GOVGRAPH_DATA_DIR is not used; --mongodb-uri over GOVGRAPH_DATA_DIR says so too', async () => {
    const both = await govgraph({ MONGODB_URI: deadMongo, GOVGRAPH_DATA_DIR: data }, 'catalogue', 'list');
    expect(both.stderr).toContain('store MongoDB 127.0.0.1:7529/yunnan (MONGODB_URI; GOVGRAPH_DATA_DIR is set too, and not used: unset one of them)');
    expect(both.code).toBe(1);
    const flag = await govgraph({ GOVGRAPH_DATA_DIR: data }, 'catalogue', 'list', '--mongodb-uri', deadMongo);
    expect(flag.stderr).toContain('store MongoDB 127.0.0.1:7529/yunnan (--mongodb-uri; GOVGRAPH_DATA_DIR, set in the environment, is not used: a flag wins over a variable)');
    // One variable alone: the line as it always was.
    const alone = await govgraph({ GOVGRAPH_DATA_DIR: data }, 'catalogue', 'list');
    expect(alone.stderr).toContain(`store ${join(data, 'govgraph.sqlite')}\n`);
    expect(alone.code).toBe(0);
  });
});
