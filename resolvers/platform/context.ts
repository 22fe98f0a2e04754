// From a request to the workflow: who acts (Actor), what it acts on (WorkflowEnv), and the workflow's
// refusals as GraphQL errors with the codes of SPEC §8.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { GrantInputError, GrantNotFoundError } from '../../src/access/grants/errors.ts';
import { AuditUnavailableError } from '../../src/audit/log.ts';
import { AuditQueryError } from '../../src/audit/query.ts';
import { readStore, requestAudit, type RequestContext } from '../request.ts';
import type { Actor, WorkflowEnv } from '../../src/workflow/actor.ts';
import { WorkflowError } from '../../src/workflow/errors.ts';

export function envOf(ctx: RequestContext): WorkflowEnv {
  return { store: readStore(ctx), platform: ctx.platform, now: ctx.now, warn: ctx.warn };
}

/** The caller as the workflow sees it; its audit entries are noted so the audit plugin does not repeat them. */
export function actorOf(ctx: RequestContext, info: GraphQLResolveInfo): Actor {
  const audit = requestAudit(ctx);
  return {
    dept: ctx.identity.dept,
    user: ctx.identity.user,
    roles: ctx.identity.roles,
    purpose: ctx.purpose,
    requestId: ctx.requestId,
    operationName: audit.operationName,
    documentHash: audit.documentHash,
    onAudit: () => audit.actions.add(String(info.path.key)),
  };
}

/** The error a client sees for a failure of the workflow or the audit log; others pass unchanged. */
export function toGraphQLError(err: unknown): unknown {
  if (err instanceof WorkflowError) {
    return new GraphQLError(err.message, {
      extensions: { ...err.extensions, code: err.code, ...(err.problems.length ? { problems: err.problems } : {}) },
    });
  }
  if (err instanceof GrantInputError) return new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', problems: err.problems } });
  if (err instanceof GrantNotFoundError) return new GraphQLError(err.message, { extensions: { code: 'NOT_FOUND' } });
  if (err instanceof AuditQueryError) return new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
  if (err instanceof AuditUnavailableError) {
    return new GraphQLError('The audit log cannot be written, so nothing was done; try again shortly.', { extensions: { code: 'AUDIT_UNAVAILABLE' } });
  }
  return err;
}

export async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toGraphQLError(err);
  }
}
