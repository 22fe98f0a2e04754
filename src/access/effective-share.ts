// The effective share settings of each item (SPEC §4, §6): the resource's share tightened by the item's
// own. Computed once per resource object (the schema is rebuilt from new objects when a catalogue is
// published), never per request; the access decision only reads the result.
import type { Item, MaskName, Resource, Sensitivity, ShareMethod, ShareType } from '../model/catalogue.ts';
import { SHARE_TYPE_ORDER } from '../model/catalogue.ts';
import type { Level } from '../model/platform.ts';
import { compileGlobSet, type GlobSet } from './glob.ts';

/** Every sharing method; a share without `methods` is offered by all of them. */
export const SHARE_METHODS: readonly ShareMethod[] = [
  'api', 'system-integration', 'online-query', 'download', 'copy', 'other',
];

export interface EffectiveShare {
  type: ShareType;
  /** Methods the item is offered by (all of them when neither resource nor item restricts them). */
  methods: readonly ShareMethod[];
  /** Purpose codes allowed; null = any purpose. */
  purposes: readonly string[] | null;
  /** Department levels allowed; null = any level. */
  levels: readonly Level[] | null;
  /** Department patterns: a requester must match at least one pattern of EVERY set (resource's, item's). */
  departments: readonly GlobSet[];
}

/** The share's department patterns let department `code` in (row 3 of SPEC §6; none listed: every department). */
export const departmentInScope = (s: EffectiveShare, code: string): boolean => s.departments.every((g) => g.test(code));

/** The share's scope of use takes `purpose` (row 5 of SPEC §6; none listed: any purpose). */
export const purposeInScope = (s: EffectiveShare, purpose: string): boolean => s.purposes === null || s.purposes.includes(purpose);

export interface EffectiveItem {
  name: string;
  item: Item;
  share: EffectiveShare;
  sensitivity: Sensitivity | null;
  /** The mask row 7 applies: the item's mask, `full` by default; null when the item is not sensitive. */
  mask: MaskName | null;
}

function stricterType(a: ShareType, b: ShareType | undefined): ShareType {
  if (b === undefined) return a;
  return SHARE_TYPE_ORDER.indexOf(b) > SHARE_TYPE_ORDER.indexOf(a) ? b : a;
}

/** Intersection of two optional restrictions (undefined/null = unrestricted), in `a`'s order. */
function narrow<T>(a: readonly T[] | null | undefined, b: readonly T[] | null | undefined): readonly T[] | null {
  if (a == null) return b == null ? null : [...new Set(b)];
  if (b == null) return [...new Set(a)];
  const bs = new Set(b);
  return [...new Set(a.filter((x) => bs.has(x)))];
}

const resourceShares = new WeakMap<Resource, EffectiveShare>();
const itemMaps = new WeakMap<Resource, Map<string, EffectiveItem>>();

/** The resource's own share settings in effective form (used for the resource as a whole). */
export function resourceShare(resource: Resource): EffectiveShare {
  let share = resourceShares.get(resource);
  if (!share) {
    const s = resource.share;
    share = {
      type: s.type,
      methods: narrow(SHARE_METHODS, s.methods) ?? SHARE_METHODS,
      purposes: narrow(s.scope?.purposes, null),
      levels: narrow(s.scope?.levels, null),
      departments: s.scope?.departments ? [compileGlobSet(s.scope.departments)] : [],
    };
    resourceShares.set(resource, share);
  }
  return share;
}

function effectiveItem(resource: Resource, item: Item): EffectiveItem {
  const base = resourceShare(resource);
  const own = item.share ?? {};
  const share: EffectiveShare = {
    type: stricterType(base.type, own.type),
    methods: narrow(base.methods, own.methods) ?? SHARE_METHODS,
    purposes: narrow(base.purposes, own.scope?.purposes),
    levels: narrow(base.levels, own.scope?.levels),
    departments: own.scope?.departments
      ? [...base.departments, compileGlobSet(own.scope.departments)]
      : base.departments,
  };
  const sensitivity = item.sensitivity ?? null;
  return { name: item.name, item, share, sensitivity, mask: sensitivity ? (item.mask ?? 'full') : null };
}

/** Every item of the resource with its effective share, in catalogue order. Memoised per resource object. */
export function effectiveItems(resource: Resource): Map<string, EffectiveItem> {
  let map = itemMaps.get(resource);
  if (!map) {
    map = new Map(resource.items.map((i) => [i.name, effectiveItem(resource, i)]));
    itemMaps.set(resource, map);
  }
  return map;
}

/**
 * Whether grants apply to the resource: some item is shared on conditions, by the resource's type or by
 * its own (an unconditional resource may tighten an item to conditional, which only a grant opens).
 */
export function needsGrants(resource: Resource): boolean {
  for (const item of effectiveItems(resource).values()) if (item.share.type === 'conditional') return true;
  return false;
}
