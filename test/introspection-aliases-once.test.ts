// Aliases of one introspection selection are answered once per request (src/server/plugins/
// introspection-once.ts). A department's clients each sending 30 aliases of
// `__schema { types { name fields { name args { name } type { name kind ofType { name } } } } }` (within
// maxCost and maxAliases) made graphql build the same answer of the department's whole view 30 times a
// request, a second of the event loop that held another department's small lookup. The work is counted:
// how often graphql resolves a type's name (`__Type.name`, once per type object of an answer), against a
// baseline of one alias measured in the same test; and each alias's answer must be the baseline's.
import { __Type, getIntrospectionQuery, type GraphQLFieldResolver } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const DEPT = '430000-MZ';
const WALK = '__schema { types { name fields { name args { name } type { name kind ofType { name } } } } }';
const aliases = (n: number, selection: string) => Array.from({ length: n }, (_, i) => `a${i}: ${selection}`).join(' ');

let gw: TestGateway;
let typeNames = 0;
const nameField = __Type.getFields().name;
const resolveName = nameField.resolve!;

beforeAll(async () => {
  gw = await startTestGateway();
  // graphql's own resolver of `__Type.name`, counted (every schema shares graphql's introspection types).
  nameField.resolve = ((...args: Parameters<GraphQLFieldResolver<unknown, unknown>>) => (typeNames++, resolveName(...args))) as GraphQLFieldResolver<unknown, unknown>;
}, 60_000);
afterAll(async () => {
  nameField.resolve = resolveName;
  await gw?.close();
});
beforeEach(() => {
  typeNames = 0;
});

/** The answer to `query` as DEPT, and how many type names graphql resolved for it. */
async function introspect(query: string, variables?: Record<string, unknown>): Promise<{ data: Record<string, unknown>; work: number }> {
  typeNames = 0;
  const r = await gw.query(query, { dept: DEPT, variables });
  expect(r.errors).toBeUndefined();
  return { data: r.data!, work: typeNames };
}

describe('aliases of one introspection selection', () => {
  it('30 aliases of the whole schema walk it once, each answered as one alone', async () => {
    const one = await introspect(`{ ${WALK} }`);
    expect(one.work).toBeGreaterThan(100); // every type of the view, and the fields' types
    const thirty = await introspect(`{ ${aliases(30, WALK)} }`);
    expect(Object.keys(thirty.data)).toEqual(Array.from({ length: 30 }, (_, i) => `a${i}`));
    for (const answer of Object.values(thirty.data)) expect(answer).toEqual(one.data.__schema);
    // Without answering them once: 30 times the baseline.
    expect(thirty.work).toBe(one.work);
  });

  it('counts aliases spread from fragments at the root, and leaves out one that @skip leaves out', async () => {
    const one = await introspect(`{ ${WALK} }`);
    const r = await introspect(`query($no: Boolean!) { ...A b: ${WALK} c: __schema { ...W } d: ${WALK.replace('__schema', '__schema @skip(if: $no)')} __typename }
      fragment A on Query { a: ${WALK} } fragment W on __Schema { types { name fields { name args { name } type { name kind ofType { name } } } } }`, { no: true });
    expect(Object.keys(r.data)).toEqual(['a', 'b', 'c', '__typename']);
    expect(r.data.a).toEqual(one.data.__schema);
    expect(r.data.b).toEqual(one.data.__schema);
    expect(r.data.c).toEqual(one.data.__schema);
    expect(r.data.__typename).toBe('Query');
    // a and b are written alike (once); c, through a fragment, is written otherwise and walked again.
    expect(r.work).toBe(2 * one.work);
  });

  it('answers selections that differ each, as asked', async () => {
    const r = await introspect('{ a: __schema { types { name } } b: __schema { types { kind } } c: __type(name: "Query") { name } d: __type(name: "Mutation") { name } e: __type(name: "Query") { name } }');
    const names = (r.data.a as { types: { name: string }[] }).types;
    expect(names.map((t) => t.name)).toContain('Query');
    expect((r.data.b as { types: { kind: string }[] }).types).toHaveLength(names.length);
    expect((r.data.b as { types: object[] }).types[0]).not.toHaveProperty('name');
    expect(r.data.c).toEqual({ name: 'Query' });
    expect(r.data.d).toEqual({ name: 'Mutation' });
    expect(r.data.e).toEqual({ name: 'Query' });
    expect(r.work).toBe(names.length + 2); // a's types, c's and d's (e is c's)
  });

  it('reads a variable as the request sends it: `__type(name: $t)` under two aliases once', async () => {
    const r = await introspect('query($t: String!) { a: __type(name: $t) { name fields { name } } b: __type(name: $t) { name fields { name } } }', { t: 'Query' });
    expect(r.data.a).toEqual(r.data.b);
    expect((r.data.a as { name: string }).name).toBe('Query');
    expect(r.work).toBe(1);
  });

  it("GraphiQL's introspection query is answered as before, whole", async () => {
    const r = await introspect(getIntrospectionQuery({ descriptions: true }));
    expect((r.data.__schema as { types: unknown[] }).types.length).toBeGreaterThan(50);
  });
});
