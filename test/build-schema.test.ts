// The schema builder in steps (src/server/build-schema.ts, steps.ts): the schema graphql-js builds from the
// same SDL, printed the same; a clear error for what the gateway's SDL never holds; and steps that give
// the event loop its turns.
import { buildSchema, graphql, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildExecutableSchema } from '../src/server/build-schema.ts';
import { runSteps, runStepsYielding, type Steps } from '../src/server/steps.ts';

const SDL = [
  `"A calendar date."\nscalar Day\n\nenum Colour {\n  "the sky"\n  BLUE\n  RED @deprecated(reason: "use BLUE")\n}\n`,
  `input Filter {\n  "equal to"\n  eq: String\n  in: [String!]\n  and: [Filter!]\n  colour: Colour = BLUE\n}\n`,
  `"""\nA thing.\n\nOn two lines.\n"""\ntype Thing {\n  name: String!\n  "its colour"\n  colour: Colour\n  old: Int @deprecated\n  day: Day\n}\n`,
  `type Query {\n  things(filter: Filter, first: Int = 20, after: String): [Thing!]!\n}\n`,
  `extend type Query {\n  "one thing"\n  thing(name: String!): Thing\n}\n\ntype Mutation {\n  paint(name: String!, colour: Colour!): Thing\n}\n`,
];

const build = (typeDefs: string[], resolvers: Record<string, unknown> = {}) => runSteps(buildExecutableSchema({ typeDefs, resolvers }));

describe('the schema builder', () => {
  it('builds the schema graphql-js builds from the same SDL, and prints it the same', () => {
    const { schema, sdl } = build(SDL);
    const expected = printSchema(buildSchema(SDL.join('\n')));
    expect(sdl).toBe(expected);
    expect(printSchema(schema)).toBe(expected);
  });

  it('sets resolvers, enum values and wraps each object field once', async () => {
    const wrapped: string[] = [];
    const { schema } = runSteps(
      buildExecutableSchema({
        typeDefs: SDL,
        resolvers: {
          Colour: { BLUE: 'blue', RED: 'red' },
          Query: { thing: (_p: unknown, args: { name: string }) => ({ name: args.name, colour: 'red' }) },
        },
        wrap: (type, field, resolve) => {
          wrapped.push(`${type}.${field}`);
          return type === 'Query' && resolve ? (p, a, c, i) => ({ ...(resolve(p, a, c, i) as object), name: 'wrapped' }) : resolve;
        },
      }),
    );
    expect(wrapped.sort()).toEqual(['Mutation.paint', 'Query.thing', 'Query.things', 'Thing.colour', 'Thing.day', 'Thing.name', 'Thing.old']);
    const result = await graphql({ schema, source: '{ thing(name: "a") { name colour } }' });
    expect(result).toEqual({ data: { thing: { name: 'wrapped', colour: 'RED' } } });
  });

  it('refuses, with the name, what it cannot build', () => {
    expect(() => build([`type Query { a: Missing }`])).toThrow('Unknown type "Missing".');
    expect(() => build([`type Query { a: Int }`, `type Query { b: Int }`])).toThrow('There can be only one type named "Query".');
    expect(() => build([`type Query { a: Int a: String }`])).toThrow('Query.a is defined twice.');
    expect(() => build([`input In { a: Int }`, `type Query { a: In }`])).toThrow('Query.a: In is not an output type.');
    expect(() => build([`type Query { a(x: Query): Int }`])).toThrow('Query.a(x): Query is not an input type.');
    expect(() => build([`interface Named { name: String }`, `type Query { a: Int }`])).toThrow('InterfaceTypeDefinition is not supported');
    expect(() => build([`type Query { a: Int }`], { Query: { b: () => 1 } })).toThrow('Query.b defined in resolvers, but not in schema.');
    expect(() => build([`type Query { a: Int }`], { Other: {} })).toThrow('"Other" defined in resolvers, but not in schema.');
    expect(() => build([`enum E { A }`, `type Query { e: E }`], { E: { B: 'b' } })).toThrow('E.B was defined in resolvers, but not present within E.');
  });
});

describe('steps', () => {
  /** 40 steps of 8 ms of busy work each. */
  function* busy(): Steps<number> {
    for (let i = 0; i < 40; i++) {
      const until = performance.now() + 8;
      while (performance.now() < until);
      yield;
    }
    return 40;
  }

  it('run at once, or give the event loop a turn every slice', async () => {
    expect(runSteps(busy())).toBe(40);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await new Promise((r) => setTimeout(r, 5));
    const before = ticks;
    expect(await runStepsYielding(busy(), 15)).toBe(40);
    clearInterval(timer);
    // 320 ms of work in slices of about 16 ms: the timer ran between them (at once, it would not have).
    expect(ticks - before).toBeGreaterThanOrEqual(10);
  });
});
