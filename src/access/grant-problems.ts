// Whether a grant may be made (SPEC §9): every problem of a grant's input against the platform and the
// published catalogues, each with the input field it is about. The operator's `grant add` and an approval
// both ask here before a grant is stored (grants.ts, newGrant), and a sharing request asks for the grant
// it would lead to (src/workflow/sharing/asking.ts). The access rows that no grant lifts are asked of the access
// table (decide.ts), not restated.
import { platformDate } from '../calendar/working-days.ts';
import { isRealDate } from '../formats/calendar.ts';
import { codeKey } from '../catalogue/codes.ts';
import type { Problem } from '../catalogue/problems.ts';
import { boundProblems, hiddenProblems } from '../model/input-bounds.ts';
import { closest } from '../model/nearest-name.ts';
import type { Catalogue, Resource } from '../model/catalogue.ts';
import { departmentByCode, listedDepartmentCode, type Department, type Platform } from '../model/platform.ts';
import { decide, HARD_NO } from './decide.ts';
import { effectiveItems, needsGrants, purposeInScope, resourceShare } from './effective-share.ts';
import { withinRegion } from './row-scope.ts';
import { noDepartment } from './connected-codes.ts';

/** What a grant is made from: by the operator's `grant add`, or by an approval from a sharing request. */
export interface GrantInput {
  requester: string;
  resource: string;
  items: string[];
  purposes: string[];
  unmasked?: string[];
  /** Division codes narrowing the resource's row scope (SPEC §6); absent or null = the whole region. */
  rows?: string[] | null;
  /** ISO date (inclusive), or null for no end. */
  until?: string | null;
  createdBy: string;
  requestId?: string | null;
}

/** The published resource a code names; codes ignore case (codes.ts), as requestSharing and data import read them. */
export function findResource(catalogues: readonly Catalogue[], code: string): Resource | undefined {
  const key = codeKey(code.trim());
  for (const c of catalogues) for (const r of c.resources) if (codeKey(r.code) === key) return r;
  return undefined;
}

export const unique = (xs: readonly string[]): string[] => [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];

/**
 * What a grant input may hold (src/model/input-bounds.ts): the operator's `grant add` and an approval
 * both make grants, and an approval's lists are the approver's to type.
 */
const GRANT_BOUNDS = {
  requester: 'name', resource: 'name', items: 'names', purposes: 'names', unmasked: 'names', rows: 'names', until: 'name', createdBy: 'user',
} as const;

/**
 * Every problem of the input, for the platform and the published catalogues; an input over its bounds,
 * or holding an identifier that does not show what it holds, gets those problems only (the others would
 * repeat what was typed).
 */
