// Resolvers of the platform's own schema (schema/platform.graphql).
import type { RequestContext } from '../../src/server/context.ts';

export function platformResolvers() {
  return {
    Query: {
      me: (_p: unknown, _a: unknown, ctx: RequestContext) => ({
        user: ctx.identity.user,
        department: ctx.identity.dept.code,
        departmentName: ctx.identity.dept.name,
        roles: ctx.identity.roles,
        purpose: ctx.purpose,
      }),
    },
  } as Record<string, Record<string, unknown>> & { Query: Record<string, unknown> };
}
