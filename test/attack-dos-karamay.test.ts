// Denial-of-service red team on SPEC §13 (Karamay's oilfield, test/fixtures/karamay-dos): what a department
// with a valid token sends to stall or crash the gateway. A `startsWith` of 150,000 characters or more (a
// 1 MB body holds one) was an INTERNAL_SERVER_ERROR on the embedded store: the bound of the prefix's range
// spread every code point into String.fromCodePoint as arguments and overflowed the call stack
// (src/store/sqlite/sql.ts, prefixUpperBound). A prefix of any length is an ordinary filter: no record
// starts with it, or those that do are found.
//
// An orderBy is a list of any length: 5,000 keys on four items were 5,000 ORDER BY terms, past SQLite's
// 2,000, answered STORE_UNAVAILABLE and logged as the store's failure (src/generate/filter.ts, toSort). An
// item named again never decides anything: each is sorted by once, in its first direction. And a sort of
// k keys makes a page after a cursor test k(k+1)/2 conditions (src/store/keyset.ts), which SQLite plans in
// more than quadratic time: a resource of 200 items (MAX_RESOURCE_ITEMS) ordered by every one held the
// event loop 21 s for its second page of 12 records. Such a sort is refused under limits.filter.maxConditions.
//
// And bodies that never end: a body is read whole before its request takes a rate token, and may trickle
// for five minutes, so one token holding 300 connections each a megabyte short of its end held 280 MB of
// the gateway's memory, no bound on how many (src/limits/bodies.ts). A department's bodies arriving at
// once now hold at most 16 times maxRequestBytes; past it a body is refused with 429, read no further,
// while other departments' requests are read and answered.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { importRecordsOf } from './helpers/records-of.ts';
import { errorOf, trickleBodies, type TrickledBodies } from './helpers/trickled-bodies.ts';

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

