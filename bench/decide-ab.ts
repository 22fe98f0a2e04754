// The access decision alone (decideItems over the 15 items of the demo's employment registrations), this
// clone's against other clones' (another commit's src/access/decide.ts), in one process, interleaved: the
// set-up of rules-cost.ts (--grants N: grants given before an item was dropped and published again).
// Run: npx tsx bench/decide-ab.ts --grants 5 --clones before=/path/to/clone,other=/path/to/other

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decideItems } from '../src/access/decide.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { demoWithGrantsGivenBefore } from './grants-given-before.ts';

const g = process.argv.indexOf('--grants');
const GRANTS = g > 0 ? Number(process.argv[g + 1]) : 0;

const { dir, platform, store, catalogues, resource, on, grants } = await demoWithGrantsGivenBefore('decide-ab', GRANTS);

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
