// An operation walks the schema at most twice (src/limits/schema-walks.ts). Aliases of introspection
// written alike are worked out once (test/introspection-aliases-once.test.ts), but 30 aliases each written
// a little otherwise, each a walk of `queryType { fields { type { fields } } }`, passed every limit and were
// each worked out, holding the event loop 5 to 12 s on a large province. They are refused now before any
// runs, with QUERY_TOO_COMPLEX and an audit entry; one introspection query (GraphiQL's), one or two walks,
// walks written alike and reads of single types are answered as before. On a Gansu platform (620100-MZJ).
// The work is counted as graphql does it: how often it resolves a type's `name` or `fields`.
import { fileURLToPath } from 'node:url';
import { __Type, getIntrospectionQuery, type GraphQLFieldResolver } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { eq } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/gansu-clients/${name}`, import.meta.url));
const DEPT = '620100-MZJ';
/** Fields a walk may add to the fields it lists: each subset a walk written otherwise. */
const OPTIONAL = ['description', 'isDeprecated', 'deprecationReason', 'args { name }', '__typename'];
/** The `n`th walk (1 to 31), through the root type's fields into their types' fields. */
const walk = (n: number) => {
  const extra = OPTIONAL.filter((_, bit) => n & (1 << bit)).join(' ');
  return `__schema { queryType { fields { name ${extra} type { name kind fields { name } ofType { name fields { name type { name } } } } } } }`;
};
const walks = (ns: number[]) => `{ ${ns.map((n) => `w${n}: ${walk(n)}`).join(' ')} }`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let gw: TestGateway;
let work = 0;
const counted = (['name', 'fields'] as const).map((name) => {
  const field = __Type.getFields()[name];
  return { field, resolve: field.resolve! };
});

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('market.yaml')] });
  // graphql's own resolvers of `__Type.name` and `__Type.fields`, counted (every schema shares its introspection types).
  for (const { field, resolve } of counted) {
    field.resolve = ((...args: Parameters<GraphQLFieldResolver<unknown, unknown>>) => (work++, resolve(...args))) as GraphQLFieldResolver<unknown, unknown>;
  }
}, 60_000);
afterAll(async () => {
  for (const { field, resolve } of counted) field.resolve = resolve;
  await gw?.close();
});
beforeEach(() => {
  work = 0;
});

let n = 0;
async function send(query: string, variables?: Record<string, unknown>) {
  const requestId = `walks-${++n}`;
  work = 0;
  const r = await gw.query(query, { dept: DEPT, variables, headers: { 'x-request-id': requestId } });
  const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow);
  return { ...r, work, entries };
}

async function answered(query: string, variables?: Record<string, unknown>) {
  const r = await send(query, variables);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r;
}

describe('walks of the schema in one operation', () => {
  it('30 walks written otherwise are refused before any is worked out, and audited', async () => {
    const query = walks(range(1, 30));
    const r = await send(query);
    expect(r.status).toBe(400);
    expect(r.data ?? null).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'schemaWalks', figure: 30, bound: 2 });
    expect(r.errors![0].message).toBe('The document is too complex: it walks the schema 30 times (each __schema or __type that lists types, or members of members, and is written otherwise counts once), over the limit of 2 walks of the schema per operation. Send one introspection query: GraphiQL\'s or your code generator\'s reads the whole schema once.');
    expect(r.work).toBe(0);
    expect(r.entries.map((e) => [e.kind, e.outcome, e.department, e.detail, e.documentHash])).toEqual([
      ['read', 'refused', DEPT, `QUERY_TOO_COMPLEX: ${r.errors![0].message}`, gw.documentHash(query)],
    ]);
  });

  it('one and two walks are answered, a third is refused', async () => {
    const one = await answered(walks([1]));
    expect(one.work).toBeGreaterThan(10);
    const two = await answered(walks([1, 2]));
    expect(two.data!.w1).toEqual(one.data!.w1);
    expect(two.work).toBe(2 * one.work);
    const three = await send(walks([1, 2, 3]));
    expect(three.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', figure: 3 });
    expect(three.work).toBe(0);
  });

  it('walks written alike count once: 30 aliases of two walks are answered', async () => {
    const one = await answered(walks([5]));
    const query = `{ ${range(1, 30).map((i) => `a${i}: ${walk(i % 2 ? 5 : 6)}`).join(' ')} }`;
    const r = await answered(query);
    expect(r.data!.a1).toEqual(one.data!.w5);
    expect(r.work).toBe(2 * one.work);
  });

  it('counts walks spread from fragments and under __type, and leaves out one that @skip leaves out', async () => {
    const fragments = `fragment Root on Query { f1: ${walk(1)} } fragment Members on __Type { fields { name type { fields { name } } } }`;
    const typed = 't: __type(name: "Query") { ...Members }';
    const refused = await send(`{ ...Root ${typed} s: ${walk(2)} } ${fragments}`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', figure: 3 });
    expect(refused.work).toBe(0);
    await answered(`query($no: Boolean!) { ...Root ${typed} s: ${walk(2).replace('__schema', '__schema @skip(if: $no)')} } ${fragments}`, { no: true });
  });

  it('reads of single types are no walks: 30 of them are answered', async () => {
    const names = ['Query', 'Mutation', 'String', 'Int', 'Boolean', '__Type'];
    const r = await answered(`{ ${range(1, 30).map((i) => `t${i}: __type(name: "${names[i % names.length]}") { name fields { name type { name ofType { name } } } }`).join(' ')} }`);
    expect((r.data!.t1 as { name: string }).name).toBe(names[1]);
  });

  it("GraphiQL's introspection query is answered whole", async () => {
    const r = await answered(getIntrospectionQuery({ descriptions: true }));
    expect((r.data!.__schema as { types: unknown[] }).types.length).toBeGreaterThan(20);
  });
});
