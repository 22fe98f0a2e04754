// The time limit of SPEC §13 (`limits.timeoutMs`): a query still running that long after its request
// was read is answered with QUERY_TOO_COMPLEX naming the limit, and no data. Its work is no longer waited
// for: the answer and its audit entry go out at the deadline, and whatever the execution still does is
// dropped when it ends (each store operation has its own bound: SQLite's lock retry, MongoDB's timeouts).
//
// Mutations are not cut: a workflow action stopped between two of its writes would be half done. They
// run to their end, each store write within the store's own bound.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { QUERY_TOO_COMPLEX } from './document.ts';

export const TIMEOUT_LIMIT = 'timeoutMs';

/** The answer's error: the limit, the time the request had run, and the bound. */
export function timedOut(elapsedMs: number, timeoutMs: number): GraphQLError {
  return new GraphQLError(
    `The request did not finish within the limit timeoutMs = ${timeoutMs} ms and was stopped after ${elapsedMs} ms; no data is returned. Ask for fewer records, fewer links or a narrower filter, or try again later.`,
    { extensions: { code: QUERY_TOO_COMPLEX, limit: TIMEOUT_LIMIT, figure: elapsedMs, bound: timeoutMs } },
  );
}

/** True for the error of a request stopped at its time limit. */
export const isTimedOut = (error: { extensions?: Record<string, unknown> }): boolean =>
  error.extensions?.code === QUERY_TOO_COMPLEX && error.extensions?.limit === TIMEOUT_LIMIT;

/**
 * The result of `work`, or, when it has not settled by `deadline` (ms since the epoch), a result with no
 * data and the time limit's error. `work` is never awaited past the deadline; its later failure is ignored.
 */
export async function withinDeadline<T extends ExecutionResult>(work: Promise<T>, startedAt: number, timeoutMs: number, now = Date.now): Promise<T | ExecutionResult> {
  const left = startedAt + timeoutMs - now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(() => resolve({ data: null, errors: [timedOut(now() - startedAt, timeoutMs)] }), Math.max(0, left));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
