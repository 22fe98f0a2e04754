// A reader who sees the key masked gets a list in the store's row order (ROW_ORDER), not in key order: key
// order would sort the masked ID numbers by their hidden birth dates (list-order.test.ts). But the row
// order was the order of the writes, and a provider imports a file sorted by ID number, or adds records in
// key order: the row order was the key order and the masked list sorted by birth date all the same. An
// import now gives its new rows places in the row order drawn at random, wherever they are in the file.
// Here on a Pudong platform of the test's own (test/fixtures/pudong-order): its public security sub-bureau
// imports its residents; the civil affairs bureau reads their ID numbers masked (`310115********1234`)
// and counts the neighbours it is given in key order, with the clear keys the test knows. In key order
// every pair is; drawn at random, about half. Shuffled within each batch of an import only (the rows of a
// later batch or import came after: src/store/write-order.ts), neighbours were about half in key order
// too, but of all pairs most were: the order told the key at a granularity of 1,000 records. Each record
// now gets a place drawn at random when written (`_o`, src/records/import/placing.ts), and the list is
// ordered by it, then the row order.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import type { Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/pudong-order/${p}`, import.meta.url));
const RESIDENTS = '310115-GAF-00001';
const READER = '310115-MZJ';
const PURPOSE = 'pd-elderly-care';

