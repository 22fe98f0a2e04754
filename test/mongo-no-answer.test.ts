// A MONGODB_URI where nothing answers (a wrong port or host, a server down, a firewall dropping packets, a
// port taken by another program that does not speak MongoDB): the gateway and the commands said nothing
// for the driver's 30 s of server selection (45 s measured on a loaded machine), and a silent listener held
// the process 30 s more after the message. Now the start gives up after 10 s, naming the hosts and why, and
// exits at once; a URI's own serverSelectionTimeoutMS is its wait. Real processes, real sockets.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, GOVGRAPH_BIN } from './helpers/cli.ts';

const PLATFORM = new URL('./fixtures/guilin-ops/platform.yaml', import.meta.url).pathname;
/** Answers the DNS of a `mongodb+srv://` URI (SRV_NAME, SRV_TARGET, SRV_PORT), which this machine cannot. */
const SRV_DNS = new URL('./fixtures/guilin-ops/srv-dns.mjs', import.meta.url).pathname;

/** A port that takes connections and never says a word (another program's, or packets that go nowhere). */
let silent: Server;
const held: Socket[] = [];
let silentPort = 0;
/** A port nothing listens on: the connection is refused at once. */
let closedPort = 0;

beforeAll(async () => {
  silent = createServer((socket) => held.push(socket)).listen(0, '127.0.0.1');
  await once(silent, 'listening');
  silentPort = (silent.address() as AddressInfo).port;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((done) => probe.close(done));
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((done) => silent.close(done));
});

/** Says on standard output when the command first opens a connection (the driver's first try). */
const FIRST_CONNECTION = new URL('./fixtures/guilin-ops/first-connection.mjs', import.meta.url).pathname;
/** The wait for the store when the URI names none (the driver's own was 30 s). */
const DEFAULT_WAIT_MS = 10_000;
/**
 * What a run may take past its wait: giving up, the message and the exit, under 0.5 s here under load
 * (measured from the first try, the command's start-up is not counted). 15 s leaves room for a machine
 * far slower than that, and stays under the 30 s the driver waited before, and the 30 s a silent
 * listener held the process past its message: each of those fails the bounds below.
 */
const PAST_WAIT_MS = 15_000;

/**
 * Runs `govgraph ...args` and measures from its first try of a connection (FIRST_CONNECTION: the store is
 * being opened) to its exit: the wait for the store and the exit after it, without the process's start-up,
 * which takes seconds of its own on a loaded machine. These bounds are the product's promise (it gives up
 * after the wait and exits at once), a timer's, which a slower machine does not stretch; only the work
 * past it is the machine's (PAST_WAIT_MS).
 */
async function timedRun(args: string[], node: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; waitedMs: number }> {
  const child = spawn(process.execPath, ['--import', FIRST_CONNECTION, ...node, GOVGRAPH_BIN, ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let triedAt = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    if (!triedAt && chunk.toString().includes('first connection')) triedAt = Date.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(triedAt, 'the command tried a connection').toBeGreaterThan(0);
  return { code, stderr, waitedMs: Date.now() - triedAt };
}

// The runs wait on sockets, not on the processor: run at once (each its own process and URI), the file
// waits about one 10 s timeout instead of three after another.
describe.concurrent('a MONGODB_URI where nothing answers', () => {
  it('serve on a port that takes the connection and never answers: says so in one line within about 10 s, and exits at once', async () => {
    const run = await timedRun(['serve', '--platform', PLATFORM, '--mongodb-uri', `mongodb://guilin:s3cret@127.0.0.1:${silentPort}/guilin_ops`, '--port', '0']);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(2); // the announce line, then the reason: no stack
    expect(lines[1]).toBe(
      `govgraph: cannot connect to MongoDB: no server of 127.0.0.1:${silentPort} answered within 10 s (serverSelectionTimeoutMS=N in the URI waits longer): ` +
        "nothing answered MongoDB's hello (the connection is still being tried, or was taken by something that does not speak MongoDB)",
    );
    expect(run.stderr).not.toContain('s3cret');
    // 10 s, and the exit right after: the driver's 30 s (and 30 s more for the silent socket) before.
    expect(run.waitedMs).toBeLessThan(DEFAULT_WAIT_MS + PAST_WAIT_MS);
  }, 90_000);

  it('a command on a port where nothing listens names the refusal the driver met', async () => {
    const run = await timedRun(['grant', 'list', '--mongodb-uri', `mongodb://127.0.0.1:${closedPort}/guilin_ops`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `govgraph: cannot connect to MongoDB: no server of 127.0.0.1:${closedPort} answered within 10 s (serverSelectionTimeoutMS=N in the URI waits longer): connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
    expect(run.waitedMs).toBeLessThan(DEFAULT_WAIT_MS + PAST_WAIT_MS);
  }, 90_000);

  it("the URI's own serverSelectionTimeoutMS is the wait", async () => {
    const run = await timedRun(['grant', 'list', '--mongodb-uri', `mongodb://127.0.0.1:${silentPort}/guilin_ops?serverSelectionTimeoutMS=1500`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/govgraph: cannot connect to MongoDB: (Server selection timed out after 1500 ms|no server of 127\.0\.0\.1:\d+ answered within 1\.5 s)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.waitedMs).toBeLessThan(1500 + PAST_WAIT_MS); // the silent socket held it 30 s past the message before
  }, 90_000);

  it('a mongodb+srv:// URI names the hosts its SRV record gave (it named none: "no server of  answered")', async () => {
    const dnsOf = { SRV_NAME: 'cluster.guilin.test', SRV_TARGET: 'db1.guilin.test', SRV_PORT: String(closedPort) };
    const run = await timedRun(['grant', 'list', '--mongodb-uri', 'mongodb+srv://guilin:s3cret@cluster.guilin.test/guilin_ops'], ['--import', SRV_DNS], dnsOf);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `govgraph: cannot connect to MongoDB: no server of db1.guilin.test:${closedPort} answered within 10 s (serverSelectionTimeoutMS=N in the URI waits longer): connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
    expect(run.stderr).not.toContain('s3cret');
  }, 90_000);
});
