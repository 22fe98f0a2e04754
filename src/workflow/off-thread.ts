// Runs the workflow's CPU-heavy checks (checks.ts) on one worker thread, so that validating a catalogue of
// hundreds of resources never holds the event loop that serves requests. The worker starts on first use,
// is shared by every check of the process (queued, one at a time), and never keeps the process alive.
// What crosses is plain data (the document, the platform, the catalogues in effect), copied by
// postMessage; the answer comes back as JSON text. A worker that cannot start or dies fails its checks with an
// error: the workflow then refuses the action (nothing is written), and the next check starts a new worker.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckAnswer, CheckTask } from './checks.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, Pending>();

/**
 * The worker beside this module: checks-worker.js when compiled; from the sources (tsx, vitest), a small
 * bootstrap that registers tsx in the worker and imports checks-worker.ts (a worker's `--import tsx`
 * does not reach its entry module on Node 20).
 */
function newWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./checks-worker.js', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./checks-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}

function failAll(error: Error): void {
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

function start(): Worker {
  const w = newWorker();
  w.unref();
  w.on('message', ({ id, json, error }: { id: number; json?: string; error?: string }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error !== undefined) p.reject(new Error(error));
    else p.resolve(JSON.parse(json!));
    if (pending.size === 0) w.unref();
  });
  const gone = (err: Error) => {
    if (worker === w) worker = null;
    failAll(new Error(`the catalogue checks' worker thread stopped: ${err.message}`));
  };
  w.on('error', gone);
  w.on('exit', (code) => gone(new Error(`exit code ${code}`)));
  return w;
}

/** Runs `task` on the worker thread and resolves with its answer. */
export function offThread<T extends CheckTask>(task: T): Promise<CheckAnswer<T>> {
  worker ??= start();
  const w = worker;
  const id = nextId++;
  return new Promise<CheckAnswer<T>>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    w.ref(); // a check in flight keeps the process alive until it answers
    try {
      w.postMessage({ id, task });
    } catch (err) {
      pending.delete(id);
      reject(err as Error);
    }
  });
}

/** Stops the worker (tests, and commands that want to exit at once); the next check starts another. */
export async function stopOffThread(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
