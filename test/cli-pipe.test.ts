// A command whose reader stops early (`govgraph schema print | head -1`): the pipe closes, the command's
// next write fails with EPIPE, and the command must neither crash with a stack nor stop its work.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, GOVGRAPH_BIN, runGovgraph } from './helpers/cli.ts';
import { demoCatalogueFiles } from '../src/demo/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-pipe-'));
beforeAll(async () => {
  const r = await runGovgraph(['catalogue', 'import', ...demoCatalogueFiles(), '--publish', '--data', dir]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `govgraph ...args` with its standard output's reader gone before it writes, as `| head -1` is once
 * it has its line (a pipe holds 64 KiB: a reader that closes after its first read may have let it all in).
 */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [GOVGRAPH_BIN, ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that stops early', () => {
  it('schema print into a closed pipe: no crash, no stack, exit 0', async () => {
    const r = await runIntoClosedPipe(['schema', 'print', '--data', dir]);
    expect(r.stderr).not.toMatch(/Unhandled|EPIPE|at /);
    expect(r.code).toBe(0);
  }, 60_000);

  it('an import into a closed pipe still imports: its output is dropped, not its work', async () => {
    const other = mkdtempSync(join(tmpdir(), 'govgraph-pipe-import-'));
    try {
      const r = await runIntoClosedPipe(['catalogue', 'import', ...demoCatalogueFiles(), '--publish', '--data', other]);
      expect(r.stderr).not.toMatch(/Unhandled|EPIPE|at /);
      expect(r.code).toBe(0);
      const list = await runGovgraph(['catalogue', 'list', '--data', other]);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout.split('\n').filter((l) => /published/i.test(l)).length).toBe(demoCatalogueFiles().length);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);
});
