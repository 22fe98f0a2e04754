// The access rules against the oracle through a connected platform (SPEC §12): each seed draws a province
// and one of its cities (test/helpers/oracle-pair.ts: two generated platforms, names apart, the same
// purposes), each published into its own store and served by a real `govgraph serve` process on loopback,
// each listing the other. The province's departments read the city's resources under `city`, then the
// city's departments the province's under `province`: every case goes through the hop (signed identity,
// delegation, the answer passed back), and must answer what the oracle says the platform read gives a
// department of the other's level and region holding none of its grants (test/helpers/oracle-run.ts,
// the same cases as test/access-oracle-generated.test.ts): masks, denials per field, row scope, filters,
// orders, counts, cursors, links, lookups. Grants stored under the forwarded departments' codes (as a file
// that once listed them let the operator give) must not count. Then each batch's entries in both audit
// logs: one on each side, the requester, `via`, the namespace's errors and denials (a refusal there, a
// masked item filtered with `contains` or ordered by, among them), one outcome, the read platform's parts
// denying and masking per resource what the oracle says (`*` for a resource refused whole, an item denied
// on a page of no records too), and no value the department could not read in clear.
//
// Reproducible: ORACLE_CONNECTED_SEEDS=<n,n,...> picks the pairs' seeds (default below),
// ORACLE_CONNECTED_ROUNDS the rounds each way. A failure names the seed, the way, the batch and the case.
import { describe, expect, it } from 'vitest';
import { hopAuditProblems, hopFrom, startOraclePair, stopOraclePair, type Level } from './helpers/oracle-pair.ts';
import { runOracle } from './helpers/oracle-run.ts';

const SEEDS = (process.env.ORACLE_CONNECTED_SEEDS ?? '2,12').split(',').map(Number);
const ROUNDS = Number(process.env.ORACLE_CONNECTED_ROUNDS ?? 2);

describe('the access rules against the oracle through a connected platform', () => {
  const tally = new Map<string, number>();

  it.each(SEEDS)('agrees on every random case across the hop, both ways, for the pair of seed %i', async (seed) => {
    const pair = await startOraclePair(seed);
    try {
      const problems: string[] = [];
      for (const from of ['province', 'city'] as Level[]) {
        const label = `seed ${seed}, ${from} reading ${from === 'province' ? 'city' : 'province'}`;
        const { home, oracle, hop } = hopFrom(pair, from, `oracle-${seed}-${from}`);
        const run = await runOracle(home, oracle, { seed, rounds: ROUNDS, label, hop });
        for (const [k, v] of run.tally) tally.set(k, (tally.get(k) ?? 0) + v);
        const audit = await hopAuditProblems(pair, from, run);
        if (process.env.ORACLE_VERBOSE || run.problems.length || audit.length) {
          console.log(`${label}: ${run.cases} cases, ${run.batches.length} batches, ${run.problems.length} disagree, ${audit.length} audits disagree\n${pair[from === 'province' ? 'city' : 'province'].drawn.summary.join('\n')}`);
          console.log([...run.tally].sort().map(([k, v]) => `  ${k}: ${v}`).join('\n'));
        }
        problems.push(...run.problems.slice(0, 3), ...audit.slice(0, 3));
        expect(run.cases, label).toBeGreaterThan(30);
      }
      expect(problems.join('\n\n'), `seed ${seed}: ${problems.length} disagree`).toBe('');
    } finally {
      await stopOraclePair(pair);
    }
  }, 120_000);

  // The default seeds' pairs between them meet the table's outcomes across the hop: the run is not vacuous.
  it.runIf(!process.env.ORACLE_CONNECTED_SEEDS && !process.env.ORACLE_CONNECTED_ROUNDS)('met the outcomes of the table a forwarded department meets', () => {
    for (const k of ['list:returned', 'lookup:returned', 'list:NOT_SHARED', 'list:METHOD_NOT_API', 'list:OUT_OF_SCOPE', 'list:PURPOSE_REQUIRED',
      'list:PURPOSE_OUT_OF_SCOPE', 'list:GRANT_REQUIRED', 'list:use BAD_USER_INPUT', 'lookup:masked enum key refused', 'item:plain', 'item:masked',
      'item:NOT_SHARED', 'item:OUT_OF_SCOPE', 'item:PURPOSE_OUT_OF_SCOPE', 'link:plain', 'link:GRANT_REQUIRED', 'link:several records hold the value',
      'rows:listed within the region', 'rows:counted within the region', 'rows:lookup outside', 'rows:link outside',
      'list:in stored order, the key denied, a part', 'document:with errors', 'document:without errors',
      'audit:a resource denied whole (*)', 'audit:a refused filter or order denied', 'audit:an item denied', 'audit:an item denied on a page of no records', 'grant:stored under a forwarded department\'s code']) {
      expect(tally.get(k) ?? 0, k).toBeGreaterThan(0);
    }
  });
});
