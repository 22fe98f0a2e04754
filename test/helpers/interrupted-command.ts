// A govgraph command run in a process of its own and signalled as Ctrl-C or a supervisor signals it, at a
// moment the test chooses: once `ready` (a read of the store the command writes) holds, the process is
// stopped (SIGSTOP), sent the signal, and resumed, so that the signal arrives while it does that work.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { GOVGRAPH_BIN } from './cli.ts';

export interface Signalled {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `govgraph ...args`, signals it with `signal` once `ready(db)` is true, and waits for it to end. */
export async function signalledWhen(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; sqliteFile: string; signal: NodeJS.Signals; ready: (db: Database.Database) => boolean },
): Promise<Signalled> {
  const child = spawn(process.execPath, [GOVGRAPH_BIN, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Pick<Signalled, 'code' | 'signal'>>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let db: Database.Database | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const poll = () => {
        if (child.exitCode !== null) return reject(new Error(`the command ended before it was signalled: ${stderr}`));
        let ready = false;
        try {
          db ??= new Database(opts.sqliteFile, { readonly: true, fileMustExist: true });
          ready = opts.ready(db);
        } catch {
          ready = false; // no store or no table yet
        }
        if (!ready) return void setTimeout(poll, 2);
        child.kill('SIGSTOP');
        child.kill(opts.signal);
        child.kill('SIGCONT');
        resolve();
      };
      poll();
    });
  } finally {
    db?.close();
  }
  return { ...(await exited), stdout, stderr };
}
