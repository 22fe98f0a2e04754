// Role rules of the platform's own fields (SPEC §7, §9). Anything not listed is denied by the fallback.
import { allow, rule } from 'graphql-shield';
import type { RequestContext } from '../server/context.ts';
import { authenticated } from './common.ts';


export function platformRules(): Record<string, Record<string, unknown>> & { Query: Record<string, unknown> } {
  return {
    Query: { me: authenticated },
    Me: { '*': allow },
  };
}
