// Limits of SPEC §13 and issue 9: the attacks of the issue are refused before any store read, with a
// message naming the limit, the document's figure and the bound; every query of the docs passes.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, getIntrospectionQuery, parse, specifiedRules, validate, type DocumentNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { mainThreadCpuMs, watchLoopHolds } from './helpers/loop-hold.ts';
import type { AccessContext } from '../src/access/context.ts';
import { selectedFields } from '../src/generate/selection.ts';
import { argumentFigures } from '../src/limits/arguments.ts';
import { documentLimitRules } from '../src/limits/document.ts';
import { countTokens } from '../src/limits/tokens.ts';
import { DEFAULT_LIMITS, limitsOf } from '../src/model/platform.ts';
import { durationMs, validatePlatform } from '../src/catalogue/platform.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';

const MZ = '430000-MZ';
const list1000 = (alias: string) =>
  `${alias}: humanResources { employmentRegistrations(first: 1000) { nodes { registrationNo idNumber fullName gender employerCode position contractType } } }`;

describe('the platform file', () => {
  const base = readDocument(DEMO_PLATFORM_FILE) as Record<string, unknown>;
  it('fills every limit in with its default', () => {
    const { platform } = validatePlatform(base);
    expect(platform?.limits).toEqual(DEFAULT_LIMITS);
    expect(platform?.trustedDocuments).toEqual({ mode: 'off', manifests: [] });
  });
  it('reads limits, durations, off buckets and manifests relative to the file', () => {
    const { platform, problems } = validatePlatform(
      {
        ...base,
        limits: { maxDepth: 8, concurrentPerDepartment: 1, rate: { perDepartment: 'off', perUser: { requests: 5, per: '2m' }, perPlatform: { requests: 50, per: '1m' } }, maskedProbes: { perHour: 10 } },
        trustedDocuments: { mode: 'require', manifests: ['clients/persisted-documents.json'] },
      },
      '/etc/govgraph/platform.yaml',
    );
    expect(problems).toEqual([]);
    expect(platform?.limits).toEqual({
      ...DEFAULT_LIMITS,
      maxDepth: 8,
      concurrentPerDepartment: 1,
      rate: { perDepartment: null, perUser: { requests: 5, perMs: 120_000 }, perPlatform: { requests: 50, perMs: 60_000 } },
      maskedProbes: { ...DEFAULT_LIMITS.maskedProbes, perHour: 10 },
    });
    expect(platform?.trustedDocuments).toEqual({ mode: 'require', manifests: ['/etc/govgraph/clients/persisted-documents.json'] });
    expect(durationMs('500ms')).toBe(500);
    expect(() => durationMs('0s')).toThrow('not a duration longer than zero: 0s');
  });
  it('refuses bad limits with a path and a message', () => {
    const { problems } = validatePlatform({ ...base, limits: { maxDepth: 0, rate: { perUser: { requests: 5, per: 'soon' } } }, trustedDocuments: { mode: 'maybe' } });
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['limits.maxDepth', 'limits.rate.perUser.per', 'trustedDocuments.mode']));
  });
  it('refuses a bound of queries at once that is not a whole number of at least one', () => {
    for (const bad of [0, 2.5, '4', 'off']) {
      const { problems } = validatePlatform({ ...base, limits: { concurrentPerDepartment: bad } });
      expect(problems.map((p) => p.path)).toEqual(['limits.concurrentPerDepartment']);
    }
  });
});