/** The nth resident's ID number: Pudong's region, a birth date that grows with n (a week apart), a check digit. */
function idNumber(n: number): string {
  const born = new Date(Date.UTC(1940, 0, 1) + n * 7 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `310115${born}${String(100 + (n % 900)).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}

let gw: TestGateway;
let resource: Resource;
/** The tag of each imported record (what the reader sees in clear) → its ID number (what the test knows). */
const keyOfTag = new Map<string, string>();

/** Imports `records` as a JSON Lines file sorted by ID number, as a provider's export is. */
async function importSorted(name: string, records: { n: number; ward: number }[]) {
  const rows = records.map(({ n, ward }) => ({ idNumber: idNumber(n), ward, tag: `t${n}` })).sort((a, b) => (a.idNumber < b.idNumber ? -1 : 1));
  for (const r of rows) keyOfTag.set(r.tag, r.idNumber);
  const file = join(gw.dataDir, `${name}.jsonl`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const summary = await importRecords(gw.store, resource, file);
  expect(summary.refused).toBe(false);
  return summary;
}

/** Every record the reader is listed, page after page through the cursors: their tags, in order. */
async function listed(first: number): Promise<string[]> {
  const tags: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await gw.query(
      `query($first: Int, $after: String) { pdPolice { residents(first: $first, after: $after) {
        nodes { idNumber tag } pageInfo { hasNextPage endCursor } } } }`,
      { dept: READER, purpose: PURPOSE, variables: { first, after } },
    );
    expect(res.errors).toBeUndefined();
    const conn = res.data!.pdPolice.residents;
    for (const node of conn.nodes) {
      expect(node.idNumber).toMatch(/^310115\*{8}\d{3}[\dX]$/); // masked: the order is all that could tell
      tags.push(node.tag);
    }
    if (!conn.pageInfo.hasNextPage) return tags;
    after = conn.pageInfo.endCursor;
  }
  throw new Error('the list did not end');
}

/** Of every two records of a list (of those among `tags`), the share that come in key order. */
function keyOrderedPairs(list: string[], among?: Set<string>): number {
  const keys = list.filter((t) => !among || among.has(t)).map((t) => keyOfTag.get(t)!);
  let ordered = 0;
  for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) if (keys[i] < keys[j]) ordered++;
  return ordered / ((keys.length * (keys.length - 1)) / 2);
}

/** The share of neighbours in a list (of those among `tags`) whose clear keys come in key order. */
function keyOrderedShare(list: string[], among?: Set<string>): number {
  const keys = list.filter((t) => !among || among.has(t)).map((t) => keyOfTag.get(t)!);
  let ordered = 0;
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] < keys[i]) ordered++;
  return ordered / (keys.length - 1);
}

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml')] });
  resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === RESIDENTS)!;
  // 200 residents born every 14 days from 1940: even numbers now, odd ones in a second import.
  const summary = await importSorted('residents', Array.from({ length: 200 }, (_, i) => ({ n: 2 * i, ward: 1 })));
  expect(summary.inserted).toBe(200);
}, 60_000);
afterAll(() => gw?.close());

describe('a list whose key the reader sees masked, after imports of files sorted by that key', () => {
  let before: string[];

  it('does not come in key order, on one page or through cursors', async () => {
    before = await listed(500);
    expect(before).toHaveLength(200);
    const share = keyOrderedShare(before);
    expect(share).toBeGreaterThan(0.25); // in key order it is 1: every neighbour
    expect(share).toBeLessThan(0.75);
    expect(await listed(30)).toEqual(before); // the cursors walk the same order
  });

  it('places the records a second import adds at random too, and keeps the places of those it updates', async () => {
    // 100 new residents (odd numbers, born between the others) and 40 of the first import with a new ward.
    const added = Array.from({ length: 100 }, (_, i) => ({ n: 2 * i + 1, ward: 2 }));
    const updated = Array.from({ length: 40 }, (_, i) => ({ n: 10 * i, ward: 3 }));
    const summary = await importSorted('more-residents', [...added, ...updated]);
    expect([summary.inserted, summary.updated]).toEqual([100, 40]);
    const after = await listed(500);
    expect(after).toHaveLength(300);
    const addedTags = new Set(added.map(({ n }) => `t${n}`));
    const share = keyOrderedShare(after, addedTags);
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.75);
    expect(keyOrderedShare(after)).toBeLessThan(0.75);
    // The records of the first import, updated or not, keep the order they had.
    expect(after.filter((t) => !addedTags.has(t))).toEqual(before);
    expect(await listed(45)).toEqual(after);
  });

  it('places the records of two imports of 1,500 at random, each more than one batch of 1,000', async () => {
    // Residents born after the others (n from 400), in two files each sorted by ID number: in the row
    // order, the second file's records came after the first's, and each file's second batch after its first.
    const first = Array.from({ length: 1500 }, (_, i) => ({ n: 400 + i, ward: 4 }));
    const second = Array.from({ length: 1500 }, (_, i) => ({ n: 1900 + i, ward: 5 }));
    expect((await importSorted('first-file', first)).inserted).toBe(1500);
    expect((await importSorted('second-file', second)).inserted).toBe(1500);
    const list = await listed(500);
    expect(list).toHaveLength(3300);
    const added = new Set([...first, ...second].map(({ n }) => `t${n}`));
    const neighbours = keyOrderedShare(list, added);
    expect(neighbours).toBeGreaterThan(0.25);
    expect(neighbours).toBeLessThan(0.75);
    const pairs = keyOrderedPairs(list, added); // in batches of 1,000 following one another: 0.86
    expect(pairs).toBeGreaterThan(0.25);
    expect(pairs).toBeLessThan(0.75);
    expect(keyOrderedPairs(list)).toBeLessThan(0.75);
    expect(await listed(400)).toEqual(list); // the cursors, holding the places, walk the same order
    const count = await gw.query(`{ pdPolice { residents(first: 0) { totalCount } } }`, { dept: READER, purpose: PURPOSE });
    expect(count.data?.pdPolice.residents.totalCount).toBe(3300);
  }, 120_000);

  it("refuses a file that gives records a place of its own (`_o`): the import draws them", async () => {
    const file = join(gw.dataDir, 'placed.jsonl');
    writeFileSync(file, JSON.stringify({ idNumber: idNumber(3500), ward: 6, tag: 't3500', _o: randomBytes(4).readUInt32BE() }) + '\n');
    const summary = await importRecords(gw.store, resource, file);
    expect(summary.refused).toBe(true);
    expect(summary.problems.join('\n')).toMatch(/line 1: _o: is not an item of 310115-GAF-00001/);
  });
});
