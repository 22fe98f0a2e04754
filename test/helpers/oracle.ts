// A test oracle for the access table of SPEC §6, written apart from src/access on purpose: it reads the
// platform and catalogue documents itself (plain YAML, no validation, no model) and answers from the
// spec's words as plainly as it can. It must not import src/access, src/formats/masks or the glob code:
// the randomised test (test/access-oracle.test.ts) compares the gateway with it, so sharing code would
// let one mistake hide itself.
//
// Where the spec is silent, the oracle follows the decisions documented in docs/access-rules.md:
// - an item's share only tightens its resource's, so "the effective share" is read as "both the
//   resource's and the item's settings must let the request through", row by row;
// - following a link is a lookup of the target by its linked item with eq, so it needs the link's own
//   item, the target resource as a whole, and the target's linked item;
// - the resource as a whole (list, lookup, link target) is allowed when one item is; otherwise it gets
//   the first row that denies its own settings (a grant for any of its items counts), and when its own
//   settings let the request through, the lowest row among its items' denials (catalogue order on ties);
// - on a masked item only eq and in filter, and on a masked boolean or enum nothing does; a resource
//   keyed by a masked boolean or enum takes no lookup, and a link into one is not followed (GRANT_REQUIRED);
// - a mask keeps its first and last characters by code point; a value no longer than what a mask keeps
//   is replaced whole;
// - row scope: a record is seen when its row item starts with the requester's region cut of its
//   trailing "00" pairs and, when every covering grant lists rows, with one of those cut the same way;
//   a lookup or link to a record outside is null without an error;
// - several grants and row scope: an item's answer holds on every record seen, so the grants listing the
//   item must between them see every record the requester's grants for the resource and purpose see
//   (else GRANT_REQUIRED), and the grants unmasking it every such record too (else it is masked).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The denial codes of the table, in row order (rows 1 to 6). */
export const DENIAL_CODES = [
  'NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE', 'PURPOSE_REQUIRED', 'PURPOSE_OUT_OF_SCOPE', 'GRANT_REQUIRED',
] as const;
export type DenialCode = (typeof DENIAL_CODES)[number];

interface Share {
  type?: string;
  methods?: string[];
  scope?: { purposes?: string[]; departments?: string[]; levels?: string[]; rows?: { item: string } };
}

export interface ODepartment {
  code: string;
  level: string;
  region: string;
  graphqlName: string;
}

export interface OItem {
  name: string;
  type: string;
  sensitive: boolean;
  /** The mask a sensitive item gets (its own, `full` when it names none); null when not sensitive. */
  mask: string | null;
  share: Share | null;
  /** An enum's values. */
  values?: string[];
  /** A string's format (`idcard`: an ID number, its check character 'X' one key with 'x'). */
  format?: string;
}

export interface OLink {
  field: string;
  item: string;
  /** The linked resource's code and the item of it that equals this item's value. */
  resource: string;
  targetItem: string;
}

export interface OResource {
  code: string;
  name: string;
  provider: string;
  share: Share;
  key: string;
  type: string;
  list: string;
  byKey: string;
  items: OItem[];
  links: OLink[];
}

export interface OPlatform {
  departments: ODepartment[];
  purposes: string[];
  resources: OResource[];
  resource(code: string): OResource;
  department(code: string): ODepartment;
}

