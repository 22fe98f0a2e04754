// The worker thread of off-thread.ts: runs the checks it is sent, one at a time, and posts each answer
// (or the error's message) back with the task's id. The answer goes as JSON text: the main thread parses
// it in a fraction of the time structured clone takes to rebuild a catalogue of hundreds of resources.
import { parentPort } from 'node:worker_threads';
import { runCheck, type CheckTask } from './checks.ts';

parentPort!.on('message', ({ id, task }: { id: number; task: CheckTask }) => {
  try {
    parentPort!.postMessage({ id, json: JSON.stringify(runCheck(task)) });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
