// maxAliases counts the aliases the response holds (SPEC §13), as graphql collects the fields: one
// response key that is not its field's name is one alias, however many nodes or fragment spreads bring it
// in. graphql-armor's max-aliases counted each aliased node spread by spread, so a fragment of three
// aliases spread twice at one level (codegen's client preset writes such fragments) was refused as 6 under
// maxAliases 3, though the response holds 3. Now the cost walk counts them (src/limits/cost-tally.ts,
// selectionTally): different aliases, and the same fragment under different parents, still count apart;
// an alias @skip/@include leaves out still counts (the count is made once per document, nothing counts
// them again per request); alias bombs of nested fragments are refused before running. On a Yangzhou
// platform of the test's own, maxAliases 3.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/yangzhou-aliases/${p}`, import.meta.url));
const ASKER = '321000-SJJ';
const BOUND = 3;

let gw: TestGateway;
let market: string; // the GraphQL type of the market regulation bureau's field
beforeAll(async () => {
  // maxDepth high enough that the alias bomb below is refused for its aliases, not only its depth.
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('licences.yaml')], limits: { maxAliases: BOUND, maxDepth: 60 } });
  market = gw.gateway.holder.schema.model.departments.find((d) => d.department.code === '321000-SCJ')!.typeName;
}, 60_000);
afterAll(() => gw?.close());

const ask = (document: string, variables?: Record<string, unknown>) => gw.query(document, { dept: ASKER, purpose: 'licence-check', variables });
const page = (alias: string, directives = '') => `${alias}: foodLicences(first: 1)${directives} { nodes { licenceNo } }`;
const THREE = `${page('a')} ${page('b')} ${page('c')}`;
const ran = (r: GraphQLResponse, document: string) => {
  expect(r.errors, document).toBeUndefined();
  expect(Object.keys((r.data as { yzMarket: object }).yzMarket).sort(), document).toEqual(['a', 'b', 'c']);
};
const refused = (r: GraphQLResponse, document: string, figure: number) => {
  expect(r.data ?? undefined, document).toBeUndefined();
  expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.limit, e.extensions?.figure, e.extensions?.bound]), document).toEqual([['QUERY_TOO_COMPLEX', 'maxAliases', figure, BOUND]]);
  expect(r.errors?.[0].message, document).toBe(`The document is too complex: its number of aliases is ${figure}, over the limit maxAliases = ${BOUND}. Split it into smaller requests.`);
};

describe('one alias brought in twice', () => {
  it('is one alias: three aliases written twice, four ways, run at the bound (counted 6 before)', async () => {
    for (const document of [
      `{ yzMarket { ...Three ...Three } } fragment Three on ${market} { ${THREE} }`,
      `{ yzMarket { ...Three ...Again } } fragment Three on ${market} { ${THREE} } fragment Again on ${market} { ${THREE} }`,
      `{ yzMarket { ${THREE} ${THREE} } }`,
      `{ yzMarket { ${THREE} ... on ${market} { ${THREE} } } }`,
      // a fragment spread twice below one alias, and an alias that is its field's name (no alias)
      `{ yzMarket { ${page('a')} ${page('b')} c: foodLicences(first: 1) { ...No ...No } foodLicences: foodLicences(first: 1) { nodes { licenceNo } } } } fragment No on YzFoodLicenceConnection { nodes { licenceNo } }`,
    ]) {
      const r = await ask(document);
      if (document.includes('foodLicences: foodLicences')) {
        expect(r.errors, document).toBeUndefined();
        expect(Object.keys((r.data as { yzMarket: object }).yzMarket).sort(), document).toEqual(['a', 'b', 'c', 'foodLicences']);
      } else ran(r, document);
    }
  });

  it('an alias of __typename is not counted, as graphql-armor did not', async () => {
    const document = `{ yzMarket { ${THREE} t1: __typename t2: __typename } }`;
    expect((await ask(document)).errors, document).toBeUndefined();
  });
});

