// What a new version of a resource shares beyond what an earlier publication of it shared: a looser
// type, more methods, more purposes, levels or departments, row scope dropped, an item no longer
// sensitive or masked less. Only the provider may widen its resource's sharing (codes.ts); a catalogue
// compiled by another department may keep or tighten it. The same parts, read the other way, are what a
// new version takes away (`tightenings`: the submission's breaking-change warnings, SPEC §14).
//
// Shares are compared in their effective form (src/access/effective-share.ts: an item's is the
// resource's tightened by its own), part by part, each part a named value of ASPECTS. Department
// patterns are compared by the platform's departments they let in, as the item-narrowing check does.
import { departmentInScope, effectiveItems, resourceShare, type EffectiveShare } from '../access/effective-share.ts';
import { SHARE_TYPE_ORDER, type Resource } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { listOf } from './checks/util.ts';

/** One way the new version shares more; `path` is relative to the resource (`share.type`, `items[2].mask`). */
export interface Widening<P> {
  path: string;
  /** What is wider, in words: `shared unconditional instead of conditional`. */
  what: string;
  /** The publication compared with. */
  against: P;
}

/**
 * One part of a share: its path under `share`, what `after` allows beyond `before`, and what it takes
 * away from it (null: nothing).
 */
interface Aspect {
  path: string;
  wider(before: EffectiveShare, after: EffectiveShare, platform: Platform): string | null;
  tighter(before: EffectiveShare, after: EffectiveShare): string | null;
}

/** An optional restriction (null: none) loosened: dropped, or with entries added. */
function loosened(before: readonly string[] | null, after: readonly string[] | null, none: string, more: (extra: string[]) => string): string | null {
  if (before === null) return null;
  if (after === null) return `${none} instead of ${listOf(before)}`;
  const extra = after.filter((x) => !before.includes(x));
  return extra.length ? more(extra) : null;
}

/** `after` allows less than `before` of an optional restriction (null = unrestricted). */
const narrower = (before: readonly string[] | null, after: readonly string[] | null) => after !== null && (before === null || before.some((x) => !after.includes(x)));

/** A share's department patterns, in one order: two shares with the same patterns let in the same departments. */
const patterns = (s: EffectiveShare) => s.departments.map((g) => [...g.patterns].sort().join(',')).sort();

const ASPECTS: readonly Aspect[] = [
  {
    path: 'share.type',
    wider: (a, b) => (SHARE_TYPE_ORDER.indexOf(b.type) < SHARE_TYPE_ORDER.indexOf(a.type) ? `shared ${b.type} instead of ${a.type}` : null),
    tighter: (a, b) => (SHARE_TYPE_ORDER.indexOf(b.type) > SHARE_TYPE_ORDER.indexOf(a.type) ? `shared ${b.type} instead of ${a.type}` : null),
  },
  {
    path: 'share.methods',
    wider: (a, b) => {
      const extra = b.methods.filter((m) => !a.methods.includes(m));
      return extra.length ? `offered by ${listOf(extra)} too` : null;
    },
    tighter: (a, b) => {
      const lost = a.methods.filter((m) => !b.methods.includes(m));
      return lost.length ? `no longer by ${lost.join(', ')}` : null;
    },
  },
  {
    path: 'share.scope.purposes',
    wider: (a, b) => loosened(a.purposes, b.purposes, 'for any purpose', (extra) => `for ${listOf(extra)} too`),
    tighter: (a, b) => (narrower(a.purposes, b.purposes) ? `purposes narrowed to ${b.purposes!.join(', ')}` : null),
  },
  {
    path: 'share.scope.levels',
    wider: (a, b) => loosened(a.levels, b.levels, 'at any level', (extra) => `at the ${listOf(extra)} level${extra.length > 1 ? 's' : ''} too`),
    tighter: (a, b) => (narrower(a.levels, b.levels) ? `levels narrowed to ${b.levels!.join(', ')}` : null),
  },
  {
    path: 'share.scope.departments',
    wider: (a, b, platform) => {
      const extra = platform.departments.filter((d) => departmentInScope(b, d.code) && !departmentInScope(a, d.code)).map((d) => d.code);
      return extra.length ? `to departments ${listOf(extra, 4)} too` : null;
    },
    tighter: (a, b) =>
      b.departments.length && patterns(a).join(' ') !== patterns(b).join(' ') ? `departments limited to ${patterns(b).join(' and ')}` : null,
  },
];

/** What `after` (an item's new effective share) takes away from `before`, in words; empty when nothing. */
export function tightenings(before: EffectiveShare, after: EffectiveShare): string[] {
  return ASPECTS.flatMap((aspect) => aspect.tighter(before, after) ?? []);
}

/** Every aspect `after` widens, at `prefix` + the aspect's path. */
function widerShare(before: EffectiveShare, after: EffectiveShare, platform: Platform, prefix: string): { path: string; what: string }[] {
  return ASPECTS.flatMap((aspect) => {
    const what = aspect.wider(before, after, platform);
    return what === null ? [] : [{ path: prefix + aspect.path, what }];
  });
}

/**
 * What `after` shares beyond `before` (the resource's last publication) and, item by item, beyond the
 * last publication holding that item (`itemBefore`: an item dropped and brought back is compared with
 * its last publication, since its records are still stored). A part the resource as a whole widens is
 * named once, at the resource; an item new to the resource is bound by the resource's share.
 */
export function widenings<P extends { resource: Resource }>(
  platform: Platform,
  after: Resource,
  before: P,
  itemBefore: (name: string) => P | undefined,
): Widening<P>[] {
  const out: Widening<P>[] = widerShare(resourceShare(before.resource), resourceShare(after), platform, '').map((w) => ({ ...w, against: before }));
  const rowsBefore = before.resource.share.scope?.rows?.item;
  const rowsAfter = after.share.scope?.rows?.item;
  if (rowsBefore !== undefined && rowsAfter !== rowsBefore) {
    out.push({
      path: 'share.scope.rows',
      what: rowsAfter === undefined ? `without its row scope on ${rowsBefore}` : `with row scope on ${rowsAfter} instead of ${rowsBefore}`,
      against: before,
    });
  }
  const atResource = new Set(out.map((w) => w.path));
  const now = effectiveItems(after);
  after.items.forEach((item, j) => {
    const then = itemBefore(item.name);
    const was = then && effectiveItems(then.resource).get(item.name);
    if (!then || !was) return;
    const is = now.get(item.name)!;
    const at = `items[${j}].`;
    for (const w of widerShare(was.share, is.share, platform, at)) {
      if (!atResource.has(w.path.slice(at.length))) out.push({ ...w, against: then });
    }
    if (was.sensitivity !== null && is.sensitivity === null) {
      out.push({ path: `${at}sensitivity`, what: `no longer ${was.sensitivity}, so no longer masked`, against: then });
    } else if (was.mask !== null && is.mask !== null && is.mask !== was.mask && is.mask !== 'full') {
      out.push({ path: `${at}mask`, what: `masked "${is.mask}" instead of "${was.mask}"`, against: then });
    }
  });
  return out;
}
