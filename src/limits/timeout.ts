// The time limit of SPEC §13 (`limits.timeoutMs`): a query still running that long after its request
// was read is answered with QUERY_TOO_COMPLEX naming the limit, and no data. Its work is no longer waited
// for: the answer and its audit entry go out at the deadline, the request is cancelled (./cancel.ts: its
// execution reads nothing more), and what it still does is dropped when it ends (a store operation under
// way when the limit answered has its own bound: SQLite's lock retry, MongoDB's timeouts).
//
// Mutations are not cut: a workflow action stopped between two of its writes would be half done. They
// run to their end, each store write within the store's own bound.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { QUERY_TOO_COMPLEX } from './too-complex.ts';
import type { Cancellation } from './cancel.ts';

export const TIMEOUT_LIMIT = 'timeoutMs';

/**
 * The answer's error: the limit, the time the request had run, and the bound; with `waitedForTurn` (the
 * department's bound, src/limits/turns.ts), that it never ran, waiting all along for its department's turn.
 */
export function timedOut(elapsedMs: number, timeoutMs: number, waitedForTurn?: number): GraphQLError {
  // A query that never ran asked for nothing too much: its department's other queries held the turns, so
  // the advice is to send fewer at once (a platform's bound of 1 read "1 queries ... Ask for fewer records").
  const advice = waitedForTurn === undefined
    ? ' Ask for fewer records, fewer links or a narrower filter, or try again later.'
    : ` It never ran: it waited all that time for its turn, ${waitedForTurn} ${waitedForTurn === 1 ? 'query' : 'queries'} of its department running at once (limits.concurrentPerDepartment). Send fewer queries at once, or try again later.`;
  return new GraphQLError(
    `The request did not finish within the limit timeoutMs = ${timeoutMs} ms and was stopped after ${elapsedMs} ms; no data is returned.${advice}`,
    { extensions: { code: QUERY_TOO_COMPLEX, limit: TIMEOUT_LIMIT, figure: elapsedMs, bound: timeoutMs } },
  );
}

/** True for the error of a request stopped at its time limit. */
export const isTimedOut = (error: { extensions?: Record<string, unknown> }): boolean =>
  error.extensions?.code === QUERY_TOO_COMPLEX && error.extensions?.limit === TIMEOUT_LIMIT;

interface Watched {
  deadline: number;
  startedAt: number;
  resolve(result: ExecutionResult): void;
  cancel: Cancellation | undefined;
}

/**
 * The requests under one time limit, watched by one timer for all of them: a request registers its
 * deadline and settles its own answer when its work ends; the timer is set for the earliest deadline
 * still pending, and when it fires it answers every request past its deadline with no data and the time
 * limit's error. Deadlines come in the order requests started, so under load the timer fires about once
 * per `timeoutMs`, not once per request: a request costs one promise and one entry in a set, not a timer,
 * a second promise and a race of its own.
 */
export class Deadlines {
  private readonly pending = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(
    readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The result of `work`, or, when it has not settled `timeoutMs` after `startedAt` (ms since the epoch),
   * a result with no data and the time limit's error. `work` is never awaited past the deadline: `cancel`
   * is cancelled then, so that it reads no more, and its later result or failure is ignored. Work that
   * settles past the deadline before the timer fired gets the same answer.
   */
  within<T extends ExecutionResult>(work: Promise<T>, startedAt: number, cancel?: Cancellation): Promise<T | ExecutionResult> {
    return new Promise<T | ExecutionResult>((resolve, reject) => {
      const entry: Watched = { deadline: startedAt + this.timeoutMs, startedAt, resolve, cancel };
      this.pending.add(entry);
      if (entry.deadline < this.timerAt) this.arm(entry.deadline);
      // Work that ends past its deadline before the timer had a turn (it held the event loop: reads of the
      // embedded store on its own connection are synchronous) is answered as the timer would have: a query
      // whose reads ran on reader threads was cut at the same point, and both must answer alike.
      const settle = (answer: () => void) => {
        if (!this.pending.delete(entry)) return;
        const now = this.now();
        if (entry.deadline < now) this.stop(entry, now);
        else answer();
      };
      work.then(
        (result) => settle(() => resolve(result)),
        (err) => settle(() => reject(err)),
      );
    });
  }

  /** Answers a request past its deadline: cancelled first (its audit entry holds nothing read after it), then no data and the limit's error. */
  private stop(entry: Watched, now: number): void {
    entry.cancel?.cancel('time-limit');
    entry.resolve({ data: null, errors: [timedOut(now - entry.startedAt, this.timeoutMs)] });
  }

  /** Requests still running (tests, and the timer's own bookkeeping). */
  get size(): number {
    return this.pending.size;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    // unref: a deadline does not keep a stopping process alive; a request in flight holds its socket.
    this.timer = setTimeout(() => this.sweep(), Math.max(1, at - this.now())).unref();
  }

  private sweep(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    let next = Infinity;
    // Past the deadline, not at it: a request that ran timeoutMs exactly is within its limit (it was
    // answered "did not finish within timeoutMs = 1 ms and was stopped after 1 ms"); the timer fires
    // again a millisecond later for it.
    for (const entry of this.pending) {
      if (entry.deadline < now) {
        this.pending.delete(entry);
        this.stop(entry, now);
      } else if (entry.deadline < next) next = entry.deadline;
    }
    if (next < Infinity) this.arm(next);
  }
}
