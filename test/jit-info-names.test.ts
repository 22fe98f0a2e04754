// Which documents hold two fields sharing graphql-jit's name for their resolve info (src/server/jit-info-names.ts):
// those run on graphql-js, since graphql-jit handed one field's resolver the other's info.
import { buildSchema, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { describe, expect, it } from 'vitest';
import { compiledFor } from '../src/server/executor.ts';
import { jitInfoNamesCollide } from '../src/server/jit-info-names.ts';

const sdl = `
  interface Holder { code: String }
  type Firm implements Holder { code: String name: String }
  type Person implements Holder { code: String county: String notes: [String] employer: Firm }
  type Page { nodes: [Person] }
  type Ns { person(code: String): Person people: Page holders: [Holder] }
  type Query { ns: Ns }
`;
const schema = buildSchema(sdl);

const COLLIDING = [
  '{ ns { a_person: person(code: "1") { county } person(code: "1") { a: employer { name } } } }',
  '{ ns { people { nodes { b_x: employer { name } x: employer { b: name } } } } }',
  // A list's items stand in the name as idx1.
  '{ ns { people { nodes { x: employer { name } } x_idx1_nodes: nodes { code } } } }',
  '{ ns { ...F } } fragment F on Ns { a_person: person(code: "1") { county } person(code: "2") { a: employer { code } } }',
];
const APART = [
  '{ ns { a_person: person(code: "1") { county } person(code: "1") { b: employer { name } } } }',
  '{ ns { person(code: "1") { a: employer { name } } other: person(code: "2") { a: employer { name } } } }',
  '{ ns { holders { ... on Person { code } ... on Firm { code } } } }',
];

describe('graphql-jit\'s resolve info names', () => {
  it.each(COLLIDING)('two fields share one: runs on graphql-js: %s', (text) => {
    expect(jitInfoNamesCollide(schema, parse(text))).toBe(true);
    expect(compiledFor(schema, parse(text), undefined)).toBeNull();
  });

  it.each(APART)('each field its own: stays compiled: %s', (text) => {
    expect(jitInfoNamesCollide(schema, parse(text))).toBe(false);
    expect(compiledFor(schema, parse(text), undefined)).not.toBeNull();
  });

  it('graphql-jit hands a resolver the other field\'s info (the defect the rule avoids)', async () => {
    const resolving = buildSchema(sdl);
    const seen: string[] = [];
    resolving.getQueryType()!.getFields().ns.resolve = () => ({});
    (resolving.getType('Ns') as import('graphql').GraphQLObjectType).getFields().person.resolve = (_p, _a, _c, info) => {
      seen.push(`${info.fieldName}:${info.fieldNodes[0].alias?.value ?? ''}`);
      return { code: '1', county: 'x', employer: { name: 'n' } };
    };
    (resolving.getType('Person') as import('graphql').GraphQLObjectType).getFields().employer.resolve = (p: { employer: unknown }) => p.employer;
    const q = compileQuery(resolving, parse(COLLIDING[0]));
    if (!isCompiledQuery(q)) throw new Error(JSON.stringify(q.errors));
    await q.query({}, {}, {});
    expect(seen).toEqual(['employer:a', 'person:']); // graphql-js: ['person:a_person', 'person:']
  });
});

describe('graphql-jit\'s resolver names', () => {
  const typed = `type Ab { cd: String } type Abc { d: String } type Query { ab: Ab abc: Abc }`;

  it('a type\'s field and another type\'s running together to one name: runs on graphql-js', () => {
    const s = buildSchema(typed);
    const text = '{ ab { cd } abc { d } }';
    expect(jitInfoNamesCollide(s, parse(text))).toBe(true);
    expect(compiledFor(s, parse(text), undefined)).toBeNull();
    expect(jitInfoNamesCollide(s, parse('{ ab { cd } }'))).toBe(false);
    expect(compiledFor(s, parse('{ ab { cd } abc { x: d } }'), undefined)).toBeNull();
  });

  it('graphql-jit runs one field\'s resolver for the other (the defect the rule avoids)', async () => {
    const s = buildSchema(typed);
    (s.getType('Ab') as import('graphql').GraphQLObjectType).getFields().cd.resolve = () => 'Ab.cd';
    (s.getType('Abc') as import('graphql').GraphQLObjectType).getFields().d.resolve = () => 'Abc.d';
    const q = compileQuery(s, parse('{ ab { cd } abc { d } }'));
    if (!isCompiledQuery(q)) throw new Error(JSON.stringify(q.errors));
    const answer = await q.query({ ab: {}, abc: {} }, {}, {});
    expect(answer.data).not.toEqual({ ab: { cd: 'Ab.cd' }, abc: { d: 'Abc.d' } });
  });
});