describe('document limits on a gateway', () => {
  let gw: TestGateway;
  let store: CountingStore;
  beforeAll(async () => {
    gw = await startTestGateway({ wrapStore: (s) => (store = countingStore(s)) });
  });
  afterAll(() => gw?.close());

  /** Posts the attack and returns the response with the resource collections the store was asked about. */
  async function attack(document: string) {
    store.reset();
    const res = await gw.query(document, { dept: MZ, purpose: 'social-assistance' });
    const reads = store.calls.filter((c) => /^(find|count|findByValues) r_/.test(c));
    return { res, reads };
  }

  const cases: [string, () => string, RegExp][] = [
    ['500 aliases of a 1,000-row list', () => `{ ${Array.from({ length: 500 }, (_, i) => list1000(`a${i}`)).join(' ')} }`, /maxTokens = 4000/],
    ['30 aliases of a 1,000-row list (within the tokens)', () => `{ ${Array.from({ length: 30 }, (_, i) => list1000(`a${i}`)).join(' ')} }`, /estimated number of field values is \d+, over the limit maxCost = 200000/],
    ['50,000 aliases of me', () => `{ ${Array.from({ length: 50_000 }, (_, i) => `m${i.toString(36)}:me{department}`).join(' ')} }`, /number of lexical tokens is more than 8000, over the limit maxTokens = 4000/],
    ['1,000 aliases of an introspection walk', () => `{ ${Array.from({ length: 1000 }, (_, i) => `s${i}: __schema { ...W }`).join(' ')} } fragment W on __Schema { types { name fields { name type { name ofType { name } } } } }`, /maxTokens = 4000/],
    ['40 aliases of an introspection walk', () => `{ ${Array.from({ length: 40 }, (_, i) => `s${i}: __schema { ...W }`).join(' ')} } fragment W on __Schema { types { name fields { name } } }`, /number of aliases is 40, over the limit maxAliases = 30/],
    ['20,000 operations in one document', () => Array.from({ length: 20_000 }, (_, i) => `query q${i} { me { department } }`).join('\n'), /maxTokens = 4000/],
    ['100 link levels deep', () => {
      let sel = 'name';
      for (let i = 0; i < 50; i++) sel = `legalRepresentativePerson { employer { ${sel} } }`;
      return `{ marketRegulation { enterpriseRegistrations(first: 1) { nodes { ${sel} } } } }`;
    }, /selection depth is \d+, over the limit maxDepth = 15/],
    // Within maxTokens, but more than graphql itself will read or check.
    ['a list value nested 3,900 deep', () => `{ marketRegulation { enterpriseRegistrations(filter: { name: { in: ${'['.repeat(3900)} } }) { totalCount } } }`,
      /^The document is too complex: its values or selections are nested too deeply for the parser\. Split it into smaller requests\.$/],
    ['one field repeated 1,000 times', () => `{ ${'__typename '.repeat(1000)} }`,
      /^The document is too complex: it repeats fields or fragments too often to be checked\. Split it into smaller requests\.$/],
    // Within maxDepth (9 of 15), but over graphql's own bound of introspection lists nested in each other
    // (found by the §13 walk: it came out as GRAPHQL_VALIDATION_FAILED, "Maximum introspection depth exceeded").
    ['an introspection nesting fields three deep', () => '{ __type(name: "Query") { fields { type { fields { type { fields { name } } } } } } }',
      /^The document is too complex: its introspection nests the lists fields, inputFields, interfaces and possibleTypes three deep \(two at most: ask for the types one level at a time\)\. Split it into smaller requests\.$/],
  ];
  for (const [name, make, message] of cases) {
    it(`refuses ${name} before any store read`, async () => {
      const { res, reads } = await attack(make());
      expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(res.errors?.[0].message).toMatch(message);
      expect(res.data ?? null).toBeNull();
      expect(reads).toEqual([]);
    });
  }

  it('names the limit, the figure and the bound in extensions too', async () => {
    const { res } = await attack(`{ ${Array.from({ length: 31 }, (_, i) => `m${i}: me { department }`).join(' ')} }`);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      {
        message: 'The document is too complex: its number of aliases is 31, over the limit maxAliases = 30. Split it into smaller requests.',
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases', figure: 31, bound: 30 },
      },
    ]);
  });

  it("lets every query of the README and docs through, and GraphiQL's introspection", () => {
    const schema = gw.gateway.holder.schema.schema;
    const docs = ['README.md', ...readdirSync('docs').map((f) => `docs/${f}`)].map((f) => readFileSync(f, 'utf8'));
    const documents: string[] = [getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true })];
    for (const text of docs) {
      for (const m of text.matchAll(/```graphql\n([\s\S]*?)```/g)) documents.push(m[1]);
      for (const m of text.matchAll(/"query":"((?:[^"\\]|\\.)*)"/g)) documents.push(JSON.parse(`"${m[1]}"`) as string);
    }
    for (const f of readdirSync('examples/client').filter((f) => f.endsWith('.graphql'))) documents.push(readFileSync(`examples/client/${f}`, 'utf8'));
    expect(documents.length).toBeGreaterThan(20);
    const rules = documentLimitRules(DEFAULT_LIMITS, 1000);
    for (const doc of documents) {
      let ast;
      try {
        ast = parse(doc.replace(/"<[^>]*>"/g, '"x"'));
      } catch {
        continue; // a fragment of a document shown in prose, not a whole one
      }
      expect(countTokens(doc)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxTokens);
      const limitErrors = validate(schema, ast, [...specifiedRules, ...rules]).filter((e) => /too complex/.test(e.message));
      expect(limitErrors.map((e) => e.message), doc).toEqual([]);
    }
  });

  it('bounds filters with BAD_USER_INPUT, never STORE_UNAVAILABLE', async () => {
    const q = 'query($f: EmploymentRegistrationFilter) { humanResources { employmentRegistrations(filter: $f) { totalCount } } }';
    const wide = { or: Array.from({ length: 5000 }, (_, i) => ({ registrationNo: { eq: `JY${i}` } })) };
    const contains = { or: Array.from({ length: 900 }, (_, i) => ({ position: { contains: `x${i}` } })) };
    let deep: Record<string, unknown> = { position: { eq: 'x' } };
    for (let i = 0; i < 7; i++) deep = { and: [deep] };
    for (const [f, message] of [
      [wide, /more than 50 conditions \(limits.filter.maxConditions\)/],
      [contains, /more than 50 conditions/],
      [deep, /nested 6 deep; the limit is 5 \(limits.filter.maxDepth\)/],
    ] as const) {
      store.reset();
      const res = await gw.query(q, { dept: MZ, purpose: 'social-assistance', variables: { f } });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(message);
      expect(store.calls.filter((c) => /^(find|count) r_/.test(c))).toEqual([]);
    }
    // A variable nested far deeper than any filter is refused as such, without overflowing the stack.
    const bomb = `{"query":${JSON.stringify(q)},"variables":{"f":{"and":${'['.repeat(100_000)}1${']'.repeat(100_000)}}}}`;
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(MZ)}`, 'x-purpose': 'social-assistance' },
      body: bomb,
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  // A kilobyte of text, 2^n fields: n nested fragments, each spreading the next twice. Every walk of the
  // document (its cost, its arguments, the read plans) takes each fragment once, so it is refused at once
  // and the event loop stays free; walked spread by spread, 22 of them held the loop for seconds (26 of them, for
  // minutes). graphql merges the spreads of one fragment at one level, so the response holds one field of
  // each record, but graphql-jit's compilation walks them spread by spread (22 of them: 6 s): they are
  // refused by the fields they select, whatever the page.
  describe('nested fragments each spreading the next twice', () => {
    /**
     * How many times each fragment's selections are read, counted rather than timed: a walk that follows
     * each fragment once reads each once, one that follows every spread reads F(i) 2^i times.
     */
    const fragmentReads = (document: DocumentNode): (() => Map<string, number>) => {
      const reads = new Map<string, number>();
      for (const d of document.definitions) {
        if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
        const set = d.selectionSet;
        reads.set(d.name.value, 0);
        Object.defineProperty(d, 'selectionSet', { enumerable: true, get: () => (reads.set(d.name.value, reads.get(d.name.value)! + 1), set) });
      }
      return () => reads;
    };
    const twiceOver = (n: number, on: string, leaf: string) =>
      `${Array.from({ length: n }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${n} on ${on} { ${leaf} }`;
    const N = 22;
    const registrations = twiceOver(N, 'EmploymentRegistration', 'registrationNo');
    const fields = 2 ** N + 3;

    it.each([
      ['under a list of first: 1', `{ humanResources { employmentRegistrations(first: 1) { nodes { ...F0 } } } } ${registrations}`, undefined, `number of fields selected, fragments followed is ${fields}`],
      // The list holds nothing, but planning and compiling the operation walk every field below it.
      ['under a list of first: 0', `{ humanResources { employmentRegistrations(first: 0) { nodes { ...F0 } } } } ${registrations}`, undefined, `number of fields selected, fragments followed is ${fields}`],
      ['under a list of first: $n, n = 0', `query($n: Int) { humanResources { employmentRegistrations(first: $n) { nodes { ...F0 } } } } ${registrations}`, { n: 0 }, `number of fields selected, fragments followed is ${fields}`],
    ])('refuses them %s with work of the size of the document, before any store read, the loop never held', async (_what, document, variables, figure) => {
      expect(document.length).toBeLessThan(1500);
      store.reset();
      const holds = watchLoopHolds();
      const cpuBefore = mainThreadCpuMs();
      const res = await gw.query(document, { dept: MZ, purpose: 'social-assistance', variables });
      const cpu = cpuBefore === null ? null : mainThreadCpuMs()! - cpuBefore;
      const held = holds.stop();
      expect(res.errors).toEqual([expect.objectContaining({
        message: `The document is too complex: its ${figure}, over the limit maxCost = 200000. Split it into smaller requests.`,
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', figure: fields, bound: 200000 },
      })]);
      expect(store.calls.filter((c) => /^(find|count|findByValues) r_/.test(c))).toEqual([]);
      // The work the gateway's thread did, not the time it took (a busy machine stretches that, not this):
      // tens of milliseconds; a walk of every spread, 2^22 of them, takes seconds of it, at once or in turns.
      if (cpu !== null) expect(cpu).toBeLessThan(1000);
      if (held !== null) expect(held).toBeLessThan(1000);
    });

    it('counts the contains of a filter in them once per spread, walking each fragment once', () => {
      const schema = gw.gateway.holder.schema.schema;
      const document = parse(`{ humanResources { ...F0 } } ${twiceOver(24, 'HumanResourcesResources', 'employmentRegistrations(first: 0, filter: { position: { contains: "x" } }) { totalCount }')}`);
      const operation = document.definitions[0] as OperationDefinitionNode;
      const access = { peekItem: () => ({ allowed: true, mask: null }) } as unknown as AccessContext; // no masked item is compared
      const reads = fragmentReads(document);
      const figures = argumentFigures({ schema, document, operation, variables: undefined, model: gw.gateway.holder.schema.model, access, limits: limitsOf(gw.platform) });
      expect(figures.contains).toBe(2 ** 24);
      expect(reads()).toEqual(new Map(Array.from({ length: 25 }, (_, i) => [`F${i}`, 1])));
    });

    it('the read plans collect each fragment once', () => {
      const document = parse(`{ ...F0 } ${twiceOver(24, 'Query', 'me { department }')}`);
      const fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
      const operation = document.definitions[0] as OperationDefinitionNode;
      const reads = fragmentReads(document);
      const selected = selectedFields({ fragments } as unknown as GraphQLResolveInfo, [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'x' }, selectionSet: operation.selectionSet }]);
      expect([...selected.keys()]).toEqual(['me']);
      expect(reads()).toEqual(new Map(Array.from({ length: 25 }, (_, i) => [`F${i}`, 1])));
    });
  });
});

describe('filters written in the document', () => {
  let gw: TestGateway;
  let store: CountingStore;
  beforeAll(async () => {
    gw = await startTestGateway({ wrapStore: (s) => (store = countingStore(s)) });
  });
  afterAll(() => gw?.close());

  /** A filter as a GraphQL literal. */
  const literal = (v: unknown): string =>
    Array.isArray(v) ? `[${v.map(literal).join(', ')}]`
      : v && typeof v === 'object' ? `{ ${Object.entries(v).map(([k, x]) => `${k}: ${literal(x)}`).join(', ')} }`
        : JSON.stringify(v);

  it('bounds them as under variables, on every request (their figures are kept with the document)', async () => {
    const wide = { or: Array.from({ length: 51 }, (_, i) => ({ registrationNo: { eq: `JY${i}` } })) };
    const contains = { or: Array.from({ length: 51 }, (_, i) => ({ position: { contains: `x${i}` } })) };
    let deep: Record<string, unknown> = { position: { eq: 'x' } };
    for (let i = 0; i < 7; i++) deep = { and: [deep] };
    for (const [f, message] of [
      [wide, 'employmentRegistrations.filter.or[50]: the filter has more than 50 conditions (limits.filter.maxConditions); split the request or use in.'],
      [contains, 'employmentRegistrations.filter.or[50]: the filter has more than 50 conditions (limits.filter.maxConditions); split the request or use in.'],
      [deep, 'employmentRegistrations.filter.and[0].and[0].and[0].and[0].and[0].and[0]: and/or is nested 6 deep; the limit is 5 (limits.filter.maxDepth).'],
    ] as const) {
      const q = `{ humanResources { employmentRegistrations(filter: ${literal(f)}) { totalCount } } }`;
      for (let i = 0; i < 2; i++) {
        store.reset();
        const res = await gw.query(q, { dept: MZ, purpose: 'social-assistance' });
        expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', message]]);
        expect(store.calls.filter((c) => /^(find|count) r_/.test(c))).toEqual([]);
      }
    }
    // Within the bounds, the same shape runs.
    const fine = { or: Array.from({ length: 50 }, (_, i) => ({ registrationNo: { eq: `JY${i}` } })) };
    const res = await gw.query(`{ humanResources { employmentRegistrations(filter: ${literal(fine)}) { totalCount } } }`, { dept: MZ, purpose: 'social-assistance' });
    expect(res.errors).toBeUndefined();
  });
});

describe('contains counts toward the cost', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const base = await startTestGateway();
    const platform = { ...base.platform, limits: { ...DEFAULT_LIMITS, maxCost: 5000 } };
    await base.close();
    gw = await startTestGateway({ gateway: { platform } });
  });
  afterAll(() => gw?.close());

  it('refuses five contains over a cost of 5000, and runs the same page with eq', async () => {
    const q = 'query($f: EmploymentRegistrationFilter) { humanResources { employmentRegistrations(filter: $f, first: 20) { nodes { registrationNo } } } }';
    const filter = (op: string) => ({ or: Array.from({ length: 5 }, (_, i) => ({ position: { [op]: `p${i}` } })) });
    const refused = await gw.query(q, { dept: MZ, purpose: 'social-assistance', variables: { f: filter('contains') } });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: 5000 });
    expect(refused.errors?.[0].message).toMatch(/contains counts as a page maximum\) is 5023, over the limit maxCost = 5000/);
    const fine = await gw.query(q, { dept: MZ, purpose: 'social-assistance', variables: { f: filter('eq') } });
    expect(fine.errors).toBeUndefined();
  });

  it('counts the contains of a filter written in the document on every request', async () => {
    const written = (op: string) => `{ humanResources { employmentRegistrations(filter: { or: [${Array.from({ length: 5 }, (_, i) => `{ position: { ${op}: "p${i}" } }`).join(', ')}] }, first: 20) { nodes { registrationNo } } } }`;
    for (let i = 0; i < 2; i++) {
      const refused = await gw.query(written('contains'), { dept: MZ, purpose: 'social-assistance' });
      expect(refused.errors?.[0].message).toMatch(/contains counts as a page maximum\) is 5023, over the limit maxCost = 5000/);
    }
    expect((await gw.query(written('eq'), { dept: MZ, purpose: 'social-assistance' })).errors).toBeUndefined();
  });

  it('estimates a variable first per request: the same document runs with 10 and is refused with 1000', async () => {
    const q = 'query($n: Int) { humanResources { employmentRegistrations(first: $n) { nodes { registrationNo fullName position gender employerCode contractType } } } }';
    expect((await gw.query(q, { dept: MZ, purpose: 'social-assistance', variables: { n: 10 } })).errors).toBeUndefined();
    const refused = await gw.query(q, { dept: MZ, purpose: 'social-assistance', variables: { n: 1000 } });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', figure: 6003, bound: 5000 });
    // What drove it: the page of the variables (no contains in this one).
    expect(refused.errors?.[0].message).toBe(
      'The document is too complex: its estimated number of field values (with the pages its variables ask for and the fields they include) is 6003, over the limit maxCost = 5000. Split it into smaller requests.',
    );
    // Without the variable, the schema's default page (20) applies.
    expect((await gw.query(q, { dept: MZ, purpose: 'social-assistance' })).errors).toBeUndefined();
  });

  it('estimates a first given as null as the default page the list serves, not a page maximum', async () => {
    const nodes = '{ nodes { registrationNo fullName position gender employerCode contractType } }';
    // A variable sent as null is null, not its default of 1000.
    const q = `query($n: Int = 1000) { humanResources { employmentRegistrations(first: $n) ${nodes} } }`;
    expect((await gw.query(q, { dept: MZ, purpose: 'social-assistance', variables: { n: null } })).errors).toBeUndefined();
    expect((await gw.query(q, { dept: MZ, purpose: 'social-assistance' })).errors?.[0].extensions).toMatchObject({ limit: 'maxCost', figure: 6003 });
    const written = await gw.query(`{ humanResources { employmentRegistrations(first: null) ${nodes} } }`, { dept: MZ, purpose: 'social-assistance' });
    expect(written.errors).toBeUndefined();
  });
});
