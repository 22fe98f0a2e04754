// Checks of share settings: the scope names existing purposes and departments; an item's share only
// tightens its resource's (type, methods, scope); conditions and basis present where the type needs them.
import { regionPrefix } from '../../access/row-scope.ts';
import { SHARE_TYPE_ORDER, type Resource, type Scope } from '../../model/catalogue.ts';
import type { Platform } from '../../model/platform.ts';
import { matchesAnyDepartmentPattern, matchesDepartmentPattern } from '../pattern.ts';
import type { Problem } from '../problems.ts';
import type { CheckContext, CheckFamily, ItemCheck, ResourceCheck } from './context.ts';
import { listOf, problem } from './util.ts';

function* scopeEntriesExist(scope: Scope | undefined, at: string, ctx: CheckContext): Iterable<Problem> {
  for (const [k, code] of (scope?.purposes ?? []).entries()) {
    if (!ctx.purposeCodes.has(code)) {
      yield problem(`${at}.scope.purposes[${k}]`, `"${code}" is not a purpose of the platform (${listOf([...ctx.purposeCodes])})`);
    }
  }
  for (const [k, pattern] of (scope?.departments ?? []).entries()) {
    if (!ctx.platform.departments.some((d) => matchesDepartmentPattern(pattern, d.code))) {
      // Patterns match codes as written (a token's dept, glob.ts): say so when another case would match.
      const otherCase = ctx.platform.departments.find((d) => matchesDepartmentPattern(pattern.toUpperCase(), d.code.toUpperCase()));
      const hint = otherCase ? `; it would match ${otherCase.code} in another case: write department codes as the platform file does` : '';
      yield problem(`${at}.scope.departments[${k}]`, `"${pattern}" matches no department of the platform${hint}`);
    }
  }
}

/**
 * A scope part written as an empty list (`purposes: []`, `departments: []`, `levels: []`): SPEC §4 says a
 * part left out is no restriction of that kind, and an empty list was read as its opposite, no purpose,
 * department or level at all, so that no department but the provider could read the data (each read
 * refused PURPOSE_OUT_OF_SCOPE or OUT_OF_SCOPE, "may not be used for any purpose"). Whoever wrote it meant
 * one or the other: refused, saying both, so that neither a share closed to all (which is type none, with
 * the legal basis none needs) nor an open one is had by accident.
 */
function* scopePartsListSomething(scope: Scope | undefined, at: string, whose: string): Iterable<Problem> {
  const words = { purposes: 'purpose', departments: 'department pattern', levels: 'level' } as const;
  for (const part of ['purposes', 'departments', 'levels'] as const) {
    if (scope?.[part]?.length !== 0) continue;
    yield problem(
      `${at}.scope.${part}`,
      `lists no ${words[part]}, so no department but the provider could read ${whose}; leave ${part} out for no restriction of ${part}, or list the ones allowed (to share with no department, set share type none with its basis)`,
    );
  }
}

const resourceScopePartsListSomething: ResourceCheck = (r, at) => scopePartsListSomething(r.share.scope, `${at}.share`, 'the resource');

const itemScopePartsListSomething: ItemCheck = (item, at) => scopePartsListSomething(item.share?.scope, `${at}.share`, 'the item');

const resourceScopeExists: ResourceCheck = (r, at, _i, ctx) => scopeEntriesExist(r.share.scope, `${at}.share`, ctx);

const itemScopeExists: ItemCheck = (item, at, _r, ctx) => scopeEntriesExist(item.share?.scope, `${at}.share`, ctx);

const itemTypeTightens: ItemCheck = function* (item, at, r) {
  const own = item.share?.type;
  if (own && SHARE_TYPE_ORDER.indexOf(own) < SHARE_TYPE_ORDER.indexOf(r.share.type)) {
    yield problem(
      `${at}.share.type`,
      `"${own}" would loosen the resource's "${r.share.type}"; an item may only keep or tighten it (${SHARE_TYPE_ORDER.join(' < ')})`,
    );
  }
};