/** Reads the platform file and the catalogue documents (every resource of them is taken as published). */
export function loadOracle(platformFile: string, catalogueFiles: string[]): OPlatform {
  const p = parse(readFileSync(platformFile, 'utf8'));
  const departments: ODepartment[] = p.departments.map((d: ODepartment) => ({ code: d.code, level: d.level, region: d.region, graphqlName: d.graphqlName }));
  const resources: OResource[] = [];
  for (const file of catalogueFiles) {
    const c = parse(readFileSync(file, 'utf8'));
    for (const r of c.resources) {
      const items: OItem[] = r.items.map((i: Record<string, any>) => ({
        name: i.name,
        type: i.type,
        sensitive: i.sensitivity !== undefined,
        mask: i.sensitivity !== undefined ? (i.mask ?? 'full') : null,
        share: i.share ?? null,
        values: i.values,
        format: i.format,
      }));
      const links: OLink[] = r.items
        .filter((i: Record<string, any>) => i.link)
        .map((i: Record<string, any>) => ({ field: i.link.field, item: i.name, resource: i.link.resource, targetItem: i.link.item }));
      resources.push({
        code: r.code, name: r.name, provider: r.provider, share: r.share, key: r.key,
        type: r.graphql.type, list: r.graphql.list, byKey: r.graphql.byKey, items, links,
      });
    }
  }
  const byCode = new Map(resources.map((r) => [r.code, r]));
  const deptByCode = new Map(departments.map((d) => [d.code, d]));
  return {
    departments,
    purposes: p.purposes.map((x: { code: string }) => x.code),
    resources,
    resource: (code) => byCode.get(code) ?? fail(`no resource ${code}`),
    department: (code) => deptByCode.get(code) ?? fail(`no department ${code}`),
  };
}

function fail(message: string): never {
  throw new Error(message);
}

// ---- grants ----------------------------------------------------------------------------------------

export interface OGrant {
  requester: string;
  resource: string;
  items: string[];
  purposes: string[];
  unmasked: string[];
  /** Division codes narrowing the row scope; null or absent = none. */
  rows?: string[] | null;
  from: string;
  /** Last day (inclusive) on the platform's calendar, Asia/Shanghai (UTC+8, no daylight saving). */
  until: string | null;
  revokedAt: string | null;
}

/** The date in Asia/Shanghai at `now`. */
export function shanghaiDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function grantActive(g: OGrant, now: Date): boolean {
  return g.revokedAt === null && Date.parse(g.from) <= now.getTime() && (g.until === null || g.until >= shanghaiDate(now));
}

// ---- the table -------------------------------------------------------------------------------------

/** Who asks: the requesting department, the purpose header (or null), every grant in the store. */
export interface Asker {
  dept: ODepartment;
  purpose: string | null;
  grants: readonly OGrant[];
  now: Date;
}

export type Answer = { allowed: true; mask: string | null } | { allowed: false; code: DenialCode };

const allowed = (mask: string | null): Answer => ({ allowed: true, mask });
const denied = (code: DenialCode): Answer => ({ allowed: false, code });

/** `*` is any run of characters, `?` one character; the pattern matches the whole code. */
export function globMatches(pattern: string, code: string): boolean {
  if (pattern === '') return code === '';
  if (pattern[0] === '*') return [...Array(code.length + 1).keys()].some((i) => globMatches(pattern.slice(1), code.slice(i)));
  if (code === '') return false;
  return (pattern[0] === '?' || pattern[0] === code[0]) && globMatches(pattern.slice(1), code.slice(1));
}

/** The requester's active grants for the resource, for the purpose, covering the item (any item when null). */
export function coveringGrants(a: Asker, r: OResource, item: string | null): OGrant[] {
  return a.grants.filter((g) =>
    g.requester === a.dept.code && g.resource === r.code && g.purposes.includes(a.purpose ?? '') &&
    (item === null || g.items.includes(item)) && grantActive(g, a.now));
}

/** SPEC §6 for one item of a resource, or (item null) for the resource's own share settings. */
export function answerItem(a: Asker, r: OResource, item: OItem | null): Answer {
  if (a.dept.code === r.provider) return allowed(null); // row 0
  const shares = item?.share ? [r.share, item.share] : [r.share];
  if (shares.some((s) => s.type === 'none')) return denied('NOT_SHARED'); // row 1
  if (shares.some((s) => s.methods && !s.methods.includes('api'))) return denied('METHOD_NOT_API'); // row 2
  const outside = shares.some((s) =>
    (s.scope?.departments && !s.scope.departments.some((p) => globMatches(p, a.dept.code))) ||
    (s.scope?.levels && !s.scope.levels.includes(a.dept.level)));
  if (outside) return denied('OUT_OF_SCOPE'); // row 3
  if (a.purpose === null) return denied('PURPOSE_REQUIRED'); // row 4
  if (shares.some((s) => s.scope?.purposes && !s.scope.purposes.includes(a.purpose!))) return denied('PURPOSE_OUT_OF_SCOPE'); // row 5
  const grants = coveringGrants(a, r, item?.name ?? null);
  if (shares.some((s) => s.type === 'conditional') && !(grants.length > 0 && seeEveryRecord(a, r, grants))) return denied('GRANT_REQUIRED'); // row 6
  if (!item?.sensitive) return allowed(null); // row 7
  const unmasking = grants.filter((g) => g.unmasked.includes(item.name));
  return allowed(unmasking.length > 0 && seeEveryRecord(a, r, unmasking) ? null : item.mask);
}

