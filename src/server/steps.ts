// Work in steps (issue 9 point 3): a long computation written as a generator that yields between small
// steps runs either at once (commands, tests) or spread over the event loop, giving it back whenever a
// slice of time is used up, so that requests keep being answered while a big schema is built.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** A computation in steps: each `yield` is a point where it may pause; its return value is the result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs the steps on the event loop, giving it back (one full turn: timers, I/O, immediates) whenever
 * `sliceMs` have gone by since it last did. A step itself is never cut, so the longest hold is a slice
 * plus the longest step.
 */
export async function runStepsYielding<T>(steps: Steps<T>, sliceMs = 15): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since >= sliceMs) {
      await nextTurn();
      since = performance.now();
    }
  }
}
