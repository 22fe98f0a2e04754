// Preloaded into a govgraph process (`node --import THIS`, through NODE_OPTIONS) that a test kills with
// SIGKILL once a read of its store sees its change: when the command is done before the test's poll comes
// round (a few milliseconds after its last write; a loaded machine's poll can be later than that), the
// process waits at its exit for the kill instead of ending first, so the kill always lands. Nothing the
// command does changes: this runs only as it exits, after its last write. HELD_EXIT_MS bounds the wait.
import { isMainThread } from 'node:worker_threads';

const heldMs = Number(process.env.HELD_EXIT_MS ?? '60000');
if (isMainThread) {
  process.on('exit', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, heldMs);
  });
}
