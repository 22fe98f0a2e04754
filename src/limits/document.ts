// Limits on a document (SPEC §13), as GraphQL validation rules: Apollo validates a document once and keeps
// it in its document cache, so this analysis runs once per document, not once per request. A file each:
//
// - depth: graphql-armor's rule (fragments followed), its refusal re-worded (depth.ts);
// - tokens: graphql-js's own parser limit (Apollo's `parseOptions.maxTokens`), see tokenLimitError (tokens.ts);
// - cost: the field values the response may hold, estimated from `first` (or the page maximum): the walk
//   (cost-tally.ts over response-fields.ts, with pages.ts and conditions.ts), kept with the document and
//   computed again per request when its variables change it (cost.ts);
// - aliases: the aliases the response holds, counted by the same walk as the cost (response-rule.ts);
// - documents graphql itself gives up on (gave-up.ts). Every refusal is QUERY_TOO_COMPLEX (too-complex.ts).
import type { ValidationRule } from 'graphql';
import type { Limits } from '../model/platform.ts';
import { depthRule } from './depth.ts';
import { responseRule } from './response-rule.ts';

/** The validation rules of the document limits, for Apollo's `validationRules`. */
export function documentLimitRules(limits: Limits, maxPage: number): ValidationRule[] {
  return [depthRule(limits.maxDepth), responseRule(limits.maxCost, limits.maxAliases, maxPage)];
}