const itemMethodsSubset: ItemCheck = function* (item, at, r) {
  const allowed = r.share.methods ?? [];
  for (const [k, m] of (item.share?.methods ?? []).entries()) {
    if (!allowed.includes(m)) {
      yield problem(`${at}.share.methods[${k}]`, `"${m}" is not among the resource's methods (${listOf(allowed)}); an item may only drop methods`);
    }
  }
};

const itemScopeNarrows: ItemCheck = function* (item, at, r, ctx) {
  const outer = r.share.scope ?? {};
  const inner = item.share?.scope ?? {};
  for (const part of ['purposes', 'levels'] as const) {
    const allowed: readonly string[] | undefined = outer[part];
    if (!allowed) continue;
    for (const [k, v] of (inner[part] ?? []).entries()) {
      if (!allowed.includes(v)) {
        yield problem(`${at}.share.scope.${part}[${k}]`, `"${v}" is not among the resource's ${part} (${listOf(allowed)}); an item may only narrow the scope`);
      }
    }
  }
  if (outer.departments) {
    for (const [k, pattern] of (inner.departments ?? []).entries()) {
      const beyond = departmentsBeyond(ctx.platform, pattern, outer.departments);
      if (beyond.length) {
        yield problem(
          `${at}.share.scope.departments[${k}]`,
          `"${pattern}" matches ${listOf(beyond, 4)}, which the resource's departments (${listOf(outer.departments)}) do not allow; an item may only narrow the scope`,
        );
      }
    }
  }
};

function departmentsBeyond(p: Platform, pattern: string, allowed: readonly string[]): string[] {
  return p.departments
    .filter((d) => matchesDepartmentPattern(pattern, d.code) && !matchesAnyDepartmentPattern(allowed, d.code))
    .map((d) => d.code);
}

/**
 * Row scope (SPEC §6) names a string item of the resource that whoever may read the resource may read:
 * the filter on it must not depend on an item-level tightening that the row filter would get around.
 */
const resourceRowScope: ResourceCheck = function* (r, at) {
  const rows = r.share.scope?.rows;
  if (!rows) return;
  const path = `${at}.share.scope.rows.item`;
  const item = r.items.find((i) => i.name === rows.item);
  if (!item) {
    yield problem(path, `"${rows.item}" is not an item of the resource (${listOf(r.items.map((i) => i.name))})`);
    return;
  }
  if (item.type !== 'string') yield problem(path, `"${rows.item}" is an item of type ${item.type}; row scope needs a string item holding division codes`);
  const own = item.share;
  if (own && ((own.type !== undefined && own.type !== r.share.type) || own.methods !== undefined || own.scope !== undefined)) {
    yield problem(path, `"${rows.item}" has share settings of its own; the row-scope item must be readable wherever the resource is (drop its type, methods and scope)`);
  }
};

/**
 * The divisions a wildcard department pattern names by its leading digits ("1301*" → 1301, "130000-*" → 13,
 * as a region's prefix), or null: an exact code, or a pattern that does not start with digits, names no
 * division, only departments. A `?` among them stands for any digit ("?301*": the x301 cities of every
 * province), so the lead is kept with it: read as far as its first `?`, "1?01*" named the division 1, in
 * which every region coded 1... lies, and "?301*" none at all.
 */
interface NamedDivisions { lead: string; shown: string }
function divisionsOfPattern(pattern: string): NamedDivisions | null {
  if (!/[*?]/.test(pattern)) return null;
  const lead = /^[\d?]+/.exec(pattern)?.[0].slice(0, 6);
  if (!lead || !/\d/.test(lead)) return null;
  if (lead.includes('?')) return { lead, shown: `divisions ${lead} (? any digit)` };
  return { lead, shown: `division ${lead.length === 6 ? regionPrefix(lead) : lead}` };
}

const fits = (lead: string, code: string) => code.length >= lead.length && [...lead].every((c, i) => c === '?' || c === code[i]);

/** Whether a region lies in one of the divisions: a lead of 6 is a region code, its own or one above it. */
function liesIn(divisions: NamedDivisions, region: string): boolean {
  const { lead } = divisions;
  if (lead.length < 6) return fits(lead, regionPrefix(region));
  return [region, `${region.slice(0, 4)}00`, `${region.slice(0, 2)}0000`, '000000'].some((above) => fits(lead, above));
}