describe('aliases the response holds apart', () => {
  it('a fourth alias is refused, with the figure the response would hold', async () => {
    for (const document of [
      `{ yzMarket { ${THREE} ${page('d')} } }`,
      `{ yzMarket { ...Three ...Three ${page('d')} } } fragment Three on ${market} { ${THREE} }`,
    ]) refused(await ask(document), document, 4);
  });

  it('a field aliased as __typename is an alias (only a field named __typename is not counted)', async () => {
    const document = `{ yzMarket { ${THREE} __typename: ${page('__typename').slice('__typename: '.length)} } }`;
    // graphql takes the name; it ran with four aliases under maxAliases 3 while such aliases went uncounted.
    refused(await ask(document), document, 4);
  });

  it('one fragment under two aliases of its parent counts in each: 2 + 2 × 2', async () => {
    const document = `{ p: yzMarket { ...Two } q: yzMarket { ...Two ...Two } } fragment Two on ${market} { ${page('a')} ${page('b')} }`;
    refused(await ask(document), document, 6);
  });

  it('an alias @skip or @include leaves out still counts, written out or a variable, whatever the variable', async () => {
    const skipped = `{ yzMarket { ${THREE} ${page('d', ' @skip(if: true)')} } }`;
    refused(await ask(skipped), skipped, 4);
    const spread = `{ yzMarket { ${THREE} ...D @include(if: false) } } fragment D on ${market} { ${page('d')} }`;
    refused(await ask(spread), spread, 4);
    const variable = `query($all: Boolean = false) { yzMarket { ${THREE} ${page('d', ' @include(if: $all)')} } }`;
    for (const all of [false, true]) refused(await ask(variable, { all }), variable, 4);
  });
});

describe('alias bombs', () => {
  it('20 nested fragments each spreading the next under two aliases: 2,097,150 aliases, refused before running, fast', async () => {
    const LEVELS = 20;
    const fragments = Array.from({ length: LEVELS }, (_, i) =>
      `fragment F${i} on __Type { a: fields { type { ...F${i + 1} } } b: fields { type { ...F${i + 1} } } }`).join(' ');
    const document = `{ __schema { types { ...F0 } } } ${fragments} fragment F${LEVELS} on __Type { name }`;
    const started = performance.now();
    const r = await ask(document);
    const ms = performance.now() - started;
    expect(r.data ?? undefined).toBeUndefined();
    const aliases = r.errors?.find((e) => e.extensions?.limit === 'maxAliases');
    expect(aliases?.extensions?.figure).toBe(2 ** (LEVELS + 1) - 2);
    expect(r.errors?.every((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX')).toBe(true);
    expect(ms).toBeLessThan(5_000); // a few ms: each fragment walked once (generous on a loaded machine)
  });

  // Fragments spreading the next level's in different pairs: each response key merges another pair of
  // selection sets, so the walk that merges them took a step per selection for each of 2.2 million
  // combinations (600 ms of the event loop) before refusing. Its fields selected are counted first.
  it('fragments merged in ever new combinations: refused for the fields selected, the walk cut short', async () => {
    const [WIDE, LEVELS] = [7, 8];
    const keys = (i: number, j: number) => Array.from({ length: WIDE }, (_, t) =>
      i + 1 < LEVELS ? `k${t}: ofType { ...F${i + 1}_${j} ...F${i + 1}_${t} }` : `k${t}: name`).join(' ');
    const fragments = Array.from({ length: LEVELS * WIDE }, (_, n) =>
      `fragment F${Math.floor(n / WIDE)}_${n % WIDE} on __Type { ${keys(Math.floor(n / WIDE), n % WIDE)} }`).join(' ');
    const all = Array.from({ length: WIDE }, (_, j) => `...F0_${j}`).join(' ');
    const document = `{ __type(name: "Query") { ${all} } } ${fragments}`;
    const r = await ask(document);
    expect(r.data ?? undefined).toBeUndefined();
    // only the fields selected: the walk that would count the aliases and values gave up
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.limit])).toEqual([['QUERY_TOO_COMPLEX', 'maxCost']]);
    expect(r.errors?.[0].message).toMatch(/its number of fields selected, fragments followed is \d+, over the limit maxCost/);
  });

  it('fragments spreading each other in a cycle: graphql refuses the cycle, not walked for aliases', async () => {
    const M = 8;
    const fragments = Array.from({ length: M }, (_, j) => `fragment C${j} on __Type { ${
      Array.from({ length: M }, (_, t) => `k${t}: ofType { ...C${t} ...C${(t + j) % M} }`).join(' ')} }`).join(' ');
    const r = await ask(`{ __type(name: "Query") { ...C0 } } ${fragments}`);
    expect(r.data ?? undefined).toBeUndefined();
    expect(new Set(r.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(r.errors?.some((e) => /Cannot spread fragment "C0" within itself/.test(e.message))).toBe(true);
  });
});
