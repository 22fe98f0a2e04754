// Random query documents over the Nanning platform's schema (test/fixtures/nanning-jitdiff), for the
// differential test of the executors (test/jit-differential-nanning.test.ts): aliases, repeated fields,
// fragments (inline and named), @skip/@include with literals and variables, links both ways, filters with
// in/contains/startsWith on every item type, orders, pages with cursors, variables given, null, left out
// or defaulted, enum and custom scalar literals, unicode, escapes, long strings and numbers at the edges.
// Deterministic: the same `random` sequence makes the same documents.

export interface Case {
  text: string;
  variables: Record<string, unknown>;
  /** Sent when the document holds more than one operation (now and then a wrong one). */
  operationName?: string;
}

/** What the generator draws from: the records' keys and cursors read before the walk. */
export interface Corpus {
  idNumbers: string[];
  creditCodes: string[];
  cursors: string[];
}

type Kind = 'String' | 'Int' | 'Float' | 'Boolean' | 'Decimal' | 'Date' | 'DateTime' | 'GxResidentStatus' | 'GxEnterpriseKind';
interface Item { name: string; kind: Kind }

const RESIDENT: Item[] = [
  { name: 'idNumber', kind: 'String' }, { name: 'division', kind: 'String' }, { name: 'fullName', kind: 'String' },
  { name: 'income', kind: 'Decimal' }, { name: 'born', kind: 'Date' }, { name: 'updatedAt', kind: 'DateTime' },
  { name: 'household', kind: 'Int' }, { name: 'score', kind: 'Float' }, { name: 'disabled', kind: 'Boolean' },
  { name: 'status', kind: 'GxResidentStatus' }, { name: 'notes', kind: 'String' }, { name: 'employerCode', kind: 'String' },
];
const ENTERPRISE: Item[] = [
  { name: 'creditCode', kind: 'String' }, { name: 'name', kind: 'String' }, { name: 'capital', kind: 'Decimal' },
  { name: 'kind', kind: 'GxEnterpriseKind' }, { name: 'founded', kind: 'Date' }, { name: 'legalRepId', kind: 'String' },
  { name: 'taxNote', kind: 'String' },
];
type TypeName = 'GxResident' | 'GxEnterprise';
const ITEMS: Record<TypeName, Item[]> = { GxResident: RESIDENT, GxEnterprise: ENTERPRISE };
const LINKS: Record<TypeName, { field: string; to: TypeName }> = {
  GxResident: { field: 'employer', to: 'GxEnterprise' },
  GxEnterprise: { field: 'legalRep', to: 'GxResident' },
};
const LISTS: Record<TypeName, { ns: string; list: string; byKey: string; key: string }> = {
  GxResident: { ns: 'gxPublicSecurity', list: 'residents', byKey: 'resident', key: 'idNumber' },
  GxEnterprise: { ns: 'gxMarketRegulation', list: 'enterprises', byKey: 'enterprise', key: 'creditCode' },
};

const LONG = '邕'.repeat(3000) + 'x'.repeat(5000);
const STRINGS = [
  '', '4501', '450102', '450103', '4502', '南宁', '邕宁', '李', 'Nanning', '%', '_', '\\', '"', '\n', '\u0000', '😀', '\u2028',
  '__proto__', 'constructor', 'toString', '${x}', '`', "'", '</script>', LONG, 'a'.repeat(70_000).slice(0, 200),
];
const INTS = ['0', '1', '-1', '2', '20', '1000', '1001', '2147483647', '-2147483648'];
const FLOATS = ['0.0', '-0.0', '1.5', '1e308', '-1e308', '5e-324', '3.14159', '1E2', '2147483648.5'];
const DECIMALS = ['"0"', '"1200.50"', '"-0.01"', '"99999999999999999999.99"', '1200', '1.5'];
const DATES = ['"1990-01-01"', '"2024-02-29"', '"9999-12-31"', '"0000-01-01"'];
const DATETIMES = ['"2026-01-01T00:00:00Z"', '"2026-01-01T08:00:00+08:00"', '"1970-01-01T00:00:00.000Z"'];
const ALIASES = ['a', 'b', 'x', 'a', 'b', 'x', 'r', '__proto__x', 'idNumber', 'nodes'];

