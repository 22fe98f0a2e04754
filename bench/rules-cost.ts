// What the rules cost on one operation, in-process and without HTTP, so that the figure does not drown in
// the noise of a load test: the benchmark's 100-record list query (12 items and a link) executed with
// graphql's `execute` against
//   - the schema without rules (baseline),
//   - the one schema the gateway serves (shield on the entry fields; items shaped by the read plan),
//   - the same resolvers with shield's wrapper on every field (graphql-shield as it comes),
// and the same query with one denied item, as served and fully wrapped. Interleaved rounds; the
// minimum and median per operation are printed.
// With --grants N, the department holds N grants to the resource (every item, for the purpose), given
// before a version of its catalogue dropped an item and the next published it again: where the gateway
// times items (src/access/item-since.ts, marked as the schema holder does), every access decision sets
// that item aside from each grant (the costliest case of grantsInForce).
// Run: npx tsx bench/rules-cost.ts [--rounds 30] [--grants N]
import { rmSync } from 'node:fs';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { createAccessContext } from '../src/access/context.ts';
import { decideItems } from '../src/access/decide.ts';
import { applyMiddleware } from '../src/rules/shield.ts';
import { buildGatewaySchema, permissions } from '../src/server/assemble.ts';
import { dataRules } from '../src/rules/data-rules.ts';
import { platformRules } from '../src/rules/platform-rules.ts';
import { createCursorCodec } from '../src/server/cursors.ts';
import { demoWithGrantsGivenBefore } from './grants-given-before.ts';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i > 0 ? Number(process.argv[i + 1]) : 30;
const PER_ROUND = 20;
const g = process.argv.indexOf('--grants');
const GRANTS = g > 0 ? Number(process.argv[g + 1]) : 0;

const { dir, platform, store, catalogues, resource, on, grants } = await demoWithGrantsGivenBefore('rules-cost', GRANTS);
const off = buildGatewaySchema(platform, catalogues, { rules: false });
const rules = { ...dataRules(on.model), ...platformRules(), Query: { ...dataRules(on.model).Query, ...platformRules().Query } };
const everyField = applyMiddleware(off.schema, permissions(rules) as never);
const dept = platform.departments.find((d) => d.code === '430000-MZ')!;
const ITEMS = 'registrationNo idNumber fullName gender employerCode employerName position contractType contractStart contractEnd weeklyHours insured';
const allowed = parse(`{ humanResources { employmentRegistrations(first: 100) { nodes { ${ITEMS} employer { creditCode name } } } } }`);
const denied = parse(`{ humanResources { employmentRegistrations(first: 100) { nodes { ${ITEMS} monthlyWage employer { creditCode name } } } } }`);
const cursors = createCursorCodec(new Uint8Array(32));

const context = () => {
  const now = new Date();
  return {
    requestId: 'bench', platform, store, identity: { user: 'bench', dept, roles: [] }, purpose: 'social-assistance', now,
    access: createAccessContext({ requester: dept, purpose: 'social-assistance', grants, now }),
    cursors, loaders: new Map(), records: new Map(), reads: new Map(),
  };
};

type Pick = (doc: ReturnType<typeof parse>, ctx: ReturnType<typeof context>) => GraphQLSchema;
const cases: Array<[string, ReturnType<typeof parse>, Pick]> = [
  ['rules off', allowed, () => off.schema],
  ['rules on, as served', allowed, () => on.schema],
  ['rules on, shield on every field', allowed, () => everyField],
  ['with a denied item: rules on, as served', denied, () => on.schema],
  ['with a denied item: shield on every field', denied, () => everyField],
];

async function run([, doc, pick]: (typeof cases)[number], n: number): Promise<number> {
  const t = performance.now();
  for (let k = 0; k < n; k++) {
    const ctx = context();
    const r = await execute({ schema: pick(doc, ctx), document: doc, contextValue: ctx });
    if (doc === allowed && r.errors) throw new Error(JSON.stringify(r.errors));
  }
  return (performance.now() - t) / n;
}

for (const c of cases) await run(c, 50); // warm-up
const times = cases.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++) for (const [k, c] of cases.entries()) times[k].push(await run(c, PER_ROUND));
const stats = times.map((t) => [...t].sort((a, b) => a - b)).map((t) => ({ min: t[0], median: t[Math.floor(t.length / 2)] }));
console.log(`\n100-record list query, 12 items + a link, executed in-process; ${GRANTS} grants held; ${ROUNDS} interleaved rounds of ${PER_ROUND}; node ${process.version}\n`);
console.log('| case | min ms/op | median ms/op | vs rules off (median) |');
console.log('|---|---:|---:|---:|');
for (const [k, [name]] of cases.entries()) {
  console.log(`| ${name} | ${stats[k].min.toFixed(2)} | ${stats[k].median.toFixed(2)} | +${((stats[k].median / stats[0].median - 1) * 100).toFixed(0)}% |`);
}
// The access decision alone: every item of the resource decided, with the grants held (the rules ask it so
// once per resource of a request, and again for the rows it may reach).
{
  const timed = on.catalogues.flatMap((c) => c.resources).find((r) => r.code === resource.code)!;
  const q = { requester: dept, purpose: 'social-assistance', resource: timed, grants, now: new Date() };
  const perCall: number[] = [];
  for (let r = 0; r < ROUNDS + 5; r++) {
    const t = performance.now();
    for (let k = 0; k < 2000; k++) decideItems(q);
    if (r >= 5) perCall.push(((performance.now() - t) / 2000) * 1000);
  }
  perCall.sort((a, b) => a - b);
  console.log(`\ndecideItems, ${resource.items.length} items, ${GRANTS} grants: min ${perCall[0].toFixed(1)} µs, median ${perCall[Math.floor(perCall.length / 2)].toFixed(1)} µs per call`);
}
await store.close();
rmSync(dir, { recursive: true, force: true });