export function itemOf(r: OResource, name: string): OItem {
  return r.items.find((i) => i.name === name) ?? fail(`no item ${name} in ${r.code}`);
}

const rowOf = (code: DenialCode): number => DENIAL_CODES.indexOf(code);

/** The resource's list and lookup fields (and links to it): allowed when any item is. */
export function answerResource(a: Asker, r: OResource): Answer {
  const answers = r.items.map((i) => answerItem(a, r, i));
  if (answers.some((x) => x.allowed)) return allowed(null);
  const whole = answerItem(a, r, null);
  if (!whole.allowed) return whole;
  let lowest = answers[0] as Extract<Answer, { allowed: false }>;
  for (const x of answers as Extract<Answer, { allowed: false }>[]) if (rowOf(x.code) < rowOf(lowest.code)) lowest = x;
  return lowest;
}

/** Filtering (operator `eq`, `in`, ...), ordering (`orderBy`) or looking up (`lookup`) by an item. */
export type UseAnswer = { ok: true } | { ok: false; code: DenialCode | 'BAD_USER_INPUT'; item: string };

export function answerUse(a: Asker, r: OResource, item: string, operator: string): UseAnswer {
  const d = answerItem(a, r, itemOf(r, item));
  if (!d.allowed) return { ok: false, code: d.code, item };
  if (d.mask === null) return { ok: true };
  // A masked boolean or enum is not filtered at all: eq on it sorts the records by the hidden value; nor
  // is a resource keyed by one looked up (the record found tells its hidden key).
  if (fewValues(itemOf(r, item))) return { ok: false, code: 'BAD_USER_INPUT', item };
  if (operator === 'lookup') return { ok: true }; // a lookup by the key is an eq on one record
  if (operator !== 'eq' && operator !== 'in') return { ok: false, code: 'BAD_USER_INPUT', item };
  return { ok: true };
}

/** A boolean or an enum: a few values everyone knows. */
export const fewValues = (item: OItem): boolean => item.type === 'boolean' || item.type === 'enum';

/**
 * Following a link (SPEC §6): its own item, the target as a whole, the target's linked item (an eq on it),
 * and, that item masked and of few values, GRANT_REQUIRED (docs/access-rules.md, a link into a masked
 * boolean or enum is not followed). The denial names the resource and item it is of; null when allowed.
 */
export function linkDenial(a: Asker, r: OResource, l: OLink, target: OResource): { code: DenialCode; resource: string; item?: string } | null {
  const own = answerItem(a, r, itemOf(r, l.item));
  if (!own.allowed) return { code: own.code, resource: r.code, item: l.item };
  const whole = answerResource(a, target);
  if (!whole.allowed) return { code: whole.code, resource: target.code };
  const joined = answerItem(a, target, itemOf(target, l.targetItem));
  if (!joined.allowed) return { code: joined.code, resource: target.code, item: l.targetItem };
  if (joined.mask && fewValues(itemOf(target, l.targetItem))) return { code: 'GRANT_REQUIRED', resource: target.code, item: l.targetItem };
  return null;
}

// ---- row scope -------------------------------------------------------------------------------------

/** "430000" → "43", "430100" → "4301", "430102" → "430102": the code with its trailing "00" pairs cut. */
function cut(code: string): string {
  return code.replace(/(00)+$/, '');
}

/**
 * SPEC §6 row scope: whether a record whose row-scope item holds `value` is seen by the asker. The
 * provider sees every record; another department those within its region; and when every grant of
 * the asker covering the resource for the purpose lists rows, only those within one of the rows too.
 */
