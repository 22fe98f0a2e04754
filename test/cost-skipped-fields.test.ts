// The cost limit (maxCost) counted the fields @skip/@include leave out: a developer switching a large part
// of a query off, with a condition written out or a variable, got QUERY_TOO_COMPLEX for fields that are
// not executed. Now only what runs is counted (src/limits/conditions.ts, runsUnder), and the limit gives no
// way around it: a condition sent as a variable is read per request, one it cannot read counts the field,
// and the fields a skipped part selects still count toward the fields selected (a compiled operation
// holds them). On a Suzhou platform of the test's own, maxCost 1000.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/suzhou-left/${p}`, import.meta.url));
const ASKER = '320500-DSJ';
const BOUND = 1000;

let gw: TestGateway;
let civil: string; // the GraphQL type of the civil affairs bureau's field
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('subsidies.yaml')], limits: { maxCost: BOUND } });
  civil = gw.gateway.holder.schema.model.departments.find((d) => d.department.code === '320500-MZJ')!.typeName;
}, 60_000);
afterAll(() => gw?.close());

const ask = (document: string, variables?: Record<string, unknown>) => gw.query(document, { dept: ASKER, purpose: 'subsidy-review', variables });
const FIELDS = 'subsidyNo district street months monthly';
/** One page of 150 subsidies, five fields each: 752 values, under the bound alone, over it twice. */
const page = (alias: string, directives = '') => `${alias}: careSubsidies(first: 150)${directives} { nodes { ${FIELDS} } }`;
const ran = (r: GraphQLResponse, document: string) => {
  expect(r.errors, document).toBeUndefined();
  expect((r.data as { szCivil: { a: unknown } }).szCivil.a, document).toEqual({ nodes: [] });
};
const refused = (r: GraphQLResponse, document: string) =>
  expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.limit]), document).toEqual([['QUERY_TOO_COMPLEX', 'maxCost']]);

describe('a page left out by a condition written in the document', () => {
  it('is not counted: on the field, an inline fragment or a fragment spread, with @skip or @include', async () => {
    const documents = [
      `{ szCivil { ${page('a')} ${page('b', ' @skip(if: true)')} } }`,
      `{ szCivil { ${page('a')} ${page('b', ' @include(if: false)')} } }`,
      `{ szCivil { ${page('a')} ... @include(if: false) { ${page('b')} } } }`,
      `{ szCivil { ${page('a')} ...Second @skip(if: true) } } fragment Second on ${civil} { ${page('b')} }`,
      // Both conditions: graphql-js runs the field only when @skip's is false and @include's true.
      `{ szCivil { ${page('a')} ${page('b', ' @skip(if: false) @include(if: false)')} } }`,
    ];
    for (const document of documents) ran(await ask(document), document);
  });

  it('is counted when the condition keeps it', async () => {
    for (const directives of ['', ' @skip(if: false)', ' @include(if: true)', ' @skip(if: false) @include(if: true)']) {
      const document = `{ szCivil { ${page('a')} ${page('b', directives)} } }`;
      const r = await ask(document);
      refused(r, document);
      expect(r.errors?.[0].message).toBe('The document is too complex: its estimated number of field values is 1505, over the limit maxCost = 1000. Split it into smaller requests.');
    }
  });

  it('still counts toward the fields selected: 2,048 fields switched off are refused, not compiled', async () => {
    // Eleven fragments each spreading the next twice: 2^11 fields in a few hundred bytes.
    const fragments = Array.from({ length: 11 }, (_, i) => `fragment F${i} on SzCareSubsidy { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const document = `{ szCivil { ${page('a')} b: careSubsidies(first: 1) @skip(if: true) { nodes { ...F0 } } } } ${fragments} fragment F11 on SzCareSubsidy { district }`;
    const r = await ask(document);
    refused(r, document);
    expect(r.errors?.[0].message).toMatch(/its number of fields selected, fragments followed is \d+, over the limit maxCost = 1000/);
  });
});

describe('a page left out by a condition on a variable', () => {
  const include = `query($more: Boolean!) { szCivil { ${page('a')} ${page('b', ' @include(if: $more)')} } }`;
  const skip = () => `query($less: Boolean = true) { szCivil { ${page('a')} ...Second @skip(if: $less) } } fragment Second on ${civil} { ${page('b')} }`;

  it('is counted per request, as the variables say (the same document refused, run, refused)', async () => {
    for (const [more, runs] of [[true, false], [false, true], [true, false], [false, true]] as const) {
      const r = await ask(include, { more });
      if (runs) ran(r, include);
      else {
        refused(r, include);
        expect(r.errors?.[0].message).toBe('The document is too complex: its estimated number of field values (with the pages its variables ask for and the fields they include) is 1505, over the limit maxCost = 1000. Split it into smaller requests.');
      }
    }
  });

  it('takes the variable\'s default when it is not sent', async () => {
    ran(await ask(skip()), skip());
    refused(await ask(skip(), { less: false }), skip());
    ran(await ask(skip(), { less: true }), skip());
  });

  it('counts the page when the value cannot be read as true or false', async () => {
    for (const less of ['true', 1]) refused(await ask(skip(), { less }), `${skip()} with ${JSON.stringify(less)}`);
    for (const more of ['false', 0, {}]) refused(await ask(include, { more }), `${include} with ${JSON.stringify(more)}`);
  });

  it('refuses null for a defaulted condition before the cost is reckoned (the if of @skip needs a value)', async () => {
    // src/limits/null-variables.ts: graphql-js refuses it too; graphql-jit would have read it as false.
    const r = await ask(skip(), { less: null });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0].message).toMatch(/"\$less" is sent as null/);
    expect(r.data ?? null).toBeNull();
  });
});
