// The platform file's document limits (SPEC §13) must let a data query through. `maxDepth: 1`,
// `maxTokens: 5` or `maxCost: 1` passed the schema (minimum 1), and the gateway started and refused every
// query reading a record, each with QUERY_TOO_COMPLEX, until the file was changed and the gateway restarted.
// Refused, not warned of: such a platform shares no data at all, and every command reading the platform
// file (serve among them) says so before anything is served. The schema's minimums are the least each
// bound allows (schema/platform.schema.json, so that an editor flags them too); its refusal is worded here,
// saying the smallest query's figure. Three bounds each at their least can still let nothing through
// together (maxDepth 3 lets only lookups through, and they need 14 tokens): limitsLetDataQueriesThrough.
import { DEFAULT_LIMITS, defaultPageSize, limitsOf, type Limits, type Platform } from '../../../model/platform.ts';
import type { Problem } from '../../problems.ts';
import { problem } from '../util.ts';

export type DocumentBound = 'maxDepth' | 'maxTokens' | 'maxCost';
const BOUNDS: DocumentBound[] = ['maxDepth', 'maxTokens', 'maxCost'];

/** One of the smallest documents reading a record, as the generated schema shapes them, and what it takes. */
export interface SmallestQuery {
  what: string;
  text: string;
  figures: Record<DocumentBound, number>;
}

/**
 * The smallest data queries the generated schema allows, whatever the names (each name one token): a
 * department's field, a resource's lookup by its key or its list, an item (src/generate/sdl.ts). Measured
 * against the gateway's own limits (test/platform-limits-data-queries.test.ts): each runs at exactly these
 * bounds and is refused one below. A list without `first` counts its default page in its cost; with
 * `first: 1` it costs 4, and five tokens more. `page`: the platform's default page (20 unless its
 * maxPageSize is smaller).
 */
export function smallestDataQueries(page = 20): SmallestQuery[] {
  return [
    { what: 'a lookup', text: '{ dept { resource(key: "x") { item } } }', figures: { maxDepth: 3, maxTokens: 14, maxCost: 3 } },
    { what: 'a list', text: '{ dept { resources { nodes { item } } } }', figures: { maxDepth: 4, maxTokens: 12, maxCost: 3 + page } },
    { what: 'a list of one', text: '{ dept { resources(first: 1) { nodes { item } } } }', figures: { maxDepth: 4, maxTokens: 17, maxCost: 4 } },
  ];
}

const UNITS: Record<DocumentBound, string> = { maxDepth: 'levels deep', maxTokens: 'tokens', maxCost: 'field values' };

/** The smallest query by `bound`: what no data query needs less of (the schema's minimum). */
export function leastOf(bound: DocumentBound): SmallestQuery {
  return smallestDataQueries().reduce((a, q) => (q.figures[bound] < a.figures[bound] ? q : a));
}

/**
 * The schema's refusal of `limits.maxDepth`, `maxTokens` or `maxCost` under its minimum, saying why: the
 * smallest query needing that much. Undefined for any other problem.
 */
export function boundTooLowProblem(doc: unknown, found: Problem): Problem | undefined {
  const bound = /^limits\.(maxDepth|maxTokens|maxCost)$/.exec(found.path)?.[1] as DocumentBound | undefined;
  if (!bound) return undefined;
  const value = (doc as { limits: Record<DocumentBound, unknown> }).limits[bound];
  const least = leastOf(bound);
  if (typeof value !== 'number' || value >= least.figures[bound]) return undefined;
  return problem(found.path, `${value} lets no query read a record: the smallest, ${least.what}, \`${least.text}\`, is ${least.figures[bound]} ${UNITS[bound]}; make it at least ${least.figures[bound]}, with room for the platform's real queries (the default is ${DEFAULT_LIMITS[bound]})`);
}

const fits = (limits: Limits, q: SmallestQuery) => BOUNDS.every((b) => q.figures[b] <= limits[b]);

/** The three bounds together let at least one of the smallest data queries through. */
export function* limitsLetDataQueriesThrough(p: Platform): Iterable<Problem> {
  const limits = limitsOf(p);
  const smallest = smallestDataQueries(defaultPageSize(p));
  if (smallest.some((q) => fits(limits, q))) return;
  const needs = smallest.map((q) => `${q.what} (\`${q.text}\`) ${q.figures.maxDepth} deep, ${q.figures.maxTokens} tokens, ${q.figures.maxCost} field values`).join('; ');
  yield problem('limits', `maxDepth ${limits.maxDepth}, maxTokens ${limits.maxTokens} and maxCost ${limits.maxCost} together let no query read a record: the smallest need ${needs}; raise the bounds that fall short of one of them`);
}

/**
 * Bounds that admit an `in` the cost can never let through: each value of an `in` counts one field value
 * toward maxCost (server/plugins/limits.ts), so with `maxCost: 5000` beside the default
 * `filter.maxInValues: 10000`, an `in` of 5,000 values passed the filter's bound and was refused as too
 * complex, the client told to split its request and the operator told nothing. Noted, not refused (a file
 * that so lowered maxCost alone served before, and every query within its cost still runs): by `platform
 * validate` after its ok line and by `serve` at its start. Measured on the gateway: the smallest list, a
 * list of one, costs 4 beside its values (test/limits-in-values-over-cost.test.ts).
 */
export function inValuesOverCostNote(p: Platform): string | undefined {
  const { maxCost, filter } = limitsOf(p);
  const room = maxCost - smallestDataQueries().find((q) => q.what === 'a list of one')!.figures.maxCost;
  if (filter.maxInValues <= room) return undefined;
  const lower = room >= 1 ? `, or lower limits.filter.maxInValues to ${room}` : '';
  return `limits.filter.maxInValues (${filter.maxInValues}) admits more values in one in than limits.maxCost (${maxCost}) leaves room for: each value counts one field value, so an in of more than ${Math.max(room, 0)} values is refused with QUERY_TOO_COMPLEX (limit maxCost) even in a list of one; raise limits.maxCost to at least ${maxCost - room + filter.maxInValues}${lower}`;
}
