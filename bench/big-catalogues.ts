// Big catalogues (issue 9 point 3), at 500, 1000 and 2000 resources (MAX_PLATFORM_RESOURCES, in
// catalogues of MAX_CATALOGUE_RESOURCES; test/helpers/big-platform.ts): CPU time of this process for
// - validating the last catalogue against the others (what submit and publish do, on a worker thread);
// - the gateway schema's build (src/server/assemble.ts), without the rules and whole, and the two steps of
//   graphql-shield and graphql-middleware in it;
// - with --ready, the wall time until a gateway over a store holding that platform is ready.
// Run: npx tsx bench/big-catalogues.ts [--ready] [--sizes 500,1000,2000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMiddleware } from 'graphql-middleware';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { MAX_PLATFORM_RESOURCES } from '../src/catalogue/limits.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { buildSchemaModel } from '../src/generate/model.ts';
import { dataRules } from '../src/rules/data-rules.ts';
import { platformRules } from '../src/rules/platform-rules.ts';
import { buildGatewaySchema, permissions } from '../src/server/assemble.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { bigPlatformCatalogues } from '../test/helpers/big-platform.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (arg('--sizes') ?? `500,1000,${MAX_PLATFORM_RESOURCES}`).split(',').map(Number);
const READY = process.argv.includes('--ready');
const platform = loadPlatform(DEMO_PLATFORM_FILE);

function cpu<T>(f: () => T): { ms: number; value: T } {
  const start = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(start);
  return { ms: Math.round((used.user + used.system) / 1000), value };
}

console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const total of SIZES) {
  const catalogues = bigPlatformCatalogues(total);
  const last = catalogues.at(-1)!;
  const others = catalogues.slice(0, -1);
  validateCatalogue(last, platform, others); // the JSON Schema compiled
  const validate = cpu(() => validateCatalogue(last, platform, others));
  if (validate.value.problems.length) throw new Error(JSON.stringify(validate.value.problems.slice(0, 3)));
  const rulesOff = cpu(() => buildGatewaySchema(platform, catalogues, { rules: false }));
  const model = buildSchemaModel(platform, catalogues);
  const d = dataRules(model);
  const p = platformRules();
  const generator = permissions({ ...d, ...p, Query: { ...d.Query, ...p.Query } });
  const generate = cpu(() => generator.generate(rulesOff.value.schema));
  const apply = cpu(() => applyMiddleware(rulesOff.value.schema, generate.value as never));
  const whole = cpu(() => buildGatewaySchema(platform, catalogues));
  const row: Record<string, number> = {
    resources: total,
    validateMs: validate.ms,
    buildRulesOffMs: rulesOff.ms,
    shieldGenerateMs: generate.ms,
    applyMiddlewareMs: apply.ms,
    buildMs: whole.ms,
  };
  if (READY) {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-big-'));
    try {
      const files = catalogues.map((c, i) => {
        const file = join(dir, `catalogue-${i}.json`);
        writeFileSync(file, JSON.stringify(c));
        return file;
      });
      const store = await openSqliteStore(join(dir, 'data'));
      await importCatalogueFiles(store, platform, files, { publish: true });
      const started = performance.now();
      const gateway = await startGateway({ platform, store, port: 0, pollMs: 0, auditCheckpoints: { file: null } });
      row.readyMs = Math.round(performance.now() - started);
      await gateway.close();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(JSON.stringify(row));
}
