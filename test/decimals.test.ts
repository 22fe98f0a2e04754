// Exact decimals (SPEC §4) end to end: records imported from JSON Lines and CSV by `data import`'s code,
// read through the gateway with filters, orders and cursors; the text of every value as it was written,
// masks applied to that text, comparisons by value; and the ways around it an attacker would try.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { applyMask } from '../src/formats/masks.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { compareExact } from './helpers/decimal-oracle.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/decimals/${name}`, import.meta.url));
const PROVIDER = { dept: '450000-CZ' };
const AUDIT = { dept: '450000-SJ', purpose: 'payment-check' };

// What each record's amount and bonus read back as: the text written (a JSON number has no scale).
const EXPECTED: Record<string, [string, string | null]> = {
  P01: ['450.10', '100.10'],
  P02: ['450.1', null],
  P03: ['10.5', '1234.50'],
  P04: ['9.75', null],
  P05: ['-0.00', null],
  P06: ['-3.5', '-3.50'],
  P07: ['12345678901234567.89', null],
  P08: ['12345678901234567.88', null],
  P09: ['7.5', null], // JSON number 7.5
  P10: ['450.1', null], // JSON number 450.10: its zero is gone before the importer sees it
  P11: ['12345678901234567.90', null], // CSV from here on
  P12: ['0.0000001', '5'],
  P13: ['-12345678901234567.89', null],
  P14: ['100', null],
  P15: ['7.50', null], // "+007.50": no sign, no leading zeros
};

const JSONL = [
  { paymentNo: 'P01', amount: '450.10', bonus: '100.10' },
  { paymentNo: 'P02', amount: '450.1' },
  { paymentNo: 'P03', amount: '10.5', bonus: '1234.50' },
  { paymentNo: 'P04', amount: '9.75' },
  { paymentNo: 'P05', amount: '-0.00' },
  { paymentNo: 'P06', amount: '-3.5', bonus: '-3.50' },
  { paymentNo: 'P07', amount: '12345678901234567.89' },
  { paymentNo: 'P08', amount: '12345678901234567.88' },
].map((r) => JSON.stringify(r)).join('\n') + '\n{"paymentNo":"P09","amount":7.5}\n{"paymentNo":"P10","amount":450.10}\n';
const CSV = 'paymentNo,amount,bonus\nP11,12345678901234567.90,\nP12, 0.0000001 ,5\nP13,-12345678901234567.89,\nP14,100,\nP15,+007.50,\n';

const byAmount = (direction: 1 | -1, keep: (amount: string) => boolean = () => true) =>
  Object.keys(EXPECTED)
    .filter((k) => keep(EXPECTED[k][0]))
    .sort((a, b) => direction * compareExact(EXPECTED[a][0], EXPECTED[b][0]) || (a < b ? -1 : 1));

const LIST = `query($first: Int, $after: String, $filter: PaymentFilter, $orderBy: [PaymentOrder!]) {
  finance { payments(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    nodes { paymentNo amount bonus } totalCount pageInfo { hasNextPage endCursor } } } }`;
