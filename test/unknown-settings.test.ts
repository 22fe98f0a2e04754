// A GOVGRAPH_* variable that govgraph does not read is refused before the command does anything, naming
// it and the setting it nearly names: GOVGRAPH_JWT_SECERT=... started a gateway that signed and checked
// tokens with the secret kept in the store (and keyed the audit chain with it), without a word.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unknownSettings } from '../src/cli/environment.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'govgraph-unknown-settings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Qinghai, a province of its own: the demo's departments appear nowhere.
const platform = join(work, 'qinghai.yaml');
writeFileSync(
  platform,
  `platform: { region: "630000", level: province, name: Qinghai Data Sharing Platform, competentDepartment: "630000-SJJ" }
purposes: [{ code: pasture-subsidy, name: Grassland subsidy review }]
departments:
  - { code: "630000-SJJ", name: Qinghai Data Bureau, graphqlName: dataBureau, level: province, region: "630000" }
  - { code: "630121-NYNC", name: Datong County Agriculture Bureau, graphqlName: datongAgriculture, level: county, region: "630121" }
`,
);
const secret = 'a-qinghai-secret-of-at-least-32-bytes!!';
const settings = ['GOVGRAPH_JWT_SECRET', 'GOVGRAPH_JWKS_URL', 'GOVGRAPH_AUDIT_CHECKPOINTS', 'GOVGRAPH_LOG_LEVEL'];
const run = (set: Record<string, string>, ...args: string[]) => runGovgraph(args, { cwd: work, env: cliEnv(set, settings), timeout: 20_000 });
const data = join(work, 'data');

describe('GOVGRAPH_* variables govgraph does not read', () => {
  it('a misspelt secret refuses serve in one line naming the variable and the setting, never its value', async () => {
    const served = await run({ GOVGRAPH_JWT_SECERT: secret }, 'serve', '--port', '0', '--platform', platform, '--data', data);
    expect(served.code).toBe(1);
    expect(served.stdout).toBe('');
    expect(served.stderr.split('\n')).toEqual([expect.stringMatching(/^govgraph: GOVGRAPH_JWT_SECERT \(did you mean GOVGRAPH_JWT_SECRET\?\): set in the environment, but govgraph reads no such variable/), '']);
    expect(served.stderr).not.toContain(secret);
  });

  it('so does a setting in another case, and one no setting is near, for every command', async () => {
    const token = ['token', '--dept', '630121-NYNC', '--platform', platform];
    const lower = await run({ GOVGRAPH_JWT_SECRET: secret, govgraph_data_dir: data }, ...token);
    expect(lower.code).toBe(1);
    expect(lower.stderr).toMatch(/^govgraph: govgraph_data_dir \(did you mean GOVGRAPH_DATA_DIR\?\): .* names are matched exactly, case too\./);
    const far = await run({ GOVGRAPH_JWT_SECRET: secret, GOVGRAPH_SECRET_FILE: '/run/secrets/jwt' }, ...token);
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(/^govgraph: GOVGRAPH_SECRET_FILE: set in the environment, .*; the settings are GOVGRAPH_PLATFORM, GOVGRAPH_DATA_DIR, GOVGRAPH_JWT_SECRET,/);
  });

  it('the settings themselves, and the typed client\'s variables of the same shell, are taken', async () => {
    const typedClient = { GOVGRAPH_URL: 'http://127.0.0.1:4000', GOVGRAPH_TOKEN: 'x', GOVGRAPH_PURPOSE: 'pasture-subsidy' };
    const signed = await run({ GOVGRAPH_JWT_SECRET: secret, GOVGRAPH_LOG_LEVEL: 'warn', ...typedClient }, 'token', '--dept', '630121-NYNC', '--platform', platform);
    expect(signed.stderr).toBe(`govgraph: platform ${platform}\n`);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/^ey/);
    expect(unknownSettings({ GOVGRAPH_PLATFORM: 'p.yaml', PATH: '/bin', HOSTNAME: 'x' })).toEqual([]);
    expect(unknownSettings({ GOVGRAPH_JWKS_URI: 'https://idp/jwks', GOVGRAPH_AUDIT_CHECKPOINT: '/x' })).toEqual([
      { name: 'GOVGRAPH_AUDIT_CHECKPOINT', near: 'GOVGRAPH_AUDIT_CHECKPOINTS' },
      { name: 'GOVGRAPH_JWKS_URI', near: 'GOVGRAPH_JWKS_URL' },
    ]);
  });
});
