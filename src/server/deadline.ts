// Apollo's gateway, with the time limit of SPEC §13 around its executor (src/limits/timeout.ts): a query
// runs until `timeoutMs` after its request was read (the request context's `now`), mutations to their end.
// A query is cancellable (src/limits/cancel.ts): its reads stop when the limit answers or its client leaves.
// A query of data waits first for its department's turn (src/limits/turns.ts), within its time limit.
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { ExecutionResult } from 'graphql';
import { Deadlines, isTimedOut, timedOut } from '../limits/timeout.ts';
import { DepartmentTurns, TAKEN, takesTurn, waitsOnlyAway } from '../limits/turns.ts';
import type { Cancellation } from '../limits/cancel.ts';
import { counterKey } from '../identity/verify.ts';
import type { RequestContext } from '../../resolvers/request.ts';

export interface DeadlineLimits {
  timeoutMs: number;
  /** Data queries of one department executing at once (limits.concurrentPerDepartment); absent: no bound. */
  concurrentPerDepartment?: number;
  /** The namespaces of the connected platforms: a query of nothing else lends its turn while it waits on them. */
  namespaces?: readonly string[];
}

export function withDeadline(executor: GatewayExecutor, limits: number | DeadlineLimits): GatewayExecutor {
  const { timeoutMs, concurrentPerDepartment } = typeof limits === 'number' ? { timeoutMs: limits } : limits;
  const deadlines = new Deadlines(timeoutMs); // one timer for every request of this gateway
  const turns = concurrentPerDepartment ? new DepartmentTurns(concurrentPerDepartment) : undefined;
  const namespaces = new Set(typeof limits === 'number' ? [] : limits.namespaces ?? []);
  return (rc) => {
    // No operation when the document has several and the request names none, or one it lacks (the type
    // says otherwise): the executor answers graphql's own error at once, which Apollo turns into
    // OPERATION_RESOLUTION_FAILURE (HTTP 400).
    if (rc.operation?.operation !== 'query') return executor(rc);
    const ctx = rc.context as RequestContext;
    ctx.cancel?.arm();
    const startedAt = ctx.now.getTime();
    // Light platform fields and introspection do not wait; a department's data does (a forwarded
    // request's department is `dept@platform`, counted as any other: counterKey).
    if (!turns || !ctx.identity || !takesTurn(rc.document, rc.operation)) return deadlines.within(executor(rc), startedAt, ctx.cancel);
    const key = counterKey(ctx.identity);
    const lending = waitsOnlyAway(rc.document, rc.operation, namespaces) ? new TurnLending(turns, key, ctx.cancel) : undefined;
    const turn = turns.take(key, ctx.cancel);
    if (turn === TAKEN) return deadlines.within(inTurn(turns, key, ctx, () => executor(rc), lending), startedAt, ctx.cancel);
    // Queued: marked for the audit plugin, which names what a query that never ran asked for.
    const waiting: NonNullable<RequestContext['turn']> = { bound: turns.perDepartment, ran: false };
    ctx.turn = waiting;
    const work = turn.then(
      () => {
        waiting.ran = true;
        return inTurn(turns, key, ctx, () => executor(rc), lending);
      },
      // Its client left while it waited: dropped without running, answered (to nobody) as a cancelled query.
      (reason: unknown): ExecutionResult => ({ data: null, errors: [reason as never] }),
    );
    return deadlines.within(work, startedAt, ctx.cancel).then((result) => (waiting.ran ? result : waitedOut(result, turns.perDepartment)));
  };
}

/**
 * `run` in a turn of `key`, given back once both its work has ended (past an answer at the time limit: it
 * still runs) and its answer is written: a large answer's formatting and serialising (Apollo's, after the
 * executor) cost the event loop more than its execution did (measured: a 4 MB answer of 28 aliases, 30 ms
 * executing, some 100 ms after), and a turn that ended with the execution left them to pile up.
 */
function inTurn<T>(turns: DepartmentTurns, key: string, ctx: RequestContext, run: () => Promise<T>, lending?: TurnLending): Promise<T> {
  let pending = ctx.whenAnswered ? 2 : 1;
  const over = () => {
    // A lent turn that was not taken back (the query cancelled while it waited for one) is not this query's to give.
    if (--pending !== 0) return;
    lending?.end();
    if (!lending || lending.holding) turns.release(key);
  };
  if (lending) ctx.lendTurn = () => lending.lend();
  ctx.whenAnswered?.(over);
  let work: Promise<T>;
  try {
    work = run();
  } catch (err) {
    over();
    throw err;
  }
  return work.finally(over);
}

/** A turn lent out while its query waits on a connected platform: `back` takes one again (queued), before the answer is read. */
export interface LentTurn {
  back(): Promise<void>;
}

/**
 * The turn of a query whose root fields are all namespaces (src/limits/turns.ts): lent while each of its
 * requests to a connected platform waits, so that the department's other queries run meanwhile, and
 * taken back, ahead of the queries still to start (DepartmentTurns.take, returning), when the answer has
 * come (or the request failed).
 * Several namespaces of one query wait together on one lent turn; the first answer takes it back.
 */
export class TurnLending {
  /** Whether the query holds a turn now: given back at its end only then. */
  holding = true;
  /** Whether its turn is lent out now (counted by the department's turns until it comes back or the query ends). */
  private lent = false;
  private coming: Promise<void> | undefined;

  constructor(
    private readonly turns: DepartmentTurns,
    private readonly key: string,
    private readonly cancel?: Cancellation,
  ) {}

  lend(): LentTurn {
    // Past the department's lent turns, the query keeps its own while it waits (DepartmentTurns.lend).
    if (this.holding && this.turns.lend(this.key)) {
      this.holding = false;
      this.lent = true;
    }
    let returned = false;
    return {
      back: () => {
        if (returned) return Promise.resolve();
        returned = true;
        return this.takeBack();
      },
    };
  }

  /**
   * The lent turn is back (taken again), or the query ended (cancelled while it waited for it). Not when an
   * answer comes: a query queued for its turn back may still wait on another namespace (a query of a fast
   * and a slow one), and holds the answers that came; counted as lent until then, it keeps the department's
   * reads in flight, and answers waiting for a turn, within the bound (a query that stopped counting at its
   * first answer let the next lend too: any number of queries under one turn had reads in flight).
   */
  end(): void {
    if (!this.lent) return;
    this.lent = false;
    this.turns.returned(this.key);
  }

  private takeBack(): Promise<void> {
    if (this.holding) return Promise.resolve();
    this.coming ??= (async () => {
      try {
        const turn = this.turns.take(this.key, this.cancel, true);
        if (turn !== TAKEN) await turn;
        this.holding = true;
        this.end();
      } finally {
        this.coming = undefined;
      }
    })();
    return this.coming;
  }
}

/** The time limit's answer to a query that never had its turn says so. */
function waitedOut(result: ExecutionResult, bound: number): ExecutionResult {
  const errors = result.errors?.map((e) => {
    if (!isTimedOut(e)) return e;
    const { figure, bound: timeoutMs } = e.extensions as { figure: number; bound: number };
    return timedOut(figure, timeoutMs, bound);
  });
  return errors ? { ...result, errors } : result;
}

/** `gateway` as Apollo sees it, its executor under the time limit and the departments' turns. */
export function deadlineGateway(gateway: GatewayInterface, limits: DeadlineLimits): GatewayInterface {
  return {
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && withDeadline(loaded.executor, limits) };
    },
    stop: () => gateway.stop(),
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
  };
}
