// Apollo's gateway, with the time limit of SPEC §13 around its executor (src/limits/timeout.ts): a query
// runs until `timeoutMs` after its request was read (the request context's `now`), mutations to their end.
// A query is cancellable (src/limits/cancel.ts): its reads stop when the limit answers or its client leaves.
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { Deadlines } from '../limits/timeout.ts';
import type { RequestContext } from '../../resolvers/request.ts';

export function withDeadline(executor: GatewayExecutor, timeoutMs: number): GatewayExecutor {
  const deadlines = new Deadlines(timeoutMs); // one timer for every request of this gateway
  return (rc) => {
    // No operation when the document has several and the request names none, or one it lacks (the type
    // says otherwise): the executor answers graphql's own error at once, which Apollo turns into
    // OPERATION_RESOLUTION_FAILURE (HTTP 400).
    if (rc.operation?.operation !== 'query') return executor(rc);
    const ctx = rc.context as RequestContext;
    ctx.cancel?.arm();
    return deadlines.within(executor(rc), ctx.now.getTime(), ctx.cancel);
  };
}

/** `gateway` as Apollo sees it, its executor under the time limit. */
export function deadlineGateway(gateway: GatewayInterface, timeoutMs: number): GatewayInterface {
  return {
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && withDeadline(loaded.executor, timeoutMs) };
    },
    stop: () => gateway.stop(),
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
  };
}
