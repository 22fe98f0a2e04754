// Big catalogues (issue 9 point 3): how long validating a catalogue and building the gateway schema take
// as the platform grows to its bound (src/catalogue/limits.ts), in CPU time of this process.
// Run: npx tsx bench/big-catalogues.ts [--items N]
import { performance } from 'node:perf_hooks';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { MAX_CATALOGUE_RESOURCES, MAX_PLATFORM_RESOURCES } from '../src/catalogue/limits.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { bigPlatformCatalogues } from '../test/helpers/big-platform.ts';

const itemsArg = process.argv.indexOf('--items');
const ITEMS = itemsArg > 0 ? Number(process.argv[itemsArg + 1]) : 0;
const platform = loadPlatform(DEMO_PLATFORM_FILE);

const ms = (f: () => void) => {
  const t = performance.now();
  f();
  return Math.round(performance.now() - t);
};

for (const total of [500, 1000, 2000].filter((n) => n <= MAX_PLATFORM_RESOURCES)) {
  const catalogues = bigPlatformCatalogues(total, { items: ITEMS || undefined });
  const last = catalogues.at(-1)!;
  const others = catalogues.slice(0, -1);
  ms(() => validateCatalogue(last, platform, others)); // warm: the JSON Schema compiles
  const validate = ms(() => validateCatalogue(last, platform, others));
  const build = ms(() => buildGatewaySchema(platform, catalogues));
  const heap = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  console.log(JSON.stringify({ resources: total, catalogueResources: last.resources.length, items: last.resources[0].items.length, validateMs: validate, buildMs: build, heapMiB: heap, perCatalogue: MAX_CATALOGUE_RESOURCES }));
}
