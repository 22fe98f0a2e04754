// Which documents holding @skip or @include stay compiled (src/server/executor.ts): graphql-jit 0.8 carries
// a condition down through fields only, so one with a fragment below it (or on a spread) runs on graphql-js;
// one with fields only below it stays compiled, as clients toggling a part of a query send it, unless it asks
// a response key more than once under different conditions (graphql-jit keeps a skipped field's place:
// `nodes @skip(if: true) { employer } nodes { county employer }` answered `employer, county`, graphql-js
// `county, employer`; and hands the resolver the skipped field node; src/server/conditioned-duplicates.ts). Each document of the corpus is
// run both ways on a small schema of its own: those kept compiled must answer the same text as graphql-js
// (keys in the same order), and the ones graphql-jit answers otherwise must be the ones sent to graphql-js.
import { buildSchema, execute, parse, printSchema, type GraphQLObjectType } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { describe, expect, it } from 'vitest';
import { compiledFor, conditionAtRoot, conditionMayHideFragment } from '../src/server/executor.ts';
import { conditionSplitsKey } from '../src/server/conditioned-duplicates.ts';

const schema = buildSchema(`
  interface Holder { code: String }
  type Firm implements Holder { code: String name: String owner: Person }
  type Person implements Holder { code: String certNo: String county: String employer: Firm }
  type Page { nodes: [Person] total: Int }
  type Query { people: Page holders: [Holder] }
`);
const firm = { __typename: 'Firm', code: 'F1', name: 'Xining Tannery', owner: null };
const person = { __typename: 'Person', code: 'P1', certNo: '630102199001011234', county: '630102', employer: firm };
const root = { people: { nodes: [person], total: 1 }, holders: [person, firm] };

/** Documents with conditions below which no fragment stands: graphql-jit follows them. */
const KEPT = [
  '{ people { nodes @include(if: false) { certNo certNo county } } }',
  'query($on: Boolean!) { people { nodes { employer @include(if: $on) { name } ...P } } } fragment P on Person { county }',
  '{ people { nodes { county employer @include(if: true) { name } } } }',
  '{ people { nodes { county employer @include(if: false) { name } } } }',
  'query($on: Boolean!) { people { nodes { county employer @include(if: $on) { name code } } } }',
  '{ people { total @skip(if: true) nodes { certNo @include(if: false) county } } }',
  '{ people { nodes { ... on Person { certNo @skip(if: true) } county } } }',
  '{ people { nodes { ... @include(if: false) { certNo } county } } }',
  '{ holders { ... on Person { employer @skip(if: true) { name } } ... on Firm { name } } }',
  '{ a: people { nodes @skip(if: true) { certNo } } b: people { nodes { county } } }',
];

/** Documents with a condition where graphql-jit loses it. */
const SENT_TO_GRAPHQL_JS = [
  '{ people { nodes @skip(if: true) { ... on Person { certNo } } nodes { county } } }',
  'query($show: Boolean!) { people { nodes @include(if: $show) { ...Cert } nodes { county } } } fragment Cert on Person { certNo }',
  '{ people { nodes @skip(if: true) { employer { ... on Firm { name } } } nodes { county employer { code } } } }',
  '{ people { nodes { ...Cert @skip(if: true) county } } } fragment Cert on Person { certNo }',
  '{ people { ... @skip(if: true) { nodes { ... on Person { certNo } } } nodes { county } } }',
  '{ people { nodes { ...Skipped } } } fragment Skipped on Person { employer @skip(if: true) { ... on Firm { name } } employer { code } }',
];

/** An answer as the client receives it (a field graphql-jit skips is an undefined property, never sent). */
const sent = (answer: unknown): unknown => JSON.parse(JSON.stringify(answer));
const variables = { on: false, show: false };
const byGraphqlJs = (text: string) => execute({ schema, document: parse(text), rootValue: root, variableValues: variables });
const byGraphqlJit = (text: string) => {
  const q = compileQuery(schema, parse(text));
  if (!isCompiledQuery(q)) throw new Error(JSON.stringify(q.errors));
  return q.query(root, undefined, variables);
};

describe('documents holding @skip or @include', () => {
  it.each(KEPT)('stays compiled, and graphql-jit answers what graphql-js does: %s', async (text) => {
    const document = parse(text);
    expect(conditionMayHideFragment(document)).toBe(false);
    expect(conditionSplitsKey(document)).toBe(false);
    expect(compiledFor(schema, document, undefined)).not.toBeNull();
    expect(JSON.stringify(sent(await byGraphqlJit(text)))).toBe(JSON.stringify(sent(await byGraphqlJs(text))));
  });

  it.each(SENT_TO_GRAPHQL_JS)('runs on graphql-js: %s', (text) => {
    const document = parse(text);
    expect(conditionMayHideFragment(document)).toBe(true);
    expect(compiledFor(schema, document, undefined)).toBeNull();
  });

  it('the corpus holds documents graphql-jit answers otherwise than graphql-js (the defect the rule avoids)', async () => {
    const differ = [];
    for (const text of SENT_TO_GRAPHQL_JS) {
      try {
        expect(sent(await byGraphqlJit(text))).toEqual(sent(await byGraphqlJs(text)));
      } catch {
        differ.push(text);
      }
    }
    expect(differ).toContain(SENT_TO_GRAPHQL_JS[0]);
    expect(differ).toContain(SENT_TO_GRAPHQL_JS[1]);
    expect(JSON.stringify(await byGraphqlJit(SENT_TO_GRAPHQL_JS[0]))).toContain('630102199001011234');
  });
});

