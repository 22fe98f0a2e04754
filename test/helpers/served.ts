// A real `govgraph serve` process for the tests that need one (a signal, a kill, a second process on the
// folder): started on a port of its own choosing, its port read from the address it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { GOVGRAPH_BIN } from './cli.ts';

export interface ServedProcess {
  child: ChildProcess;
  port: number;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** What it printed so far, standard output and error. */
  output(): string;
}

/**
 * The gateways spawnServe started that have not ended. A test's clean-up misses one started after it ran
 * (placing-two-processes: the first of two gateways failed to start, Promise.all rejected, afterAll ran,
 * then the second printed its address and was listed): it served on after the file ended, holding its port
 * and its store for the files after it. Each is killed once the file's own clean-up has run (this hook,
 * registered as the file imports this module, runs after the file's afterAll hooks).
 */
const unended = new Set<ChildProcess>();
afterAll(async () => {
  const left = [...unended].map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL'))));
  await Promise.all(left);
});

/** `govgraph serve --port PORT ...args` with `env` (a port of its own choosing by default), once it prints its address; rejects if it exits first. */
export async function spawnServe(args: readonly string[], env: NodeJS.ProcessEnv, listenOn = 0): Promise<ServedProcess> {
  const child = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--port', String(listenOn), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  unended.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (unended.delete(child), resolve(code))));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /GraphQL\s+http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(out);
      if (m) (clearInterval(timer), resolve(Number(m[1])));
    }, 20);
    void exited.then((code) => (clearInterval(timer), reject(new Error(`serve exited ${String(code)}: ${out}`))));
  });
  return { child, port, exited, output: () => out };
}

/** Waits until the gateway at `url` says it is ready (`/readyz` 200), asking every 100 ms; throws after `ms`. */
export async function waitReady(url: string, ms = 90_000, name = url): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not become ready`);
}

/** `govgraph serve` with `env` while `work` runs, given its URL once it is ready; then stopped (SIGTERM): `work`'s result and all it printed. */
export async function whileServed<T>(env: NodeJS.ProcessEnv, work: (url: string) => Promise<T>): Promise<{ result: T; output: string }> {
  const served = await spawnServe([], env);
  let result: T;
  try {
    const url = `http://127.0.0.1:${served.port}`;
    await waitReady(url);
    result = await work(url);
  } finally {
    served.child.kill('SIGTERM');
    await served.exited;
  }
  return { result, output: served.output() };
}

/** A POST of `query` to the gateway at `url` with `token` (and `headers`): its JSON answer. */
export async function postQuery<T = unknown>(url: string, token: string, query: string, headers: Record<string, string> = {}): Promise<{ data?: T; errors?: unknown }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: T; errors?: unknown };
}
