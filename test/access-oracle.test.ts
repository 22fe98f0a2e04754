// The access rules against an oracle written apart from them (test/helpers/oracle.ts): thousands of
// random requests to the demo gateway, each department with each purpose (or none) and random grants,
// selecting random items and links with random filters and orders, and every answer compared with
// what the oracle says and with the provider's own unmasked read of the same records.
//
// Reproducible: ORACLE_SEED=<n> picks the seed (default below), ORACLE_ROUNDS scales the run. A failure
// names the seed and the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { loadOracle, type OPlatform } from './helpers/oracle.ts';
import { ORACLE_LIMITS, runOracle } from './helpers/oracle-run.ts';

const SEED = Number(process.env.ORACLE_SEED ?? 20261116);
const ROUNDS = Number(process.env.ORACLE_ROUNDS ?? 24);

let gw: TestGateway;
let oracle: OPlatform;

beforeAll(async () => {
  gw = await startTestGateway({ demo: true, limits: ORACLE_LIMITS });
  oracle = loadOracle(DEMO_PLATFORM_FILE, demoCatalogueFiles());
}, 60_000);
afterAll(() => gw?.close());

describe('the access rules against an oracle written apart from them', () => {
  it(`agrees on every random case (seed ${SEED})`, async () => {
    const started = Date.now();
    const { cases, problems, tally, grants } = await runOracle(gw, oracle, { seed: SEED, rounds: ROUNDS });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (process.env.ORACLE_VERBOSE || problems.length) {
      console.log(`oracle: seed ${SEED}, ${cases} cases in ${seconds}s, ${grants} grants made`);
      console.log([...tally].sort().map(([k, v]) => `  ${k}: ${v}`).join('\n'));
    }
    expect(problems.slice(0, 5).join('\n\n'), `seed ${SEED}: ${problems.length} cases disagree`).toBe('');
    expect(cases).toBeGreaterThanOrEqual(2000);
    // The run is not vacuous: every outcome of the table was met, on items, lists, lookups and links.
    for (const code of ['NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE', 'PURPOSE_REQUIRED', 'PURPOSE_OUT_OF_SCOPE', 'GRANT_REQUIRED']) {
      expect(tally.get(`list:${code}`) ?? 0, `list:${code}`).toBeGreaterThan(0);
      expect(tally.get(`lookup:${code}`) ?? 0, `lookup:${code}`).toBeGreaterThan(0);
    }
    for (const k of ['item:masked', 'item:plain', 'item:unmasked by a grant', 'item:GRANT_REQUIRED', 'item:NOT_SHARED', 'item:METHOD_NOT_API', 'item:PURPOSE_OUT_OF_SCOPE',
      'rows:listed within the region', 'rows:counted within the region', 'rows:link outside', 'rows:listed within grant rows', 'list:in stored order, the key denied, a part', 'rows:several grants, with rows and without',
      'item:GRANT_REQUIRED, its grants short of the rows seen', 'item:masked, its unmasking grants short of the rows seen',
      'document:without errors', 'list:use BAD_USER_INPUT', 'list:use GRANT_REQUIRED', 'link:plain', 'link:GRANT_REQUIRED', 'list:returned', 'lookup:returned']) {
      expect(tally.get(k) ?? 0, k).toBeGreaterThan(0);
    }
  }, 180_000);
});
