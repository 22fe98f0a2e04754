// ID numbers whose check character is written `x` on one platform and `X` on the other (SPEC §4, §12), on
// Jinan (370100) and Zhangqiu (370114), a county of it: two real gateway processes on loopback
// (test/fixtures/jinan-connected). Zhangqiu's rows are as an older release wrote them (one key with `x`, a
// link value with `X` to it, and the other way round); Jinan's department looks them up under the
// namespace with the spelling its own records hold. A lookup, an `eq`, an `in` and a link through the
// namespace find them by either spelling, as on Zhangqiu itself: the delegation passes values through
// unchanged and Zhangqiu applies its own rule. A link from a Jinan resource into Zhangqiu's cannot be
// written: links join one platform's resources, and the refusal names the connected platform.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { askAs, jinanFixture, startJinanPair, stopJinanPair, type JinanPair } from './helpers/jinan-pair.ts';

let pair: JinanPair | undefined;

beforeAll(async () => {
  pair = await startJinanPair('govgraph-idcard-spellings-');
  await eventually(async () => {
    const r = await askAs(pair!.jinan, '370100-CL', '{ zhangqiu { zhangqiuDisabled { cardHolders { totalCount } } } }');
    expect(r.data?.zhangqiu?.zhangqiuDisabled?.cardHolders?.totalCount).toBe(2);
  }, 60_000);
}, 180_000);

afterAll(() => stopJinanPair(pair));

/** Jinan's civil affairs bureau's members (its own resource), their ID numbers as stored there. */
const MEMBERS = '{ jinanCivil { allowanceMembers { nodes { idNumber } } } }';
const ask = (query: string, variables?: Record<string, unknown>) => askAs(pair!.jinan, '370100-MZJ', query, variables);

it("finds Zhangqiu's card holders by the ID numbers Jinan's records hold, in either spelling", async () => {
  const members = await ask(MEMBERS);
  // Stored by an older release: ...007X as written, ...015x with its small x.
  expect(members.data.jinanCivil.allowanceMembers.nodes.map((n: { idNumber: string }) => n.idNumber)).toEqual(['37011419800101007X', '37011419800101015x']);
  const lookup = 'query($k: String!) { zhangqiu { zhangqiuDisabled { cardHolder(idNumber: $k) { idNumber grade guardian { grade } } } } }';
  const spellings = ['37011419800101007X', '37011419800101007x', '37011419800101015x', '37011419800101015X'];
  const found = await Promise.all(spellings.map((k) => ask(lookup, { k })));
  expect(found.map((r) => r.errors ?? r.data.zhangqiu.zhangqiuDisabled.cardHolder)).toEqual([
    { idNumber: '37011419800101007x', grade: 2, guardian: { grade: 4 } },
    { idNumber: '37011419800101007x', grade: 2, guardian: { grade: 4 } },
    { idNumber: '37011419800101015X', grade: 4, guardian: { grade: 2 } },
    { idNumber: '37011419800101015X', grade: 4, guardian: { grade: 2 } },
  ]);
  const filtered = await ask('query($ks: [String!]) { zhangqiu { zhangqiuDisabled { cardHolders(filter: { idNumber: { in: $ks } }) { totalCount } } } }', { ks: ['37011419800101007X', '37011419800101015x'] });
  expect(filtered.data.zhangqiu.zhangqiuDisabled.cardHolders.totalCount).toBe(2);
  const eq = await ask('{ zhangqiu { zhangqiuDisabled { cardHolders(filter: { idNumber: { eq: "37011419800101007X" } }) { nodes { grade } } } } }');
  expect(eq.data.zhangqiu.zhangqiuDisabled.cardHolders.nodes).toEqual([{ grade: 2 }]);
});

it("a link from a Jinan resource into Zhangqiu's is refused, naming the connected platform", async () => {
  const work = mkdtempSync(join(tmpdir(), 'govgraph-idcard-link-'));
  try {
    const platformFile = join(work, 'jinan.yaml');
    writeFileSync(platformFile, readFileSync(jinanFixture('jinan.yaml'), 'utf8').replace('ZHANGQIU_URL', pair!.zhangqiu.url));
    const catalogue = join(work, 'catalogue.yaml');
    writeFileSync(catalogue, `${readFileSync(jinanFixture('jinan-catalogue.yaml'), 'utf8')}      - { name: holderNo, type: string, format: idcard, link: { resource: "370114-CL-R01", item: idNumber, field: cardHolder } }\n`);
    const res = await runGovgraph(['catalogue', 'validate', catalogue, '--platform', platformFile, '--data', join(work, 'data')], { env: cliEnv() });
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain(`${catalogue}: resources[0].items[2].link.resource: "370114-CL-R01" is of the region of the connected platform 章丘区政务信息资源共享平台 (370114): a link joins resources of this platform only; read that platform's records under zhangqiu, looking them up by this item's value\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