export function documentGenerator(random: () => number, corpus: Corpus) {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const chance = (p: number) => random() < p;

  let variables: { name: string; type: string; defaultValue?: string }[] = [];
  let values: Record<string, unknown> = {};
  let fragments: string[] = [];
  let fragmentTypes: TypeName[] = [];

  /** A GraphQL string literal of `s`, sometimes with escapes, sometimes as a block string. */
  function stringLiteral(s: string): string {
    if (chance(0.1) && !/["\\\u0000-\u001f\u2028]/.test(s)) return `"""${s}"""`;
    const json = JSON.stringify(s);
    if (chance(0.2)) return json.replace(/[\u4e00-\u9fff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return json.replace(/\u2028/g, '\\u2028');
  }

  function stringValue(): string {
    if (chance(0.3) && corpus.idNumbers.length) return pick(corpus.idNumbers);
    if (chance(0.15)) return pick(corpus.creditCodes);
    return pick(STRINGS);
  }

  /** A variable of `type` (its value given, null, left out, or its default), used where `use` says. */
  function variable(type: string, sample: () => unknown, nullable = true): string {
    const name = `v${variables.length}`;
    const r = random();
    const def: { name: string; type: string; defaultValue?: string } = { name, type: nullable ? type : `${type}!` };
    if (r < 0.15 && nullable) def.defaultValue = literalOf(type);
    variables.push(def);
    const given = random();
    if (given < 0.06) values[name] = hostile(type);
    else if (given < 0.6) values[name] = sample();
    else if (given < 0.75 && nullable) values[name] = null;
    else if (!nullable && !def.defaultValue) values[name] = sample();
    return `$${name}`;
  }

  /** A value of another shape than the variable's type: graphql coerces some (one value for a list), refuses others. */
  function hostile(type: string): unknown {
    const list = /^\[(\w+)!\]$/.exec(type);
    if (list) return chance(0.5) ? sampleOf(list[1]) : [sampleOf(list[1]), null];
    return pick(['1', 1, 1.0000001, true, 'true', {}, [], [sampleOf(type)], { eq: 'x' }, '', -0, 1e21, 'SETTLED ', '\u0000', '__proto__']);
  }

  /** A variable with a default: given, given null, or left out. */
  function defaulted(type: string, defaultValue: string, sample: () => unknown): string {
    const name = `v${variables.length}`;
    variables.push({ name, type, defaultValue });
    if (chance(0.6)) values[name] = chance(0.1) ? null : sample();
    return `$${name}`;
  }

  /** Mostly values of the type, now and then one it refuses (the whole document is then refused). */
  const valid = <T>(values: readonly T[], invalid: readonly T[]): T => (chance(0.04) ? pick(invalid) : pick(values));

  function literalOf(kind: string): string {
    switch (kind) {
      case 'String': return stringLiteral(stringValue());
      case 'Int': return valid(INTS, ['2147483648', '1.5']);
      case 'Float': return pick([...FLOATS, ...INTS.slice(0, 4)]);
      case 'Boolean': return pick(['true', 'false']);
      case 'Decimal': return valid(DECIMALS, ['"1e3"', '"abc"']);
      case 'Date': return valid(DATES, ['"2023-02-29"', '"1990-1-1"']);
      case 'DateTime': return valid(DATETIMES, ['"2026-13-01T00:00:00Z"']);
      case 'GxResidentStatus': return valid(['SETTLED', 'MOVED', 'DECEASED'], ['settled']);
      case 'GxEnterpriseKind': return pick(['STATE', 'PRIVATE', 'FOREIGN']);
      default: return 'null';
    }
  }

  function sampleOf(kind: string): unknown {
    switch (kind) {
      case 'String': return stringValue();
      case 'Int': return valid([0, 1, -1, 20, 2147483647, -2147483648], [2147483648, 1.5]);
      case 'Float': return pick([0, -0, 1.5, 1e308, 5e-324, 3]);
      case 'Boolean': return pick([true, false]);
      case 'Decimal': return valid(['0', '1200.50', '-0.01', '99999999999999999999.99', 1200], ['abc']);
      case 'Date': return valid(['1990-01-01', '2024-02-29'], ['2023-02-29']);
      case 'DateTime': return valid(['2026-01-01T00:00:00Z', '2026-01-01T08:00:00+08:00'], ['nope']);
      case 'GxResidentStatus': return valid(['SETTLED', 'MOVED'], ['settled']);
      case 'GxEnterpriseKind': return pick(['STATE', 'PRIVATE']);
      default: return null;
    }
  }

  /** A value in an argument: a literal, or a variable (inside the literal around it). */
  const valueOf = (kind: string) => (chance(0.3) ? variable(kind, () => sampleOf(kind)) : literalOf(kind));

  function condition(): string {
    if (!chance(0.25)) return '';
    const name = pick(['skip', 'include']);
    const test = chance(0.5) ? pick(['true', 'false']) : chance(0.7) ? variable('Boolean', () => pick([true, false]), false) : defaulted("Boolean", pick(["true", "false"]), () => pick([true, false]));
    return ` @${name}(if: ${test})`;
  }

  /** Now and then both directives on one selection (graphql-js decides @skip first). */
  function condition2(): string {
    const c = condition();
    if (!c || !chance(0.2)) return c;
    const other = c.startsWith(' @skip') ? 'include' : 'skip';
    return `${c} @${other}(if: ${chance(0.5) ? pick(['true', 'false']) : variable('Boolean', () => pick([true, false]), false)})`;
  }

  function itemFilter(type: TypeName): string {
    const item = pick(ITEMS[type]);
    const isOrderable = !['Boolean', 'GxResidentStatus', 'GxEnterpriseKind', 'String'].includes(item.kind);
    const ops = ['eq', 'ne', 'in', ...(item.kind === 'String' ? ['startsWith', 'contains'] : []), ...(isOrderable ? ['gt', 'lte'] : [])];
    const op = item.kind === 'Boolean' ? 'eq' : pick(ops);
    if (op === 'in') {
      if (chance(0.2)) return `${item.name}: { in: ${variable(`[${item.kind}!]`, () => [sampleOf(item.kind), sampleOf(item.kind)])} }`;
      const n = Math.floor(random() * 4);
      const element = () => (chance(0.3) ? variable(item.kind, () => sampleOf(item.kind), false) : literalOf(item.kind));
      return `${item.name}: { in: [${Array.from({ length: n }, element).join(', ')}] }`;
    }
    return `${item.name}: { ${op}: ${valueOf(item.kind)} }`;
  }

  function filter(type: TypeName, depth = 0): string {
    const parts = [...new Map(Array.from({ length: 1 + Math.floor(random() * 2) }, () => itemFilter(type)).map((p) => [p.split(':')[0], p])).values()];
    if (depth < 1 && chance(0.3)) parts.push(`${pick(['and', 'or'])}: [${filter(type, depth + 1)}, ${filter(type, depth + 1)}]`);
    return `{ ${parts.join(', ')} }`;
  }

  function listArguments(type: TypeName): string {
    const args: string[] = [];
    if (chance(0.5)) args.push(`filter: ${filter(type)}`);
    else if (chance(0.1)) args.push(`filter: ${variable(`${type}Filter`, () => ({ [pick(ITEMS[type]).name === 'division' ? 'division' : ITEMS[type][0].name]: { ne: 'x' } }))}`);
    if (chance(0.4)) {
      const item = pick(ITEMS[type]);
      const direction = chance(0.3) ? `, direction: ${variable('OrderDirection', () => pick(['ASC', 'DESC']))}` : chance(0.5) ? `, direction: ${pick(['ASC', 'DESC'])}` : '';
      args.push(`orderBy: [{ field: ${item.name}${direction} }${chance(0.3) ? `, { field: ${pick(ITEMS[type]).name} }` : ''}]`);
    }
    if (chance(0.4)) args.push(`first: ${chance(0.3) ? variable('Int', () => pick([0, 1, 2, 3, 1000, -1])) : pick(['0', '1', '2', '3', '5', '1000', '1001', '-1', '2147483647'])}`);
    if (chance(0.2)) args.push(`after: ${chance(0.5) ? variable('String', () => pick([...corpus.cursors, 'bogus', ''])) : stringLiteral(pick([...corpus.cursors, 'bogus', '']))}`);
    return args.length ? `(${args.join(', ')})` : '';
  }

  function fieldsOf(type: TypeName, depth: number): string {
    const out: string[] = [];
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      const r = random();
      const alias = (field: string) => (chance(0.2) ? `${chance(0.1) ? pick(ALIASES) : `${pick(['a', 'b'])}_${field}`}: ` : '');
      const item = pick(ITEMS[type]).name;
      if (r < 0.6) out.push(`${alias(item)}${item}${condition2()}`);
      else if (r < 0.72 && depth < 3) out.push(`${alias(LINKS[type].field)}${LINKS[type].field}${condition()} { ${fieldsOf(LINKS[type].to, depth + 1)} }`);
      else if (r < 0.82) out.push(`...${chance(0.5) ? ` on ${type}` : ''}${condition()} { ${fieldsOf(type, depth + 1)} }`);
      else if (r < 0.9 && depth < 3) out.push(`...${fragment(type, depth + 1)}${condition()}`);
      else if (r < 0.95) out.push(`${alias('__typename')}__typename${condition()}`);
      else out.push(`${alias('_objections')}_objections${condition()} { item }`);
    }
    // A field asked twice, once under a condition (the known key-order case among others).
    if (chance(0.15)) out.push(`${pick(ITEMS[type]).name}${condition()}`);
    return out.join(' ');
  }

  /** A named fragment on `type` (its own, made now): fragments hold no spreads of later ones, so no cycle. */
  function fragment(type: TypeName, depth: number): string {
    const existing = fragmentTypes.findIndex((t) => t === type);
    if (existing >= 0 && chance(0.5)) return `F${existing}`;
    const index = fragments.length;
    fragments.push('');
    fragmentTypes.push(type);
    fragments[index] = `fragment F${index} on ${type} { ${fieldsOf(type, depth + 1)} }`;
    return `F${index}`;
  }

  function connection(type: TypeName, depth: number): string {
    const out: string[] = [];
    const n = 1 + Math.floor(random() * 3);
    for (let i = 0; i < n; i++) {
      const r = random();
      const alias = (field: string) => (chance(0.15) ? `${pick(['a', 'b'])}_${field}: ` : '');
      if (r < 0.5) out.push(`${alias('nodes')}nodes${condition()} { ${fieldsOf(type, depth)} }`);
      else if (r < 0.75) out.push(`${alias('totalCount')}totalCount${condition()}`);
      else if (r < 0.9) out.push(`${alias('pageInfo')}pageInfo${condition()} { ${chance(0.5) ? 'hasNextPage ' : ''}endCursor }`);
      else out.push(`... on ${type}Connection${condition()} { totalCount }`);
    }
    return out.join(' ');
  }

  /** The arguments each response key of a namespace was given: a key given others is aliased afresh (no conflict). */
  let argumentsOf = new Map<string, string>();

  function namespace(type: TypeName): string {
    const { ns, list, byKey, key } = LISTS[type];
    const out: string[] = [];
    const keyed = (field: string, args: string) => {
      let name = chance(0.3) ? `${pick(['a', 'b'])}_${field}` : field;
      if ((argumentsOf.get(`${ns}.${name}`) ?? args) !== args) name = `${field}${argumentsOf.size}`;
      argumentsOf.set(`${ns}.${name}`, args);
      return name === field ? field : `${name}: ${field}`;
    };
    const n = 1 + Math.floor(random() * 2);
    for (let i = 0; i < n; i++) {
      if (chance(0.7)) {
        const args = listArguments(type);
        const head = keyed(list, args);
        out.push(`${head}${args}${condition()} { ${connection(type, 1)} }`);
        // The same list again (same arguments: no conflict), under other conditions or none.
        if (chance(0.15)) out.push(`${head}${args}${condition()} { ${connection(type, 1)} }`);
      } else {
        const keyValue = chance(0.3) ? variable('String', () => pick(type === 'GxResident' ? corpus.idNumbers : corpus.creditCodes), false) : stringLiteral(pick(type === 'GxResident' ? corpus.idNumbers : corpus.creditCodes));
        const args = `(${key}: ${keyValue})`;
        out.push(`${keyed(byKey, args)}${args}${condition()} { ${fieldsOf(type, 1)} }`);
      }
    }
    return out.join(' ');
  }

  return function next(): Case {
    variables = [];
    values = {};
    fragments = [];
    fragmentTypes = [];
    argumentsOf = new Map();
    const roots: string[] = [];
    const n = 1 + Math.floor(random() * 2);
    for (let i = 0; i < n; i++) {
      const type: TypeName = chance(0.6) ? 'GxResident' : 'GxEnterprise';
      // A namespace aliased only by its own names: `a_gxPublicSecurity` is another response key, merged apart.
      const alias = chance(0.2) ? `a_${LISTS[type].ns}: ` : '';
      if (alias) for (const k of [...argumentsOf.keys()]) if (k.startsWith(`${LISTS[type].ns}.`)) argumentsOf.delete(k);
      roots.push(`${alias}${LISTS[type].ns}${chance(0.08) ? condition() : ''} { ${namespace(type)} }`);
    }
    if (chance(0.1)) roots.push('me { department roles }');
    if (chance(0.05)) roots.push(pick(['__typename', 'a___typename: __typename', '__schema { queryType { name } }', '__type(name: "GxResident") { name }']));
    const head = variables.length ? `query Q(${variables.map((v) => `$${v.name}: ${v.type}${v.defaultValue ? ` = ${v.defaultValue}` : ''}`).join(', ')}) ` : chance(0.5) ? 'query Q ' : '';
    const text = `${head}{ ${roots.join(' ')} }${fragments.map((f) => `\n${f}`).join('')}`;
    // Another operation beside it, sharing its fragments: the one named runs (its cache is the operation's).
    if (head.startsWith('query Q') && chance(0.1)) {
      const other = `\nquery Other { gxPublicSecurity { residents(first: 1) { totalCount nodes { division } } } }`;
      return { text: text + other, variables: values, operationName: pick(['Q', 'Q', 'Other', 'Missing']) };
    }
    return { text, variables: values };
  };
}
