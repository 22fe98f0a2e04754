// The access rules against the oracle (test/helpers/oracle.ts) on platforms nobody wrote by hand: each
// seed draws a whole platform (test/helpers/random-platform.ts: a province other than Hunan, departments,
// purposes, catalogues of random resources, items, masks, scopes, row scope, links to keys and to other
// items, keys of every type with ID numbers in either spelling and enum and boolean keys, basic and subject
// catalogues gathering several providers, records and rows an older release stored), publishes
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
import { generatePlatform, storeOlderRows } from './helpers/random-platform.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const SEEDS = (process.env.ORACLE_PLATFORM_SEEDS ?? '16,31,75,80').split(',').map(Number);
const ROUNDS = Number(process.env.ORACLE_PLATFORM_ROUNDS ?? 8);

const work = mkdtempSync(join(tmpdir(), 'govgraph-oracle-generated-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the access rules against the oracle on generated platforms', () => {
  const tally = new Map<string, number>();
  let gathered = 0; // platforms whose resources of several providers are in one basic or subject catalogue

  it.each(SEEDS)('agrees on every random case of the platform of seed %i', async (seed) => {
    const drawn = generatePlatform(seed, join(work, String(seed)));
    if (drawn.summary.some((line) => line.includes('(gathered)'))) gathered++;
    const gw = await startTestGateway({
      platformFile: drawn.platformFile,
      catalogueFiles: drawn.catalogueFiles,
      limits: ORACLE_LIMITS,
      seed: async (store) => {
        for (const [code, records] of drawn.records) await importRecordsOf(store, code, records);
        await storeOlderRows(store, drawn);
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
        console.log([...run.tally].sort().map(([k, v]) => `  ${k}: ${v}`).join('\n'));
      }
      expect(run.problems.slice(0, 5).join('\n\n'), `seed ${seed}: ${run.problems.length} cases disagree`).toBe('');
      expect(run.cases).toBeGreaterThan(100);
    } finally {
      await gw.close();
    }
  }, 60_000);

  // The default seeds' platforms between them meet the table's outcomes: the run is not vacuous.
  it.runIf(!process.env.ORACLE_PLATFORM_SEEDS && !process.env.ORACLE_PLATFORM_ROUNDS)('met every outcome of the table on lists, lookups, items, links and rows', () => {
    for (const k of ['list:returned', 'lookup:returned', 'list:NOT_SHARED', 'list:METHOD_NOT_API', 'list:OUT_OF_SCOPE', 'list:PURPOSE_REQUIRED',
      'list:PURPOSE_OUT_OF_SCOPE', 'list:GRANT_REQUIRED', 'item:plain', 'item:masked', 'item:unmasked by a grant', 'item:GRANT_REQUIRED', 'item:NOT_SHARED',
      'item:PURPOSE_OUT_OF_SCOPE', 'link:plain', 'rows:listed within the region', 'rows:listed within grant rows', 'rows:link outside',
      'list:in stored order, the key denied, a part', 'list:use BAD_USER_INPUT', 'document:without errors', 'item:OUT_OF_SCOPE', 'item:METHOD_NOT_API',
      'rows:several grants, with rows and without', 'item:GRANT_REQUIRED, its grants short of the rows seen', 'item:masked, its unmasking grants short of the rows seen',
      'link:GRANT_REQUIRED', 'lookup:GRANT_REQUIRED', 'rows:lookup outside',
      // ID number keys in either spelling, rows an older release stored with 'x', enum and boolean keys,
      // links to another item than the key
      'lookup:an ID number in the other spelling, masked', 'lookup:a row stored with x', 'list:an ID number filtered as x', 'link:by an ID number key',
      'list:ordered by idcard key', 'list:ordered by enum key', 'lookup:masked enum key refused', 'lookup:masked boolean key refused',
      'link:masked enum GRANT_REQUIRED', 'link:masked boolean GRANT_REQUIRED', 'link:by another item', 'link:several records hold the value',
      // a masked row-scope item, values beyond the BMP masked by code point, resources of two links
      'item:the row-scope item masked', 'item:masked, characters beyond the BMP', 'link:one of several of its resource']) {
      expect(tally.get(k) ?? 0, k).toBeGreaterThan(0);
    }
    expect(gathered, 'platforms with a basic or subject catalogue of several providers').toBeGreaterThan(0);
  });
});
