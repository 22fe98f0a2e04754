// What recognising stored values that do not fit a retyped item costs (src/server/unfit-values.ts), per
// response, in-process: the schema holder calls replaceUnfitValues only when an execution produced errors,
// so a read without errors pays nothing. Measured here:
//   - a response carrying a denial (errors with codes: the common case with errors; nothing is replaced),
//   - the defect itself: 100 rows whose 3 retyped items each failed serialisation (300 errors replaced by
//     3, the field found through the document once per path pattern).
// CPU time per response (process.cpuUsage), interleaved rounds, minimum and median.
// Run: npx tsx bench/unfit-values.ts [--rounds 10]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GraphQLError, parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { replaceUnfitValues } from '../src/server/unfit-values.ts';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i > 0 ? Number(process.argv[i + 1]) : 10;
const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/retyped/${name}`, import.meta.url));

const platform = loadPlatform(fixture('platform.yaml'));
const catalogue = parseYaml(readFileSync(fixture('catalogue.yaml'), 'utf8')) as Catalogue;
catalogue.resources[0].items = catalogue.resources[0].items.map((it) => (it.name === 'income' || it.name === 'householdSize' ? { ...it, type: 'int' as const } : it));
const built = buildGatewaySchema(platform, [catalogue]);
const document = parse(`{ civilAffairs { assistanceCases(first: 100) { nodes { caseNo monthly: income householdSize status officer } } } }`);
const at = (row: number, field: string) => ['civilAffairs', 'assistanceCases', 'nodes', row, field];

const denial = new GraphQLError('Item officer of 360000-MZ-00001 is not shared.', { path: at(0, 'officer'), extensions: { code: 'NOT_SHARED', resource: '360000-MZ-00001', item: 'officer' } });
const denied = [denial];
const unfit: GraphQLError[] = [];
for (let row = 0; row < 100; row++) {
  for (const field of ['monthly', 'householdSize', 'status']) unfit.push(new GraphQLError(`Int cannot represent non-integer value: "${row}.5"`, { path: at(row, field) }));
}

function perResponse(errors: readonly GraphQLError[], n: number): number {
  const t = process.cpuUsage();
  for (let k = 0; k < n; k++) replaceUnfitValues(errors, built.model, built.schema, document, null);
  const u = process.cpuUsage(t);
  return ((u.user + u.system) * 1000) / n; // ns
}

const cases = [
  { name: 'a denial (nothing replaced)', errors: denied, n: 1_000_000, ns: [] as number[] },
  { name: '100 rows × 3 unfit items (300 → 3 errors)', errors: unfit, n: 2_000, ns: [] as number[] },
];
for (const c of cases) perResponse(c.errors, c.n); // warm-up
for (let r = 0; r < ROUNDS; r++) for (const c of cases) c.ns.push(perResponse(c.errors, c.n));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| case | min µs/response | median µs/response |\n|---|---:|---:|');
for (const c of cases) console.log(`| ${c.name} | ${(Math.min(...c.ns) / 1000).toFixed(4)} | ${(median(c.ns) / 1000).toFixed(4)} |`);
