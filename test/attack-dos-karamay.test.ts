// Denial-of-service red team on SPEC §13 (Karamay's oilfield, test/fixtures/karamay-dos): what a department
// with a valid token sends to stall or crash the gateway. A `startsWith` of 150,000 characters or more (a
// 1 MB body holds one) was an INTERNAL_SERVER_ERROR on the embedded store: the bound of the prefix's range
// spread every code point into String.fromCodePoint as arguments and overflowed the call stack
// (src/store/sqlite/sql.ts, prefixUpperBound). A prefix of any length is an ordinary filter: no record
// starts with it, or those that do are found.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'karamay-dos');
const HOUSING = { dept: '650200-ZJJ', purpose: 'field-audit' };
const TAX = { dept: '650200-SWJ', purpose: 'field-audit' };
const LONG_BLOCK = `B${'油'.repeat(300)}😀${'x'.repeat(200)}`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'oilfield.yaml')] });
  const wells = Array.from({ length: 300 }, (_, i) => ({ wellNo: `W${String(i).padStart(5, '0')}`, block: i === 7 ? LONG_BLOCK : `B${i % 40}`, operator: `op-${i % 13}`, depth: 1000 + i }));
  await importRecordsOf(gw.store, '650200-YTJ-00001', wells);
}, 60_000);
afterAll(() => gw?.close());

const COUNT = 'query($f: KmyWellFilter) { kmyOilfield { wells(filter: $f, first: 5) { totalCount nodes { wellNo } } } }';

/** The answer of `r`, which must be data with no error (no INTERNAL_SERVER_ERROR, no stack trace). */
function answered(r: GraphQLResponse): { totalCount: number; nodes: { wellNo: string }[] } {
  expect(r.errors ?? []).toEqual([]);
  expect(r.status).toBe(200);
  return r.data!.kmyOilfield.wells;
}

describe('a long startsWith', () => {
  it('is an ordinary filter on a key (an index range) and on any item, of 200,000 characters and more', async () => {
    for (const length of [200_000, 500_000]) {
      const prefix = 'W'.repeat(length);
      expect(answered(await gw.query(COUNT, { ...HOUSING, variables: { f: { wellNo: { startsWith: prefix } } } })).totalCount).toBe(0);
      expect(answered(await gw.query(COUNT, { ...HOUSING, variables: { f: { block: { startsWith: `B${prefix}` } } } })).totalCount).toBe(0);
    }
  });

  it('finds the records that start with it, past astral characters and at U+10FFFF', async () => {
    // The bound of the range replaces the last code point, a surrogate pair whole: the record whose block
    // is LONG_BLOCK starts with each of its prefixes, and with no prefix one code point further.
    for (const cut of [LONG_BLOCK.indexOf('😀') + 2, LONG_BLOCK.length - 1, LONG_BLOCK.length]) {
      const { totalCount, nodes } = answered(await gw.query(COUNT, { ...HOUSING, variables: { f: { block: { startsWith: LONG_BLOCK.slice(0, cut) } } } }));
      expect({ totalCount, nodes }).toEqual({ totalCount: 1, nodes: [{ wellNo: 'W00007' }] });
    }
    expect(answered(await gw.query(COUNT, { ...HOUSING, variables: { f: { block: { startsWith: `${LONG_BLOCK}\u{10FFFF}` } } } })).totalCount).toBe(0);
    expect(answered(await gw.query(COUNT, { ...HOUSING, variables: { f: { wellNo: { startsWith: `W0000\u{10FFFF}\u{10FFFF}` } } } })).totalCount).toBe(0);
    expect(answered(await gw.query(COUNT, { ...HOUSING, variables: { f: { wellNo: { startsWith: 'W0001' } } } })).totalCount).toBe(10);
  });

  it('leaves another department answered meanwhile', async () => {
    const attacks = Array.from({ length: 4 }, () => gw.query(COUNT, { ...HOUSING, variables: { f: { block: { startsWith: 'B'.repeat(300_000) } } } }));
    const lookup = await gw.query('{ kmyOilfield { well(wellNo: "W00042") { wellNo block } } }', TAX);
    expect(lookup.data).toEqual({ kmyOilfield: { well: { wellNo: 'W00042', block: 'B2' } } });
    for (const r of await Promise.all(attacks)) expect(answered(r).totalCount).toBe(0);
  });
});
