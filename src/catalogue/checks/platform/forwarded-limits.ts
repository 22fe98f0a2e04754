// A platform that lists connected platforms (SPEC §12) reads them and is read by them, each through the
// document limits (SPEC §13) of both sides; bounds that let the platform's own queries through could
// still stop every such read, silently: `maxDepth: 3` (accepted, the least for a lookup) answered every
// read under a namespace with QUERY_TOO_COMPLEX, a namespace being one level more. Refused, as
// limits.ts refuses bounds that let no query at all through: the operator listed the platform to read
// it, and to let it read (trust is mutual listing), and `maxDepth: 4` costs nothing.
//
// Two documents are checked, both measured on two gateways on loopback
// (test/connected-limits-forwarded-reads.test.ts):
// - asked: a department's read under `Query.<namespace>`, against this platform's limits: the smallest
//   data query one level deeper, three tokens more (`ns {` and `}`) and one field value more;
// - received: what graphql-tools delegates to the connected platform, against that platform's own
//   limits: the namespace gone (as deep as the platform's own query), but `__typename` asked twice more,
//   once under an alias: six tokens and two field values more. Its alias of the department field
//   (`__gqtld0__: dept`) counts against maxAliases, its alias of `__typename` does not: one alias, and
//   the schema's least maxAliases is 1, so no alias bound stops the smallest read.
import { limitsOf, defaultPageSize, type Limits, type Platform } from '../../../model/platform.ts';
import type { Problem } from '../../problems.ts';
import { problem } from '../util.ts';
import { smallestDataQueries, type DocumentBound, type SmallestQuery } from './limits.ts';

type Bound = DocumentBound;
const BOUNDS: Bound[] = ['maxDepth', 'maxTokens', 'maxCost'];
const UNITS: Record<Bound, string> = { maxDepth: 'levels deep', maxTokens: 'tokens', maxCost: 'field values' };

/** One of the smallest forwarded reads, and what it takes of the limits of the side that checks it. */
export interface ForwardedRead {
  what: string;
  text: string;
  figures: Record<Bound, number>;
}

const inNamespace = (text: string) => `{ ns ${text} }`;
const delegated = (text: string) => text.replace(/^\{ (.*) \}$/, '{ __typename __gqtld0__: $1 __gqtld1__: __typename }');

/** The smallest reads under a namespace, as this platform's departments ask them (its limits apply). */
export function smallestAskedReads(page = 20): ForwardedRead[] {
  return smallestDataQueries(page).map((q: SmallestQuery) => ({
    what: `${q.what} under a namespace`,
    text: inNamespace(q.text),
    figures: { maxDepth: q.figures.maxDepth + 1, maxTokens: q.figures.maxTokens + 3, maxCost: q.figures.maxCost + 1 },
  }));
}

/** The smallest reads a connected platform forwards, as they arrive here (this platform's limits apply). */
export function smallestReceivedReads(page = 20): ForwardedRead[] {
  return smallestDataQueries(page).map((q: SmallestQuery) => ({
    what: `${q.what} a connected platform forwards`,
    text: delegated(q.text),
    figures: { maxDepth: q.figures.maxDepth, maxTokens: q.figures.maxTokens + 6, maxCost: q.figures.maxCost + 2 },
  }));
}

const fits = (limits: Limits, r: ForwardedRead) => BOUNDS.every((b) => r.figures[b] <= limits[b]);

function* letThrough(limits: Limits, reads: ForwardedRead[], whose: string, ownFits: boolean): Iterable<Problem> {
  let short = false;
  for (const b of BOUNDS) {
    const least = reads.reduce((a, r) => (r.figures[b] < a.figures[b] ? r : a));
    if (limits[b] >= least.figures[b]) continue;
    short = true;
    yield problem(`limits.${b}`, `${limits[b]} lets no ${whose} through while connected lists platforms: the smallest, ${least.what}, \`${least.text}\`, is ${least.figures[b]} ${UNITS[b]}; make it at least ${least.figures[b]}`);
  }
  // Each bound allows one read but together none; said once, and not when the platform's own queries
  // are stopped already (limitsLetDataQueriesThrough says so on `limits`).
  if (short || !ownFits || reads.some((r) => fits(limits, r))) return;
  const needs = reads.map((r) => `${r.what} (\`${r.text}\`) ${r.figures.maxDepth} deep, ${r.figures.maxTokens} tokens, ${r.figures.maxCost} field values`).join('; ');
  yield problem('limits', `maxDepth ${limits.maxDepth}, maxTokens ${limits.maxTokens} and maxCost ${limits.maxCost} together let no ${whose} through while connected lists platforms: the smallest need ${needs}; raise the bounds that fall short of one of them`);
}

/** With platforms connected, the limits let a read under a namespace through, and a read forwarded here. */
export function* limitsLetForwardedReadsThrough(p: Platform): Iterable<Problem> {
  if (p.connected.length === 0) return;
  const limits = limitsOf(p);
  const page = defaultPageSize(p);
  const ownFits = smallestDataQueries(page).some((q) => BOUNDS.every((b) => q.figures[b] <= limits[b]));
  yield* letThrough(limits, smallestAskedReads(page), 'read of a connected platform', ownFits);
  yield* letThrough(limits, smallestReceivedReads(page), 'read a connected platform forwards', ownFits);
}
