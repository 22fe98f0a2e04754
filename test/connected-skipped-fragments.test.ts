// @skip/@include on what a department selects under a connected platform's namespace (SPEC §12, §13),
// on Jinan (370100) and Zhangqiu (370114), a county of it: two real gateway processes on loopback
// (test/fixtures/jinan-connected). graphql-tools' namespace wrapping collected the fields of a fragment
// written at the namespace's level without the fragment's directives: a fragment left out by
// `@include(if: false)` was sent to Zhangqiu all the same, which read and audited records the department
// never got, and ran it whatever Jinan's maxCost, which leaves skipped fields out, had let through.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.ts';
import { askAs, startJinanPair, stopJinanPair, type JinanPair } from './helpers/jinan-pair.ts';

let pair: JinanPair | undefined;

// Zhangqiu bounds a request at 400 values: a page of 100 card holders with their guardians is over it.
beforeAll(async () => {
  pair = await startJinanPair('govgraph-skipped-fragments-', { zhangqiuLimits: 'limits:\n  maxCost: 400\n' });
}, 180_000);

afterAll(() => stopJinanPair(pair));

const DISABLED = 'Zhangqiu_Query';
const WIDE = 'wide: zhangqiuDisabled { cardHolders(first: 100) { nodes { idNumber grade guardianNo guardian { idNumber grade } } } }';

/** Zhangqiu's audit entries of forwarded requests named `operationName`, as its supervisor lists them. */
async function zhangqiuEntries(operationName: string) {
  const res = await askAs(pair!.zhangqiu, '370114-SJJ', '{ auditLog(first: 5, filter: { via: "370100" }) { nodes { operationName outcome resources { resource items records } } } }', undefined, ['supervisor']);
  expect(res.errors).toBeUndefined();
  return res.data.auditLog.nodes.filter((n: { operationName: string | null }) => n.operationName === operationName);
}

beforeAll(async () => {
  // Jinan adds the namespace once Zhangqiu answers its schema ask.
  await eventually(async () => {
    const r = await askAs(pair!.jinan, '370100-CL', 'query Warm { zhangqiu { zhangqiuDisabled { cardHolders { totalCount } } } }');
    expect(r.data?.zhangqiu?.zhangqiuDisabled?.cardHolders?.totalCount).toBe(2);
  }, 60_000);
}, 90_000);

it('a fragment left out at the namespace is not sent: nothing read or audited there, whatever its cost', async () => {
  const inline = await askAs(pair!.jinan, '370100-CL', `query LeftInline($wide: Boolean!) { zhangqiu { ... on ${DISABLED} @include(if: $wide) { ${WIDE} } } }`, { wide: false });
  expect(inline).toEqual({ status: 200, data: { zhangqiu: {} } });
  const spread = await askAs(pair!.jinan, '370100-CL', `query LeftSpread($narrow: Boolean = true) { zhangqiu { ...Wide @skip(if: $narrow) } } fragment Wide on ${DISABLED} { ${WIDE} }`);
  expect(spread).toEqual({ status: 200, data: { zhangqiu: {} } });
  const written = await askAs(pair!.jinan, '370100-CL', `query LeftWritten { zhangqiu { ... on ${DISABLED} @skip(if: true) { zhangqiuDisabled { cardHolders { nodes { idNumber } } } } } }`);
  expect(written).toEqual({ status: 200, data: { zhangqiu: {} } });
  expect(await zhangqiuEntries('LeftInline')).toEqual([]);
  expect(await zhangqiuEntries('LeftSpread')).toEqual([]);
  expect(await zhangqiuEntries('LeftWritten')).toEqual([]);
});

it('beside what runs, only what runs is sent: Zhangqiu reads and audits the items asked', async () => {
  const res = await askAs(pair!.jinan, '370100-CL',
    `query Beside($wide: Boolean!) { zhangqiu { zhangqiuDisabled { cardHolders(first: 1) { nodes { idNumber } } } ...Wide @include(if: $wide) } } fragment Wide on ${DISABLED} { ${WIDE} }`,
    { wide: false });
  expect(res).toEqual({ status: 200, data: { zhangqiu: { zhangqiuDisabled: { cardHolders: { nodes: [{ idNumber: '37011419800101007x' }] } } } } });
  expect(await zhangqiuEntries('Beside')).toEqual([{ operationName: 'Beside', outcome: 'ALLOWED', resources: [{ resource: '370114-CL-R01', items: ['idNumber'], records: 1 }] }]);
});

it('a fragment that runs is sent, and Zhangqiu bounds it by its own maxCost', async () => {
  const narrow = await askAs(pair!.jinan, '370100-CL',
    `query Runs($i: Boolean!) { zhangqiu { ... on ${DISABLED} @include(if: $i) { zhangqiuDisabled { cardHolder(idNumber: "37011419800101015x") { grade guardian { grade } } } } } }`, { i: true });
  expect(narrow).toEqual({ status: 200, data: { zhangqiu: { zhangqiuDisabled: { cardHolder: { grade: 4, guardian: { grade: 2 } } } } } });
  const wide = await askAs(pair!.jinan, '370100-CL', `query RunsWide($i: Boolean!) { zhangqiu { ... on ${DISABLED} @include(if: $i) { ${WIDE} } } }`, { i: true });
  expect(wide.errors?.map((e) => [e.extensions?.code, e.extensions?.limit, e.extensions?.platform])).toEqual([['QUERY_TOO_COMPLEX', 'maxCost', '370114']]);
});
