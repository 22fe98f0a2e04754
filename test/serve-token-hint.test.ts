// `serve` on a platform of one's own printed its URLs and nothing on tokens; the GraphiQL welcome says
// `npx govgraph token --dept CODE`, which, run in another terminal without the gateway's variables, read
// ./platform.yaml (else the demo's) and ./data, and refused the department or signed with another secret.
// The gateway now prints the command that signs its tokens, with its platform file and store as resolved:
// run as printed, from another folder and without GOVGRAPH_*, its token is accepted.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tokenHint } from '../src/cli/serve.ts';
import { GOVGRAPH_BIN, cliEnv } from './helpers/cli.ts';
import { yunnanFolder, type ServedProcess, type YunnanFolder } from './helpers/yunnan-folder.ts';

let folder: YunnanFolder;
let served: ServedProcess;
const elsewhere = mkdtempSync(join(tmpdir(), 'govgraph-token-hint-'));
beforeAll(async () => {
  folder = await yunnanFolder('govgraph-token-hint-folder-');
  served = await folder.serve();
}, 60_000);
afterAll(async () => {
  served?.child.kill('SIGTERM');
  await served?.exited;
  folder?.remove();
  rmSync(elsewhere, { recursive: true, force: true });
});

it('prints the token command for its own platform file and store, and that command signs a token it accepts', async () => {
  const line = await (async () => {
    for (let i = 0; i < 100; i++) {
      const m = /tokens \(in the govgraph folder\): npx govgraph token --dept CODE \[--roles applicant,approver\] (.*)$/m.exec(served.output());
      if (m) return m[1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no token line in: ${served.output()}`);
  })();
  expect(line).toBe(`--platform ${folder.platformFile} --data ${folder.data}`);
  const args = ['token', '--dept', '530000-GAT', ...line.split(' ')];
  const env = cliEnv({}, ['GOVGRAPH_DATA_DIR', 'GOVGRAPH_PLATFORM', 'GOVGRAPH_AUDIT_CHECKPOINTS', 'GOVGRAPH_JWT_SECRET']);
  const { stdout } = await promisify(execFile)(process.execPath, [GOVGRAPH_BIN, ...args], { cwd: elsewhere, env });
  const res = await fetch(`http://127.0.0.1:${served.port}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stdout.trim()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ me { department } }' }),
  });
  expect(await res.json()).toEqual({ data: { me: { department: '530000-GAT' } } });
});

// The wait loop of docs/operations.md (Restoring, step 1) needs the gateway's own process id: `$!` of
// `npx govgraph serve &` is npm's, which a SIGTERM ends while the gateway runs on. The banner names it.
it('names its own process id, the one to signal for a drain, and the drain stops it', async () => {
  const pid = served.child.pid!;
  for (let i = 0; i < 100 && !/^ {2}stop: /m.test(served.output()); i++) await new Promise((r) => setTimeout(r, 50));
  expect(served.output()).toContain(`  stop: kill ${pid} (this gateway's own process: it drains, then exits; docs/operations.md#draining)`);
});

it('names the identity provider, a shared secret, and MongoDB without its URI', () => {
  expect(tokenHint('p.yaml', { data: 'd' }, 'https://idp.example/jwks', {})).toBe('tokens: from your identity provider (GOVGRAPH_JWKS_URL)');
  expect(tokenHint('/srv/p.yaml', { data: '/srv/d' }, undefined, { GOVGRAPH_JWT_SECRET: 'x'.repeat(32) })).toBe(
    'tokens (in the govgraph folder, with the same GOVGRAPH_JWT_SECRET): npx govgraph token --dept CODE [--roles applicant,approver] --platform /srv/p.yaml --data /srv/d',
  );
  expect(tokenHint("/srv/my platform/it's.yaml", { data: '/srv/d' }, undefined, {})).toContain(`--platform '/srv/my platform/it'\\''s.yaml' --data /srv/d`);
  expect(tokenHint('/srv/p.yaml', { data: '/srv/d', mongodbUri: 'mongodb://u:secret@h/db' }, undefined, {})).not.toContain('secret');
});
