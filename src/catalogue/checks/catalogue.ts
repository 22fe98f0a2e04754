// Checks of the catalogue as a whole: its compiler, and what other catalogues link to in the version it
// replaces.
import { MAX_PLATFORM_RESOURCES } from '../limits.ts';
import type { CatalogueCheck, CheckFamily } from './context.ts';
import { linkCompatible } from './links.ts';
import { listOf, problem } from './util.ts';

const compilerExists: CatalogueCheck = function* (ctx) {
  const code = ctx.catalogue.compiler;
  if (!ctx.department(code)) {
    yield problem('compiler', `"${code}" is not the code of any department of the platform (${listOf(ctx.platform.departments.map((d) => d.code))})`);
  }
};

/** Links from other catalogues into the replaced version must still resolve in the new one. */
const linkedResourcesKept: CatalogueCheck = function* (ctx) {
  if (!ctx.replaced) return;
  const before = new Set(ctx.replaced.resources.map((r) => r.code));
  for (const other of ctx.others) {
    for (const [ri, r] of other.resources.entries()) {
      for (const [ii, item] of r.items.entries()) {
        const link = item.link;
        if (!link || !before.has(link.resource)) continue;
        const from = `catalogue "${other.id}" (resources[${ri}].items[${ii}].link, resource ${r.code})`;
        const ti = ctx.catalogue.resources.findIndex((t) => t.code === link.resource);
        if (ti < 0) {
          yield problem('resources', `resource ${link.resource} is linked from ${from} and must stay in the catalogue`);
          continue;
        }
        const target = ctx.catalogue.resources[ti];
        const tj = target.items.findIndex((t) => t.name === link.item);
        if (tj < 0) {
          yield problem(`resources[${ti}].items`, `item "${link.item}" is linked from ${from} and must stay in resource ${target.code}`);
        } else if (!linkCompatible(item.type, target.items[tj].type)) {
          yield problem(
            `resources[${ti}].items[${tj}].type`,
            `"${target.items[tj].type}" no longer matches the ${item.type} item linked from ${from}`,
          );
        }
      }
    }
  }
};

/** The platform's resources, this catalogue's with the others in effect, stay within the bound. */
const platformWithinBound: CatalogueCheck = function* (ctx) {
  const others = ctx.others.reduce((n, c) => n + c.resources.length, 0);
  const total = others + ctx.catalogue.resources.length;
  if (total > MAX_PLATFORM_RESOURCES) {
    yield problem(
      'resources',
      `the platform would hold ${total} resources (${others} in the other catalogues, ${ctx.catalogue.resources.length} here); at most ${MAX_PLATFORM_RESOURCES} allowed`,
    );
  }
};

export const catalogueChecks: CheckFamily = {
  catalogue: [compilerExists, linkedResourcesKept, platformWithinBound],
};
