// What `govgraph platform rotate-key` tells the operator of each retired key: how long it is still
// published, counted from its own retirement (a key retired by an earlier rotation has less left).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { RETIRED_KEY_GRACE_MS } from '../src/identity/platform-keys.ts';
import { runGovgraph } from './helpers/cli.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan', name);
const dir = mkdtempSync(join(tmpdir(), 'govgraph-rotate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('says each retired key\'s own time left', async () => {
  const common = ['--platform', fixture('platform.yaml'), '--data', dir];
  expect((await runGovgraph(['catalogue', 'import', fixture('blood.yaml'), '--publish', ...common])).code).toBe(0);
  expect((await runGovgraph(['platform', 'rotate-key', ...common])).code).toBe(0);
  await new Promise((r) => setTimeout(r, 2_100));
  const second = await runGovgraph(['platform', 'rotate-key', ...common]);
  expect(second.code).toBe(0);
  const left = [...second.stdout.matchAll(/retired at \S+, published (\d+) s more/g)].map((m) => Number(m[1]));
  expect(left).toHaveLength(2);
  const grace = RETIRED_KEY_GRACE_MS / 1000;
  expect(left[0]).toBeLessThanOrEqual(grace);
  expect(left[0]).toBeGreaterThan(grace - 2);
  expect(left[1]).toBeLessThanOrEqual(grace - 2); // retired by the first rotation, 2 s and more before
}, 60_000);
