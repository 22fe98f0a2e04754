// A query's cancellation: once its client has closed the connection before the answer was sent, or its
// time limit has answered (./timeout.ts), nobody waits for the rest of its work, so the execution reads
// nothing more. Every read of a resolver takes the store from `readStore(ctx)` (resolvers/request.ts),
// and a data read is put on record for the audit log before that (`noteRead`, resolvers/data/records.ts);
// both refuse with REQUEST_CANCELLED from then on, so the entry holds only what was read before. A
// connected platform's request in flight is aborted (`signal`), and so is a store read that waits for a
// reader thread or a turn of the event loop in the embedded store, or runs on MongoDB (data reads give the
// store `readOptions(ctx)`). A read under way on SQLite when the request is cancelled ends as it would.
//
// Only queries are cancelled (the executor arms it, src/server/deadline.ts): a mutation runs to its end,
// as under the time limit, since a workflow action stopped between two of its writes would be half done.
import { setMaxListeners } from 'node:events';
import { GraphQLError } from 'graphql';

export const REQUEST_CANCELLED = 'REQUEST_CANCELLED';

export type CancelReason = 'client-closed' | 'time-limit';

const WHY: Record<CancelReason, string> = {
  'client-closed': 'the client closed the connection',
  'time-limit': 'the time limit answered',
};

/** The error a read of a cancelled request is refused with. */
export function cancelledError(reason: CancelReason): GraphQLError {
  return new GraphQLError(`The request was cancelled: ${WHY[reason]} before the query finished; nothing more is read.`, {
    extensions: { code: REQUEST_CANCELLED, reason },
  });
}

/** True for the error of a read refused after its request was cancelled. */
export const isCancelled = (error: { extensions?: Record<string, unknown> }): boolean => error.extensions?.code === REQUEST_CANCELLED;

export class Cancellation {
  private why: CancelReason | null = null;
  private armed = false;
  private controller: AbortController | undefined;

  /** Nobody waits for the request any more; takes effect once armed (a query's execution). */
  cancel(reason: CancelReason): void {
    if (this.why) return;
    this.why = reason;
    if (this.armed) this.controller?.abort(cancelledError(reason));
  }

  /** The request is a query: from now on (or at once, when its client already left) a cancellation stops its reads. */
  arm(): void {
    this.armed = true;
  }

  get reason(): CancelReason | null {
    return this.armed ? this.why : null;
  }

  /** Throws REQUEST_CANCELLED when the request is cancelled: called before each read. */
  check(): void {
    if (this.armed && this.why) throw cancelledError(this.why);
  }

  /** Aborted when the request is cancelled; made on first use (a request to a connected platform). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // Every read of the request waiting for a reader thread (or a connected platform) listens until it
      // is done, and a request of 30 aliases has 30 waiting at once: node's bound of 10 printed a
      // MaxListenersExceededWarning at each such request. Listeners are removed as reads end, and the
      // signal lives as long as its request: no bound here.
      setMaxListeners(0, this.controller.signal);
    }
    if (this.armed && this.why && !this.controller.signal.aborted) this.controller.abort(cancelledError(this.why));
    return this.controller.signal;
  }
}
