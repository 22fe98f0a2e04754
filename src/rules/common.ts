import { rule } from 'graphql-shield';
import type { RequestContext } from '../server/context.ts';

/** Any authenticated department user (the context refuses anonymous requests; this is the second lock). */
export const authenticated = rule('authenticated', { cache: 'contextual' })((_p, _a, ctx: RequestContext) => ctx.identity != null);
