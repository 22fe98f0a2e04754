// The access decision alone (decideItems over the 15 items of the demo's employment registrations), this
// clone's against other clones' (another commit's src/access/decide.ts), in one process, interleaved: the
// set-up of rules-cost.ts (--grants N: grants given before an item was dropped and published again).
// Run: npx tsx bench/decide-ab.ts --grants 5 --clones before=/path/to/clone,other=/path/to/other

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideItems } from '../src/access/decide.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const g = process.argv.indexOf('--grants');
const GRANTS = g > 0 ? Number(process.argv[g + 1]) : 0;

const dir = mkdtempSync(join(tmpdir(), 'govgraph-decide-ab-'));
const platform = loadPlatform(DEMO_PLATFORM_FILE);
const store = await openSqliteStore(dir);
await ensureDemo(store, platform);
let catalogues = await publishedCatalogues(store);
const hr = catalogues.find((c) => c.resources.some((r) => r.graphql.list === 'employmentRegistrations'))!;
const resource = hr.resources.find((r) => r.graphql.list === 'employmentRegistrations')!;
if (GRANTS) {
  // Two versions: the first drops `insured`, the next publishes it again.
  for (const [v, items] of [[2, resource.items.filter((i) => i.name !== 'insured')], [3, resource.items]] as const) {
    const file = join(dir, `hr-v${v}.json`);
    writeFileSync(file, JSON.stringify({ ...hr, resources: hr.resources.map((r) => (r === resource ? { ...r, items } : r)) }));
    await importCatalogueFiles(store, platform, [file], { publish: true });
  }
  catalogues = await publishedCatalogues(store);
}
const on = buildGatewaySchema(platform, catalogues);
const grants = Array.from({ length: GRANTS }, (_, k) => ({
  id: `bench-${k}`, requester: '430000-MZ', resource: resource.code, items: resource.items.map((i) => i.name), purposes: ['social-assistance'],
  unmasked: [], rows: null, from: '2000-01-01T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null,
  createdAt: '2000-01-01T00:00:00.000Z', createdBy: 'bench', requestId: null,
}));
// Timed as the schema holder times a build's resources, where the gateway does (not before item-since.ts).
const history = existsSync(new URL('../src/access/item-since.ts', import.meta.url)) ? await import('../src/access/item-since.ts' as string) : null;
if (history) {
  await new history.ItemHistory(store).mark(on.catalogues);
  const timed = on.catalogues.flatMap((c) => c.resources).find((r) => r.code === resource.code)!;
  const inForce = history.grantsInForce(timed, grants) as typeof grants;
  console.log(`items timed; of ${grants.length} grants in force, items: ${inForce[0]?.items.length ?? 0} of ${resource.items.length}`);
}

// Other clones' decide.ts (and item-since.ts where they have it, marking the same resources as their
// schema holder would), to compare in one process, interleaved.
const others: Array<[string, (q: any) => unknown]> = [];
for (const spec of (process.argv[process.argv.indexOf('--clones') + 1] ?? '').split(',').filter(Boolean)) {
  const [label, root] = spec.split('=');
  const since = join(root, 'src/access/item-since.ts');
  if (existsSync(since)) await new (await import(since)).ItemHistory(store).mark(on.catalogues);
  others.push([label, (await import(join(root, 'src/access/decide.ts'))).decideItems]);
}
const dept = platform.departments.find((d) => d.code === '430000-MZ')!;
const timed = on.catalogues.flatMap((c) => c.resources).find((r) => r.code === resource.code)!;
const q = { requester: dept, purpose: 'social-assistance', resource: timed, grants, now: new Date() };
const fns: Array<[string, (q: any) => unknown]> = [...others, ['this clone', decideItems]];
const res: Record<string, number[]> = Object.fromEntries(fns.map(([n]) => [n, []]));
for (let r = 0; r < 40; r++) for (const [n, f] of fns) {
  const t = performance.now();
  for (let k = 0; k < 1000; k++) f(q);
  if (r >= 5) res[n].push(((performance.now() - t) / 1000) * 1000);
}
for (const [n, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(`${n}: decideItems ${resource.items.length} items, ${GRANTS} grants: min ${v[0].toFixed(1)} median ${v[Math.floor(v.length / 2)].toFixed(1)} µs`); }
await store.close();
rmSync(dir, { recursive: true, force: true });
