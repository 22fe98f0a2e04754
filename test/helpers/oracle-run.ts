// The engine of the oracle tests (test/access-oracle.test.ts on the demo, test/access-oracle-generated.test.ts
// on generated platforms): rounds of random grants (added, revoked, ended, not yet begun) and random
// requests of every department with each purpose (or none), each answer compared with what the oracle
// (test/helpers/oracle.ts) says and with the provider's own unmasked read of the same records.
//
// Each round: a few large documents (many cases, nearly always some denial among them) and many small
// ones (often entirely allowed, which the gateway executes without the per-field rules: its fast path).
import { publishedCatalogues } from '../../src/catalogue/repository.ts';
import { addGrant, GrantInputError, revokeGrant, type Grant, type GrantInput } from '../../src/access/grants.ts';
import { collectionOf, type Catalogue } from '../../src/model/catalogue.ts';
import { DEFAULT_LIMITS, type Limits } from '../../src/model/platform.ts';
import { ROW_ORDER } from '../../src/store/port.ts';
import { RECORD_ORDER_FIELD } from '../../src/model/catalogue.ts';
import { enumTypeName, enumValueName } from '../../src/model/names.ts';
import type { GraphQLResponse, TestGateway } from './gateway.ts';
import {
  answerItem, answerResource, answerUse, coveringGrants, itemOf, linkDenial, masked, operatorsOf, rowFilterArg, rowItem, rowVisible, shanghaiDate,
  type Answer, type Asker, type ODepartment, type OGrant, type OItem, type OLink, type OPlatform, type OResource,
} from './oracle.ts';
import { mulberry32 } from './random.ts';

const LARGE_BATCHES = 4;
const LARGE_BATCH = 20;
const SMALL_BATCHES = 10;
const POOL = 300; // records per resource read by the provider up front: lookup keys and filter values

/**
 * The limits a gateway under the oracle runs with. Cases are batched 20 to a document, two aliases each:
 * past the default maxAliases (SPEC §13). Lookups and links by masked items are masked probes; their quota
 * is test/masked-probes.test.ts's, not the oracle's, so it is out of the way here (a refusal by the quota
 * would be no answer of the table).
 */
export const ORACLE_LIMITS: Partial<Limits> = {
  maxAliases: 1000,
  maskedProbes: { ...DEFAULT_LIMITS.maskedProbes, perHour: 1_000_000, perDay: 1_000_000 },
};

/** The GraphQL type an item of `r` is filtered as (SPEC §5): a personal or secret enum by its values as Strings. */
function scalarOf(r: OResource, item: OItem): string {
  if (item.type === 'enum') return item.sensitive ? 'String' : enumTypeName(r.type, item.name);
  const scalars: Record<string, string> = { string: 'String', text: 'String', int: 'Int', float: 'Float', decimal: 'Decimal', boolean: 'Boolean', date: 'Date', datetime: 'DateTime' };
  return scalars[item.type] ?? fail(`no key of type ${item.type} here`);
}

/** The spellings an ID number is one key under, the canonical ('X') first (src/model/key-spellings.ts says so too). */
const idSpellings = (v: string): string[] => (/^\d{17}[xX]$/.test(v) ? [v.slice(0, 17) + 'X', v.slice(0, 17) + 'x'] : [v]);

/**
 * A value of `item` as one compares with another in a lookup or a link (whoever reads it: an enum as the
 * schema names it, a number or a decimal by value, an instant by its time, an ID number by its 'X' spelling).
 */
function joinText(item: OItem, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  switch (item.type) {
    case 'enum': return enumValueName(s);
    case 'int': case 'float': return String(Number(s));
    case 'decimal': return decimalText(s);
    case 'datetime': return String(Date.parse(s));
  }
  return item.format === 'idcard' ? idSpellings(s)[0] : s;
}

/** A decimal as one of its value reads: "450.10" is "450.1", "-0" and "0.00" are "0". */
function decimalText(v: string): string {
  const m = /^(-?)(\d*)\.?(\d*)$/.exec(v);
  if (!m) return v;
  const [int, frac] = [m[2].replace(/^0+/, ''), m[3].replace(/0+$/, '')];
  return int || frac ? `${m[1]}${int || '0'}${frac ? `.${frac}` : ''}` : '0';
}

function fail(message: string): never {
  throw new Error(message);
}

/** Whether a value is long enough to tell (not found by chance in a text): Chinese from 2 characters, others from 6. */
export const telling = (s: string): boolean => (/[^\x00-\x7f]/.test(s) ? s.length >= 2 : s.length >= 6);

/**
 * The platform the oracle's resources are served by (SPEC §12 apart, one gateway): its provider's reads
 * of its own records, its store (grants, the stored order) and its platform file. A TestGateway is one;
 * so is a served process with its store opened beside it (test/helpers/oracle-pair.ts).
 */
export type OracleHome = Pick<TestGateway, 'query' | 'store' | 'platform'>;

/**
 * The requests through a connected platform (SPEC §12): each case asked by a department of the connecting
 * platform under `Query.<namespace>` (`c0: city { d: dept { r: list(...) } }`), its variables typed by the
 * connected platform's type names as the connecting one prefixes them. A forwarded department holds no
 * grant of the platform it reads (docs/access-rules.md, Grants): the oracle answers it with none, whatever
 * grants that platform holds under its code.
 */
export interface OracleHop {
  /** Sends a document as a department of the connecting platform (its request id given, for the audit). */
  query(document: string, opts: { dept: string; purpose?: string; variables?: Record<string, unknown>; headers?: Record<string, string> }): Promise<GraphQLResponse>;
  namespace: string;
  /** The connected platform's types' prefix under the namespace (`City_`). */
  typePrefix: string;
  /** The connecting platform's departments, the askers. */
  departments: ODepartment[];
  /** Each batch's request id (x-request-id), to find both sides' entries of it. */
  requestId(batch: number): string;
}

/** A batch sent through the hop: its request id, asker, and what the answer held, for the audit's check. */
export interface HopBatch {
  requestId: string;
  dept: string;
  purpose: string | null;
  errors: NonNullable<GraphQLResponse['errors']>;
  /** Whether the answer held some value read (any case not refused whole). */
  anyRead: boolean;
  /** Per case alias: the department field and the list or lookup field it asks. */
  fields: Record<string, [string, string]>;
  /**
   * What the platform read must record denied and masked per resource, as the oracle answers the asker:
   * `*` for a resource refused whole, an item for each denial (a refused filter or order by its code,
   * BAD_USER_INPUT for a masked one's), on an empty page or lookup too (docs/access-rules.md).
   */
  expected: Record<string, { denied: Record<string, string>; masked: string[]; deniedAlso?: Record<string, string[]> }>;
}

export interface OracleRunResult {
  /** Cases checked. */
  cases: number;
  /** One text per case that disagrees, naming the run (`label`), the batch and the case. */
  problems: string[];
  /** Outcomes met (`list:GRANT_REQUIRED`, `item:masked`, ...), to show a run is not vacuous. */
  tally: Map<string, number>;
  grants: number;
  /** Values each case's asker might not see in clear (denied or masked): no audit entry may hold one. */
  secrets: Set<string>;
  /** Through a hop: each batch sent. */
  batches: HopBatch[];
}

