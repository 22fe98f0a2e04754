// A store the release of 25 November 2026 wrote (test/fixtures/upgrade-2026-11-25, README there): its audit
// log is hashed with plain SHA-256, before keyed hashes. This release refused every writing command with
// "export the GOVGRAPH_JWT_SECRET the gateways on this store run with" and `audit verify` said the entry was
// altered or the secret changed: an operator went looking for a secret that never was. Both now say what the
// log is and what to do, and still change nothing.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/upgrade-2026-11-25/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-unkeyed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyOfStore(name: string): NodeJS.ProcessEnv {
  const data = join(dir, name);
  mkdirSync(data);
  copyFileSync(join(FIXTURE, 'store.sqlite'), join(data, 'govgraph.sqlite'));
  return cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: join(FIXTURE, 'platform.yaml') }, ['GOVGRAPH_JWT_SECRET']);
}

const SAID = 'written by a release before keyed hashes (before 2 December 2026';

describe('a log written before keyed hashes, under this release', () => {
  it('audit verify says what entry #1 is, not that it was altered', async () => {
    const r = await runGovgraph(['audit', 'verify'], { env: copyOfStore('verify') });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('audit chain broken at entry #1: hash is a plain SHA-256');
    expect(r.stdout + r.stderr).toContain(SAID);
  });

  it('grant add refuses in one line saying so, with or without a secret exported, and writes nothing', async () => {
    const env = copyOfStore('grant');
    for (const e of [env, { ...env, GOVGRAPH_JWT_SECRET: 'a-staging-secret-of-32-characters!!' }]) {
      const r = await runGovgraph(['grant', 'add', '--requester', '220200-MZJ', '--resource', '220000-GAT-00001', '--items', 'idNumber', '--purposes', 'residence-check'], { env: e });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("the audit log's newest entry #21 is not keyed with any secret");
      expect(r.stderr).toContain(SAID);
      expect(r.stderr).not.toContain('export the GOVGRAPH_JWT_SECRET');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    }
    const list = await runGovgraph(['grant', 'list'], { env });
    expect(list.stdout.trim().split('\n')).toHaveLength(4); // the four the old release stored, none added
  });

  it('the old release’s catalogues, grants and requests still list', async () => {
    const env = copyOfStore('lists');
    const cat = await runGovgraph(['catalogue', 'list'], { env });
    expect(cat.code).toBe(0);
    expect(cat.stdout).toMatch(/CC-ZJJ\s+2\s+APPROVED/);
    const req = await runGovgraph(['request', 'list'], { env });
    expect(req.stdout).toMatch(/01c36690-578f-4e63-9fa1-37caf5bc4c8e\s+PENDING/);
  });
});
