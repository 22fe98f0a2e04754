// Documents nested past what the gateway's walks can follow (src/limits/nesting.ts): fragments spreading
// the next in a chain two thousand long, or nesting introspection's `ofType` a thousand deep, overflowed
// the stack of graphql-armor's depth rule, graphql's NoFragmentCyclesRule, the cycle check and the turns'
// walk (src/limits/turns.ts), and were answered 500 INTERNAL_SERVER_ERROR. On a platform whose operator
// raised maxDepth and maxTokens to their highest (test/fixtures/yantai-chains).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { documentNesting } from '../src/limits/nesting.ts';
import { eq } from '../src/store/port.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { startTestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/yantai-chains';
const PORT = '370600-GKJ';

/** `{ __typename ...F0 }`, F0 spreading F1, ... F(n-1) spreading Fn, which selects __typename; `cycle`: Fn spreads F0 too. */
function chain(n: number, cycle = false): string {
  const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`);
  return `{ __typename ...F0 } ${fragments.join('\n')}\nfragment F${n} on Query { __typename ${cycle ? '...F0' : ''} }`;
}

/** `{ __type(name: "Query") { ...O0 } }`, each fragment On selecting `ofType { ...O(n+1) }`: n + 1 levels deep. */
function ofTypeChain(n: number): string {
  const fragments = Array.from({ length: n }, (_, i) => `fragment O${i} on __Type { ofType { ...O${i + 1} } }`);
  return `{ __type(name: "Query") { ...O0 } } ${fragments.join('\n')}\nfragment O${n} on __Type { name }`;
}

/** `ofType` nested under `__type` through an inline fragment at each level: `depth` levels deep. */
function ofTypeInline(depth: number): string {
  return `{ __type(name: "Query") { ${'... on __Type { ofType { '.repeat(depth - 2)}name${' } }'.repeat(depth - 2)} } }`;
}

/** `ofType` nested under `__type` without fragments: `depth` levels deep. */
function ofTypeNested(depth: number): string {
  return `{ __type(name: "Query") { ${'ofType { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: `${FIXTURE}/platform.yaml`,
    catalogueFiles: [`${FIXTURE}/catalogue.yaml`],
    limits: { maxDepth: 1000, maxTokens: 10_000_000, maxCost: 1_000_000_000, maxAliases: 100_000 },
  });
});
afterAll(() => gw?.close());

const send = (query: string) => gw.query(query, { dept: PORT });

describe('documents nested past what the walks follow', () => {
  it('a chain of 2,000 fragments is refused as too complex, not answered 500', async () => {
    const res = await send(chain(2000));
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.errors?.[0]?.message).toBe('The document is too complex: its nesting of selection sets and fragment spreads, fragments followed (a bound of the gateway, not of the platform file) is 4003, over the limit maxNesting = 1500. Split it into smaller requests.');
    // Refused as every document is: its audit entry says why.
    const [entry] = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('outcome', 'refused') })).map(fromRow);
    expect(entry.detail).toMatch(/^QUERY_TOO_COMPLEX: .*maxNesting = 1500/);
  });

  it('a chain of 20,000 fragments closing a cycle is refused too', async () => {
    const res = await send(chain(20_000, true));
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('990 fragments each nesting ofType (within maxDepth) are refused before they run', async () => {
    const res = await send(ofTypeChain(990));
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('a query maxDepth deep runs, and a short chain of fragments too', async () => {
    const deep = await send(ofTypeNested(1000));
    expect(deep.errors).toBeUndefined();
    expect(deep.data).toEqual({ __type: { ofType: null } });
    // 700 deep through inline fragments (nesting 1,400): JSON.stringify, sizing it for the documents
    // cache, ran out of stack, an unhandled rejection (vitest fails the run on it; node ends a gateway).
    expect(await send(ofTypeInline(700))).toMatchObject({ status: 200, data: { __type: { ofType: null } } });
    expect(await send(chain(50))).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    expect(await send(ofTypeChain(50))).toMatchObject({ status: 200, data: { __type: { ofType: null } } });
  });
});

describe('the nesting read from the text', () => {
  it('follows spreads whatever the names, values in parentheses never closing a body', () => {
    // Counted only past `most` (here 0): a fragment named or typed like a keyword, a default value's braces.
    expect(documentNesting('{ a { b } }', 0)).toBe(2);
    expect(documentNesting('{ ...query } fragment query on query @d(x: {}) { ...F } fragment F on T { a { b } }', 0)).toBe(6);
    expect(documentNesting('query Q($v: I = {x: {y: 1}}) { a(w: {z: 1}) }', 0)).toBe(2);
    // Fewer braces and spreads than `most`: not read at all.
    expect(documentNesting('{ a { b } }', 10)).toBeUndefined();
  });
});
