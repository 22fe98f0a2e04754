// A developer of Xinjiang ordering by a name item (姓名, or a name in Uyghur Latin script) read only
// "Ascending: smallest first" in the schema: not what "smallest" is for a text (a Chinese developer
// expects pinyin order; the stores compare code points) nor where records without a value go (first in
// ASC, last in DESC: the store port's convention). The schema now says both, and this test holds the
// description to what a real gateway answers.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xinjiang-reads/${name}`, import.meta.url));
const CERTS = ['650102199001011234', '650103199202021234', '650104199303031234', '650105199404041234', '650106199505051234', '650107199606061234'];
const NAMES = ['王伟', null, 'Ürümchi', '阿依古丽', 'ali', 'Ali'];

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('market.yaml'), fixture('police.yaml')],
    seed: (store) => importRecordsOf(store, '650000-GAT-00001', CERTS.map((certNo, i) => ({ certNo, holderName: NAMES[i], division: '650102' }))),
  });
}, 120_000);
afterAll(async () => gw?.close());

const byCodePoint = (a: string, b: string) => {
  const x = [...a].map((c) => c.codePointAt(0)!), y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};

test('the schema says how texts and records without a value are ordered', async () => {
  const r = await gw.query('{ __type(name: "OrderDirection") { description enumValues { name description } } }', { dept: '650000-GAT' });
  expect(r.data?.__type.description).toMatch(/Unicode code point \(Chinese by code point, not pinyin/);
  expect(r.data?.__type.enumValues).toEqual([
    { name: 'ASC', description: 'Ascending: smallest first, records without a value before all others.' },
    { name: 'DESC', description: 'Descending: largest first, records without a value after all others.' },
  ]);
});

test('and the gateway orders so: code points, records without a value first in ASC and last in DESC', async () => {
  const present = NAMES.filter((n): n is string => n !== null).sort(byCodePoint);
  for (const [direction, expected] of [['ASC', [null, ...present]], ['DESC', [...present].reverse().concat([null as never])]] as const) {
    const r = await gw.query(`{ xjPolice { oasisResidents(orderBy: [{ field: holderName, direction: ${direction} }]) { nodes { holderName } } } }`, { dept: '650000-GAT' });
    expect(r.errors).toBeUndefined();
    expect(r.data?.xjPolice.oasisResidents.nodes.map((n: { holderName: string | null }) => n.holderName)).toEqual(expected);
  }
  // Not pinyin: 王 (wáng) comes before 阿 (ā) by code point.
  expect(present.indexOf('王伟')).toBeLessThan(present.indexOf('阿依古丽'));
});
