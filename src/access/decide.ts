// The access table of SPEC §6 as one pure function. Each row is a named value in ACCESS_ROWS; `decide`
// tries them in order and the first that answers decides. Everything else that needs an access answer
// (shield rules, filter and order checks, links, the audit log, the test oracle's counterpart) asks here.
import type { MaskName, Resource } from '../model/catalogue.ts';
import type { Department } from '../model/platform.ts';
import {
  departmentInScope, effectiveItems, purposeInScope, resourceShare, type EffectiveItem, type EffectiveShare,
} from './effective-share.ts';
import { grantCovers, grantsHeld, type Grant } from './grant-model.ts';
import { grantsInForce } from './item-since/in-force.ts';
import { decideRows, divisionOf, grantsGiving, grantsReach, grantsReachRows } from './row-scope.ts';

export type AccessCode =
  | 'NOT_SHARED' | 'METHOD_NOT_API' | 'OUT_OF_SCOPE' | 'PURPOSE_REQUIRED' | 'PURPOSE_OUT_OF_SCOPE' | 'GRANT_REQUIRED';

/** Every access denial's code: an error with one is the rules' refusal (read-failures.ts, a connected platform's in forward.ts). */
export const ACCESS_CODES: ReadonlySet<string> = new Set<AccessCode>([
  'NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE', 'PURPOSE_REQUIRED', 'PURPOSE_OUT_OF_SCOPE', 'GRANT_REQUIRED',
]);

/** Denials that no purpose and no grant can lift (rows 1 to 3). */
export const HARD_NO: ReadonlySet<AccessCode> = new Set(['NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE']);

export type Decision =
  | { allowed: true; mask: MaskName | null }
  | { allowed: false; code: AccessCode; message: string };

/**
 * Allowed, but masked: comparing a value with such an item (an `eq`, each value of an `in`, a lookup by
 * it, each value a link looks up by it) is a masked probe, counted against the quota of SPEC §13.
 */
export const isMasked = (d: Decision): boolean => d.allowed && d.mask !== null;

export interface AccessQuery {
  requester: Department;
  purpose: string | null;
  resource: Resource;
  /** The item read; null = the resource as a whole (its own share settings, any item for grants). */
  item: EffectiveItem | null;
  /** The requester's grants; inactive ones and those of other departments or resources are ignored. */
  grants: readonly Grant[];
  now: Date;
}

/** What a row sees: the query with the share settings that apply to it. */
interface Case extends AccessQuery {
  share: EffectiveShare;
  /** The grants held before those made for an item's earlier publication were set aside (item-since.ts). */
  held: readonly Grant[];
}

/** One row of the table: answers with a decision, or null to let the next row decide. */
export interface AccessRow {
  readonly row: number;
  readonly name: string;
  decide(c: Case): Decision | null;
}

// ---- wording -------------------------------------------------------------------------------------

/** "Item `address` of 430000-GA-00001 (Household registration)" or "430000-GA-00001 (Household registration)". */
function subject(c: Case): string {
  const r = `${c.resource.code} (${c.resource.name})`;
  return c.item ? `Item \`${c.item.name}\` of ${r}` : r;
}

const list = (xs: readonly string[]): string => xs.join(', ');

function scopeWords(s: EffectiveShare): string {
  const parts: string[] = [];
  if (s.departments.length) parts.push('departments ' + s.departments.map((g) => list(g.patterns)).join(' and '));
  if (s.levels) parts.push(s.levels.length ? `the ${list(s.levels)} level${s.levels.length > 1 ? 's' : ''}` : 'no level');
  return parts.join(' at ');
}

// ---- the rows ------------------------------------------------------------------------------------

const allow = (mask: MaskName | null): Decision => ({ allowed: true, mask });

function deny(
  row: number,
  code: AccessCode,
  applies: (c: Case) => boolean,
  message: (c: Case) => string,
): AccessRow {
  return {
    row,
    name: code,
    decide: (c) => (applies(c) ? { allowed: false, code, message: message(c) } : null),
  };
}

const providerRow: AccessRow = {
  row: 0,
  name: 'PROVIDER',
  decide: (c) => (c.requester.code === c.resource.provider ? allow(null) : null),
};

const notSharedRow = deny(1, 'NOT_SHARED', (c) => c.share.type === 'none',
  (c) => `${subject(c)} is not shared; only its provider ${c.resource.provider} can read it.`);

const methodNotApiRow = deny(2, 'METHOD_NOT_API', (c) => !c.share.methods.includes('api'),
  (c) => c.share.methods.length
    ? `${subject(c)} is shared by ${list(c.share.methods)}, not through the API; ask its provider ${c.resource.provider} for it by one of those methods.`
    : `${subject(c)} is not offered by any sharing method; ask its provider ${c.resource.provider}.`);

function inScope(c: Case): boolean {
  const { levels } = c.share;
  return departmentInScope(c.share, c.requester.code) && (levels === null || levels.includes(c.requester.level));
}

const outOfScopeRow = deny(3, 'OUT_OF_SCOPE', (c) => !inScope(c),
  (c) => `${subject(c)} is shared only with ${scopeWords(c.share)}; department ${c.requester.code} (${c.requester.level}) is outside that scope.`);

const purposeRequiredRow = deny(4, 'PURPOSE_REQUIRED', (c) => c.purpose === null,
  (c) => c.share.purposes
    ? `${subject(c)} is read only for a stated purpose; send the \`x-purpose\` header with one of: ${list(c.share.purposes)}.`
    : `${subject(c)} is read only for a stated purpose; send the \`x-purpose\` header with one of the platform's purpose codes.`);

