// maxCost counts the field values the response may hold (SPEC §13), and graphql merges the field nodes of
// one response key into one response field: `a: list(first: 100) { x } a: list(first: 100) { x }`, `x x`,
// or one field in two fragments spread on one type (graphql-js collectFields). The estimate counted each
// node, so a document written with fragments was refused while its response held half the figure. Now the
// cost follows graphql's collection (src/limits/response-fields.ts, collect): one response key, one value;
// different aliases still count apart (separate values of the response). On Suzhou's platform of the
// cost tests, its civil affairs bureau's subsidy register, maxCost 1000.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/suzhou-left/${p}`, import.meta.url));
const ASKER = '320500-DSJ';
const BOUND = 1000;
const ALIASES = 3;

let gw: TestGateway;
let civil: string; // the GraphQL type of the civil affairs bureau's field
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('subsidies.yaml')], limits: { maxCost: BOUND, maxAliases: ALIASES } });
  civil = gw.gateway.holder.schema.model.departments.find((d) => d.department.code === '320500-MZJ')!.typeName;
}, 60_000);
afterAll(() => gw?.close());

const ask = (document: string, variables?: Record<string, unknown>) => gw.query(document, { dept: ASKER, purpose: 'subsidy-review', variables });
/** A page of `first` subsidies, one value each: szCivil, the list and its nodes make 3 + first values. */
const page = (alias: string, first: number | string, fields = 'subsidyNo', directives = '') => `${alias}: careSubsidies(first: ${first})${directives} { nodes { ${fields} } }`;
const ran = (r: GraphQLResponse, document: string) => {
  expect(r.errors, document).toBeUndefined();
  expect((r.data as { szCivil: { a: unknown } }).szCivil.a, document).toEqual({ nodes: [] });
};
const refused = (r: GraphQLResponse, document: string, figure: number, what = 'estimated number of field values') => {
  expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.limit, e.extensions?.figure]), document).toEqual([['QUERY_TOO_COMPLEX', 'maxCost', figure]]);
  expect(r.errors?.[0].message, document).toBe(`The document is too complex: its ${what} is ${figure}, over the limit maxCost = ${BOUND}. Split it into smaller requests.`);
};

describe('one response key selected twice', () => {
  it('is one response field: 997 subsidies written twice, three ways, run at 1,000 values (counted 1,999 before)', async () => {
    const documents = [
      `{ szCivil { ${page('a', 997)} ${page('a', 997)} } }`,
      `{ szCivil { ...One ...Two } } fragment One on ${civil} { ${page('a', 997)} } fragment Two on ${civil} { ${page('a', 997)} }`,
      `{ szCivil { ...One ...One } } fragment One on ${civil} { ${page('a', 997)} }`,
      `{ szCivil { ${page('a', 997)} ... on ${civil} { ${page('a', 997)} } } }`,
      // The same field twice within the element: one value.
      `{ szCivil { ${page('a', 997, 'subsidyNo subsidyNo')} } }`,
      `{ szCivil { ${page('a', 997, 'subsidyNo')} ${page('a', 997, '...No')} } } fragment No on SzCareSubsidy { subsidyNo }`,
    ];
    for (const document of documents) ran(await ask(document), document);
  });

  it('is refused one value over the bound, with the merged figure in the message', async () => {
    for (const document of [
      `{ szCivil { ${page('a', 998)} ${page('a', 998)} } }`,
      `{ szCivil { ...One ...Two } } fragment One on ${civil} { ${page('a', 998)} } fragment Two on ${civil} { ${page('a', 998)} }`,
      `{ szCivil { ${page('a', 499, 'subsidyNo')} ${page('a', 499, 'district')} } }`, // 3 + 499 × 2 = 1,001
    ]) refused(await ask(document), document, 1001);
  });

  it('merges the children of the nodes: two fields of 333 subsidies, written in two nodes, make 3 + 333 × 2 values', async () => {
    const document = `{ szCivil { ${page('a', 333, 'subsidyNo')} ${page('a', 333, 'district subsidyNo')} ${page('a', 333, 'district')} } }`;
    ran(await ask(document), document); // 669: counted 3 + 333 × 4 = 1,335 before
  });
});

describe('different aliases', () => {
  it('still count apart: two aliases of 499 subsidies hold 1 + 2 × 501 values, over the bound', async () => {
    const document = `{ szCivil { ${page('a', 499)} ${page('b', 499)} } }`;
    refused(await ask(document), document, 1003);
    const under = `{ szCivil { ${page('a', 497)} ${page('b', 497)} } }`;
    ran(await ask(under), under); // 1 + 2 × 499
  });

  it('an alias written twice and another: the figure counts the merged two once', async () => {
    const document = `{ szCivil { ${page('a', 499)} ${page('a', 499)} ${page('b', 499)} } }`;
    refused(await ask(document), document, 1003); // counted 1 + 3 × 501 = 1,504 before
  });
});

describe('with @skip and @include', () => {
  it('a node a condition written out leaves out adds nothing, merged or not', async () => {
    const document = `{ szCivil { ${page('a', 997)} ${page('a', 997, 'district', ' @include(if: false)')} } }`;
    ran(await ask(document), document);
    const kept = `{ szCivil { ${page('a', 997)} ${page('a', 997, 'district', ' @include(if: true)')} } }`;
    refused(await ask(kept), kept, 3 + 997 * 2);
  });

  it('a condition on a variable is read per request: the merged node adds its children only when it runs', async () => {
    const document = `query($more: Boolean!) { szCivil { ${page('a', 997)} ${page('a', 997, 'subsidyNo district', ' @include(if: $more)')} } }`;
    ran(await ask(document, { more: false }), document);
    const r = await ask(document, { more: true });
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.figure])).toEqual([['QUERY_TOO_COMPLEX', 3 + 997 * 2]]);
    const same = `query($more: Boolean!) { szCivil { ${page('a', 997)} ${page('a', 997, 'subsidyNo', ' @include(if: $more)')} } }`;
    ran(await ask(same, { more: true }), same); // the same field merged: 1,000
  });
});

describe('the other document limits, through fragments', () => {
  it('maxDepth counts the levels of a fragment spread twice once', async () => {
    const depth = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('subsidies.yaml')], limits: { maxDepth: 4 } });
    try {
      const document = `{ szCivil { ...One ...One } } fragment One on ${civil} { ${page('a', 1)} ${page('a', 1)} }`;
      const r = await depth.query(document, { dept: ASKER, purpose: 'subsidy-review' });
      expect(r.errors).toBeUndefined();
    } finally {
      await depth.close();
    }
  });
});
