// An option given twice, or left without its value so that it takes the next option as it: commander kept
// the last value and said nothing (a token signed for the second --dept, a grant of the last --items
// alone), and took `--ttl` as a user name. Refused now before the command does anything (repeated-options.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const platform = fileURLToPath(new URL('./fixtures/jiangxi/platform.yaml', import.meta.url));
const data = mkdtempSync(join(tmpdir(), 'govgraph-repeated-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));
const env = cliEnv({ GOVGRAPH_JWT_SECRET: 'jiangxi-test-secret-of-at-least-32-bytes!' });
const govgraph = (...args: string[]) => runGovgraph([...args, '--platform', platform], { env });

/** The claims of a token printed by `govgraph token`. */
const claims = (token: string) => JSON.parse(Buffer.from(token.trim().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('an option given twice', () => {
  it('token --dept A --dept B is refused, naming both, and prints no token', async () => {
    const r = await govgraph('token', '--dept', '360000-MZT', '--dept', '360100-YBJ', '--data', data);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('govgraph: --dept: given 2 values ("360000-MZT", "360100-YBJ"), and only one is taken; give it once');
  }, 30_000);

  it('a list option given twice says how to give several values', async () => {
    const r = await govgraph('grant', 'add', '--requester', '360100-YBJ', '--resource', '360000-GAT-00007', '--items', 'idNo', '--items', 'fullName', '--purposes', 'benefit-check', '--data', data);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--items: given 2 values ("idNo", "fullName"), and only one is taken; give it once (several values go in one, separated by commas: --items idNo,fullName)');
  }, 30_000);

  it('the same value twice is one value, with --flag=value as with --flag value', async () => {
    const r = await govgraph('token', '--dept', '360100-YBJ', '--dept=360100-YBJ', '--roles=applicant', '--data', data);
    expect(r.code, r.stderr).toBe(0);
    expect(claims(r.stdout)).toMatchObject({ dept: '360100-YBJ', roles: ['applicant'] });
  }, 30_000);
});

describe('an option without its value', () => {
  it('token --user --ttl=30m does not make a token for the user "--ttl=30m"', async () => {
    const r = await govgraph('token', '--dept', '360100-YBJ', '--user', '--ttl=30m', '--data', data);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('govgraph: --user: no value given (it took "--ttl=30m", an option of the command, as its value); write --user <user>');
  }, 30_000);

  it('catalogue review --approve --comment --reject is refused before the store is opened', async () => {
    const r = await govgraph('catalogue', 'review', 'JX-GAT', '1', '--approve', '--comment', '--reject', '--data', data);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('govgraph: --comment: no value given (it took "--reject", an option of the command, as its value); write --comment <text>');
    expect(r.stderr).not.toMatch(/no store at/);
  }, 30_000);
});