/**
 * A department code is free (platform checks, departments.ts): its digits need not be its region's. Under
 * row scope a department reads the records of its own region, so a pattern naming a division ("1301*":
 * Shijiazhuang's departments, as the provider reads it) that matches a department of a region beyond that
 * division (a province department coded 1301..., or Tangshan's) would show it records the provider did not
 * mean, the province's all. Refused, naming the department: the provider names it by its exact code to
 * admit it on purpose, or narrows the pattern.
 */
function* scopeRegionsAgree(scope: Scope | undefined, at: string, r: Resource, ctx: CheckContext, within: readonly string[] | undefined = undefined): Iterable<Problem> {
  if (!r.share.scope?.rows) return;
  for (const [k, pattern] of (scope?.departments ?? []).entries()) {
    const divisions = divisionsOfPattern(pattern);
    if (divisions === null) continue;
    for (const d of ctx.platform.departments) {
      if (!matchesDepartmentPattern(pattern, d.code) || liesIn(divisions, d.region)) continue;
      if (within && !matchesAnyDepartmentPattern(within, d.code)) continue;
      yield problem(
        `${at}.scope.departments[${k}]`,
        `"${pattern}" matches ${d.code}, whose region ${d.region} lies beyond the ${divisions.shown} the pattern names; with row scope (${r.share.scope.rows.item}) ${d.code} would read the records of its own region ${d.region}: name it by its exact code to admit it on purpose, or narrow the pattern`,
      );
    }
  }
}

const resourceScopeRegionsAgree: ResourceCheck = (r, at, _i, ctx) => scopeRegionsAgree(r.share.scope, `${at}.share`, r, ctx);

// An item's pattern, only over the departments its resource's patterns admit: a requester must match both
// (effective-share.ts), so a department the resource's scope leaves out reads nothing by the item's.
const itemScopeRegionsAgree: ItemCheck = (item, at, r, ctx) => scopeRegionsAgree(item.share?.scope, `${at}.share`, r, ctx, r.share.scope?.departments);

const itemRowScopeRefused: ItemCheck = function* (item, at) {
  if (item.share?.scope?.rows) yield problem(`${at}.share.scope.rows`, `row scope applies to the whole resource; set it in the resource's share.scope`);
};

/** The resource's own conditions and basis are required by the JSON Schema; an item inherits them. */
const itemConditionsAndBasis: ItemCheck = function* (item, at, r) {
  const type = item.share?.type ?? r.share.type;
  if (type === 'conditional' && !item.share?.conditions && !r.share.conditions) {
    yield problem(`${at}.share.conditions`, `is required: the item is conditional and the resource gives no conditions`);
  }
  if (type !== 'unconditional' && !item.share?.basis && !r.share.basis) {
    yield problem(`${at}.share.basis`, `is required: the item is ${type} and the resource gives no legal basis`);
  }
};

export const shareChecks: CheckFamily = {
  resource: [resourceScopePartsListSomething, resourceScopeExists, resourceRowScope, resourceScopeRegionsAgree],
  item: [itemRowScopeRefused, itemScopePartsListSomething, itemScopeExists, itemScopeRegionsAgree, itemTypeTightens, itemMethodsSubset, itemScopeNarrows, itemConditionsAndBasis],
};

/**
 * The share checks whose answer depends on the platform file (its departments' codes and regions, its
 * purposes), not on the document alone: a catalogue published under one platform file can fail them under
 * the next (a department added that a division's pattern matches from a wider region, a purpose or the
 * only department a pattern names removed). The catalogues in effect are checked with them again against
 * the platform file a gateway or command reads (validate.ts, platformMisfits).
 */
export const platformShareChecks: CheckFamily = {
  resource: [resourceScopeExists, resourceScopeRegionsAgree],
  // Not itemScopeNarrows: a department added since that an item's pattern matches and its resource's does
  // not ("6401*" on the resource, "640*" on an item, and 640200-... added) reads nothing more, since a
  // requester must match the resource's patterns and the item's (effective-share.ts, departmentInScope).
  // Asked again here, it refused every start under a file that only added a department.
  item: [itemScopeExists, itemScopeRegionsAgree],
};