/**
 * Runs `rounds` rounds of random grants and requests, drawn from `seed`, against the gateway `gw` serving
 * the platform the oracle `oracle` read; `label` names the run in each problem (`seed 123`).
 */
export async function runOracle(gw: OracleHome, oracle: OPlatform, opts: { seed: number; rounds: number; label?: string; hop?: OracleHop }): Promise<OracleRunResult> {
  const hop = opts.hop ?? null;
  const SEED = opts.seed;
  const label = opts.label ?? `seed ${SEED}`;
  let catalogues: Catalogue[] = [];
  const rand = mulberry32(SEED);
  const chance = (p: number) => rand() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  function some<T>(xs: readonly T[], min: number, max: number): T[] {
    const shuffled = [...xs];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    return shuffled.slice(0, int(Math.min(min, xs.length), Math.min(max, xs.length)));
  }

  type Rec = Record<string, unknown>;

  /** Every grant added, as the oracle sees it (revocations applied). */
  const grants: (OGrant & { id: string })[] = [];
  /** Per resource: records as its provider reads them (all items, unmasked), in key order. */
  const pools = new Map<string, Rec[]>();
  /** Per resource: records by key, as its provider reads them. */
  const byKey = new Map<string, Map<unknown, Rec>>();

  const deptField = (code: string) => oracle.department(code).graphqlName;

  async function asProvider(r: OResource, document: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
    const res = await gw.query(document, { dept: r.provider, variables });
    if (res.errors) throw new Error(`provider read of ${r.code} failed: ${JSON.stringify(res.errors)}`);
    return res;
  }

  const allItems = (r: OResource) => r.items.map((i) => i.name).join(' ');

  function remember(r: OResource, rows: Rec[]) {
    let m = byKey.get(r.code);
    if (!m) byKey.set(r.code, (m = new Map()));
    for (const row of rows) m.set(String(row[r.key]), row);
  }

  /**
   * A value read of an item (or a linking item's, maybe of another type's form) as the item's filter takes
   * it: an enum by its schema name, or its catalogue value when personal or secret; a boolean as one.
   */
  function asFilterValue(item: OItem, v: unknown): unknown {
    if (item.type === 'enum') {
      const value = item.values?.find((x) => enumValueName(x) === enumValueName(String(v))) ?? String(v);
      return item.sensitive ? value : enumValueName(value);
    }
    if (item.type === 'boolean') return String(v) === 'true';
    return filterable({ ...item, sensitive: true }, v);
  }

  /**
   * The records a link of `l` to `target` may give for each of `values` (the linking item's), read by the
   * target's provider and kept: by the target's key, or by another of its items (first 1000 of each).
   */
  async function linkCandidates(target: OResource, l: OLink, values: unknown[]): Promise<void> {
    if (l.targetItem === target.key) {
      await providerRecords(target, values.flatMap((v) => (itemOf(target, target.key).format === 'idcard' ? idSpellings(String(v)) : [v])));
      return;
    }
    if (pools.get(target.code)!.length < POOL) return; // the pool holds every record
    const item = itemOf(target, l.targetItem);
    const asked = [...new Set(values.map(String))].map((v) => ({ [l.targetItem]: { eq: asFilterValue(item, v) } }));
    if (!asked.length) return;
    const res = await asProvider(target, `query($v: [${target.type}Filter!]) { d: ${deptField(target.provider)} { r: ${target.list}(first: 1000, filter: { or: $v }) { nodes { ${allItems(target)} } } } }`, { v: asked });
    remember(target, res.data!.d.r.nodes);
  }

  /**
   * The records of `target` a link from `value` may give the asker (SPEC §4: the record whose linked item
   * equals the value; within the asker's rows). Of an ID number stored in both spellings, the one with 'X'
   * (src/model/key-spellings.ts); of several records holding a non-key value, any here (the gateway gives
   * the first in the asker's list order: docs/access-rules.md, links; test/links-non-key.test.ts).
   */
  function linkedRecords(a: Asker, target: OResource, targetItem: string, value: unknown): Rec[] {
    const item = itemOf(target, targetItem);
    const want = joinText(item, value);
    const seen = [...(byKey.get(target.code)?.values() ?? [])].filter((row) => row && joinText(item, row[targetItem]) === want && rowVisible(a, target, row[rowItem(target) ?? '']));
    const upper = seen.filter((row) => String(row[targetItem]).endsWith('X'));
    return item.format === 'idcard' && upper.length ? upper : seen;
  }

  /** Records of `r` whose key is one of `keys`, read by its provider once and kept (by the key's text). */
  async function providerRecords(r: OResource, keys: unknown[]): Promise<Map<unknown, Rec>> {
    const known = byKey.get(r.code) ?? new Map();
    const missing = [...new Set(keys.map(String))].filter((k) => !known.has(k));
    const key = itemOf(r, r.key);
    for (let i = 0; i < missing.length; i += 1000) {
      const chunk = missing.slice(i, i + 1000);
      // (eq in turn: a boolean takes no `in`)
      const values = chunk.map((k) => ({ [r.key]: { eq: asFilterValue(key, k) } }));
      const res = await asProvider(r, `query($keys: [${r.type}Filter!]) { d: ${deptField(r.provider)} { r: ${r.list}(first: 1000, filter: { or: $keys }) { nodes { ${allItems(r)} } } } }`, { keys: values });
      remember(r, res.data!.d.r.nodes);
      for (const k of chunk) if (!byKey.get(r.code)!.has(k)) byKey.get(r.code)!.set(k, null as unknown as Rec);
    }
    return byKey.get(r.code) ?? new Map();
  }

  // ---- the provider's records up front ---------------------------------------------------------------

  async function readPools(): Promise<void> {
    await Promise.all(oracle.resources.map(async (r) => {
      const res = await asProvider(r, `{ d: ${deptField(r.provider)} { r: ${r.list}(first: ${POOL}) { nodes { ${allItems(r)} } } } }`);
      const rows = res.data!.d.r.nodes as Rec[];
      pools.set(r.code, rows);
      remember(r, rows);
    }));
  }

  // ---- random grants -----------------------------------------------------------------------------------

  const DAY = 86_400_000;

  /** Division codes of the requester's region among the resource's records (none without row scope). */
  function divisionsWithin(r: OResource, requester: ODepartment): string[] {
    const item = rowItem(r);
    if (!item) return [];
    return [...new Set(pools.get(r.code)!.map((row) => String(row[item])))].filter((v) => v.startsWith(requester.region.replace(/(00)+$/, '')));
  }

  // Through a hop, grants are stored under the forwarded departments' codes too, as a platform file that once
  // listed them would have let the operator give: none may count for them (docs/access-rules.md, Grants).
  const grantingPlatform = hop
    ? { ...gw.platform, departments: [...gw.platform.departments, ...hop.departments.map((d) => ({ ...d, name: d.code, level: d.level as 'province' }))] }
    : gw.platform;

  /** Stores a grant as the operator would; null when it is refused (outside the scope, method or purposes). */
  async function grantIfValid(input: Omit<GrantInput, 'createdBy'>, madeAt: Date): Promise<OGrant | null> {
    let g: Grant;
    try {
      g = await addGrant(gw.store, { platform: grantingPlatform, catalogues }, { ...input, createdBy: 'oracle-test' }, madeAt);
    } catch (err) {
      if (err instanceof GrantInputError) return null; // refused, nothing stored
      throw err;
    }
    grants.push({ ...g });
    if (hop?.departments.some((d) => d.code === g.requester)) count('grant:stored under a forwarded department\'s code');
    return g;
  }

  async function randomGrant(now: Date): Promise<void> {
    // Conditional resources, and resources shared unconditionally with conditional items: a grant opens
    // such items (docs/access-rules.md, Row scope), and takes no rows.
    const conditional = oracle.resources.filter((x) => x.share.type === 'conditional' || x.items.some((i) => i.share?.type === 'conditional'));
    if (!conditional.length) return; // a generated platform may share nothing on conditions
    const r = pick(conditional);
    const onItems = r.share.type !== 'conditional';
    const requester = pick([...oracle.departments, ...(hop?.departments ?? [])].filter((d) => d.code !== r.provider));
    const purposes = some(r.share.scope?.purposes ?? oracle.purposes, 1, 3);
    const items = some(r.items.filter((i) => (onItems ? i.share?.type === 'conditional' : i.share?.type !== 'none')).map((i) => i.name), 1, r.items.length);
    const unmasked = chance(0.5) ? some(items, 0, items.length) : [];
    // On a resource with row scope, some grants narrow it to a few division codes of the requester's region.
    const within = divisionsWithin(r, requester);
    const rows = !onItems && within.length && chance(0.5) ? some(within, 1, 2) : null;
    // Most grants are in force; some ended yesterday, some start the day after tomorrow.
    const when = rand();
    const madeAt = when < 0.15 ? new Date(now.getTime() - 3 * DAY) : when < 0.25 ? new Date(now.getTime() + 2 * DAY) : now;
    const until = when < 0.15 ? shanghaiDate(new Date(now.getTime() - DAY)) : chance(0.3) ? shanghaiDate(new Date(now.getTime() + 30 * DAY)) : null;
    await grantIfValid({ requester: requester.code, resource: r.code, items, purposes, unmasked, rows, until }, madeAt);
  }

  /**
   * Several grants of one requester on a row-scoped resource for one purpose, in force: one with rows, one
   * without, listing some items in common (their masks lifted by the one with rows only) and some apart.
   */
  async function severalGrants(now: Date): Promise<void> {
    const scoped = oracle.resources.filter((x) => x.share.type === 'conditional' && rowItem(x));
    if (!scoped.length) return;
    for (let tries = 0; tries < 20; tries++) {
      const r = pick(scoped);
      const requester = pick(oracle.departments.filter((d) => d.code !== r.provider));
      const within = divisionsWithin(r, requester);
      if (!within.length) continue;
      const purposes = [pick(r.share.scope?.purposes ?? oracle.purposes)];
      // (personal and secret items first: in common, where the grant with rows alone unmasks them)
      const items = some(r.items.filter((i) => i.share?.type !== 'none'), 3, r.items.length).sort((a, b) => Number(b.sensitive) - Number(a.sensitive)).map((i) => i.name);
      const cut1 = int(1, items.length - 2);
      const cut2 = int(cut1 + 1, items.length - 1);
      const [common, onlyRows, onlyRegion] = [items.slice(0, cut1), items.slice(cut1, cut2), items.slice(cut2)];
      const withRows = await grantIfValid({
        requester: requester.code, resource: r.code, purposes, items: [...common, ...onlyRows], unmasked: some([...common, ...onlyRows], 1, items.length), rows: some(within, 1, 2),
      }, now);
      if (!withRows) continue;
      await grantIfValid({ requester: requester.code, resource: r.code, purposes, items: [...common, ...onlyRegion], unmasked: [], rows: null }, now);
      return;
    }
  }

  async function shuffleGrants(): Promise<void> {
    const now = new Date();
    for (const g of grants) {
      if (g.revokedAt === null && chance(0.35)) g.revokedAt = (await revokeGrant(gw.store, g.id, 'oracle-test')).revokedAt;
    }
    for (let i = 0; i < 6; i++) await randomGrant(now);
    if (chance(0.5)) await severalGrants(now);
  }

  // ---- random cases -----------------------------------------------------------------------------------

  interface Case {
    alias: string;
    resource: OResource;
    kind: 'list' | 'lookup';
    items: string[];
    link: { link: OLink; target: OResource; items: string[] } | null;
    /** `value` as the requester sends it; `stored`, as the provider (an ID number in the spelling of its pool record). */
    filter: { item: string; operator: string; value: unknown; stored: unknown; nest: 'and' | 'or' | null } | null;
    order: { item: string; direction: 'ASC' | 'DESC' } | null;
    first: number;
    key: unknown;
    counts: boolean;
  }

  /**
   * A value as the item's filter takes it: a personal or secret item is read as a String whatever its
   * type, and filtered as what it holds (an int's "-45000" is filtered as -45000, a boolean's "false" as false).
   */
  function filterable(item: OItem, v: unknown): unknown {
    if (typeof v !== 'string' || !item.sensitive) return v;
    if (item.type === 'int' || item.type === 'float') return Number(v);
    if (item.type === 'boolean') return v === 'true';
    return v;
  }

  /** A key no record holds, of the key's type (as a lookup sends it; a boolean or enum: one no record holds, if any). */
  function noSuchKey(r: OResource, key: OItem): unknown {
    if (key.type === 'boolean' || key.type === 'enum') {
      const held = new Set(pools.get(r.code)!.map((row) => joinText(key, row[key.name])));
      const free = (key.type === 'boolean' ? [true, false] : key.values!).filter((v) => !held.has(joinText(key, v)));
      const v = free.length ? free[0] : pick(pools.get(r.code)!)[key.name];
      return key.sensitive || key.type === 'boolean' ? (key.sensitive ? String(v) : v) : enumValueName(String(v));
    }
    const v = key.type === 'int' || key.type === 'float' ? 987654321 : key.type === 'decimal' ? '987654321.5' : key.type === 'date' ? '1901-01-01' : key.type === 'datetime' ? '1901-01-01T00:00:00.000Z' : key.format === 'idcard' ? '11010119491001001x' : 'NO-SUCH-KEY';
    return key.sensitive ? String(v) : v;
  }

  /** An ID number in the other spelling of its check character, half the time (either finds the record). */
  const otherSpelling = (item: OItem, v: unknown): unknown =>
    item.format === 'idcard' && typeof v === 'string' && /[xX]$/.test(v) && chance(0.5) ? (v.endsWith('X') ? `${v.slice(0, -1)}x` : `${v.slice(0, -1)}X`) : v;

  function probeValue(operator: string, v: unknown): unknown {
    if (operator === 'startsWith') return String(v).slice(0, 2);
    if (operator === 'contains') return Array.from(String(v)).slice(1, 3).join('');
    return v;
  }

  function randomCase(alias: string, r: OResource): Case {
    const pool = pools.get(r.code)!;
    const items = some(r.items.map((i) => i.name), 1, 6);
    let link: Case['link'] = null;
    if (r.links.length && chance(0.35)) {
      const l = pick(r.links);
      const target = oracle.resource(l.resource);
      link = { link: l, target, items: some(target.items.map((i) => i.name), 1, 4) };
    }
    const kind = chance(0.3) ? 'lookup' : 'list';
    let filter: Case['filter'] = null;
    let order: Case['order'] = null;
    if (kind === 'list' && chance(0.4)) {
      const item = pick(r.items);
      const ops = operatorsOf(item);
      const probing = ops.filter((o) => o !== 'eq' && o !== 'in');
      const operator = chance(0.3) && probing.length ? pick(probing) : chance(0.3) && ops.includes('in') ? 'in' : 'eq';
      const values = pool.map((row) => filterable(item, row[item.name])).filter((v) => v !== null && v !== undefined);
      if (values.length) {
        // (an ID number's startsWith now and then by the whole number: the check character counts then)
        const stored = operator === 'in' ? some(values, 1, 3) : item.format === 'idcard' && operator === 'startsWith' && chance(0.4) ? pick(values) : probeValue(operator, pick(values));
        const value = Array.isArray(stored) ? stored.map((v) => otherSpelling(item, v)) : otherSpelling(item, stored);
        filter = { item: item.name, operator, value, stored, nest: chance(0.15) ? pick(['and', 'or'] as const) : null };
      }
    }
    if (kind === 'list' && chance(0.25)) order = { item: pick(r.items).name, direction: chance(0.5) ? 'ASC' : 'DESC' };
    return {
      alias, resource: r, kind, items, link, filter, order,
      first: chance(0.05) ? 0 : int(1, 6),
      key: chance(0.1) ? noSuchKey(r, itemOf(r, r.key)) : otherSpelling(itemOf(r, r.key), pick(pool)[r.key]),
      counts: chance(0.4),
    };
  }

  function selection(c: Case): string {
    const link = c.link ? ` ${c.link.link.field} { ${c.link.items.join(' ')} }` : '';
    return `${c.items.join(' ')}${link}`.trim();
  }

  /** The case's filter as the requester sends it, or (`provider`) as the provider reads the same records. */
  function filterValue(c: Case, provider = false): Record<string, unknown> | null {
    if (!c.filter) return null;
    const f = { [c.filter.item]: { [c.filter.operator]: provider ? c.filter.stored : c.filter.value } };
    return c.filter.nest ? { [c.filter.nest]: [f] } : f;
  }

  const orderValue = (c: Case) => (c.order ? [{ field: c.order.item, direction: c.order.direction }] : null);

  /**
   * The list field's arguments, as variables `$f<n>`, `$o<n>`; `rows` given, the provider's read of the
   * page (its filter in the stored spelling: an ID number's other spelling must find the same records).
   */
  function listArgs(c: Case, n: string, vars: string[], values: Record<string, unknown>, rows: Record<string, unknown> | null | undefined = undefined): string {
    const args = [`first: ${c.first}`];
    // (the requester's through a hop names the types as the connecting platform prefixes them)
    const t = rows === undefined ? typeName : (name: string) => name;
    if (c.filter || rows) {
      vars.push(`$f${n}: ${t(`${c.resource.type}Filter`)}`);
      const own = filterValue(c, rows !== undefined);
      values[`f${n}`] = own && rows ? { and: [own, rows] } : (own ?? rows);
      args.push(`filter: $f${n}`);
    }
    if (c.order) {
      vars.push(`$o${n}: [${t(`${c.resource.type}Order`)}!]`);
      values[`o${n}`] = orderValue(c);
      args.push(`orderBy: $o${n}`);
    }
    return args.join(', ');
  }

  /** A type of the home platform as the requester names it: through a hop, prefixed (not GraphQL's own scalars). */
  const typeName = (name: string): string => (hop && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(name) ? hop.typePrefix + name : name);
  /** A case's field as the requester asks it: through a hop, under the namespace (`city { d: dept { ... } }`). */
  const under = (field: string): string => (hop ? `${hop.namespace} { d: ${field} }` : field);
  /** The path of a case's field under its alias. */
  const rootPath = (alias: string): string[] => (hop ? [alias, 'd'] : [alias]);

  function requestDocument(cases: Case[]): { document: string; variables: Record<string, unknown> } {
    const vars: string[] = [];
    const variables: Record<string, unknown> = {};
    const fields = cases.map((c, n) => {
      const r = c.resource;
      if (c.kind === 'lookup') {
        const key = itemOf(r, r.key);
        vars.push(`$k${n}: ${key.sensitive ? 'String' : typeName(scalarOf(r, key))}!`); // a personal or secret key is looked up as a String
        variables[`k${n}`] = c.key;
        return `${c.alias}: ${under(`${deptField(r.provider)} { r: ${r.byKey}(${r.key}: $k${n}) { ${selection(c)} } }`)}`;
      }
      const counts = c.counts ? ' totalCount pageInfo { hasNextPage endCursor }' : '';
      return `${c.alias}: ${under(`${deptField(r.provider)} { r: ${r.list}(${listArgs(c, String(n), vars, variables)}) { nodes { ${selection(c)} }${counts} } }`)}`;
    });
    return { document: `query${vars.length ? `(${vars.join(', ')})` : ''} {\n${fields.join('\n')}\n}`, variables };
  }

  /** The provider's read of the same page (same filter, order and size; every item; unmasked). */
  const expectedPages = new Map<string, { nodes: Rec[]; totalCount: number; hasNextPage: boolean }>();

  async function providerPages(asker: Asker, cases: Case[]): Promise<void> {
    const wanted = cases.filter((c) => !expectedPages.has(pageKey(asker, c)) && !keyHidden(asker, c.resource));
    await Promise.all(cases.filter((c) => !expectedPages.has(pageKey(asker, c)) && keyHidden(asker, c.resource)).map((c) => storedOrderPage(asker, c)));
    const byProvider = new Map<string, Case[]>();
    for (const c of wanted) byProvider.set(c.resource.provider, [...(byProvider.get(c.resource.provider) ?? []), c]);
    await Promise.all([...byProvider.values()].map(async (group) => {
      const vars: string[] = [];
      const variables: Record<string, unknown> = {};
      const fields = group.map((c, n) =>
        `p${n}: ${deptField(c.resource.provider)} { r: ${c.resource.list}(${listArgs(c, String(n), vars, variables, rowFilterArg(asker, c.resource))}) { nodes { ${allItems(c.resource)} } totalCount pageInfo { hasNextPage } } }`);
      const res = await asProvider(group[0].resource, `query${vars.length ? `(${vars.join(', ')})` : ''} {\n${fields.join('\n')}\n}`, variables);
      group.forEach((c, n) => {
        const conn = res.data![`p${n}`].r;
        remember(c.resource, conn.nodes);
        expectedPages.set(pageKey(asker, c), { nodes: conn.nodes, totalCount: conn.totalCount, hasNextPage: conn.pageInfo.hasNextPage });
      });
    }));
  }

  /** The provider's page for the case, restricted to the rows the asker sees (the oracle's row scope). */
  const pageKey = (a: Asker, c: Case) => JSON.stringify([c.resource.code, c.first, filterValue(c), orderValue(c), rowFilterArg(a, c.resource), keyHidden(a, c.resource)]);

  // A reader who may not read the key, or reads it masked, does not get key order (it would tell of the
  // key's values, the hidden ones too): ties, and the whole order without orderBy, follow the order the
  // records were stored in. The provider cannot
  // ask for that order, so the expected page is made here: every matching key, as the provider lists them
  // (by the orderBy item, then the key), regrouped by the stored order within equal orderBy values.

  const keyHidden = (a: Asker, r: OResource): boolean => {
    const key = answerItem(a, r, itemOf(r, r.key));
    return !key.allowed || key.mask !== null;
  };

  /** A key as stored and as read compare (an enum's stored value and its schema name are one; each spelling of an ID number its own). */
  const joinKeyText = (r: OResource, v: unknown): string => (itemOf(r, r.key).type === 'enum' ? enumValueName(String(v)) : String(v));

  /** Per resource: each key's place in the order the store keeps the records in. */
  const storedPlaces = new Map<string, Promise<Map<unknown, number>>>();
  function storedPlace(r: OResource): Promise<Map<unknown, number>> {
    let places = storedPlaces.get(r.code);
    if (!places) {
      const collection = collectionOf(catalogues.flatMap((c) => c.resources).find((x) => x.code === r.code)!);
      // Each record's random place (given when written), then the row order (resolvers/data/list.ts).
      const sort = [{ field: RECORD_ORDER_FIELD, direction: 'asc' as const }, { field: ROW_ORDER, direction: 'asc' as const }];
      places = gw.store.find(collection, { sort, projection: [r.key] })
        .then((rows) => new Map(rows.map((row, i) => [joinKeyText(r, row[r.key]), i])));
      storedPlaces.set(r.code, places);
    }
    return places;
  }

  /** Every record matching the case's filter within the asker's rows, as the provider lists them (key and orderBy item). */
  const matching = new Map<string, Promise<Rec[]>>();
  function allMatching(a: Asker, c: Case): Promise<Rec[]> {
    const r = c.resource;
    const id = JSON.stringify([r.code, filterValue(c), orderValue(c), rowFilterArg(a, r)]);
    let found = matching.get(id);
    if (!found) {
      found = (async () => {
        const out: Rec[] = [];
        const vars: string[] = ['$after: String'];
        const variables: Record<string, unknown> = {};
        const args = listArgs({ ...c, first: 1000 }, '', vars, variables, rowFilterArg(a, r));
        const fields = [...new Set([r.key, ...(c.order ? [c.order.item] : [])])].join(' ');
        const document = `query(${vars.join(', ')}) { d: ${deptField(r.provider)} { r: ${r.list}(${args}, after: $after) { nodes { ${fields} } pageInfo { hasNextPage endCursor } } } }`;
        let after: string | null = null;
        do {
          const conn: { nodes: Rec[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = (await asProvider(r, document, { ...variables, after })).data!.d.r;
          out.push(...conn.nodes);
          after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
        } while (after);
        return out;
      })();
      matching.set(id, found);
    }
    return found;
  }

  /** An orderBy value as one of its kind compares (a decimal by value: "450.10" is "450.1", "-0" is "0"). */
  function sameOrderValue(r: OResource, item: string, v: unknown): unknown {
    if (v === null || v === undefined) return null;
    return itemOf(r, item).type === 'decimal' ? decimalText(String(v)) : v;
  }

  async function storedOrderPage(a: Asker, c: Case): Promise<void> {
    const r = c.resource;
    const [all, places] = await Promise.all([allMatching(a, c), storedPlace(r)]);
    // Runs of equal orderBy values (the provider's order keeps them together), each in stored order.
    const runs: Rec[][] = [];
    let last: unknown = Symbol('none');
    for (const row of all) {
      const v = c.order ? sameOrderValue(r, c.order.item, row[c.order.item]) : null;
      if (runs.length === 0 || v !== last) runs.push([]);
      runs[runs.length - 1].push(row);
      last = v;
    }
    const ordered = runs.flatMap((run) => [...run].sort((x, y) => places.get(joinKeyText(r, x[r.key]))! - places.get(joinKeyText(r, y[r.key]))!));
    const keys = ordered.slice(0, c.first).map((row) => row[r.key]);
    const records = await providerRecords(r, keys);
    expectedPages.set(pageKey(a, c), { nodes: keys.map((k) => records.get(String(k))!), totalCount: all.length, hasNextPage: all.length > c.first });
  }

  // ---- checking one case --------------------------------------------------------------------------------

  type GraphQLError = NonNullable<GraphQLResponse['errors']>[number];

  interface ExpectedError {
    code: string;
    resource: string;
    item?: string;
  }

  /** An error's path with list indices as `*`: the spec gives one error per denied item and path pattern. */
  const pattern = (path: readonly (string | number)[]) => path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');

  const tally = new Map<string, number>();
  const secrets = new Set<string>();
  // What every department may read in a message or an entry: departments' codes and regions, resources'
  // codes. A value held in one (a masked row-scope item's division code "510200" in the department code
  // "510200-DPT" a denial names) tells nothing there, and is no secret the checks could look for.
  const publicText = [...oracle.departments, ...(hop?.departments ?? [])].flatMap((d) => [d.code, d.region]).concat(oracle.resources.map((r) => r.code)).join('\n');
  const batches: HopBatch[] = [];
  const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);
  const outcome = (d: Answer) => (d.allowed ? (d.mask ? 'masked' : 'plain') : d.code);

  class Checker {
    readonly problems: string[] = [];
    readonly errors = new Map<string, ExpectedError>();
    /** Values of personal and secret items and keys that the requester may not see in clear. */
    readonly secrets = new Set<string>();

    constructor(readonly asker: Asker, readonly c: Case) {}

    /** The values this case's asker may not see in clear, added to the run's (`trial` checkers' are not). */
    keepSecrets(into: Set<string>) {
      for (const s of this.secrets) into.add(s);
    }

    /**
     * A value the asker may not read in clear, unless every department may read it anyway (publicText), or
     * the asker's own grants name it (their rows: a denial saying which divisions they reach tells no record).
     */
    secret(value: unknown) {
      const v = String(value);
      const ownRows = this.asker.grants.some((g) => g.requester === this.asker.dept.code && g.rows?.includes(v));
      if (!publicText.includes(v) && !ownRows) this.secrets.add(v);
    }

    problem(message: string) {
      this.problems.push(message);
    }

    expectError(path: (string | number)[], e: ExpectedError) {
      this.errors.set(pattern(path), e);
    }

    same(what: string, got: unknown, want: unknown) {
      if (JSON.stringify(got) !== JSON.stringify(want)) this.problem(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }

    /** Records `got` of resource `r` (selecting `items`, and maybe a link) against the provider's `want`. */
    records(r: OResource, path: (string | number)[], items: string[], link: Case['link'], got: (Rec | null)[], want: (Rec | null)[]) {
      const present = got.some((g) => g !== null);
      for (const name of items) {
        const item = itemOf(r, name);
        const d = answerItem(this.asker, r, item);
        const lifted = d.allowed && !d.mask && item.sensitive && this.asker.dept.code !== r.provider;
        count(`item:${lifted ? 'unmasked by a grant' : outcome(d)}`);
        if (name === rowItem(r) && d.allowed && d.mask) count('item:the row-scope item masked');
        const held = coveringGrants(this.asker, r, name);
        if (!d.allowed && d.code === 'GRANT_REQUIRED' && held.length) count('item:GRANT_REQUIRED, its grants short of the rows seen');
        if (d.allowed && d.mask && held.some((g) => g.unmasked.includes(name))) count('item:masked, its unmasking grants short of the rows seen');
        if (!d.allowed && present) this.expectError([...path, name], { code: d.code, resource: r.code, item: name });
        got.forEach((g, i) => {
          if (g === null) return;
          const raw = want[i]![name];
          if (!d.allowed) {
            this.same(`${pattern(path)}.${i}.${name} (denied ${d.code})`, g[name], null);
            if (raw !== null && (item.sensitive || name === r.key)) this.secret(raw);
          } else if (d.mask && raw !== null) {
            if (/[\uD800-\uDFFF]/.test(String(raw))) count('item:masked, characters beyond the BMP');
            this.same(`${pattern(path)}.${i}.${name} (masked ${d.mask})`, g[name], masked(d.mask, String(raw), item));
            this.secret(raw);
          } else {
            this.same(`${pattern(path)}.${i}.${name}`, g[name], raw);
          }
        });
      }
      if (!link) return;
      const { link: l, target } = link;
      const own = answerItem(this.asker, r, itemOf(r, l.item));
      const whole = answerResource(this.asker, target);
      // Following a link is a lookup of the target by its linked item with eq: it needs that item too.
      const joined = answerItem(this.asker, target, itemOf(target, l.targetItem));
      const denial = linkDenial(this.asker, r, l, target);
      const by = l.targetItem === target.key ? (itemOf(target, l.targetItem).format === 'idcard' ? 'an ID number key' : 'the key') : 'another item';
      count(`link:${!own.allowed ? `own ${own.code}` : !whole.allowed ? outcome(whole) : !joined.allowed ? `join ${joined.code}` : denial ? `masked ${itemOf(target, l.targetItem).type} ${denial.code}` : outcome(whole)}`);
      if (!denial) count(`link:by ${by}`);
      if (!denial && r.links.length > 1) count('link:one of several of its resource');
      if (denial && present) this.expectError([...path, l.field], denial);
      const linkedGot: (Rec | null)[] = [];
      const linkedWant: (Rec | null)[] = [];
      got.forEach((g, i) => {
        if (g === null) return;
        const value = want[i]![l.item];
        const all = value === null ? [] : linkedRecords({ ...this.asker, dept: oracle.department(target.provider) }, target, l.targetItem, value);
        const candidates = value === null ? [] : linkedRecords(this.asker, target, l.targetItem, value);
        // Of several records holding the value, the one the gateway gave (any of them is right).
        const linked = candidates.find((cand) => candidates.length === 1 || this.fits(target, link.items, g[l.field] as Rec | null, cand)) ?? candidates[0] ?? null;
        if (all.length && !candidates.length) count('rows:link outside');
        if (candidates.length > 1) count('link:several records hold the value');
        if (!denial && value !== null && itemOf(r, l.item).format !== 'idcard' && String(value) !== String(linked?.[l.targetItem] ?? value)) count('link:joined in another spelling or form');
        if (denial || linked === null) {
          this.same(`${pattern(path)}.${i}.${l.field}${denial ? ` (denied ${denial.code})` : ''}`, g[l.field], null);
          return;
        }
        linkedGot.push((g[l.field] as Rec | null) ?? null);
        linkedWant.push(linked);
        if (g[l.field] === null) this.problem(`${pattern(path)}.${i}.${l.field}: null, expected the record of ${target.code} with ${l.targetItem} ${JSON.stringify(value)}`);
      });
      if (linkedGot.length) this.records(target, [...path, l.field], link.items, null, linkedGot, linkedWant);
    }

    /** Whether `got` is what the record `want` of `r` shows the asker (items only, no link, no error kept). */
    fits(r: OResource, items: string[], got: Rec | null, want: Rec): boolean {
      if (got === null) return false;
      const trial = new Checker(this.asker, this.c);
      trial.records(r, [], items, null, [got], [want]);
      return trial.problems.length === 0;
    }

    /** Compares the errors of the case (those under its alias) with the expected ones, exactly. */
    finish(errors: GraphQLError[]): string[] {
      const seen = new Map<string, GraphQLError[]>();
      for (const e of errors) {
        const k = pattern(e.path ?? []);
        seen.set(k, [...(seen.get(k) ?? []), e]);
      }
      for (const [k, want] of this.errors) {
        const got = seen.get(k) ?? [];
        if (got.length !== 1) {
          this.problem(`${k}: ${got.length} errors, expected one ${want.code}`);
          continue;
        }
        const { code, resource, item } = got[0].extensions ?? {};
        this.same(`${k} error`, { code, resource, item }, want);
      }
      for (const [k, got] of seen) if (!this.errors.has(k)) this.problem(`${k}: unexpected errors ${JSON.stringify(got)}`);
      for (const e of errors) {
        for (const s of this.secrets) if (telling(s) && e.message.includes(s)) this.problem(`error message reveals ${JSON.stringify(s)}: ${e.message}`);
      }
      this.keepSecrets(secrets);
      return this.problems;
    }
  }

  function checkCase(asker: Asker, c: Case, data: Rec | null, errors: GraphQLError[]): string[] {
    const ck = new Checker(asker, c);
    const r = c.resource;
    const root = hop ? ((data?.[c.alias] as Rec | null | undefined)?.d as Rec | null | undefined) : (data?.[c.alias] as Rec | undefined);
    const got = root?.r as Rec | null | undefined;
    const base = [...rootPath(c.alias), 'r'];
    // The list or lookup as a whole: the resource, then each item the arguments use.
    const uses = c.kind === 'lookup'
      ? [{ item: r.key, operator: 'eq' }]
      : [...(c.filter ? [{ item: c.filter.item, operator: c.filter.operator }] : []), ...(c.order ? [{ item: c.order.item, operator: 'orderBy' }] : [])];
    const whole = answerResource(asker, r);
    let refusal: ExpectedError | null = whole.allowed ? null : { code: whole.code, resource: r.code };
    for (const u of uses) {
      if (refusal) break;
      const a = answerUse(asker, r, u.item, u.operator);
      if (!a.ok) refusal = { code: a.code, resource: r.code, item: a.item };
    }
    count(`${c.kind}:${refusal ? (refusal.item ? `use ${refusal.code}` : refusal.code) : 'returned'}`);
    if (refusal?.item === r.key && c.kind === 'lookup' && refusal.code === 'BAD_USER_INPUT') count(`lookup:masked ${itemOf(r, r.key).type} key refused`);
    if (refusal) {
      ck.same(`${c.alias}.r (refused ${refusal.code})`, got, null);
      ck.expectError(base, refusal);
      return ck.finish(errors);
    }
    if (c.kind === 'lookup') {
      // An ID number is looked up as 'X', then as 'x' (a row an older release stored): the first found within the rows.
      const key = itemOf(r, r.key);
      const spellings = key.format === 'idcard' ? idSpellings(String(c.key)) : [String(c.key)];
      const records = spellings.map((k) => byKey.get(r.code)!.get(k) ?? null);
      const found = records.find((x) => x !== null) ?? null;
      // A record outside the row scope is null, as a missing one (and no error).
      const want = records.find((x) => x !== null && rowVisible(asker, r, x[rowItem(r) ?? ''])) ?? null;
      if (found && !want) count('rows:lookup outside');
      if (want && String(want[r.key]).endsWith('x')) count(`lookup:a row stored with x${records.filter((x) => x !== null).length > 1 ? ' beside X' : ''}`);
      if (want && records[0] && records[1]) count('lookup:both spellings stored, the X taken');
      if (want && key.format === 'idcard') count(`lookup:an ID number${String(want[r.key]) !== String(c.key) ? ' in the other spelling' : ''}${key.mask && answerItem(asker, r, key).allowed && (answerItem(asker, r, key) as { mask: string | null }).mask ? ', masked' : ''}`);
      if (key.type === 'enum' || key.type === 'boolean') count(`lookup:by ${key.type} key${key.sensitive ? ' (personal or secret)' : ''}`);
      if (want === null) ck.same(`${c.alias}.r (no such key or outside the rows)`, got, null);
      else if (!got) ck.problem(`${c.alias}.r: ${JSON.stringify(got)}, expected the record ${JSON.stringify(c.key)}`);
      else ck.records(r, base, c.items, c.link, [got], [want]);
      return ck.finish(errors);
    }
    const page = expectedPages.get(pageKey(asker, c))!;
    const key = itemOf(r, r.key);
    if (c.filter && itemOf(r, c.filter.item).format === 'idcard' && /x"/.test(JSON.stringify(c.filter.value))) count('list:an ID number filtered as x');
    if (c.order?.item === r.key && (key.type === 'enum' || key.type === 'boolean' || key.format === 'idcard')) count(`list:ordered by ${key.format ?? key.type} key`);
    if (keyHidden(asker, r) && (key.type === 'enum' || key.type === 'boolean')) count(`list:${key.type} key masked or denied`);
    const held = coveringGrants(asker, r, null);
    if (keyHidden(asker, r)) count(`list:in stored order, the key denied${page.totalCount > c.first && c.first > 1 ? ', a part' : ''}`);
    if (rowFilterArg(asker, r)) count(`rows:${c.counts ? 'counted' : 'listed'} within ${held.length && held.every((g) => g.rows) ? 'grant rows' : 'the region'}`);
    if (rowItem(r) && held.some((g) => g.rows) && held.some((g) => !g.rows)) count('rows:several grants, with rows and without');
    if (!got) {
      ck.problem(`${c.alias}.r: ${JSON.stringify(got)}, expected a page`);
      return ck.finish(errors);
    }
    const nodes = got.nodes as Rec[];
    if (!page.nodes.length && c.items.some((i) => !answerItem(asker, r, itemOf(r, i)).allowed)) count('audit:an item denied on a page of no records');
    ck.same(`${c.alias}.r.nodes.length`, nodes.length, page.nodes.length);
    if (c.counts) {
      ck.same(`${c.alias}.r.totalCount`, got.totalCount, page.totalCount);
      const info = got.pageInfo as { hasNextPage: boolean; endCursor: string | null };
      ck.same(`${c.alias}.r.pageInfo.hasNextPage`, info.hasNextPage, page.hasNextPage);
      ck.same(`${c.alias}.r.pageInfo.endCursor is set`, info.endCursor !== null, page.nodes.length > 0);
    }
    if (nodes.length === page.nodes.length) ck.records(r, [...base, 'nodes', 0], c.items, c.link, nodes, page.nodes);
    return ck.finish(errors);
  }

  function describeCase(asker: Asker, c: Case): string {
    return JSON.stringify({
      dept: asker.dept.code, purpose: asker.purpose, resource: c.resource.code, kind: c.kind, items: c.items,
      link: c.link && { field: c.link.link.field, items: c.link.items }, filter: filterValue(c), orderBy: orderValue(c), first: c.first,
      key: c.kind === 'lookup' ? c.key : undefined,
      grants: asker.grants.filter((g) => g.requester === asker.dept.code),
    });
  }

  const spellingsOf = (r: OResource, key: unknown): string[] => (itemOf(r, r.key).format === 'idcard' ? idSpellings(String(key)) : [String(key)]);

  // ---- one batch: one department and purpose, many cases in one document ------------------------------

  function randomAsker(): { dept: ODepartment; purpose: string | null; favourite: OResource | null } {
    if (hop) return { dept: pick(hop.departments), purpose: chance(0.15) ? null : pick(oracle.purposes), favourite: null };
    const now = new Date();
    const active = grants.filter((g) => g.revokedAt === null && Date.parse(g.from) <= now.getTime() && (g.until === null || g.until >= shanghaiDate(now)));
    if (active.length && chance(0.5)) {
      const g = pick(active);
      return { dept: oracle.department(g.requester), purpose: chance(0.85) ? pick(g.purposes) : pick(oracle.purposes), favourite: oracle.resource(g.resource) };
    }
    return { dept: pick(oracle.departments), purpose: chance(0.15) ? null : pick(oracle.purposes), favourite: null };
  }

  /**
   * The case cut down to what the requester may read (null when it may read nothing of the resource):
   * documents made of such cases hold no denial, and the gateway runs them on its fast path.
   */
  function allowedPart(a: Asker, c: Case): Case | null {
    const r = c.resource;
    if (!answerResource(a, r).allowed) return null;
    if (c.kind === 'lookup' && !answerUse(a, r, r.key, 'lookup').ok) return null;
    const items = c.items.filter((i) => answerItem(a, r, itemOf(r, i)).allowed);
    let link = c.link;
    if (link && linkDenial(a, r, link.link, link.target)) link = null;
    if (link) {
      const target = link.target;
      const targetItems = link.items.filter((i) => answerItem(a, target, itemOf(target, i)).allowed);
      link = targetItems.length ? { ...link, items: targetItems } : null;
    }
    if (!items.length && !link) return null;
    const filter = c.filter && answerUse(a, r, c.filter.item, c.filter.operator).ok ? c.filter : null;
    const order = c.order && answerUse(a, r, c.order.item, 'orderBy').ok ? c.order : null;
    return { ...c, items: items.length ? items : [], link, filter, order };
  }

  /** HopBatch.expected: the denials and masks of `cases` read by `asker`, per resource. */
  function expectedParts(asker: Asker, cases: Case[]): HopBatch['expected'] {
    const parts: HopBatch['expected'] = {};
    const part = (r: OResource) => (parts[r.code] ??= { denied: {}, masked: [] });
    const deny = (r: OResource, item: string, code: string) => {
      count(`audit:${item === '*' ? 'a resource denied whole (*)' : code === 'BAD_USER_INPUT' ? 'a refused filter or order denied' : 'an item denied'}`);
      // An item denied with two codes in one batch (a masked boolean's filter refused in one case, a link
      // into it in another) is one denial of the part: the entry may hold either code, as no page says which.
      const p = part(r);
      if (p.denied[item] !== undefined && p.denied[item] !== code) (p.deniedAlso ??= {})[item] = [...(p.deniedAlso[item] ?? []), code];
      p.denied[item] ??= code;
    };
    const mask = (r: OResource, item: string) => { if (!part(r).masked.includes(item)) part(r).masked.push(item); };
    const items = (r: OResource, names: string[]) => {
      for (const name of names) {
        const d = answerItem(asker, r, itemOf(r, name));
        if (!d.allowed) deny(r, name, d.code);
        else if (d.mask) mask(r, name);
      }
    };
    for (const c of cases) {
      const r = c.resource;
      const whole = answerResource(asker, r);
      if (!whole.allowed) {
        deny(r, '*', whole.code);
        continue;
      }
      const uses = c.kind === 'lookup' ? [{ item: r.key, operator: 'lookup' }]
        : [...(c.filter ? [{ item: c.filter.item, operator: c.filter.operator }] : []), ...(c.order ? [{ item: c.order.item, operator: 'orderBy' }] : [])];
      const refused = uses.map((u) => answerUse(asker, r, u.item, u.operator)).find((a) => !a.ok);
      if (refused && !refused.ok) {
        deny(r, refused.item, refused.code);
        continue;
      }
      items(r, c.items);
      if (!c.link) continue;
      const { link: l, target } = c.link;
      const denial = linkDenial(asker, r, l, target);
      if (denial) {
        deny(denial.resource === r.code ? r : target, denial.item ?? '*', denial.code);
        continue;
      }
      items(r, [l.item]);
      items(target, c.link.items);
    }
    for (const p of Object.values(parts)) p.masked.sort();
    return parts;
  }

  async function runBatch(batch: number, size: number): Promise<{ cases: number; problems: string[] }> {
    const who = randomAsker();
    const friendly = size < LARGE_BATCH && chance(0.7);
    const draft: Asker = { dept: who.dept, purpose: who.purpose, grants: hop ? [] : grants, now: new Date() };
    const cases: Case[] = [];
    for (let i = 0, tries = 0; cases.length < size && tries < 50; tries++) {
      const c = randomCase(`c${i}`, who.favourite && chance(0.5) ? who.favourite : pick(oracle.resources));
      const kept = friendly ? allowedPart(draft, c) : c;
      if (kept && (kept.items.length || kept.link)) {
        cases.push(kept);
        i++;
      }
    }
    if (!cases.length) return { cases: 0, problems: [] };
    const { document, variables } = requestDocument(cases);
    const requestId = hop?.requestId(batch);
    const res = hop
      ? await hop.query(document, { dept: who.dept.code, purpose: who.purpose ?? undefined, variables, headers: { 'x-request-id': requestId! } })
      : await gw.query(document, { dept: who.dept.code, purpose: who.purpose ?? undefined, variables });
    const asker: Asker = { dept: who.dept, purpose: who.purpose, grants: hop ? [] : grants.map((g) => ({ ...g })), now: new Date() };
    if (hop) {
      const anyRead = cases.some((c) => {
        const d = (res.data?.[c.alias] as Rec | null | undefined)?.d as Rec | null | undefined;
        return d?.r !== null && d?.r !== undefined;
      });
      const fields = Object.fromEntries(cases.map((c) => [c.alias, [deptField(c.resource.provider), c.kind === 'lookup' ? c.resource.byKey : c.resource.list] as [string, string]]));
      batches.push({ requestId: requestId!, dept: who.dept.code, purpose: who.purpose, errors: res.errors ?? [], anyRead, fields, expected: expectedParts(asker, cases) });
    }
    if (res.status !== 200 || res.data == null) {
      return { cases: cases.length, problems: [`${label}, batch ${batch}: HTTP ${res.status} ${JSON.stringify(res.errors)}\n${document}`] };
    }
    // What the provider reads for the same pages, and the records behind the links.
    await providerPages(asker, cases.filter((c) => c.kind === 'list'));
    const linkValues = new Map<OLink, { target: OResource; values: unknown[] }>();
    for (const c of cases) {
      if (!c.link) continue;
      const rows = c.kind === 'lookup' ? spellingsOf(c.resource, c.key).map((k) => byKey.get(c.resource.code)!.get(k) ?? null) : expectedPages.get(pageKey(asker, c))!.nodes;
      const entry = linkValues.get(c.link.link) ?? { target: c.link.target, values: [] };
      for (const row of rows) if (row && row[c.link.link.item] !== null) entry.values.push(row[c.link.link.item]);
      linkValues.set(c.link.link, entry);
    }
    await Promise.all([...linkValues].map(([l, { target, values }]) => linkCandidates(target, l, values)));

    const problems: string[] = [];
    count(`document:${res.errors ? 'with errors' : 'without errors'}`);
    for (const c of cases) {
      const errors = (res.errors ?? []).filter((e) => e.path?.[0] === c.alias);
      const found = checkCase(asker, c, res.data, errors);
      if (found.length) problems.push(`${label}, batch ${batch}, case ${c.alias}: ${describeCase(asker, c)}\n  ${found.join('\n  ')}`);
    }
    const stray = (res.errors ?? []).filter((e) => !cases.some((c) => e.path?.[0] === c.alias));
    if (stray.length) problems.push(`${label}, batch ${batch}: errors outside any case ${JSON.stringify(stray)}`);
    return { cases: cases.length, problems };
  }


  catalogues = await publishedCatalogues(gw.store);
  await readPools();
  let cases = 0;
  const problems: string[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    await shuffleGrants();
    // The batches of a round run concurrently: they share the grants of the round.
    const sizes = [...Array(LARGE_BATCHES).fill(LARGE_BATCH), ...Array.from({ length: SMALL_BATCHES }, () => int(1, 2))];
    const results = await Promise.all(sizes.map((size, b) => runBatch(round * sizes.length + b, size)));
    for (const r of results) {
      cases += r.cases;
      problems.push(...r.problems);
    }
  }
  return { cases, problems, tally, grants: grants.length, secrets, batches };
}
