// One variable named by many `in` lists (SPEC §13: one query must never stall a gateway), on a platform of
// its own (test/fixtures/dali-edges). maxInValues bounds one list and maxRequestBytes a body, but a list
// sent once as a variable may fill every `in` of a filter and every alias: 49 `{ county: { in: $l } }` of
// 10,000 values under 30 aliases of the department were 14.7 million comparisons from a 150 kB body,
// 28 s of work past its timeout that held a small query of another department for 16 s. Each value of an
// `in`, each time its filter runs, now counts toward maxCost. The same with one long text named by many
// `eq` or `startsWith` (900 kB by 49 conditions in 30 aliases: 1.3 GB for the store, 15 to 26 s): the
// characters a request's filters compare, each time its filter runs, may not pass maxRequestBytes.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/dali-edges/${name}`, import.meta.url));
const READER = '532922-MZJ'; // Yangbi county: row scope by `county`
const PURPOSE = 'pension-check';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')] });
  const [pensioners] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await gw.store.insert(collectionOf(pensioners), [
    { idcard: '532922199001011234', county: '532922', amount: 100 },
    { idcard: '532923199001011235', county: '532923', amount: 200 },
  ]);
});
afterAll(() => gw?.close());

const codes = (n: number) => Array.from({ length: n }, (_, i) => `532922${String(i).padStart(6, '0')}`).concat('532922');
const ors = (n: number) => `{ or: [${Array.from({ length: n }, () => '{ county: { in: $l } }').join(', ')}] }`;
const LIST = (filter: string) => `daliPensioners(filter: ${filter}, first: 10) { totalCount nodes { amount } }`;

describe('the values of in lists count toward maxCost, each time its filter runs', () => {
  it('refuses one variable of 10,000 values named by 49 in lists of a filter, before anything is read', async () => {
    const r = await gw.query(`query($l: [String!]) { daliCivil { ${LIST(ors(49))} } }`, { dept: READER, purpose: PURPOSE, variables: { l: codes(9_999) } });
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: 200_000 });
    expect(r.errors?.[0].extensions?.figure).toBeGreaterThanOrEqual(49 * 10_000);
    expect(r.errors?.[0].message).toMatch(/^The document is too complex: its estimated number of field values \(each value an in lists counts one\) is \d+, over the limit maxCost = 200000\./);
  });

  it('counts the list again in each alias of a fragment spread under 30 department aliases', async () => {
    const doc = `query($l: [String!]) { ${Array.from({ length: 30 }, (_, i) => `c${i}: daliCivil { ...F }`).join(' ')} }
      fragment F on DaliCivilResources { ${LIST('{ county: { in: $l } }')} }`;
    const r = await gw.query(doc, { dept: READER, purpose: PURPOSE, variables: { l: codes(9_999) } });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    expect(r.errors?.[0].extensions?.figure).toBeGreaterThanOrEqual(30 * 10_000);
  });

  it('runs one in of maxInValues, and the same variable in two lists, within the row scope', async () => {
    const one = await gw.query(`query($l: [String!]) { daliCivil { ${LIST('{ county: { in: $l } }')} } }`, { dept: READER, purpose: PURPOSE, variables: { l: codes(9_999) } });
    expect(one.errors).toBeUndefined();
    expect(one.data).toEqual({ daliCivil: { daliPensioners: { totalCount: 1, nodes: [{ amount: 100 }] } } });
    const two = await gw.query(`query($l: [String!]) { daliCivil { ${LIST(ors(2))} } }`, { dept: READER, purpose: PURPOSE, variables: { l: codes(9_999) } });
    expect(two.errors).toBeUndefined();
    expect(two.data!.daliCivil.daliPensioners.totalCount).toBe(1);
  });

  it('counts an in written in the document as one sent in a variable', async () => {
    const written = `[${codes(2_999).map((c) => `"${c}"`).join(',')}]`;
    // 3,000 values, under maxTokens only because a list's values are its tokens: refused at a cost of 2,000.
    const low = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')], limits: { maxCost: 2_000, maxTokens: 10_000 } });
    try {
      const r = await low.query(`{ daliCivil { ${LIST(`{ county: { in: ${written} } }`)} } }`, { dept: READER, purpose: PURPOSE });
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: 2_000 });
      const few = await low.query(`{ daliCivil { ${LIST('{ county: { in: ["532922", "532923"] } }')} } }`, { dept: READER, purpose: PURPOSE });
      expect(few.errors).toBeUndefined();
      expect(few.data).toEqual({ daliCivil: { daliPensioners: { totalCount: 0, nodes: [] } } }); // its store holds none
    } finally {
      await low.close();
    }
  });

  it('refuses one long text named by many eq or startsWith past maxRequestBytes of compared characters, and runs it once', async () => {
    const long = '5'.repeat(200_000);
    for (const op of ['eq', 'startsWith']) {
      const filter = `{ or: [${Array.from({ length: 10 }, () => `{ county: { ${op}: $s } }`).join(', ')}] }`;
      const r = await gw.query(`query($s: String) { daliCivil { ${LIST(filter)} } }`, { dept: READER, purpose: PURPOSE, variables: { s: long } });
      expect(r.status).toBe(400);
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxRequestBytes', figure: 2_000_000, bound: 1_048_576 });
      expect(r.errors?.[0].message).toBe(
        'The document is too complex: its number of characters compared by filters (each value as often as its filter runs: more than the body could hold written out) is 2000000, over the limit maxRequestBytes = 1048576. Split it into smaller requests.',
      );
    }
    const once = await gw.query(`query($s: String) { daliCivil { ${LIST('{ county: { startsWith: $s } }')} } }`, { dept: READER, purpose: PURPOSE, variables: { s: long } });
    expect(once.errors).toBeUndefined();
    expect(once.data).toEqual({ daliCivil: { daliPensioners: { totalCount: 0, nodes: [] } } });
  });
});