type Node = { paymentNo: string; amount: string; bonus: string | null };
type Page = { nodes: Node[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

let gw: TestGateway;
let dir: string;
let payments: Resource;

async function list(who: { dept: string; purpose?: string }, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  return gw.query(LIST, { ...who, variables: { first: 50, ...variables } });
}
async function page(who: { dept: string; purpose?: string }, variables: Record<string, unknown>): Promise<Page> {
  const r = await list(who, variables);
  expect(r.errors).toBeUndefined();
  return r.data!.finance.payments as Page;
}
/** Every record in `orderBy`, page by page with cursors. */
async function walk(orderBy: unknown, first: number, filter?: unknown): Promise<Node[]> {
  const seen: Node[] = [];
  let after: string | null = null;
  for (let n = 0; n < 50; n++) {
    const p = await page(AUDIT, { first, after, orderBy, filter });
    seen.push(...p.nodes);
    if (!p.pageInfo.hasNextPage) return seen;
    after = p.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')] });
  payments = (await publishedCatalogues(gw.store))[0].resources[0];
  dir = mkdtempSync(join(tmpdir(), 'govgraph-decimals-'));
  writeFileSync(join(dir, 'payments.jsonl'), JSONL);
  writeFileSync(join(dir, 'payments.csv'), CSV);
  for (const file of ['payments.jsonl', 'payments.csv']) {
    const summary = await importRecords(gw.store, payments, join(dir, file));
    expect(summary.problems).toEqual([]);
  }
}, 30_000);
afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('exact decimals through the gateway', () => {
  it('returns every amount as the text imported; the provider sees bonuses in clear, others masked on that text', async () => {
    const mine = await page(PROVIDER, {});
    expect(Object.fromEntries(mine.nodes.map((n) => [n.paymentNo, [n.amount, n.bonus]]))).toEqual(EXPECTED);
    const theirs = await page(AUDIT, {});
    expect(Object.fromEntries(theirs.nodes.map((n) => [n.paymentNo, [n.amount, n.bonus]]))).toEqual(
      Object.fromEntries(Object.entries(EXPECTED).map(([k, [a, b]]) => [k, [a, b === null ? null : applyMask('partial', b)]])),
    );
    expect(theirs.nodes.find((n) => n.paymentNo === 'P01')!.bonus).toBe('1****0'); // "100.10": 6 characters
    const one = await gw.query(`{ finance { payment(paymentNo: "P07") { amount } } }`, AUDIT);
    expect(one.data).toEqual({ finance: { payment: { amount: '12345678901234567.89' } } });
  });

  it('orders by value, not by text, both ways', async () => {
    for (const [direction, sign] of [['ASC', 1], ['DESC', -1]] as const) {
      const p = await page(AUDIT, { orderBy: [{ field: 'amount', direction }] });
      expect(p.nodes.map((n) => n.paymentNo)).toEqual(byAmount(sign));
    }
    expect(byAmount(1).indexOf('P04')).toBeLessThan(byAmount(1).indexOf('P03')); // 9.75 before 10.5
  });

  it('pages over a decimal order with cursors, ascending and descending, without a duplicate or a gap', async () => {
    for (const size of [1, 2, 4]) {
      expect((await walk([{ field: 'amount', direction: 'ASC' }], size)).map((n) => n.paymentNo)).toEqual(byAmount(1));
      expect((await walk([{ field: 'amount', direction: 'DESC' }], size)).map((n) => n.paymentNo)).toEqual(byAmount(-1));
    }
    const filtered = await walk([{ field: 'amount', direction: 'DESC' }], 2, { amount: { lt: '450.10' } });
    expect(filtered.map((n) => n.paymentNo)).toEqual(byAmount(-1, (a) => compareExact(a, '450.1') < 0));
  });

  it.each([
    ['eq "450.1" matches 450.10 too', { amount: { eq: '450.1' } }, (a: string) => compareExact(a, '450.1') === 0],
    ['eq "0" matches -0.00', { amount: { eq: '0' } }, (a: string) => compareExact(a, '0') === 0],
    ['gt "9.75" has 10.5', { amount: { gt: '9.75' } }, (a: string) => compareExact(a, '9.75') > 0],
    ['lt "10.5" has 9.75', { amount: { lt: '10.5' } }, (a: string) => compareExact(a, '10.5') < 0],
    ['neighbours beyond a double', { amount: { gt: '12345678901234567.88', lte: '12345678901234567.9' } }, (a: string) => compareExact(a, '12345678901234567.88') > 0 && compareExact(a, '12345678901234567.9') <= 0],
    ['in by value', { amount: { in: ['7.5', '-3.50'] } }, (a: string) => ['7.5', '-3.5'].some((v) => compareExact(a, v) === 0)],
    ['a JSON number variable of at most 15 digits', { amount: { eq: 450.1 } }, (a: string) => compareExact(a, '450.1') === 0],
  ])('filters by value: %s', async (_label, filter, keep) => {
    const p = await page(AUDIT, { filter, orderBy: [{ field: 'amount' }] });
    expect(p.nodes.map((n) => n.paymentNo)).toEqual(byAmount(1, keep));
    expect(p.totalCount).toBe(p.nodes.length);
  });

  it('takes a GraphQL number literal as its text, every digit kept', async () => {
    const r = await gw.query(`{ finance { payments(filter: { amount: { eq: 12345678901234567.89 } }) { nodes { paymentNo amount } } } }`, AUDIT);
    expect(r.data).toEqual({ finance: { payments: { nodes: [{ paymentNo: 'P07', amount: '12345678901234567.89' }] } } });
  });

  // JSON.parse reads 0.10000000000000000001 as 0.1, whose text has one digit: only the request's text shows
  // the lost digits. A Decimal refuses it (by POST and by GET, in a list too); a Float takes the double.
  it('refuses a variable written as a JSON number with digits a double cannot keep, even when JSON.parse rounds it to a short one', async () => {
    const token = await gw.token(AUDIT.dept);
    const headers = { authorization: `Bearer ${token}`, 'x-purpose': AUDIT.purpose, 'content-type': 'application/json', 'apollo-require-preflight': 'true' };
    const Q = 'query($f: PaymentFilter) { finance { payments(filter: $f) { totalCount } } }';
    const post = async (variables: string) => {
      const res = await fetch(`${gw.gateway.url}/graphql`, { method: 'POST', headers, body: `{"query":${JSON.stringify(Q)},"variables":${variables}}` });
      return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] }) };
    };
    const get = async (variables: string) => {
      const res = await fetch(`${gw.gateway.url}/graphql?${new URLSearchParams({ query: Q, variables })}`, { headers });
      return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] }) };
    };
    const refused = (r: Awaited<ReturnType<typeof post>>, at: string) => {
      expect(r.status).toBe(400);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0].message).toBe(
        `Variable "$f" got invalid value 450.10000000000000000001 at "${at}"; Expected type "Decimal": a number with more than 15 significant digits has lost digits on the way in, write it as a string ("450.10000000000000000001").`,
      );
    };
    refused(await post('{"f":{"amount":{"eq":450.10000000000000000001}}}'), 'f.amount.eq');
    refused(await get('{"f":{"amount":{"eq":450.10000000000000000001}}}'), 'f.amount.eq');
    refused(await post('{"f":{"amount":{"in":["9.75", 450.10000000000000000001]}}}'), 'f.amount.in[1]');
    refused(await post('{"f":{"and":[{"amount":{"gt":"1"}},{"amount":{"lt":450.10000000000000000001}}]}}'), 'f.and[1].amount.lt');
    // The same value as a string finds nothing (no amount is that), the rounded one as a number finds P02 and P10.
    expect((await post('{"f":{"amount":{"eq":"450.10000000000000000001"}}}')).data).toEqual({ finance: { payments: { totalCount: 0 } } });
    expect((await post('{"f":{"amount":{"eq":450.1}}}')).data).toEqual({ finance: { payments: { totalCount: 3 } } });
    // A Float is a double: its long number is the one JSON.parse read, as before; a long number in a string is no number.
    expect((await post('{"f":{"weight":{"gt":0.10000000000000000001}}}')).data).toEqual({ finance: { payments: { totalCount: 0 } } });
    expect((await post('{"f":{"paymentNo":{"eq":"450.10000000000000000001"},"weight":{"gt":1}}}')).data).toEqual({ finance: { payments: { totalCount: 0 } } });
  });

  it('refuses filter values that are not decimals, or too long, or a number that may have lost digits', async () => {
    for (const value of ['1e3', 'NaN', '12,5', ' 1', '0x10', '9'.repeat(35), '1'.repeat(100_000), 12345678901234567.89, true]) {
      const r = await list(AUDIT, { filter: { amount: { gt: value } } });
      expect(r.data ?? null, String(value).slice(0, 20)).toBeNull();
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      // A JSON number of 17 digits is refused from the request's text, before the scalar sees the double.
      expect(r.errors?.[0].message).toMatch(typeof value === 'number' ? /got invalid value 12345678901234568 .*write it as a string/ : /is not a decimal/);
    }
    const literal = await gw.query(`{ finance { payments(filter: { amount: { gt: 1e3 } }) { totalCount } } }`, AUDIT);
    expect(literal.errors?.[0].message).toMatch(/"1e3" is not a decimal/);
  });

  it('keeps masked decimals to eq and in: no order or range that would leak them', async () => {
    for (const variables of [{ orderBy: [{ field: 'bonus' }] }, { filter: { bonus: { gt: '100' } } }, { filter: { bonus: { lte: '100.1' } } }]) {
      const r = await list(AUDIT, variables);
      expect(r.data).toEqual({ finance: { payments: null } });
      expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.item])).toEqual([['BAD_USER_INPUT', 'bonus']]);
    }
    const eq = await page(AUDIT, { filter: { bonus: { eq: '100.1' } } }); // by value, as any decimal
    expect(eq.nodes).toEqual([{ paymentNo: 'P01', amount: '450.10', bonus: '1****0' }]);
    // The provider orders its own bonuses by value.
    const own = await page(PROVIDER, { orderBy: [{ field: 'bonus', direction: 'DESC' }], filter: { bonus: { ne: null } } });
    expect(own.nodes.map((n) => n.bonus)).toEqual(['1234.50', '100.10', '5', '-3.50']);
  });

  it('looks up by a decimal key and follows a link on a decimal item by value', async () => {
    const bands = (await publishedCatalogues(gw.store))[0].resources[1];
    const file = join(dir, 'bands.csv');
    writeFileSync(file, 'rate,band\n0.03,low\n0.130,high\n');
    expect((await importRecords(gw.store, bands, file)).problems).toEqual([]);
    const linked = join(dir, 'linked.jsonl');
    writeFileSync(linked, '{"paymentNo":"L01","amount":"1","rate":"0.030"}\n{"paymentNo":"L02","amount":"2","rate":"0.13"}\n{"paymentNo":"L03","amount":"3","rate":"0.2"}\n');
    expect((await importRecords(gw.store, payments, linked)).problems).toEqual([]);
    const r = await gw.query(`{ finance {
      taxBand(rate: "0.0300") { rate band }
      payments(filter: { paymentNo: { in: ["L01", "L02", "L03"] } }) { nodes { paymentNo rate taxBand { rate band } } } } }`, AUDIT);
    expect(r.errors).toBeUndefined();
    expect(r.data!.finance).toEqual({
      taxBand: { rate: '0.03', band: 'low' },
      payments: { nodes: [
        { paymentNo: 'L01', rate: '0.030', taxBand: { rate: '0.03', band: 'low' } },
        { paymentNo: 'L02', rate: '0.13', taxBand: { rate: '0.130', band: 'high' } },
        { paymentNo: 'L03', rate: '0.2', taxBand: null },
      ] },
    });
    await gw.store.delete(collectionOf(payments), { kind: 'in', field: 'paymentNo', values: ['L01', 'L02', 'L03'] });
  });

  it('an objection names the record whose decimal key it gives in any scale: its _objections, a second one CONFLICT', async () => {
    // The tax bands 0.03 and 0.130 were imported by the test above.
    const raise = (key: string) => gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { key item status } }`,
      { ...AUDIT, roles: ['applicant'], variables: { input: { resource: '450000-CZ-00002', key, item: 'band', reason: 'Band is wrong' } } });
    const first = await raise('0.0300');
    expect(first.errors).toBeUndefined();
    expect(first.data!.raiseObjection).toEqual({ key: '0.03', item: 'band', status: 'OPEN' });
    const again = await raise('0.030');
    expect(again.errors!.map((e) => e.extensions!.code)).toEqual(['CONFLICT']);
    const r = await gw.query(`{ finance { taxBand(rate: "0.030") { rate _objections { item status } } } }`, AUDIT);
    expect(r.errors).toBeUndefined();
    expect(r.data!.finance.taxBand).toEqual({ rate: '0.03', _objections: [{ item: 'band', status: 'OPEN' }] });
  });

  it('refuses a decimal key that repeats another in another scale: one record in the store', async () => {
    const bands = (await publishedCatalogues(gw.store))[0].resources[1];
    const file = join(dir, 'repeat.csv');
    writeFileSync(file, 'rate,band\n0.5,a\n0.50,b\n');
    expect((await importRecords(gw.store, bands, file)).problems).toEqual(['line 3: rate: "0.50" appears again (first on line 2); keys must be unique']);
  });

  it('refuses a JSON number with more digits than a double keeps, and writes nothing', async () => {
    const file = join(dir, 'lossy.jsonl');
    writeFileSync(file, '{"paymentNo":"P99","amount":12345678901234567.89}\n{"paymentNo":"P98","amount":"1e3"}\n');
    const summary = await importRecords(gw.store, payments, file);
    expect(summary.refused).toBe(true);
    expect(summary.problems).toEqual([
      'line 1: amount: 12345678901234567.89 is not a decimal written as a string: a number with more than 15 significant digits may already have lost digits',
      'line 2: amount: "1e3" is not a decimal number (digits with an optional sign and fraction, e.g. "1234.50"; no exponent; at most 34 digits)',
    ]);
    expect((await page(PROVIDER, { filter: { paymentNo: { in: ['P98', 'P99'] } } })).nodes).toEqual([]);
  });

  it('refuses a JSON number written with more digits than a double keeps even when JSON.parse rounds it to a short one', async () => {
    // JSON.parse reads 1.0000000000000000001 as 1, whose shortest text has one digit: only the text written
    // shows the lost digits. An int or float item takes the number as a double does.
    const file = join(dir, 'rounded.jsonl');
    writeFileSync(file, '{"paymentNo":"P97","amount":1.0000000000000000001}\n{"paymentNo":"P96","amount":"7.25", "bonus" : 2.50000000000000001}\n');
    const summary = await importRecords(gw.store, payments, file);
    expect(summary.refused).toBe(true);
    expect(summary.problems).toEqual([
      'line 1: amount: 1.0000000000000000001 is not a decimal written as a string: a number with more than 15 significant digits may already have lost digits',
      'line 2: bonus: 2.50000000000000001 is not a decimal written as a string: a number with more than 15 significant digits may already have lost digits',
    ]);
    expect((await page(PROVIDER, { filter: { paymentNo: { in: ['P96', 'P97'] } } })).nodes).toEqual([]);
  });

  it('counts a change of value, not of text, for the objections an import corrects (the watch of data import)', async () => {
    const file = join(dir, 'fix.jsonl');
    const watch = new Map([[JSON.stringify('P01'), ['amount']]]);
    writeFileSync(file, '{"paymentNo":"P01","amount":"450.100","bonus":"100.10"}\n');
    expect((await importRecords(gw.store, payments, file, { watch })).changed).toEqual([]);
    writeFileSync(file, '{"paymentNo":"P01","amount":"450.11","bonus":"100.10"}\n');
    expect((await importRecords(gw.store, payments, file, { watch })).changed).toEqual([{ key: '"P01"', item: 'amount' }]);
    expect((await page(AUDIT, { filter: { paymentNo: { eq: 'P01' } } })).nodes[0].amount).toBe('450.11');
  });
});