describe('a long orderBy', () => {
  const ORDERED = 'query($o: [KmyWellOrder!], $after: String) { kmyOilfield { wells(orderBy: $o, first: 4, after: $after) { nodes { wellNo } pageInfo { endCursor } } } }';

  it('sorts by each item once, in its first direction, and pages on', async () => {
    // Not the key: a sort stops at the key, which decides every tie (src/store/keyset.ts, withKeyTieBreak).
    const orderBy = Array.from({ length: 5_000 }, (_, i) => ({ field: ['block', 'operator', 'depth'][i % 3], direction: i < 3 ? 'DESC' : 'ASC' }));
    const first = await gw.query(ORDERED, { ...HOUSING, variables: { o: orderBy } });
    expect(first.errors ?? []).toEqual([]);
    const once = await gw.query(ORDERED, { ...HOUSING, variables: { o: orderBy.slice(0, 3) } });
    const nodes = (r: GraphQLResponse) => r.data!.kmyOilfield.wells.nodes;
    expect(nodes(first)).toEqual(nodes(once));
    const after = { o: orderBy, after: first.data!.kmyOilfield.wells.pageInfo.endCursor };
    const next = await gw.query(ORDERED, { ...HOUSING, variables: after });
    expect(next.errors ?? []).toEqual([]);
    expect(nodes(next)).toEqual(nodes(await gw.query(ORDERED, { ...HOUSING, variables: { ...after, o: orderBy.slice(0, 3) } })));
    expect(nodes(next)).not.toEqual(nodes(first));
  });

  it('is refused on a resource of 200 items ordered by every one, before it is read; 8 items page on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karamay-wide-'));
    const items = Array.from({ length: 199 }, (_, i) => `m${i}`);
    const file = join(dir, 'wide.yaml');
    writeFileSync(file, `id: KMY-SJJ
kind: departmental
title: 克拉玛依市数据局宽表
compiler: "650200-SJJ"
resources:
  - code: "650200-SJJ-00001"
    name: 宽表
    provider: "650200-SJJ"
    graphql: { type: KmyWide, list: wides, byKey: wide }
    key: rowNo
    share: { type: unconditional, methods: [api], scope: { purposes: [field-audit] } }
    items:
      - { name: rowNo, type: string, required: true }
${items.map((m) => `      - { name: ${m}, type: int }`).join('\n')}
`);
    const wide = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [file] });
    try {
      const rows = Array.from({ length: 12 }, (_, r) => `R${String(r).padStart(2, '0')}`);
      await importRecordsOf(wide.store, '650200-SJJ-00001', rows.map((rowNo, r) => ({ rowNo, ...Object.fromEntries(items.map((m, i) => [m, (r * 7 + i) % 3])) })));
      const WIDE = 'query($o: [KmyWideOrder!], $after: String) { kmyData { wides(orderBy: $o, first: 5, after: $after) { nodes { rowNo } pageInfo { endCursor } } } }';
      // Every item: 200 sort keys, 20,100 conditions after a cursor (the page after the first held the loop 21 s).
      const all = await wide.query(WIDE, { ...HOUSING, variables: { o: [...items, 'rowNo'].map((field) => ({ field, direction: 'DESC' })) } });
      expect(all.data).toEqual({ kmyData: { wides: null } });
      expect(all.errors).toMatchObject([{
        message: 'orderBy sorts by 200 items; with the order\'s tie-break a page after a cursor tests 20100 conditions for them, more than 50 (limits.filter.maxConditions): sort by fewer items.',
        extensions: { code: 'BAD_USER_INPUT', resource: '650200-SJJ-00001' },
      }]);
      // Eight items and the key (45 conditions) page through every record once.
      const o = [...items.slice(0, 8), 'rowNo'].map((field) => ({ field, direction: 'DESC' }));
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page++) {
        const r: GraphQLResponse = await wide.query(WIDE, { ...HOUSING, variables: { o, after } });
        expect(r.errors ?? []).toEqual([]);
        seen.push(...r.data!.kmyData.wides.nodes.map((n: { rowNo: string }) => n.rowNo));
        after = r.data!.kmyData.wides.pageInfo.endCursor;
      }
      expect([...seen].sort()).toEqual(rows);
      const nine = await wide.query(WIDE, { ...HOUSING, variables: { o: items.slice(0, 9).map((field) => ({ field, direction: 'ASC' })) } });
      expect(nine.errors?.[0].message).toMatch(/^orderBy sorts by 9 items; .* tests 55 conditions/);
    } finally {
      await wide.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bodies that never end', () => {
  const MAX = 64 * 1024; // maxRequestBytes: a department's bodies arriving at once hold at most 1 MiB
  const SENT = 60_000; // of each attacking body, 4,000 bytes short of its Content-Length
  let small: TestGateway;
  let trickled: TrickledBodies | undefined;
  beforeAll(async () => {
    small = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'oilfield.yaml')], limits: { maxRequestBytes: MAX } });
    await importRecordsOf(small.store, '650200-YTJ-00001', [{ wellNo: 'W00042', block: 'B2' }]);
  }, 60_000);
  afterAll(async () => {
    trickled?.destroy();
    await small?.close();
  });

  /** A lookup whose body is `pad` characters longer, as `who`. */
  const padded = (who: typeof HOUSING, pad: number) =>
    small.query('{ kmyOilfield { well(wellNo: "W00042") { wellNo } } }', { ...who, variables: { pad: 'p'.repeat(pad) } });

  it('holds at most 16 × maxRequestBytes of one department, refusing the rest with 429, and reads the others on', async () => {
    const token = await small.token(HOUSING.dept, [], 'trickler');
    trickled = trickleBodies(small.gateway.url, Array.from({ length: 20 }, () => `authorization: Bearer ${token}\r\nx-purpose: field-audit\r\n`), SENT);
    const { answers } = trickled;
    // 17 bodies of 60,000 bytes fit in 1 MiB, 18 do not: at least 3 of the 20 are refused, whichever they are.
    await eventually(async () => expect(answers.filter((a) => a.startsWith('HTTP/1.1 429')).length).toBeGreaterThanOrEqual(3), 20_000);
    const refused = answers.find((a) => a.startsWith('HTTP/1.1 429'))!;
    expect(refused).toMatch(/connection: close/i);
    expect(refused).toMatch(/\r\nretry-after: 1\r\n/i); // as every other 429 of the gateway
    const error = errorOf(refused);
    expect(error.extensions.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(
      'Department 650200-ZJJ has more request bodies arriving at once than this gateway holds for one department (1048576 bytes: 16 times limits.maxRequestBytes); this one was read no further. Send large requests one after another, not all at once.',
    );
    expect(error.message).not.toMatch(/\bat .*\.(ts|js):\d+/);
    // Another department's body as large is read and answered meanwhile; the held ones are still open.
    expect((await padded(TAX, SENT)).data).toEqual({ kmyOilfield: { well: { wellNo: 'W00042' } } });
    expect(trickled.open()).toBeGreaterThanOrEqual(1);
    // Their connections closed, what they held is given back: the department's requests are read again.
    trickled.destroy();
    await eventually(async () => expect((await padded(HOUSING, SENT)).data).toEqual({ kmyOilfield: { well: { wellNo: 'W00042' } } }));
  });
});
