// The set-up rules-cost.ts and decide-ab.ts share: the demo in a fresh store, and with `grants` > 0 that
// many grants of 430000-MZ to the employment registrations (every item, for social assistance), given
// before a version of their catalogue dropped an item and the next published it again. Where this clone
// times items (src/access/item-since.ts), the build's resources are marked as the schema holder marks them.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

export async function demoWithGrantsGivenBefore(name: string, grantCount: number) {
  const dir = mkdtempSync(join(tmpdir(), `govgraph-${name}-`));
  const platform = loadPlatform(DEMO_PLATFORM_FILE);
  const store = await openSqliteStore(dir);
  await ensureDemo(store, platform);
  let catalogues = await publishedCatalogues(store);
  const hr = catalogues.find((c) => c.resources.some((r) => r.graphql.list === 'employmentRegistrations'))!;
  const resource = hr.resources.find((r) => r.graphql.list === 'employmentRegistrations')!;
  if (grantCount) {
    // Two versions: the first drops `insured`, the next publishes it again.
    for (const [v, items] of [[2, resource.items.filter((i) => i.name !== 'insured')], [3, resource.items]] as const) {
      const file = join(dir, `hr-v${v}.json`);
      writeFileSync(file, JSON.stringify({ ...hr, resources: hr.resources.map((r) => (r === resource ? { ...r, items } : r)) }));
      await importCatalogueFiles(store, platform, [file], { publish: true });
    }
    catalogues = await publishedCatalogues(store);
  }
  const on = buildGatewaySchema(platform, catalogues);
  const grants = Array.from({ length: grantCount }, (_, k) => ({
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
  return { dir, platform, store, catalogues, resource, on, grants };
}