export function rowVisible(a: Asker, r: OResource, value: unknown): boolean {
  const item = r.share.scope?.rows?.item;
  if (!item || a.dept.code === r.provider) return true;
  if (typeof value !== 'string' || !value.startsWith(cut(a.dept.region))) return false;
  const grants = coveringGrants(a, r, null);
  if (grants.length === 0 || grants.some((g) => !g.rows)) return true;
  return grants.some((g) => g.rows!.some((code) => value.startsWith(cut(code))));
}

/** The division prefixes one grant lets the asker see of a row-scoped resource (none: nothing of it). */
function seenThrough(a: Asker, g: OGrant): string[] {
  const region = cut(a.dept.region);
  if (!g.rows) return [region];
  const out: string[] = [];
  for (const p of g.rows.map(cut)) {
    if (p.startsWith(region)) out.push(p); // within the region
    else if (region.startsWith(p)) out.push(region); // wider than the region: the region
  }
  return out;
}

/**
 * Whether the grants `some` between them see every record of the row-scoped resource that the asker's
 * grants for it and the purpose see (true without row scope, and for the provider). Prefix sets: every
 * prefix seen must start with one that `some` sees, as the records under it are unbounded otherwise.
 */
export function seeEveryRecord(a: Asker, r: OResource, some: readonly OGrant[]): boolean {
  if (!rowItem(r) || a.dept.code === r.provider) return true;
  const all = coveringGrants(a, r, null);
  const seen = all.length ? all.flatMap((g) => seenThrough(a, g)) : [cut(a.dept.region)];
  const through = some.flatMap((g) => seenThrough(a, g));
  return seen.every((s) => through.some((p) => s.startsWith(p)));
}

/** The same rule as a filter argument of the resource's list field (for the provider's read); null = none. */
export function rowFilterArg(a: Asker, r: OResource): Record<string, unknown> | null {
  const item = r.share.scope?.rows?.item;
  if (!item || a.dept.code === r.provider) return null;
  const region = { [item]: { startsWith: cut(a.dept.region) } };
  const grants = coveringGrants(a, r, null);
  if (grants.length === 0 || grants.some((g) => !g.rows)) return region;
  return { and: [region, { or: grants.flatMap((g) => g.rows!).map((code) => ({ [item]: { startsWith: cut(code) } })) }] };
}

/** The row-scope item of the resource, or null. */
export const rowItem = (r: OResource): string | null => r.share.scope?.rows?.item ?? null;

// ---- masks -----------------------------------------------------------------------------------------

/** Characters kept at the start and at the end (SPEC §4). */
const KEPT: Record<string, [number, number]> = { idcard: [6, 4], name: [1, 0], phone: [3, 4], partial: [1, 1], full: [0, 0] };

/**
 * `value` under `mask`. A boolean or enum item (`item`) under `full` is masked as long as its longest
 * value, whatever its value (docs/access-rules.md, Masks): lengths alone would tell its values apart.
 */
export function masked(mask: string, value: string, item?: { type: string; values?: string[] }): string {
  const words = mask !== 'full' ? undefined : item?.type === 'boolean' ? ['true', 'false'] : item?.type === 'enum' ? item.values : undefined;
  if (words?.length && value !== '') return '*'.repeat(Math.max(...words.map((w) => Array.from(w).length)));
  const [first, last] = KEPT[mask] ?? fail(`no mask ${mask}`);
  const chars = Array.from(value);
  if (chars.length <= first + last) return '*'.repeat(chars.length);
  return chars.slice(0, first).join('') + '*'.repeat(chars.length - first - last) + chars.slice(chars.length - last).join('');
}

// ---- filters ---------------------------------------------------------------------------------------

/** The filter operators an item offers (SPEC §5), by its catalogue type (also for personal and secret
 * items, which are typed String as fields but filtered as what they hold). */
export function operatorsOf(item: OItem): string[] {
  switch (item.type) {
    case 'string': case 'text': return ['eq', 'ne', 'in', 'startsWith', 'contains'];
    case 'boolean': return ['eq'];
    case 'enum': return ['eq', 'ne', 'in'];
    default: return ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'];
  }
}
