// A defaulted variable sent as null where a value is required (src/limits/null-variables.ts), sent by a
// client of Jinan (370100) for Zhangqiu's namespace (370114, a county of it): two real gateway processes
// on loopback (test/fixtures/jinan-connected). Jinan refuses it before anything runs, as its own fields'
// (the stitched schema holds the namespace's argument types), so nothing is forwarded: Zhangqiu neither
// reads it, nor audits it, nor counts it in its bucket of Jinan. The refusal is a client's bad input,
// HTTP 400 (it was answered 500, a server error, on every gateway).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.ts';
import { askAs, startJinanPair, stopJinanPair, type JinanPair } from './helpers/jinan-pair.ts';

let pair: JinanPair | undefined;

// Zhangqiu lets Jinan forward 6 requests per 10 minutes, all its departments together.
beforeAll(async () => {
  pair = await startJinanPair('govgraph-null-variables-', { zhangqiuLimits: 'limits:\n  rate:\n    perPlatform: { requests: 6, per: 600s }\n' });
}, 180_000);

afterAll(() => stopJinanPair(pair));

const LOOKUP = 'query NullKey($k: String = "37011419800101007X") { zhangqiu { zhangqiuDisabled { cardHolder(idNumber: $k) { grade } } } }';
const IN_LIST = 'query NullInList($k: String = "37011419800101007X") { zhangqiu { zhangqiuDisabled { cardHolders(filter: { idNumber: { in: [$k, "37011419800101015X"] } }) { totalCount } } } }';

it('is refused by Jinan as bad input, and Zhangqiu reads, audits and counts nothing of it', async () => {
  const { jinan, zhangqiu } = pair!;
  await eventually(async () => {
    const r = await askAs(jinan, '370100-CL', 'query Warm { zhangqiu { zhangqiuDisabled { cardHolders { totalCount } } } }');
    expect(r.data?.zhangqiu?.zhangqiuDisabled?.cardHolders?.totalCount).toBe(2);
  }, 60_000);
  // Ten refusals: had they been forwarded, Zhangqiu's bucket of 6 would be empty.
  for (let i = 0; i < 5; i++) {
    for (const [document, name] of [[LOOKUP, 'k'], [IN_LIST, 'k']]) {
      const res = await askAs(jinan, '370100-CL', document, { [name]: null });
      expect(res.status).toBe(400);
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['BAD_USER_INPUT', 'Variable "$k" is sent as null where the operation needs a value: its default applies only when the variable is left out; nothing was read.'],
      ]);
    }
  }
  // Left out, the default applies: read on Zhangqiu, as every other department's reads are (its bucket untouched by the refusals).
  for (let i = 0; i < 4; i++) {
    const res = await askAs(jinan, i % 2 ? '370100-MZJ' : '370100-CL', LOOKUP, {});
    expect(res).toEqual({ status: 200, data: { zhangqiu: { zhangqiuDisabled: { cardHolder: { grade: 2 } } } } });
  }
  const entries = await askAs(zhangqiu, '370114-SJJ', '{ auditLog(first: 20, filter: { via: "370100" }) { nodes { operationName } } }', undefined, ['supervisor']);
  const names = entries.data.auditLog.nodes.map((n: { operationName: string | null }) => n.operationName);
  expect(names.filter((n: string | null) => n === 'NullKey')).toHaveLength(4);
  expect(names).not.toContain('NullInList');
  // Jinan's own entries say what was refused, once per request.
  const own = await askAs(jinan, '370100-SJJ', '{ auditLog(first: 50, filter: { outcome: REFUSED }) { nodes { operationName detail } } }', undefined, ['supervisor']);
  expect(own.data.auditLog.nodes.filter((n: { detail: string }) => n.detail.startsWith('BAD_USER_INPUT: Variable "$k" is sent as null'))).toHaveLength(10);
});
