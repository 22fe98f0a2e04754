// Apollo's gateway, with the time limit of SPEC §13 around its executor (src/limits/timeout.ts): a query
// runs until `timeoutMs` after its request was read (the request context's `now`), mutations to their end.
// A query is cancellable (src/limits/cancel.ts): its reads stop when the limit answers or its client leaves.
// A query of data waits first for its department's turn (src/limits/turns.ts), within its time limit; a
// query of connected platforms' namespaces only, for one among the department's other such queries.
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { ExecutionResult } from 'graphql';
import { Deadlines, isTimedOut, timedOut } from '../limits/timeout.ts';
import { DepartmentTurns, TAKEN, takesTurn, waitsOnlyAway } from '../limits/turns.ts';
import { counterKey } from '../identity/verify.ts';
import type { RequestContext } from '../../resolvers/request.ts';

export interface DeadlineLimits {
  timeoutMs: number;
  /** Data queries of one department executing at once (limits.concurrentPerDepartment); absent: no bound. */
  concurrentPerDepartment?: number;
  /** The namespaces of the connected platforms: a query of nothing else takes its turn among such queries. */
  namespaces?: readonly string[];
}

/** The request as the time limit and the turns read it (Apollo's request context, for the gateway or a plugin). */
type LimitedRequest = Pick<Parameters<GatewayExecutor>[0], 'operation' | 'document' | 'context'>;

/**
 * Runs a query's `work` under its time limit and, for a query of data, in its department's turn. One per
 * gateway, shared by its executor and the introspection plugin (which answers a department's
 * introspection on its view, before the executor: src/server/plugins/introspection.ts).
 */
export type LimitedRun = (rc: LimitedRequest, work: () => Promise<ExecutionResult>) => Promise<ExecutionResult>;

export function limitedRun(limits: number | DeadlineLimits): LimitedRun {
  const { timeoutMs, concurrentPerDepartment } = typeof limits === 'number' ? { timeoutMs: limits } : limits;
  const deadlines = new Deadlines(timeoutMs); // one timer for every request of this gateway
  const own = concurrentPerDepartment ? new DepartmentTurns(concurrentPerDepartment) : undefined;
  const namespaces = new Set(typeof limits === 'number' ? [] : limits.namespaces ?? []);
  // A department's queries of connected platforms' namespaces only, which mostly wait on another platform,
  // take their turns apart: a slow platform holds none of the department's own turns (src/limits/turns.ts).
  const away = own && namespaces.size ? new DepartmentTurns(own.perDepartment) : undefined;
  return (rc, executor) => {
    const ctx = rc.context as RequestContext;
    ctx.cancel?.arm();
    const startedAt = ctx.now.getTime();
    // Light platform fields and introspection do not wait; a department's data does (a forwarded
    // request's department is `dept@platform`, counted as any other: counterKey).
    if (!own || !ctx.identity || !takesTurn(rc.document, rc.operation!)) return deadlines.within(executor(), startedAt, ctx.cancel);
    const turns = away && waitsOnlyAway(rc.document, rc.operation!, namespaces) ? away : own;
    const key = counterKey(ctx.identity);
    const turn = turns.take(key, ctx.cancel);
    if (turn === TAKEN) return deadlines.within(inTurn(turns, key, ctx, executor), startedAt, ctx.cancel);
    // Queued: marked for the audit plugin, which names what a query that never ran asked for.
    const waiting: NonNullable<RequestContext['turn']> = { bound: turns.perDepartment, ran: false };
    ctx.turn = waiting;
    const work = turn.then(
      () => {
        waiting.ran = true;
        return inTurn(turns, key, ctx, executor);
      },
      // Its client left while it waited: dropped without running, answered (to nobody) as a cancelled query.
      (reason: unknown): ExecutionResult => ({ data: null, errors: [reason as never] }),
    );
    return deadlines.within(work, startedAt, ctx.cancel).then((result) => (waiting.ran ? result : waitedOut(result, turns.perDepartment)));
  };
}

/** `executor` with its queries run by `run` (limitedRun; a number: a time limit alone, for the tests). */
export function withDeadline(executor: GatewayExecutor, run: number | LimitedRun): GatewayExecutor {
  const limited = typeof run === 'number' ? limitedRun(run) : run;
  // No operation when the document has several and the request names none, or one it lacks (the type
  // says otherwise): the executor answers graphql's own error at once, which Apollo turns into
  // OPERATION_RESOLUTION_FAILURE (HTTP 400).
  return (rc) => (rc.operation?.operation !== 'query' ? executor(rc) : limited(rc, () => executor(rc)));
}

/**
 * `run` in a turn of `key`, given back once both its work has ended (past an answer at the time limit: it
 * still runs) and its answer is written: a large answer's formatting and serialising (Apollo's, after the
 * executor) cost the event loop more than its execution did (measured: a 4 MB answer of 28 aliases, 30 ms
 * executing, some 100 ms after), and a turn that ended with the execution left them to pile up.
 */
function inTurn<T>(turns: DepartmentTurns, key: string, ctx: RequestContext, run: () => Promise<T>): Promise<T> {
  let pending = ctx.whenAnswered ? 2 : 1;
  const over = () => {
    if (--pending === 0) turns.release(key);
  };
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
export function deadlineGateway(gateway: GatewayInterface, run: LimitedRun): GatewayInterface {
  return {
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && withDeadline(loaded.executor, run) };
    },
    stop: () => gateway.stop(),
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
  };
}
