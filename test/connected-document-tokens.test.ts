// What a forwarded request takes from the connected platform's rate buckets (SPEC §12, §13), on Jinan
// (370100) and Zhangqiu (370114), a county of it: two real gateway processes on loopback
// (test/fixtures/jinan-connected). A request takes a token per 64 KiB of what it sends, document and
// variables (src/limits/rates.ts): on Jinan, of the department's whole request; on Zhangqiu, of the
// delegated document Jinan sends it and the variables it uses, what Zhangqiu reads. So text that never reaches Zhangqiu (a comment, Jinan's
// own fields) costs nothing there, a long value under the namespace costs there what it costs here, and
// the department's bucket at Zhangqiu (`370100-CL@370100`), taken before the platform's and given back
// when it refuses, bounds how much of Jinan's shared `perPlatform` bucket one department's large
// documents spend: the other departments keep the rest.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.ts';
import { askAs, startJinanPair, stopJinanPair, type JinanPair } from './helpers/jinan-pair.ts';

let pair: JinanPair | undefined;

// At Zhangqiu, per 10 minutes: 6 tokens per department of Jinan, 8 for all of Jinan's together.
beforeAll(async () => {
  pair = await startJinanPair('govgraph-document-tokens-', { zhangqiuLimits: 'limits:\n  rate:\n    perUser: off\n    perDepartment: { requests: 6, per: 600s }\n    perPlatform: { requests: 8, per: 600s }\n' });
}, 180_000);

afterAll(() => stopJinanPair(pair));

const COUNT = '{ zhangqiu { zhangqiuDisabled { cardHolders { totalCount } } } }';
/** A namespace read whose filter value makes its text, and its delegation's, 130 KiB: 3 tokens each. */
const LONG_VALUE = `{ zhangqiu { zhangqiuDisabled { cardHolders(filter: { idNumber: { eq: "${'1'.repeat(130 * 1024)}" } }) { totalCount } } } }`;

/** LONG_VALUE's read with the value as a variable: 130 KiB of variables, 3 tokens here and there. */
const LONG_VARIABLE = 'query($idNumber: String!) { zhangqiu { zhangqiuDisabled { cardHolders(filter: { idNumber: { eq: $idNumber } }) { totalCount } } } }';

const refusal = (res: { errors?: any[] }) => res.errors?.map((e) => [e.extensions?.code, e.extensions?.limit, e.extensions?.platform]);

it("a department's large documents spend its own share of Zhangqiu's bucket of Jinan, not the other departments'", async () => {
  const { jinan } = pair!;
  // Zhangqiu: 1 token of Jinan's data bureau (its namespace is there once this is answered).
  await eventually(async () => {
    const r = await askAs(jinan, '370100-SJJ', COUNT);
    expect(r.data?.zhangqiu?.zhangqiuDisabled?.cardHolders?.totalCount).toBe(2);
  }, 60_000);
  // 300 KiB of comment: 5 tokens on Jinan, 1 on Zhangqiu (the comment is not forwarded).
  const commented = await askAs(jinan, '370100-CL', `# ${'c'.repeat(300 * 1024)}\n${COUNT}`);
  expect(commented).toEqual({ status: 200, data: { zhangqiu: { zhangqiuDisabled: { cardHolders: { totalCount: 2 } } } } });
  // 130 KiB under the namespace: 3 on Zhangqiu too (the department's 4 of 6, Jinan's 5 of 8).
  expect((await askAs(jinan, '370100-CL', LONG_VALUE)).data).toEqual({ zhangqiu: { zhangqiuDisabled: { cardHolders: { totalCount: 0 } } } });
  // 3 more would be 7 of the department's 6: refused by its bucket, Jinan's left as it was. Sent as a
  // variable, the value takes there what it takes here too (the delegation sends the variables it uses).
  expect(refusal(await askAs(jinan, '370100-CL', LONG_VARIABLE, { idNumber: '1'.repeat(130 * 1024) }))).toEqual([['RATE_LIMITED', 'perDepartment', '370114']]);
  expect(refusal(await askAs(jinan, '370100-CL', LONG_VALUE))).toEqual([['RATE_LIMITED', 'perDepartment', '370114']]);
  // The civil affairs bureau reads with the 3 tokens left of Jinan's 8, then meets the platform's bucket.
  for (let i = 0; i < 3; i++) expect((await askAs(jinan, '370100-MZJ', COUNT)).errors).toBeUndefined();
  expect(refusal(await askAs(jinan, '370100-MZJ', COUNT))).toEqual([['RATE_LIMITED', 'perPlatform', '370114']]);
});
