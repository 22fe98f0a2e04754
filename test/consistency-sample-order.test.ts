// The consistency report's sample keys (SPEC §14) are shown masked to the competent department's
// supervisors (an ID number as `350200********0071`), so their order must not tell the hidden digits, as a
// masked key's list's order must not (attack-masked-key-import-order.test.ts). The sample followed the row
// order, the order of the writes: an import writes batch after batch, so a file sorted by ID number gave
// the sample in birth-date order. It now follows each record's place (`_o`, drawn by the import), then the
// row order. Records stored without a place (by an older release, or straight through the store) came
// first in row order, in the list and the sample; the next import of their resource places them all.
// On a Xiamen platform of the test's own (test/fixtures/xiamen-sample): the police's and the civil affairs
// bureau's residents, 400 of each, 20 of whose names (or phones) differ, one in each 20 in key order.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/xiamen-sample/${p}`, import.meta.url));
const SUPERVISOR = { dept: '350200-DSJ', roles: ['supervisor' as const], purpose: 'xm-residence' };
const RESIDENTS = 400;
/** One record in each STRIDE (in key order) differs: 20 in all, the report's whole sample. */
const STRIDE = 20;
const DIFFERING = Array.from({ length: RESIDENTS / STRIDE }, (_, i) => STRIDE * i + 7);

/** The nth resident's ID number: Xiamen's region, a birth date growing with n, the sequence n (so the last four, shown, tell n). */
function idNumber(n: number): string {
  const born = new Date(Date.UTC(1950, 0, 1) + n * 30 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `350200${born}${String(n).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(14)}`;
/** The resident each masked key of a sample is (its last four are unique). */
const residentOf = new Map(Array.from({ length: RESIDENTS }, (_, n) => [masked(idNumber(n)), n]));

let gw: TestGateway;
let resources: Resource[];
const resource = (code: string) => resources.find((r) => r.code === code)!;

/** Imports `rows` as a JSON Lines file sorted by ID number, as a provider's export is, 20 records a batch. */
async function importSorted(code: string, name: string, rows: Record<string, unknown>[]) {
  const file = join(gw.dataDir, `${name}.jsonl`);
  const sorted = [...rows].sort((a, b) => (String(a.idNumber) < String(b.idNumber) ? -1 : 1));
  writeFileSync(file, sorted.map((r) => JSON.stringify(r)).join('\n') + '\n');
  // Batches of 20 as of 1,000 (the default): 20 batches here, each written after the one before it.
  const summary = await importRecords(gw.store, resource(code), file, { batchSize: STRIDE });
  expect(summary.refused).toBe(false);
  return summary;
}

/** The report's pair for `element`, as the supervisor reads it: its sample as the residents' numbers. */
async function reportSample(element: string): Promise<number[]> {
  const res = await gw.query(`{ consistencyReport(element: "${element}") { left right compared differing sampleKeys } }`, SUPERVISOR);
  expect(res.errors).toBeUndefined();
  const [pair] = res.data!.consistencyReport;
  expect(pair).toMatchObject({ compared: RESIDENTS, differing: DIFFERING.length });
  return pair.sampleKeys.map((k: string) => residentOf.get(k)!);
}

/** The police's list of `list` as the supervisor reads it (ID numbers masked): the residents' numbers. */
async function listed(list: 'named' | 'phones'): Promise<number[]> {
  const res = await gw.query(`{ xmPolice { ${list}(first: 1000) { nodes { idNumber } } } }`, SUPERVISOR);
  expect(res.errors).toBeUndefined();
  return res.data!.xmPolice[list].nodes.map((node: { idNumber: string }) => {
    expect(node.idNumber).toMatch(/^350200\*{8}\d{3}[\dX]$/);
    return residentOf.get(node.idNumber)!;
  });
}

/** The share of neighbours in key order: 1 for a sorted list, about one half for a shuffled one. */
function keyOrderedShare(ns: number[]): number {
  let ordered = 0;
  for (let i = 1; i < ns.length; i++) if (ns[i - 1] < ns[i]) ordered++;
  return ordered / (ns.length - 1);
}

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('gaj.yaml'), fixture('mzj.yaml')] });
  resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
}, 60_000);
afterAll(() => gw?.close());

describe("the consistency report's sample after an import of a file sorted by ID number", () => {
  it('comes in the records’ places, not in key order', async () => {
    const names = Array.from({ length: RESIDENTS }, (_, n) => ({ idNumber: idNumber(n), fullName: `Resident ${n}` }));
    expect((await importSorted('350200-GAJ-00001', 'police-named', names)).inserted).toBe(RESIDENTS);
    const civil = names.map((r, n) => (DIFFERING.includes(n) ? { ...r, fullName: `${r.fullName} (moved)` } : r));
    expect((await importSorted('350200-MZJ-00001', 'civil-named', civil)).inserted).toBe(RESIDENTS);

    const sample = await reportSample('XM-NAME');
    // Every differing record, one per batch: in the row order the sample was DIFFERING itself, in key order.
    expect([...sample].sort((a, b) => a - b)).toEqual(DIFFERING);
    expect(sample).not.toEqual(DIFFERING); // 1 in 20! (2.4e18) by chance
    expect(keyOrderedShare(sample)).toBeLessThan(0.9); // 18 of 19 neighbours or more in order: below 1e-12
    // The sample follows the places of the police's masked list, the list the supervisor reads.
    expect(sample).toEqual((await listed('named')).filter((n) => DIFFERING.includes(n)));
    expect(await reportSample('XM-NAME')).toEqual(sample); // and stays so: the places are kept
  });
});

describe('records stored without a place (an older release, or straight through the store)', () => {
  it('come first in row order until the next import of their resource, which places them all', async () => {
    // Written in key order through the store, without places, as a release before places stored a sorted file.
    const phones = Array.from({ length: RESIDENTS }, (_, n) => ({ idNumber: idNumber(n), phone: `0592-${String(n).padStart(7, '0')}` }));
    await gw.store.insert(collectionOf(resource('350200-GAJ-00002')), phones);
    await gw.store.insert(collectionOf(resource('350200-MZJ-00002')), phones.map((r, n) => (DIFFERING.includes(n) ? { ...r, phone: '0592-0000000' } : r)));
    // Before: the list and the sample in key order, the hidden birth dates told.
    expect(await listed('phones')).toEqual(Array.from({ length: RESIDENTS }, (_, n) => n));
    expect(await reportSample('XM-PHONE')).toEqual(DIFFERING);

    // The police import a file of none of them (a resident not among the 400): every stored record is placed.
    const newcomer = { idNumber: `350200${'20240101'}999`, phone: '0592-9999999' };
    const summary = await importSorted('350200-GAJ-00002', 'police-phones', [{ ...newcomer, idNumber: newcomer.idNumber + idCardCheckDigit(newcomer.idNumber) }]);
    expect([summary.inserted, summary.updated]).toEqual([1, 0]);
    const unplaced = await gw.store.count(collectionOf(resource('350200-GAJ-00002')), { kind: 'compare', field: '_o', op: 'eq', value: null });
    expect(unplaced).toBe(0);

    const list = (await listed('phones')).filter((n) => n !== undefined);
    expect(list).toHaveLength(RESIDENTS);
    const share = keyOrderedShare(list);
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.75);
    const sample = await reportSample('XM-PHONE');
    expect([...sample].sort((a, b) => a - b)).toEqual(DIFFERING);
    expect(sample).not.toEqual(DIFFERING);
    expect(keyOrderedShare(sample)).toBeLessThan(0.9);
    expect(sample).toEqual(list.filter((n) => DIFFERING.includes(n)));
  });
});
