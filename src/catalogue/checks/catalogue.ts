// Checks of the catalogue as a whole: its compiler, and what other catalogues link to in the version it
// replaces.
import { LAST_DATE, REVISION_DUE_WORKING_DAYS, workingDayCalendar } from '../../calendar/working-days.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { MAX_PLATFORM_RESOURCES } from '../limits.ts';
import type { CatalogueCheck, CheckFamily } from './context.ts';
import { linkCompatible } from './links.ts';
import { listOf, otherCase, problem } from './util.ts';

const compilerExists: CatalogueCheck = function* (ctx) {
  const code = ctx.catalogue.compiler;
  if (!ctx.department(code)) {
    const codes = ctx.platform.departments.map((d) => d.code);
    yield problem('compiler', `"${code}" is not the code of any department of the platform (${listOf(codes)})${otherCase(code, codes, 'department')}`);
  }
};

/**
 * The links of `others` (other catalogues than `catalogueId`) whose target resource `targets` accepts, each
 * with where it is written (`from`: catalogue, path and resource, for a message).
 */
export function* linksFrom(others: readonly Catalogue[], catalogueId: string | null, targets: (code: string) => boolean) {
  for (const other of others) {
    if (other.id === catalogueId) continue;
    for (const [ri, r] of other.resources.entries()) {
      for (const [ii, item] of r.items.entries()) {
        const link = item.link;
        if (link && targets(link.resource)) yield { item, link, from: `catalogue "${other.id}" (resources[${ri}].items[${ii}].link, resource ${r.code})` };
      }
    }
  }
}

/** Links from other catalogues into the replaced version must still resolve in the new one. */
const linkedResourcesKept: CatalogueCheck = function* (ctx) {
  if (!ctx.replaced) return;
  const before = new Set(ctx.replaced.resources.map((r) => r.code));
  for (const { item, link, from } of linksFrom(ctx.others, null, (code) => before.has(code))) {
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

/**
 * A revision's due date, 15 working days after its `since`, must be a date YYYY-MM-DD writes: one due in
 * the year 10000 failed every list of catalogues that shows it (its due date and whether it is overdue).
 */
const revisionDueWritable: CatalogueCheck = function* (ctx) {
  const since = ctx.catalogue.revision?.since;
  if (since === undefined) return;
  try {
    workingDayCalendar(ctx.platform.platform.holidays).addWorkingDays(since, REVISION_DUE_WORKING_DAYS);
  } catch {
    yield problem(
      'revision.since',
      `"${since}": its due date, ${REVISION_DUE_WORKING_DAYS} working days later, would fall after ${LAST_DATE}; write the date the revision became necessary`,
    );
  }
};

export const catalogueChecks: CheckFamily = {
  catalogue: [compilerExists, linkedResourcesKept, platformWithinBound, revisionDueWritable],
};
