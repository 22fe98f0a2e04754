// Where graphql-jit, which runs most queries (src/server/executor.ts), and graphql-js part ways, tried by
// a department on a Harbin platform of the test's own (test/fixtures/harbin-jit): Harbin's civil affairs
// bureau reads the province's residents with their ID numbers (the key) and names masked.
//
// graphql-jit writes a field's literal arguments into the code it generates with JSON.stringify, then
// turns its own marker strings back into values: "__MAGIC_NAN__…" into NaN, "__MAGIC_DATE__…<text>" into
// `new Date(<text>)`, the text written into the code as it is. The markers are constants of its published
// source: a string literal that holds one ran the department's own JavaScript inside the gateway.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/harbin-jit/${p}`, import.meta.url));
const HARBIN = '230100-MZJ';
const PURPOSE = 'relief-check';
const RESIDENTS = '230000-GAT-00101';
const id = (first17: string) => first17 + idCardCheckDigit(first17);
const MINE = id('23010219750303001');
const residents = [
  { idNumber: MINE, division: '230102', fullName: '赵春生', income: '1200.50' },
  { idNumber: id('23020219750303002'), division: '230202', fullName: '钱秋月', income: '980.00' },
];

let gw: TestGateway;
const asHarbin = (document: string, variables?: Record<string, unknown>) => gw.query(document, { dept: HARBIN, purpose: PURPOSE, variables });

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml')] });
  const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === RESIDENTS)!;
  const file = join(gw.dataDir, `${RESIDENTS}.jsonl`);
  writeFileSync(file, residents.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await importRecords(gw.store, resource, file);
}, 60_000);
afterAll(() => gw?.close());

// graphql-jit 0.8.9's markers (src/execution.ts, objectStringify).
const MAGIC_DATE = '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d';
const ran = globalThis as { harbinJitRan?: number };
/** A string literal that, written into graphql-jit's code, becomes `new Date(0)&&(<code>)&&(0)`. */
const code = (js: string) => `${MAGIC_DATE}0)&&(${js})&&(0`;

describe('a string literal holding graphql-jit\'s markers', () => {
  it('runs nothing of the department\'s in a lookup key', async () => {
    delete ran.harbinJitRan;
    const res = await asHarbin(`{ hljPolice { resident(idNumber: "${code('globalThis.harbinJitRan=1')}") { division } } }`);
    expect(ran.harbinJitRan).toBeUndefined();
    expect(res.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
    expect(res.data?.hljPolice?.resident ?? null).toBeNull();
  });

  it('runs nothing of the department\'s in a filter, and is compared as the string it is', async () => {
    delete ran.harbinJitRan;
    const res = await asHarbin(`{ hljPolice { residents(filter: { division: { eq: "${code('globalThis.harbinJitRan=2')}" } }) { totalCount } } }`);
    expect(ran.harbinJitRan).toBeUndefined();
    expect(res.errors).toBeUndefined();
    expect(res.data!.hljPolice.residents.totalCount).toBe(0);
  });

  it('runs nothing written with escapes either (the marker is looked for in the parsed value)', async () => {
    delete ran.harbinJitRan;
    const escaped = code('globalThis.harbinJitRan=3').replace(/^__/, '\\u005F\\u005F');
    const res = await asHarbin(`{ hljPolice { residents(filter: { division: { eq: """${code('globalThis.harbinJitRan=4')}""" } }) { totalCount } }`
      + ` other: hljPolice { resident(idNumber: "${escaped}") { division } } }`);
    expect(ran.harbinJitRan).toBeUndefined();
    expect(res.errors).toBeUndefined();
  });

  it('the same filters without markers stay as they were', async () => {
    const res = await asHarbin(`{ hljPolice { residents(filter: { division: { in: ["230102", "230202"] } }) { totalCount nodes { division } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.hljPolice.residents.totalCount).toBe(1); // 230202 lies outside Harbin's rows
  });
});

// A variable without a default left out of the request, inside an argument's literal: graphql-js leaves the
// field out (no condition), graphql-jit wrote null there: `eq: $d` compared with null and found no row, a
// masked key compared so went uncounted by the quota (which reads arguments graphql-js's way), `in: $l`
// was refused. Such a request runs on graphql-js (src/server/executor.ts).
describe('a variable left out inside a filter', () => {
  it('leaves its condition out, as graphql-js does, instead of comparing with null', async () => {
    const res = await asHarbin('query($d: String) { hljPolice { residents(filter: { division: { eq: $d } }) { totalCount } } }', {});
    expect(res.errors).toBeUndefined();
    expect(res.data!.hljPolice.residents.totalCount).toBe(1);
  });

  it('on a masked key too', async () => {
    const res = await asHarbin('query($k: String) { hljPolice { residents(filter: { idNumber: { eq: $k } }) { totalCount } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.hljPolice.residents.totalCount).toBe(1);
  });

  it('for an in: the request is not refused', async () => {
    const res = await asHarbin('query($l: [String!], $d: String) { hljPolice { residents(filter: { division: { in: $l }, and: [{ division: { ne: $d } }] }) { totalCount } } }', { d: '230999' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.hljPolice.residents.totalCount).toBe(1);
  });

  it('given, even as null, it runs as before', async () => {
    const res = await asHarbin('query($d: String) { hljPolice { residents(filter: { division: { eq: $d } }) { totalCount } } }', { d: '230102' });
    expect(res.data!.hljPolice.residents.totalCount).toBe(1);
    const none = await asHarbin('query($d: String) { hljPolice { residents(filter: { division: { eq: $d } }) { totalCount } } }', { d: null });
    expect(none.errors).toBeUndefined();
    expect(none.data!.hljPolice.residents.totalCount).toBe(0);
  });
});

// `$__proto__`: graphql-jit coerces the variables into a plain object, where `__proto__` replaces its
// prototype, so the variable never reached the field; the limits read it graphql-js's way, through that
// prototype. A lookup by it answered INTERNAL_SERVER_ERROR, a cursor given so was dropped. Names beginning
// with "__" are GraphQL's own: refused as bad input before anything runs (src/limits/reserved-variables.ts).
describe('a variable whose name begins with "__"', () => {
  const proto = (value: unknown) => JSON.parse(`{"__proto__": ${JSON.stringify(value)}}`) as Record<string, unknown>;

  it('is refused as bad input for a lookup key, not an internal error', async () => {
    const res = await asHarbin('query($__proto__: String!) { hljPolice { resident(idNumber: $__proto__) { division } } }', proto(MINE));
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(/"\$__proto__".*reserved/);
    expect(res.data ?? null).toBeNull();
    expect((res as { status?: number }).status).toBe(400); // a client's input, not a server error
  });

  it('is refused where it held a cursor, instead of reading the first page', async () => {
    const res = await asHarbin('query($__proto__: String) { hljPolice { residents(after: $__proto__) { totalCount } } }', proto('not-a-cursor'));
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.data ?? null).toBeNull();
  });

  it('another name runs as before', async () => {
    const res = await asHarbin('query($proto: String!) { hljPolice { resident(idNumber: $proto) { division } } }', { proto: MINE });
    expect(res.errors).toBeUndefined();
    expect(res.data!.hljPolice.resident).toEqual({ division: '230102' });
  });
});