export function grantProblems(
  ctx: { platform: Platform; catalogues: readonly Catalogue[] },
  input: GrantInput,
  now: Date,
): Problem[] {
  const over = boundProblems(input, GRANT_BOUNDS);
  if (over.length) return over;
  // A code, an item, a purpose or a row holding U+200B or U+202E reads as another (identifier-text.ts).
  const hidden = hiddenProblems(input, GRANT_BOUNDS);
  if (hidden.length) return hidden;
  const problems: Problem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  const items = unique(input.items);
  const purposes = unique(input.purposes);
  const unmasked = unique(input.unmasked ?? []);

  // A listed department's code in another case (or with blanks around it) is that department's, as the
  // resource's code is read in any case and `grant list --requester` finds it: `grant add --requester
  // 510104-mzj` was refused as no department while `--resource 510000-wjw-00001` was taken.
  const requester = departmentByCode(ctx.platform, listedDepartmentCode(ctx.platform, input.requester));
  if (!requester) problem('requester', noDepartment(ctx.platform, input.requester));

  const resource = findResource(ctx.catalogues, input.resource);
  const share = resource ? resourceShare(resource) : null;
  if (!resource) {
    problem('resource', `No published resource ${JSON.stringify(input.resource)}.`);
  } else if (!needsGrants(resource)) {
    problem('resource', `${resource.code} (${resource.name}) is shared ${resource.share.type === 'none' ? 'with no one' : 'unconditionally'}; grants are only for conditional resources.`);
  } else if (requester && requester.code === resource.provider) {
    problem('requester', `${requester.code} provides ${resource.code}; its provider needs no grant.`);
  }

  const vocabulary = new Set(ctx.platform.purposes.map((p) => p.code));
  if (purposes.length === 0) problem('purposes', 'List at least one purpose.');
  purposes.forEach((p, i) => {
    if (!vocabulary.has(p)) {
      problem(`purposes[${i}]`, `Unknown purpose ${JSON.stringify(p)}; valid codes: ${[...vocabulary].join(', ')}.`);
    } else if (resource && share && !purposeInScope(share, p)) {
      problem(`purposes[${i}]`, `${p} is outside the scope of use of ${resource.code} (${share.purposes!.join(', ') || 'no purpose'}).`);
    }
  });

  // The resource's own rows 1–3 (not shared, not through the API, outside the scope): a grant cannot
  // lift them, so a grant they would deny is refused rather than stored to no effect.
  let closedWhole = false;
  if (resource && requester && needsGrants(resource) && requester.code !== resource.provider) {
    const d = decide({ requester, purpose: purposes[0] ?? null, resource, item: null, grants: [], now });
    closedWhole = !d.allowed && HARD_NO.has(d.code);
    if (closedWhole) problem('requester', (d as { message: string }).message);
  }

  if (items.length === 0) problem('items', 'List at least one item.');
  const effective = resource ? effectiveItems(resource) : null;
  if (resource && effective) {
    items.forEach((name, i) => {
      const item = effective.get(name);
      if (!item) {
        problem(`items[${i}]`, `${resource.code} has no item ${JSON.stringify(name)}; its items are: ${[...effective.keys()].join(', ')}.`);
        return;
      }
      // The item's own rows 1–3 (tightened to none, methods without api, a narrower scope) as well, first:
      // an unconditional item outside the requester's own scope is not "read without a grant" by it.
      if (requester && requester.code !== resource.provider && !closedWhole) {
        const d = decide({ requester, purpose: purposes[0] ?? null, resource, item, grants: [], now });
        if (!d.allowed && HARD_NO.has(d.code)) {
          problem(`items[${i}]`, `${d.message} A grant cannot open it.`);
          return;
        }
      }
      if (item.share.type === 'unconditional' && needsGrants(resource)) {
        // A conditional item of an unconditional resource is granted; the others are read without one.
        problem(`items[${i}]`, `Item \`${name}\` of ${resource.code} (${resource.name}) is shared unconditionally: no grant is needed, read it within its scope of use.`);
      }
    });
  }
  unmasked.forEach((name, i) => {
    const item = effective?.get(name);
    if (!items.includes(name)) {
      // `fullname` for `fullName`: the granted item meant (the writer's own list, nothing it may not know).
      const meant = closest(name, items);
      problem(`unmasked[${i}]`, `${JSON.stringify(name)} is not among the granted items (${items.join(', ')}); only a granted item can be unmasked${meant === undefined ? '.' : `: did you mean "${meant}"?`}`);
    }
    // Stored, it would say the department reads in clear by this grant what it reads in clear anyway.
    else if (item && !item.mask) problem(`unmasked[${i}]`, `Item \`${name}\` of ${resource!.code} has no mask: it is read in clear once granted; leave it out of unmasked.`);
  });

  if (input.rows != null) rowProblems(resource, requester, unique(input.rows)).forEach((p) => problems.push(p));

  if (input.until != null) {
    const today = platformDate(now);
    if (!isRealDate(input.until)) problem('until', `${JSON.stringify(input.until)} is not a date; write YYYY-MM-DD.`);
    else if (input.until < today) problem('until', `${input.until} has passed; give a date from today (${today}) on.`);
  }
  if (!input.createdBy.trim()) problem('createdBy', 'Say who makes the grant.');
  return problems;
}

/** A grant's rows narrow the resource's row scope: the resource must have one, and each code be a
 * division code within the requester's region (a code outside it would show nothing, never more). */
function rowProblems(resource: Resource | undefined, requester: Department | undefined, rows: string[]): Problem[] {
  const out: Problem[] = [];
  if (rows.length === 0) out.push({ path: 'rows', message: 'List at least one division code, or leave rows out for the whole region.' });
  if (resource && !resource.share.scope?.rows) {
    out.push({ path: 'rows', message: `${resource.code} (${resource.name}) has no row scope; rows can only narrow a resource whose scope has rows.` });
  } else if (resource?.share.type === 'unconditional') {
    // Its records are the region's for everyone: an item granted on fewer would never be read (row-scope.ts).
    out.push({ path: 'rows', message: `${resource.code} (${resource.name}) is shared unconditionally: its records are those of the requester's whole region, so a grant for its conditional items cannot narrow them; leave rows out.` });
    return out;
  }
  rows.forEach((code, i) => {
    if (!/^[0-9]{6}$/.test(code)) {
      const example = requester ? `, like ${requester.region} (the region of ${requester.code})` : '';
      out.push({ path: `rows[${i}]`, message: `${JSON.stringify(code)} is not a division code; write the six digits of a division${example}.` });
    }
    else if (requester && !withinRegion(code, requester.region)) {
      out.push({ path: `rows[${i}]`, message: `${code} lies outside the region ${requester.region} of ${requester.code}; a grant may narrow the rows a department sees, never widen them.` });
    }
  });
  return out;
}
