// The govgraph command run in a process of its own, as an operator runs it, for the CLI tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openSqliteStore } from '../../src/store/sqlite.ts';

export const GOVGRAPH_BIN = fileURLToPath(new URL('../../bin/govgraph.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Settings a test's command must not inherit from the shell that runs the tests. */
const INHERITED = ['GOVGRAPH_DATA_DIR', 'GOVGRAPH_PLATFORM', 'MONGODB_URI'];

/** The test process's environment without the settings of INHERITED (and `unset`), with `set` added. */
export function cliEnv(set: Record<string, string> = {}, unset: string[] = []): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...INHERITED, ...unset]) delete env[name];
  return Object.assign(env, set);
}

/** A store of its own for one case of a command test: its data folder `dir/name` and the env naming it. */
export function storeOfCase(dir: string, name: string, platformFile: string): { data: string; env: NodeJS.ProcessEnv } {
  const data = join(dir, name);
  return { data, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile }) };
}

/**
 * Runs `govgraph ...args` with this Node. Never rejects on a failing command: its exit code is in
 * `code` (a process killed by its timeout has no code; it is reported as 1 with the signal in stderr).
 */
export function runGovgraph(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<CliResult> {
  const { cwd, env = cliEnv(), timeout } = options;
  return promisify(execFile)(process.execPath, [GOVGRAPH_BIN, ...args], { cwd, env, timeout }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number | string; signal?: string; stdout?: string; stderr?: string }) => ({
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: (e.stderr ?? '') + (e.signal ? `\n(killed by ${e.signal})` : ''),
    }),
  );
}

/** Opens the embedded store in `dir`, runs `work` on it and closes it, also when `work` throws. */
export async function withSqliteStore<T>(dir: string, work: (store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(dir);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
