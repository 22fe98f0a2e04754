// The access rules against the oracle (test/helpers/oracle.ts) on platforms nobody wrote by hand: each
// seed draws a whole platform (test/helpers/random-platform.ts: a province other than Hunan, departments,
// purposes, catalogues of random resources, items, masks, scopes, row scope, links, records), publishes
// it through the real catalogue import and records import, and runs the oracle's rounds of random grants
// and requests on it (test/helpers/oracle-run.ts, as test/access-oracle.test.ts does on the demo).
//
// Reproducible: ORACLE_PLATFORM_SEEDS=<n,n,...> picks the platforms' seeds (default below),
// ORACLE_PLATFORM_ROUNDS the rounds on each. A failure names the seed, the batch and the case.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';
import { startTestGateway } from './helpers/gateway.ts';
import { loadOracle } from './helpers/oracle.ts';
import { ORACLE_LIMITS, runOracle } from './helpers/oracle-run.ts';
import { generatePlatform } from './helpers/random-platform.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const SEEDS = (process.env.ORACLE_PLATFORM_SEEDS ?? '20261207,7,1931,52').split(',').map(Number);
const ROUNDS = Number(process.env.ORACLE_PLATFORM_ROUNDS ?? 4);

const work = mkdtempSync(join(tmpdir(), 'govgraph-oracle-generated-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the access rules against the oracle on generated platforms', () => {
  const tally = new Map<string, number>();

  it.each(SEEDS)('agrees on every random case of the platform of seed %i', async (seed) => {
    const drawn = generatePlatform(seed, join(work, String(seed)));
    const gw = await startTestGateway({
      platformFile: drawn.platformFile,
      catalogueFiles: drawn.catalogueFiles,
      limits: ORACLE_LIMITS,
      seed: async (store) => {
        for (const [code, records] of drawn.records) await importRecordsOf(store, code, records);
      },
    }).catch((err: unknown) => {
      // The generator writes only what the catalogue checks accept: a refusal is its bug or theirs.
      if (err instanceof DocumentInvalidError) throw new Error(`seed ${seed}: the generated catalogues are refused:\n${err.message}\n${drawn.summary.join('\n')}`);
      throw err;
    });
    try {
      const oracle = loadOracle(drawn.platformFile, drawn.catalogueFiles);
      const run = await runOracle(gw, oracle, { seed, rounds: ROUNDS });
      for (const [k, v] of run.tally) tally.set(k, (tally.get(k) ?? 0) + v);
      if (process.env.ORACLE_VERBOSE || run.problems.length) {
        console.log(`seed ${seed}: ${run.cases} cases, ${run.grants} grants\n${drawn.summary.join('\n')}`);
      }
      expect(run.problems.slice(0, 5).join('\n\n'), `seed ${seed}: ${run.problems.length} cases disagree`).toBe('');
      expect(run.cases).toBeGreaterThan(100);
    } finally {
      await gw.close();
    }
  }, 60_000);
});
