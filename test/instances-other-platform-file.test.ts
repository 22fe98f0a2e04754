// Two gateways on one data folder with different platform files: found by the chaos walk on a Shanxi
// platform of the tests' (test/fixtures/shanxi-trusted). One started under `trustedDocuments: require`, the
// other with the same file without that block, both served, and behind one load balancer a client refused
// by the first had any document run by the second; nothing told the operator the instances differed. The
// second gateway now says, at its start, which sections of its file differ from the file of the gateway
// started before it on the store, and whose that was (serving all the same: a rolling restart onto an
// edited file passes through this).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';

vi.setConfig({ testTimeout: 120_000 });
const FIXTURE = fileURLToPath(new URL('./fixtures/shanxi-trusted/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-other-file-'));
const data = join(dir, 'data');
const open = join(dir, 'platform.yaml');
const trusted = join(dir, 'platform-require.yaml');
const running: ServedProcess[] = [];

beforeAll(async () => {
  const base = readFileSync(join(FIXTURE, 'platform.yaml'), 'utf8');
  writeFileSync(join(dir, 'persisted-documents.json'), '{}');
  writeFileSync(open, base);
  writeFileSync(trusted, `${base}trustedDocuments:\n  mode: require\n  manifests: [persisted-documents.json]\n`);
  const imported = await runGovgraph(['catalogue', 'import', '--publish', join(FIXTURE, 'police.yaml')], { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: trusted }) });
  expect(imported.code).toBe(0);
});

afterAll(async () => {
  for (const g of running) if (g.child.exitCode === null) (g.child.kill('SIGKILL'), await g.exited);
  rmSync(dir, { recursive: true, force: true });
});

/** A gateway on a port of its own choosing: a fixed one is refused when another run on the machine holds it. */
async function serve(file: string): Promise<ServedProcess> {
  const g = await spawnServe([], cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: file }));
  running.push(g);
  await waitReady(`http://127.0.0.1:${g.port}`);
  return g;
}

it('the second gateway, started without the first one\'s trustedDocuments, says so and names the first', async () => {
  const first = await serve(trusted);
  expect(first.output()).not.toContain('warning: the gateway started before');
  const second = await serve(open);
  expect(second.output()).toContain(
    `govgraph: warning: the gateway started before this one on this store (process ${first.child.pid} on `,
  );
  expect(second.output()).toMatch(new RegExp(`read a platform file \\(${trusted}\\) whose \`trustedDocuments\` differs from this one's \\(${open}\\)\\. Every instance over one store must read the same file`));
});

it('a gateway started with the same file as the one before it says nothing', async () => {
  const third = await serve(open);
  expect(third.output()).not.toContain('warning: the gateway started before');
});

it('a gateway restarted onto an edited file, the one before it on this machine ended, says nothing', async () => {
  for (const g of running) if (g.child.exitCode === null) (g.child.kill('SIGKILL'), await g.exited);
  const restarted = await serve(trusted);
  expect(restarted.output()).not.toContain('warning: the gateway started before');
});
