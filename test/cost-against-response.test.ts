// maxCost's estimate (src/limits/cost.ts, costOf) against the response it bounds: random documents
// drawn from the schema itself (test/helpers/schema-documents.ts: aliases, a key asked twice, fragments
// spread more than once, @skip/@include literal or on variables given true or false) are run on a real
// gateway with records of its own, and the values each response holds (a field of an object one value,
// a list's elements' fields once per element) must never be more than the figure the limit compared.
// On Suzhou's platform of the cost tests, its civil affairs bureau's subsidy register with 7 records.
import { fileURLToPath } from 'node:url';
import { buildClientSchema, getIntrospectionQuery, parse, type IntrospectionQuery, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { costOf } from '../src/limits/cost.ts';
import { maxPageSize } from '../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { mulberry32 } from './helpers/random.ts';
import { importRecordsOf } from './helpers/records-of.ts';
import { schemaDocumentGenerator } from './helpers/schema-documents.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/suzhou-left/${p}`, import.meta.url));
const SEED = Number(process.env.COST_SEED ?? 320541);
const CASES = Number(process.env.COST_CASES ?? 150);
const ASKER = { dept: '320500-DSJ', purpose: 'subsidy-review' };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('subsidies.yaml')], limits: { maxCost: 10_000_000, maxAliases: 50, maxDepth: 30 } });
  await importRecordsOf(gw.store, '320500-MZJ-00041', Array.from({ length: 7 }, (_, i) => ({ subsidyNo: `SZ-${i}`, district: `D${i % 3}`, street: `S${i}`, months: i, monthly: 100 * i })));
}, 60_000);
afterAll(() => gw?.close());

/** The values a response holds: each field of each object (a list one value, its elements' fields each). */
function valuesIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + valuesIn(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.values(value).reduce((n: number, v) => n + 1 + valuesIn(v), 0);
}

it(`never holds more values than its estimate (seed ${SEED}, ${CASES} documents)`, async () => {
  const res = await gw.query(getIntrospectionQuery(), ASKER);
  const schema = buildClientSchema(res.data as unknown as IntrospectionQuery);
  const next = schemaDocumentGenerator(mulberry32(SEED), schema, ['szCivil', 'me'], { strings: ['SZ-1', 'SZ-3', 'D1', 'x', ''], ints: [0, 1, 3, 5, 20, -1], dates: ['2020-01-01'], dateTimes: ['2020-01-01T00:00:00Z'] }, 4);
  const over: string[] = [];
  let answered = 0;
  for (let i = 0; i < CASES; i++) {
    const c = next();
    const r = await gw.query(c.text, { ...ASKER, variables: c.variables });
    if (!r.data) continue;
    answered++;
    const document = parse(c.text);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    const estimate = costOf(gw.gateway.holder.schema.schema, document, operation, maxPageSize(gw.platform), c.variables);
    const held = valuesIn(r.data);
    if (held > estimate) over.push(`#${i} held ${held}, estimated ${estimate}: ${c.text} ${JSON.stringify(c.variables)}`);
  }
  expect(over.slice(0, 3)).toEqual([]);
  expect(answered).toBeGreaterThan(CASES / 3);
}, 120_000);
