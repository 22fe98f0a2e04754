import { rule } from './shield.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../../resolvers/request.ts';

type RuleAnswer = boolean | Error;
type RuleFn<A> = (parent: unknown, args: A, ctx: RequestContext, info: GraphQLResolveInfo) => RuleAnswer | Promise<RuleAnswer>;

/**
 * A shield rule whose failures stay failures. graphql-shield turns an exception thrown in a rule into
 * `false`, that is into "not authorised"; a bug or a store outage is not an authorisation answer, so the
 * exception is returned as the field's error instead (and leaves the server as an internal error).
 */
export function guardedRule<A = Record<string, unknown>>(name: string, cache: 'contextual' | 'no_cache', fn: RuleFn<A>) {
  return rule(name, { cache })(async (parent: unknown, args: A, ctx: RequestContext, info: GraphQLResolveInfo) => {
    try {
      return await fn(parent, args, ctx, info);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  });
}

/** Any authenticated department user (the context refuses anonymous requests; this is the second lock). */
export const authenticated = guardedRule('authenticated', 'contextual', (_p, _a, ctx) => ctx.identity != null);