/** Documents asking a response key more than once under different conditions. */
const SPLIT_KEYS = [
  '{ people { nodes @skip(if: true) { certNo } nodes { county } } }',
  '{ people { nodes { county @skip(if: true) county certNo } } }',
  '{ people { nodes { ...P } } } fragment P on Person { employer @skip(if: true) { name } employer { code } }',
  '{ people { nodes @skip(if: true) { certNo employer { name } } nodes { county employer { code } } } }',
  '{ people { nodes { employer @skip(if: true) { name } county employer { code } } } }',
  'query($on: Boolean!) { people { nodes { certNo @include(if: $on) county certNo } } }',
  '{ people { nodes { ... @skip(if: true) { certNo } county ... { certNo } } } }',
  '{ people { nodes { ...P certNo } } } fragment P on Person { ... on Person @include(if: false) { certNo county } code }',
  '{ holders { ... on Person { code @skip(if: true) certNo } ... on Holder { code } } }',
  '{ people { nodes @include(if: true) { county } nodes @include(if: false) { certNo } } }',
];
/** Of those, the ones graphql-jit answered with their keys in another order than graphql-js. */
const REORDERED = SPLIT_KEYS.slice(3);

describe('documents asking a key more than once under different conditions', () => {
  it.each(SPLIT_KEYS)('runs on graphql-js: %s', (text) => {
    const document = parse(text);
    expect(conditionSplitsKey(document)).toBe(true);
    expect(compiledFor(schema, document, undefined)).toBeNull();
  });

  it('graphql-jit answers keys in another order than graphql-js (a defect the rule avoids)', async () => {
    for (const text of REORDERED.slice(0, -1)) {
      const jit = JSON.stringify(sent(await byGraphqlJit(text)));
      const js = JSON.stringify(sent(await byGraphqlJs(text)));
      expect(jit).not.toBe(js);
      expect(JSON.parse(jit)).toEqual(JSON.parse(js)); // the same values: the order alone differs
    }
  });

  it('graphql-jit hands the field\'s resolver the field node a condition leaves out (a defect the rule avoids)', async () => {
    const handed: number[] = [];
    const resolving = buildSchema(printSchema(schema));
    resolving.getQueryType()!.getFields().people.resolve = () => root.people;
    (resolving.getType('Page') as GraphQLObjectType).getFields().nodes.resolve = (page: typeof root.people, _a, _c, info) => (handed.push(info.fieldNodes.length), page.nodes);
    const q = compileQuery(resolving, parse(SPLIT_KEYS[0]));
    if (!isCompiledQuery(q)) throw new Error(JSON.stringify(q.errors));
    await q.query(root, undefined, {});
    const jit: number[] = handed.splice(0);
    await execute({ schema: resolving, document: parse(SPLIT_KEYS[0]), rootValue: root });
    expect({ jit, graphqlJs: handed }).toEqual({ jit: [2], graphqlJs: [1] });
  });

  it('one asked twice under the same conditions, or once under a condition, stays compiled', () => {
    for (const text of ['{ people { nodes { certNo county certNo } total @skip(if: true) } }', 'query($on: Boolean!) { people { nodes @include(if: $on) { county certNo county } } }']) {
      expect(conditionSplitsKey(parse(text))).toBe(false);
      expect(compiledFor(schema, parse(text), undefined)).not.toBeNull();
    }
  });
});

/** Documents with a condition at the query's root level: a root field's resolver gets the nodes it skips. */
const AT_ROOT = [
  'query($on: Boolean!) { people { total } ... @include(if: $on) { people { nodes { certNo } } } }',
  'query($on: Boolean!) { people { total } people @include(if: $on) { nodes { certNo } } }',
  'query($on: Boolean!) { ...R } fragment R on Query { people { total } ... on Query @include(if: $on) { people { nodes { certNo } } } }',
];

describe('documents with @skip or @include at the root level', () => {
  it.each(AT_ROOT)('runs on graphql-js: %s', (text) => {
    const document = parse(text);
    expect(conditionAtRoot(schema, document)).toBe(true);
    expect(compiledFor(schema, document, undefined)).toBeNull();
  });

  it('graphql-jit hands the root field\'s resolver the field node its condition leaves out (the defect the rule avoids)', async () => {
    const handed: number[] = [];
    const resolving = buildSchema(printSchema(schema));
    resolving.getQueryType()!.getFields().people.resolve = (_, __, ___, info) => (handed.push(info.fieldNodes.length), root.people);
    const q = compileQuery(resolving, parse(AT_ROOT[0]));
    if (!isCompiledQuery(q)) throw new Error(JSON.stringify(q.errors));
    await q.query(root, undefined, { on: false });
    const js: number[] = handed.splice(0);
    await execute({ schema: resolving, document: parse(AT_ROOT[0]), rootValue: root, variableValues: { on: false } });
    expect({ jit: js, graphqlJs: handed }).toEqual({ jit: [2], graphqlJs: [1] });
  });
});