const purposeOutOfScopeRow = deny(5, 'PURPOSE_OUT_OF_SCOPE',
  (c) => !purposeInScope(c.share, c.purpose as string),
  (c) => c.share.purposes!.length
    ? `${subject(c)} may be used only for ${list(c.share.purposes!)}; purpose \`${c.purpose}\` is outside its scope of use.`
    : `${subject(c)} may not be used for any purpose; purpose \`${c.purpose}\` is outside its scope of use.`);

/** Active grants of the requester for this resource covering the item (any when null) and the purpose. */
function coveringGrants(c: Case): Grant[] {
  const q = {
    requester: c.requester.code,
    resource: c.resource.code,
    item: c.item?.name ?? null,
    purpose: c.purpose as string,
    now: c.now,
  };
  return c.grants.filter((g) => grantCovers(g, q));
}

/**
 * The grants reach every record the requester sees of the resource (SPEC §6 row scope: a grant's rows
 * narrow what it gives, and the requester sees what any of its grants reaches). A decision holds for
 * every row, so an item's grants must reach them all; always true for a resource without row scope.
 */
function reachEveryRow(c: Case, grants: readonly Grant[]): boolean {
  return grantsReachRows(c.requester, grants, decideRows(c));
}

const grantRequiredRow = deny(6, 'GRANT_REQUIRED',
  (c) => {
    if (c.share.type !== 'conditional') return false;
    const covering = coveringGrants(c);
    return covering.length === 0 || !reachEveryRow(c, covering);
  },
  (c) => {
    // Grants are this platform's, given to its own departments (grant-model.ts, grantsHeld): a department
    // whose request a connected platform forwarded can hold none here, so it is not sent to ask for one.
    if (c.requester.via !== undefined) {
      return `${subject(c)} is shared on conditions, by grants this platform gives to its own departments only: department ${c.requester.code}, whose request the platform of ${c.requester.via} forwarded, holds none here, so requests forwarded for it do not read this ${c.item ? 'item' : 'resource'}.`;
    }
    const covering = coveringGrants(c);
    if (covering.length === 0) {
      const earlier = c.grants !== c.held && coveringGrants({ ...c, grants: c.held }).length > 0;
      return earlier
        ? `${subject(c)} is shared on conditions: the active grants of department ${c.requester.code} naming it for purpose \`${c.purpose}\` were given before a version of the catalogue dropped it and published it again, and do not cover what is published under that name now; request sharing of it again from its provider ${c.resource.provider}.`
        : `${subject(c)} is shared on conditions: department ${c.requester.code} holds no active grant covering it for purpose \`${c.purpose}\`; request sharing from its provider ${c.resource.provider}.`;
    }
    const divisions = (prefixes: readonly string[]) => list(prefixes.map(divisionOf));
    return `${subject(c)} is shared on conditions: the active grants of department ${c.requester.code} listing it for purpose \`${c.purpose}\` reach the records of ${divisions(grantsReach(c.requester, covering))} only, not every record its grants for the purpose let it see (those of ${divisions(decideRows(c)!.prefixes)}); request sharing of it for those records from its provider ${c.resource.provider}.`;
  });

const otherwiseRow: AccessRow = {
  row: 7,
  name: 'ALLOWED',
  decide: (c) => {
    const item = c.item;
    if (!item || item.mask === null) return allow(null);
    // Unmasked when grants lifting the mask reach every record seen (row 6 has checked the rows for reading).
    const lifting = coveringGrants(c).filter((g) => g.unmasked.includes(item.name));
    return allow(lifting.length > 0 && reachEveryRow(c, lifting) ? null : item.mask);
  },
};

/** The table of SPEC §6, in order. */
export const ACCESS_ROWS: readonly AccessRow[] = [
  providerRow, notSharedRow, methodNotApiRow, outOfScopeRow,
  purposeRequiredRow, purposeOutOfScopeRow, grantRequiredRow, otherwiseRow,
];

function firstAnswer(q: AccessQuery): { row: number; decision: Decision } {
  // A grant naming only items a version dropped gives nothing: not for the resource as a whole either.
  const held = grantsGiving(q.resource, grantsHeld(q.requester, q.grants));
  const c: Case = { ...q, held, grants: grantsInForce(q.resource, held), share: q.item ? q.item.share : resourceShare(q.resource) };
  for (const row of ACCESS_ROWS) {
    const decision = row.decide(c);
    if (decision) return { row: row.row, decision };
  }
  throw new Error('unreachable: the last access row always answers');
}

/** The decision for one item (or, with `item: null`, for the resource's own share settings). */
export function decide(q: AccessQuery): Decision {
  return firstAnswer(q).decision;
}

/** Decisions for every item of the resource, in catalogue order. */
export function decideItems(q: Omit<AccessQuery, 'item'>): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const [name, item] of effectiveItems(q.resource)) out.set(name, decide({ ...q, item }));
  return out;
}

/**
 * The decision for the resource as a whole (its list and lookup fields): allowed (mask null) when at
 * least one item is allowed. Otherwise the first row that denies the resource's own share settings
 * (e.g. a conditional resource and no grant for the purpose: GRANT_REQUIRED); and when those alone
 * would allow, the item denial of the lowest row (the first such item in catalogue order).
 */
export function decideResource(q: Omit<AccessQuery, 'item'>): Decision {
  let first: { row: number; decision: Decision } | null = null;
  for (const item of effectiveItems(q.resource).values()) {
    const a = firstAnswer({ ...q, item });
    if (a.decision.allowed) return allow(null);
    if (!first || a.row < first.row) first = a;
  }
  const whole = firstAnswer({ ...q, item: null });
  if (!whole.decision.allowed || !first) return whole.decision;
  return first.decision;
}
