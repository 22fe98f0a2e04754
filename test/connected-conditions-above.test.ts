// @skip/@include written above a connected platform's namespace (on a fragment of the query's root that
// selects the namespace again), on Jinan (370100) and Zhangqiu (370114): two real gateway processes on
// loopback (test/fixtures/jinan-connected). graphql-jit hands a root field's resolver every field node of
// its response key, whatever the conditions of the fragments around them, so the namespace's delegation
// sent Zhangqiu a selection the department had left out (read and audited there, dropped here). And the
// namespace's decided selections were keyed by the decisions at the namespace's level only: the same
// decisions under another set of field nodes (a root fragment included this time) served the set made
// for the earlier request, and a selection that runs was never sent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.ts';
import { askAs, startJinanPair, stopJinanPair, type JinanPair } from './helpers/jinan-pair.ts';

let pair: JinanPair | undefined;

beforeAll(async () => {
  pair = await startJinanPair('govgraph-conditions-above-');
  await eventually(async () => {
    const r = await askAs(pair!.jinan, '370100-CL', 'query Warm { zhangqiu { zhangqiuDisabled { cardHolders { totalCount } } } }');
    expect(r.data?.zhangqiu?.zhangqiuDisabled?.cardHolders?.totalCount).toBe(2);
  }, 60_000);
}, 180_000);

afterAll(() => stopJinanPair(pair));

/** Zhangqiu's audit entries of forwarded requests named `operationName`, as its supervisor lists them. */
async function zhangqiuEntries(operationName: string) {
  const res = await askAs(pair!.zhangqiu, '370114-SJJ', '{ auditLog(first: 10, filter: { via: "370100" }) { nodes { operationName resources { resource items records } } } }', undefined, ['supervisor']);
  expect(res.errors).toBeUndefined();
  return res.data.auditLog.nodes.filter((n: { operationName: string | null }) => n.operationName === operationName);
}

const ONE = 'zhangqiuDisabled { cardHolders(first: 1) { nodes { idNumber } } }';
const WIDE = 'wide: zhangqiuDisabled { cardHolders(first: 2) { nodes { grade } } }';

it('a root fragment left out does not send its namespace selection: Zhangqiu reads and audits only what runs', async () => {
  const res = await askAs(pair!.jinan, '370100-CL', `query Above($x: Boolean!) { zhangqiu { ${ONE} } ... @include(if: $x) { zhangqiu { ${WIDE} } } }`, { x: false });
  expect(res).toEqual({ status: 200, data: { zhangqiu: { zhangqiuDisabled: { cardHolders: { nodes: [{ idNumber: '37011419800101007x' }] } } } } });
  expect(await zhangqiuEntries('Above')).toEqual([{ operationName: 'Above', resources: [{ resource: '370114-CL-R01', items: ['idNumber'], records: 1 }] }]);
});

it('the same decisions at the namespace under other field nodes are not served the earlier request\'s selection', async () => {
  const query = `query Shared($x: Boolean!, $y: Boolean!) { zhangqiu { zhangqiuDisabled @include(if: $y) { cardHolders(first: 1) { nodes { idNumber } } } } ... @include(if: $x) { zhangqiu { ${WIDE} } } }`;
  const narrow = await askAs(pair!.jinan, '370100-CL', query, { x: false, y: true });
  expect(narrow).toEqual({ status: 200, data: { zhangqiu: { zhangqiuDisabled: { cardHolders: { nodes: [{ idNumber: '37011419800101007x' }] } } } } });
  const both = await askAs(pair!.jinan, '370100-CL', query, { x: true, y: true });
  expect(both).toEqual({ status: 200, data: { zhangqiu: {
    zhangqiuDisabled: { cardHolders: { nodes: [{ idNumber: '37011419800101007x' }] } },
    wide: { cardHolders: { nodes: [{ grade: 2 }, { grade: 4 }] } },
  } } });
});
