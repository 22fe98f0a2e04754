// Random query documents drawn from a schema itself (for test/jit-differential-platform.test.ts): the
// fields under the root fields named, their arguments from the pools given (literals or variables, given,
// null or left out), with aliases, a field asked again, inline fragments and named ones, and @skip/@include
// (literal or variable) on any of them. Arguments a response key was given before are kept for it (a key
// given others is aliased afresh), so most documents are valid; the rest are refused alike by both runs.
import {
  getNamedType, getNullableType, isAbstractType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema,
} from 'graphql';
import type { Case } from './nanning-documents.ts';

export interface Pools {
  strings: readonly string[];
  ints: readonly number[];
  dates: readonly string[];
  dateTimes: readonly string[];
}

export function schemaDocumentGenerator(random: () => number, schema: GraphQLSchema, roots: readonly string[], pools: Pools, maxDepth = 5) {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const chance = (p: number) => random() < p;
  const query = schema.getQueryType()!;

  let variables: string[] = [];
  let values: Record<string, unknown> = {};
  let fragments: string[] = [];
  let fragmentOn = new Map<string, string[]>();
  let argumentsOf = new Map<string, string>();
  /** How often a selection is conditioned: half the documents have few conditions (most such run compiled). */
  let conditionRate = 0.25;

  function sample(type: GraphQLInputType, depth = 0): unknown {
    const t = getNullableType(type) as GraphQLInputType;
    if (isListType(t)) return Array.from({ length: Math.floor(random() * 3) }, () => sample(t.ofType, depth + 1));
    if (isEnumType(t)) return pick(t.getValues()).name;
    if (isInputObjectType(t)) {
      const out: Record<string, unknown> = {};
      for (const f of Object.values(t.getFields())) if (isNonNullType(f.type) || (depth < 2 && chance(0.3))) out[f.name] = sample(f.type, depth + 1);
      return out;
    }
    switch (getNamedType(t).name) {
      case 'Int': return pick(pools.ints);
      case 'Float': return pick([0, 1.5, -1]);
      case 'Boolean': return chance(0.5);
      case 'Date': return pick(pools.dates);
      case 'DateTime': return pick(pools.dateTimes);
      default: return pick(pools.strings);
    }
  }

  /** A literal of `type`, a variable now and then (declared with the argument's type, given, null or left out). */
  function value(type: GraphQLInputType, depth = 0, constant = false): string {
    // An input object's variable sends the operation to graphql-js (src/server/executor.ts): now and then only.
    if (!constant && chance(isInputObjectType(getNamedType(type)) ? 0.04 : 0.25)) {
      const name = `v${variables.length}`;
      const nonNull = isNonNullType(type);
      const withDefault = !nonNull && chance(0.15);
      variables.push(`$${name}: ${type.toString()}${withDefault ? ` = ${literal(type, depth, true)}` : ''}`);
      const given = random();
      if (given < 0.65 || nonNull) values[name] = sample(type);
      else if (given < 0.8) values[name] = null;
      return `$${name}`;
    }
    return literal(type, depth, constant);
  }

  /** A literal of `type`; a `constant` one (a variable's default) holds no variables. */
  function literal(type: GraphQLInputType, depth: number, constant = false): string {
    const t = getNullableType(type) as GraphQLInputType;
    if (isListType(t)) return `[${Array.from({ length: Math.floor(random() * 3) }, () => value(t.ofType, depth + 1, constant)).join(', ')}]`;
    if (isEnumType(t)) return pick(t.getValues()).name;
    if (isInputObjectType(t)) {
      const fields = Object.values(t.getFields()).filter((f) => isNonNullType(f.type) || (depth < 2 && chance(0.3)));
      return `{ ${fields.map((f) => `${f.name}: ${value(f.type, depth + 1, constant)}`).join(', ')} }`;
    }
    const v = sample(t);
    return typeof v === 'string' ? JSON.stringify(v) : String(v);
  }

  function argumentsFor(args: readonly GraphQLArgument[]): string {
    const given = args.filter((a) => isNonNullType(a.type) || chance(0.35));
    return given.length ? `(${given.map((a) => `${a.name}: ${value(a.type)}`).join(', ')})` : '';
  }

  function condition(): string {
    if (!chance(conditionRate)) return '';
    const name = pick(['skip', 'include']);
    if (chance(0.5)) return ` @${name}(if: ${pick(['true', 'false'])})`;
    const v = `v${variables.length}`;
    variables.push(`$${v}: Boolean!`);
    values[v] = chance(0.5);
    return ` @${name}(if: $${v})`;
  }

  /** A field of `parent` under a response key: the key's arguments as before, or a fresh alias. */
  function field(parent: GraphQLObjectType, f: GraphQLField<unknown, unknown>, depth: number): string {
    const args = argumentsFor(f.args);
    let key = chance(0.2) ? `${pick(['a', 'b'])}_${f.name}` : f.name;
    if ((argumentsOf.get(`${parent.name}.${key}`) ?? args) !== args) key = `${f.name}${argumentsOf.size}`;
    argumentsOf.set(`${parent.name}.${key}`, args);
    const head = `${key === f.name ? '' : `${key}: `}${f.name}${args}`;
    const text = () => `${head}${condition()}${isLeafType(getNamedType(f.type)) ? '' : ` { ${selections(f.type, depth + 1)} }`}`;
    // The same key again, under other conditions or none.
    return chance(0.12) ? `${text()} ${text()}` : text();
  }

  function objectSelections(type: GraphQLObjectType, depth: number): string {
    const fields = Object.values(type.getFields()).filter((f) => depth < maxDepth || isLeafType(getNamedType(f.type)));
    const out: string[] = [];
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      const r = random();
      if (r < 0.72 && fields.length) out.push(field(type, pick(fields), depth));
      else if (r < 0.82 && depth < maxDepth + 2) out.push(`...${chance(0.5) ? ` on ${type.name}` : ''}${condition()} { ${objectSelections(type, depth + 1)} }`);
      else if (r < 0.92 && depth < maxDepth) out.push(`...${fragment(type, depth)}${condition()}`);
      else out.push(`${chance(0.2) ? 'a___typename: ' : ''}__typename${condition()}`);
    }
    return out.join(' ');
  }

  function selections(type: GraphQLOutputType, depth: number): string {
    const named = getNamedType(type);
    if (isObjectType(named)) return objectSelections(named, depth);
    if (isAbstractType(named)) {
      const kinds = schema.getPossibleTypes(named);
      return ['__typename', ...kinds.filter(() => chance(0.6)).map((k) => `... on ${k.name}${condition()} { ${objectSelections(k, depth + 1)} }`)].join(' ');
    }
    return '__typename';
  }

  /** A named fragment on `type`: an earlier one, or one made now (holding spreads of earlier ones only: no cycle). */
  function fragment(type: GraphQLObjectType, depth: number): string {
    const earlier = fragmentOn.get(type.name) ?? [];
    if (earlier.length && chance(0.5)) return pick(earlier);
    const name = `F${fragments.length}`;
    fragments.push('');
    const index = fragments.length - 1;
    fragments[index] = `fragment ${name} on ${type.name} { ${objectSelections(type, depth + 1)} }`;
    fragmentOn.set(type.name, [...earlier, name]);
    return name;
  }

  return function next(): Case {
    variables = [];
    values = {};
    fragments = [];
    fragmentOn = new Map();
    argumentsOf = new Map();
    conditionRate = chance(0.5) ? 0.03 : 0.25;
    const fields = roots.map((r) => query.getFields()[r]);
    const out: string[] = [];
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
      const r = random();
      if (r < 0.85) out.push(field(query, pick(fields), 0));
      else out.push(`...${chance(0.5) ? ' on Query' : ''}${condition()} { ${field(query, pick(fields), 0)} }`);
    }
    const head = variables.length ? `query Q(${variables.join(', ')}) ` : '';
    return { text: `${head}{ ${out.join(' ')} }${fragments.map((f) => `\n${f}`).join('')}`, variables: values };
  };
}
