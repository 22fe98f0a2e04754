// Whole platforms drawn from a seed, for the oracle (test/access-oracle-generated.test.ts): a province of
// its own (never Hunan's 43), 3 to 5 departments at the province, its cities and counties, with codes and
// names of their own (mixed case, Chinese and ASCII), purposes, and one departmental catalogue per
// providing department whose resources draw every setting SPEC §4 and §6 offer: share type and methods,
// scopes of use (purposes, department patterns, levels), row scope, items of every type, masks, item
// shares that tighten, and links between resources (to the key or to another item); then records for each,
// with nulls, values differing only in case, division codes inside and outside the province. Keys are of
// every type, ID numbers (format idcard: a check character 'X' written 'x' in some import files, and some
// rows stored with 'x' as an older release left them, `olderRows`), enums and booleans included; some
// providers' resources are gathered in a basic or subject catalogue compiled by another department.
// Drawn apart (from a generator of its own, so a seed keeps the platform it drew before): a personal or
// secret row-scope item, a second link from a resource, and values beyond the BMP (masked by code point).
//
// The documents are written as files and published through the real catalogue import, so what the
// generator writes must pass the catalogue checks: each choice here keeps to what they accept.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { publishedCatalogues } from '../../src/catalogue/repository.ts';
import { idCardCheckDigit } from '../../src/formats/idcard.ts';
import { collectionOf } from '../../src/model/catalogue.ts';
import type { Store } from '../../src/store/port.ts';
import { mulberry32 } from './random.ts';

type Rec = Record<string, unknown>;
type Level = 'province' | 'city' | 'county';

export interface GeneratedPlatform {
  platformFile: string;
  catalogueFiles: string[];
  /** Records per resource code, as the provider's import files hold them. */
  records: Map<string, Rec[]>;
  /**
   * Rows per resource code stored straight in its collection after the import (an ID number key whose
   * check character is 'x', as a release before the importer wrote 'X' left it): storeOlderRows writes them.
   */
  olderRows: Map<string, Rec[]>;
  /** One line per resource: what was drawn (for a failure's message). */
  summary: string[];
}

const ITEM_TYPES = ['string', 'text', 'int', 'float', 'decimal', 'boolean', 'date', 'datetime', 'enum'] as const;
const METHODS = ['api', 'system-integration', 'online-query', 'download', 'copy', 'other'] as const;
const MASKS = ['idcard', 'name', 'phone', 'partial', 'full', null] as const; // null: none named (full)
// Province prefixes of the mainland other than Hunan's 43.
export const PROVINCES = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'];
const HAN = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥东西南北中山水火木金土民政公安税务医保社会人力资源住建交通';
// Words whose spellings differ only in case, beside Chinese ones: filters and orders meet both.
const ENUM_VALUES = ['low', 'Mid', 'HIGH', 'unknown_x', 'Other', 'A1', 'b_2', 'level_3', 'x'];
// (Characters beyond the Basic Multilingual Plane too, '𠮷' of CJK Extension B and an emoji: two UTF-16
// units each, one character to a mask, SPEC §4.)
const WORDS = ['alpha', 'Alpha', 'ALPHA', 'beta', 'Beta', 'gamma', '张三', '李四', '王小二', '赵', 'Zhao Li', 'zhao li', 'x', 'Ωmega', '湖Ab', '', ' space', '𠮷野', '𠮷', 'a😀b'];

/**
 * What a second platform of a pair is drawn with (test/access-oracle-connected.test.ts): a city's platform
 * within the province of the first, its purposes, names apart from the first's, the platforms it lists
 * (SPEC §12) and limits of its file. Without it, a province's platform of the seed's choosing.
 */
export interface PlatformDraw {
  /** The platform of a city (level city, 6 digits): its departments at the city and its counties. */
  city?: string;
  /** The province's two digits (a province's platform). */
  province?: string;
  /** The platform's purposes, instead of drawn ones (two connected platforms forward purposes both list). */
  purposes?: string[];
  /** Names taken (lower case), shared by the platforms of a pair: their departments' codes and names apart. */
  taken?: Set<string>;
  /** The file's `connected` entries. */
  connected?: Rec[];
  /** The file's `limits` block (a served process reads its limits from its file). */
  limits?: Rec;
}

export function generatePlatform(seed: number, dir: string, draw: PlatformDraw = {}): GeneratedPlatform {
  // Every draw takes the seed's generator but those `apart` makes (see "drawn apart" below).
  const [main, extra] = [mulberry32(seed), mulberry32(seed ^ 0x0dd5eed5)];
  let rng = main;
  const rand = () => rng();
  const apart = <T>(draw: () => T): T => {
    rng = extra;
    try {
      return draw();
    } finally {
      rng = main;
    }
  };
  const chance = (p: number) => rand() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const some = <T>(xs: readonly T[], min: number, max: number): T[] => {
    const s = [...xs];
    for (let i = s.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [s[i], s[j]] = [s[j], s[i]];
    }
    return s.slice(0, int(Math.min(min, s.length), Math.min(max, s.length)));
  };
  const letters = (n: number, alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ') => Array.from({ length: n }, () => pick([...alphabet])).join('');
  const han = (n: number) => Array.from({ length: n }, () => pick([...HAN])).join('');
  const taken = draw.taken ?? new Set<string>(); // every name drawn, lower case: names apart by more than case
  const fresh = (make: () => string): string => {
    for (;;) {
      const v = make();
      if (!taken.has(v.toLowerCase())) {
        taken.add(v.toLowerCase());
        return v;
      }
    }
  };

  // ---- the platform -------------------------------------------------------------------------------
  const pp = draw.city?.slice(0, 2) ?? draw.province ?? pick(PROVINCES);
  const province = `${pp}0000`;
  const cities = draw.city ? [draw.city] : some(['01', '02', '03', '05', '07', '11'], 2, 3).map((c) => `${pp}${c}00`);
  const counties = cities.flatMap((c) => some(['02', '03', '21', '81'], 1, 2).map((k) => `${c.slice(0, 4)}${k}`));
  const regionOf: Record<Level, () => string> = { province: () => province, city: () => pick(cities), county: () => pick(counties) };
  const platformLevel: Level = draw.city ? 'city' : 'province';
  const deptCount = int(3, 5);
  const departments = Array.from({ length: deptCount }, (_, i) => {
    const level: Level = i === 0 ? platformLevel : pick(draw.city ? ['city', 'city', 'county'] as const : ['province', 'city', 'city', 'county'] as const);
    const region = regionOf[level]();
    const suffix = fresh(() => letters(int(2, 4)) + (chance(0.3) ? String(int(1, 9)) : ''));
    // A department's code is free: some carry another division's digits (a province's bureau coded as a
    // city's), while row scope follows its region. (A city's within the city: a platform it forwards
    // requests to takes no department coded outside it, SPEC §12.)
    const digits = i > 0 && chance(0.2) ? pick([...(draw.city ? [] : [province]), ...cities, ...counties]) : region;
    return {
      code: `${digits}-${suffix}`,
      name: chance(0.5) ? `${han(int(2, 4))}局 ${suffix}` : `${suffix} Bureau ${han(2)}`,
      graphqlName: fresh(() => `d${letters(int(3, 6))}`),
      level,
      region,
    };
  });
  const purposes = draw.purposes ?? Array.from({ length: int(2, 4) }, () => fresh(() => `p-${letters(int(3, 6), 'abcdefghjkmnpqrstuvwxyz')}`));
  const platform = {
    platform: { region: draw.city ?? province, level: platformLevel, name: `${han(3)}政务数据共享平台 ${seed}`, competentDepartment: departments[0].code },
    purposes: purposes.map((code) => ({ code, name: `${han(2)} ${code}` })),
    departments,
    connected: draw.connected ?? [],
    ...(draw.limits ? { limits: draw.limits } : {}),
  };

  // ---- scopes -------------------------------------------------------------------------------------
  const cutRegion = (code: string) => code.replace(/(00)+$/, '');
  const globRe = (pattern: string) => new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  /**
   * Whether a pattern passes the row-scope check (docs/access-rules.md, Row scope): one naming a division by
   * its leading digits matches no department whose region lies beyond that division.
   */
  const agreesWithRegions = (pattern: string): boolean => {
    const digits = /^\d+/.exec(pattern)?.[0];
    if (!/[*?]/.test(pattern) || !digits) return true;
    const division = digits.length >= 6 ? cutRegion(digits.slice(0, 6)) : digits;
    return departments.every((d) => !globRe(pattern).test(d.code) || cutRegion(d.region).startsWith(division));
  };
  /** A department pattern: an exact code, a region's departments, a division's leading digits, or by suffix, `?` or `*`. */
  const departmentPattern = (rows: boolean): string => {
    const d = pick(departments);
    const [digits, suffix] = [d.code.slice(0, 6), d.code.slice(7)];
    // (A province's leading four digits, "5200*", name no division: the row-scope check refuses them.)
    const all = [d.code, `${digits}-*`, `${cutRegion(digits)}*`, `*-${suffix}`, `${digits}-${suffix.slice(0, -1)}?`, ...(digits.endsWith('0000') ? [] : [`${digits.slice(0, 4)}*`])];
    return pick(rows ? all.filter(agreesWithRegions) : all);
  };
  const scopeOf = (rows: string | null) => {
    const scope: Rec = {};
    if (chance(0.7)) scope.purposes = some(purposes, 1, purposes.length);
    if (chance(0.3)) scope.departments = [...new Set([departmentPattern(rows !== null), ...(chance(0.5) ? [departmentPattern(rows !== null)] : [])])];
    if (chance(0.3)) scope.levels = some(['province', 'city', 'county'], 1, 3);
    if (rows) scope.rows = { item: rows };
    return scope;
  };

  // ---- resources ----------------------------------------------------------------------------------
  interface Drawn { doc: Rec; items: Rec[]; key: string; keyType: string; rows: string | null; provider: string }
  /** The item `name` of the drawn resource. */
  const itemNamed = (r: Drawn, name: string): Rec => r.items.find((i) => i.name === name)!;
  /** A key item: of a type, or an ID number (a string of format idcard), often personal and masked. */
  function keyItem(name: string, kind: string): Rec {
    if (kind === 'idcard') return { name, type: 'string', format: 'idcard', required: true, ...(chance(0.6) ? { ...sensitive(), ...(chance(0.6) ? { mask: 'idcard' } : {}) } : {}) };
    const item: Rec = { name, type: kind, required: true };
    if (kind === 'enum') item.values = some(ENUM_VALUES, 3, 7);
    // A boolean or enum key is odd, but a catalogue may have it: masked, it takes no lookup (docs/access-rules.md).
    const p = kind === 'enum' || kind === 'boolean' ? 0.5 : 0.25;
    return chance(p) ? { ...item, ...sensitive() } : item;
  }
  const resources: Drawn[] = [];
  const providers = some(departments, 2, departments.length);
  for (const dept of providers) {
    for (let n = int(1, 2); n > 0; n--) {
      const type = pick(['unconditional', 'conditional', 'conditional', 'none'] as const);
      const methods = chance(0.85) ? ['api', ...some(METHODS.filter((m) => m !== 'api'), 0, 2)] : some(METHODS.filter((m) => m !== 'api'), 1, 2);
      const key = fresh(() => `k${letters(3)}`);
      const rows = chance(0.45) ? fresh(() => `div${letters(2)}`) : null;
      const share: Rec = { type, methods, scope: scopeOf(rows) };
      if (type === 'conditional') share.conditions = `${han(4)} only`;
      if (type !== 'unconditional') share.basis = `条例 ${letters(3)} Art. ${int(1, 40)}`;
      const keyType = pick(['string', 'string', 'idcard', 'idcard', 'text', 'int', 'float', 'decimal', 'date', 'datetime', 'enum', 'boolean']);
      const items: Rec[] = [keyItem(key, keyType)];
      if (rows) items.push({ name: rows, type: 'string' });
      for (const t of some(ITEM_TYPES, 4, 7)) {
        const item: Rec = { name: fresh(() => `${t.slice(0, 3)}${letters(3)}`), title: `${han(2)} ${t}`, type: t };
        if (t === 'enum') item.values = some(['low', 'Mid', 'HIGH', 'unknown_x', 'Other', 'A1', 'b_2'], 2, 4);
        if (chance(0.4)) Object.assign(item, sensitive());
        if (chance(0.35)) item.share = tighten(share);
        items.push(item);
      }
      const gqlType = fresh(() => `R${letters(1, 'ABCDEFGHJKMNPQRSTUVWXYZ')}${letters(4)}`);
      resources.push({
        provider: dept.code,
        key,
        keyType,
        rows,
        items,
        doc: {
          code: `${dept.code}-${String(int(1, 99999)).padStart(5, '0')}`,
          name: fresh(() => (chance(0.5) ? `${han(int(2, 6))}信息 ${letters(2)}` : `${letters(3)} records ${han(2)}`)),
          provider: dept.code,
          graphql: { type: gqlType, list: `${gqlType[0].toLowerCase()}${gqlType.slice(1)}List`, byKey: `${gqlType[0].toLowerCase()}${gqlType.slice(1)}One` },
          key,
          share,
          items,
        },
      });
    }
  }
  // Resource codes apart (the number is drawn): redraw a clash.
  const codes = new Set<string>();
  for (const r of resources) {
    while (codes.has(String(r.doc.code).toLowerCase())) r.doc.code = `${r.provider}-${String(int(1, 99999)).padStart(5, '0')}`;
    codes.add(String(r.doc.code).toLowerCase());
  }
  // Links: an item of one resource to another's key, or (some) to another of its items, of the same type
  // (an ID number from a string item of no format; an enum from an enum of the same values).
  type Link = { item: string; target: Drawn; targetItem: string };
  const links = new Map<Drawn, Link[]>();
  const LINKABLE = ['string', 'text', 'int', 'date', 'enum', 'boolean'];
  for (const r of resources) {
    if (!chance(0.55)) continue;
    const target = pick(resources);
    const others = target.items.filter((i) => i.name !== target.key && i.name !== target.rows && LINKABLE.includes(String(i.type)));
    const to = others.length && chance(0.4) ? pick(others) : itemNamed(target, target.key);
    const item: Rec = { name: fresh(() => `ref${letters(3)}`), type: to.type, link: { resource: target.doc.code, item: to.name, field: fresh(() => `to${letters(4)}`) } };
    if (to.values) item.values = to.values;
    if (chance(0.3)) Object.assign(item, sensitive());
    if (chance(0.25)) item.share = tighten(r.doc.share as Rec);
    r.items.push(item);
    links.set(r, [{ item: String(item.name), target, targetItem: String(to.name) }]);
  }

  // ---- drawn apart ----------------------------------------------------------------------------------
  // What the generator draws since it first drew the rest, from a generator of its own (`apart`), so that a
  // seed still draws the platform it drew before, with these added: a row-scope item that is personal or
  // secret (masked, unmasked by a grant, filtered with eq and in only, while the row filter reads its stored
  // value), and a second link from a resource (to the target of its first or another; to any of the
  // target's items but its links, the row-scope item and a masked one among them).
  const firstLinked = new Set(links.keys());
  const secondLinks = new Set<string>();
  apart(() => {
    for (const r of resources) if (r.rows && chance(0.4)) Object.assign(itemNamed(r, r.rows), sensitive());
    for (const r of resources) {
      if (!chance(0.3)) continue;
      const first = links.get(r)?.[0];
      const target = first && chance(0.5) ? first.target : pick(resources);
      const others = target.items.filter((i) => i.name !== target.key && !i.link && LINKABLE.includes(String(i.type)));
      const to = others.length && chance(0.5) ? pick(others) : itemNamed(target, target.key);
      const item: Rec = { name: fresh(() => `ref${letters(4)}`), type: to.type, link: { resource: target.doc.code, item: to.name, field: fresh(() => `to${letters(5)}`) } };
      if (to.values) item.values = to.values;
      if (chance(0.3)) Object.assign(item, sensitive());
      r.items.push(item);
      secondLinks.add(`${String(r.doc.code)} ${String(item.name)}`);
      links.set(r, [...(links.get(r) ?? []), { item: String(item.name), target, targetItem: String(to.name) }]);
    }
  });

  function sensitive(): Rec {
    const mask = pick(MASKS);
    return { sensitivity: pick(['personal', 'secret']), ...(mask ? { mask } : {}) };
  }

  /** An item's share: the resource's tightened in one or more ways (type, methods, purposes, levels). */
  function tighten(share: Rec): Rec {
    const own: Rec = {};
    const order = ['unconditional', 'conditional', 'none'];
    if (chance(0.4)) {
      own.type = pick(order.slice(order.indexOf(String(share.type))));
      if (own.type === 'conditional' && !share.conditions) own.conditions = `${han(3)} 条件`;
      if (own.type !== 'unconditional' && !share.basis) own.basis = `办法 ${letters(2)}`;
    }
    if (chance(0.3)) own.methods = some(share.methods as string[], 1, (share.methods as string[]).length);
    const outer = (share.scope ?? {}) as Rec;
    const scope: Rec = {};
    if (chance(0.5)) scope.purposes = some((outer.purposes as string[] | undefined) ?? purposes, 1, 2);
    if (chance(0.25)) scope.levels = some((outer.levels as string[] | undefined) ?? ['province', 'city', 'county'], 1, 2);
    if (chance(0.2) && outer.departments) scope.departments = some(outer.departments as string[], 1, 1);
    else if (chance(0.15) && !outer.departments) scope.departments = [departmentPattern(outer.rows !== undefined)];
    if (Object.keys(scope).length) own.scope = scope;
    return own;
  }

  // ---- records ------------------------------------------------------------------------------------
  const divisions = [province, ...cities, ...counties, ...counties.map((c) => `${c}001`), '430102', `${pp === '11' ? '12' : '11'}0101`, cities[0].slice(0, 4)];
  const keysOf = new Map<Drawn, unknown[]>();
  for (const r of resources) {
    // (as many as the key's values allow: a boolean key keys two records at most)
    const values = r.keyType === 'boolean' ? [true, false] : r.keyType === 'enum' ? (itemNamed(r, r.key).values as string[]) : null;
    const n = values ? int(1, values.length) : int(12, 40);
    const keys: unknown[] = values ? some<unknown>(values, n, n) : [];
    const seen = new Set<string>();
    while (keys.length < n) {
      const k = keyValue(r.keyType, keys);
      // (an ID number is one key in either spelling of its check character)
      const one = r.keyType === 'idcard' ? String(k).toUpperCase() : String(k);
      if (!seen.has(one)) keys.push(k), seen.add(one);
    }
    keysOf.set(r, keys);
  }

  /** A valid ID number of the province, its check character 'X' about half the time (sometimes written 'x'). */
  function idNumber(): string {
    const wantX = chance(0.5);
    for (;;) {
      const first17 = `${pick(counties)}${int(1935, 2015)}${String(int(1, 12)).padStart(2, '0')}${String(int(1, 28)).padStart(2, '0')}${String(int(0, 999)).padStart(3, '0')}`;
      const check = idCardCheckDigit(first17);
      if ((check === 'X') === wantX || chance(0.1)) return first17 + (check === 'X' && chance(0.3) ? 'x' : check);
    }
  }

  function keyValue(type: string, before: unknown[]): unknown {
    switch (type) {
      case 'idcard': return idNumber();
      case 'int': return int(-500, 5000);
      case 'float': return int(-500, 5000) / 4;
      // (one value written once: "1.5" and "1.50" are one value, and so one key)
      case 'decimal': return `${int(-50, 500)}.${String(int(0, 99)).padStart(2, '0')}`;
      case 'date': return value({ type: 'date' });
      // (one instant written once: the store keeps it in UTC, and two spellings of it would be one key)
      case 'datetime': return `2025-${String(int(1, 12)).padStart(2, '0')}-${String(int(10, 28))}T${String(int(0, 23)).padStart(2, '0')}:${int(10, 59)}:00Z`;
    }
    // Some keys differ from another only in case: both are records of their own.
    return before.length && chance(0.1) ? swapCase(String(pick(before))) : `${pick(['', 'K', 'k', '赵'])}${letters(int(1, 3))}${int(0, 999)}`;
  }
  const records = new Map<string, Rec[]>();
  // Resources linking to another's non-key item after that one, where they can (its values drawn first).
  const order = [...resources].sort((a, b) => Number(firstLinked.has(a)) - Number(firstLinked.has(b)));
  for (const r of order) {
    const drawnLinks = links.get(r) ?? [];
    records.set(String(r.doc.code), keysOf.get(r)!.map((k) => {
      const rec: Rec = {};
      for (const item of r.items) {
        const name = String(item.name);
        if (name === r.key) rec[name] = k;
        else if (name === r.rows) rec[name] = chance(0.1) ? null : pick(divisions);
        else if (secondLinks.has(`${String(r.doc.code)} ${name}`)) rec[name] = apart(() => linkValue(drawnLinks.find((l) => l.item === name)!));
        else if (drawnLinks.some((l) => l.item === name)) rec[name] = linkValue(drawnLinks.find((l) => l.item === name)!);
        else if (chance(0.15)) rec[name] = null;
        else rec[name] = value(item);
      }
      return rec;
    }));
  }

  /** A linking item's value: mostly one a record of the target holds (in the other spelling of an ID number too). */
  function linkValue(link: { target: Drawn; targetItem: string }): unknown {
    if (chance(0.15)) return null;
    const to = itemNamed(link.target, link.targetItem);
    const held = link.targetItem === link.target.key ? keysOf.get(link.target)! : (records.get(String(link.target.doc.code)) ?? []).map((t) => t[link.targetItem]).filter((v) => v !== null);
    // (maybe no record's; a boolean or enum from its few values, which some record may hold)
    const ofKey = link.targetItem === link.target.key && to.type !== 'enum' && to.type !== 'boolean';
    if (!held.length || chance(0.1)) return ofKey ? keyValue(link.target.keyType, []) : writtenAsKey(value(to));
    const v = pick(held);
    return to.format === 'idcard' && chance(0.3) ? swapCheck(String(v)) : writtenAsKey(v);
  }
  /**
   * A value as the importer takes a link's to a key (no blanks around it): a value held with blanks is linked
   * to no record (src/records/validate/links.ts, "not written as a link to the key K of R is"). A link to
   * another item may hold blanks as that item does; its values are trimmed all the same, so that the seeds
   * draw the platforms they drew.
   */
  function writtenAsKey(v: unknown): unknown {
    return typeof v === 'string' ? v.trim() || 'x' : v;
  }

  function value(item: Rec): unknown {
    switch (item.type) {
      case 'string': case 'text': return pick(WORDS) + (chance(0.5) ? String(int(0, 99)) : '');
      case 'int': return int(-50, 50) * pick([1, 1, 1000]);
      case 'float': return pick([0, 1.5, -2.25, 3.125, 100, 7]) * int(1, 3);
      case 'decimal': return pick(['0', '1.50', '1.5', '-0.5', '100.10', '12345.678', '-0', '7']);
      case 'boolean': return chance(0.5);
      case 'date': return `20${int(10, 29)}-0${int(1, 9)}-${String(int(1, 28)).padStart(2, '0')}`;
      case 'datetime': return `2026-0${int(1, 9)}-1${int(0, 9)}T0${int(0, 9)}:${int(10, 59)}:00${pick(['Z', '+08:00', '-05:00'])}`;
      case 'enum': return pick(item.values as string[]);
    }
    throw new Error(`no value for ${String(item.type)}`);
  }

  // Rows an older release stored with 'x' (before the importer wrote 'X'): other numbers, and now and then
  // one the import holds with 'X' too (two records of one number: a lookup and a link take the 'X' one).
  const olderRows = new Map<string, Rec[]>();
  for (const r of resources) {
    if (r.keyType !== 'idcard' || !chance(0.7)) continue;
    const imported = records.get(String(r.doc.code))!;
    const rows = Array.from({ length: int(1, 3) }, () => {
      const base = chance(0.3) ? { ...pick(imported) } : { ...pick(imported), [r.key]: idNumber() };
      return { ...base, [r.key]: lowerX(String(base[r.key])) };
    }).filter((row) => String(row[r.key]).endsWith('x'));
    const seen = new Set<string>();
    const distinct = rows.filter((row) => !seen.has(String(row[r.key]).toUpperCase()) && seen.add(String(row[r.key]).toUpperCase()));
    if (distinct.length) olderRows.set(String(r.doc.code), distinct);
  }

  // ---- the files ----------------------------------------------------------------------------------
  mkdirSync(dir, { recursive: true });
  const platformFile = join(dir, 'platform.yaml');
  writeFileSync(platformFile, stringify(platform));
  const catalogueFiles: string[] = [];
  // Sometimes a basic or subject catalogue, compiled by any department, gathers several providers' resources
  // (SPEC §2): theirs are then in it, not in their own departmental catalogues.
  const gathered = providers.length >= 2 && chance(0.6) ? new Set(some(providers, 2, providers.length).map((d) => d.code)) : new Set<string>();
  if (gathered.size) {
    const compiler = pick(departments);
    const kind = pick(['basic', 'subject'] as const);
    const file = join(dir, `catalogue-${kind}.yaml`);
    writeFileSync(file, stringify({
      id: `G${seed}-${kind}`,
      kind,
      title: `${han(4)} ${kind} 目录`,
      compiler: compiler.code,
      subject: `${han(2)} ${letters(3)}`,
      resources: resources.filter((r) => gathered.has(r.provider)).map((r) => r.doc),
    }));
    catalogueFiles.push(file);
  }
  for (const dept of providers) {
    if (gathered.has(dept.code)) continue;
    const own = resources.filter((r) => r.provider === dept.code);
    const file = join(dir, `catalogue-${dept.graphqlName}.yaml`);
    writeFileSync(file, stringify({
      id: `G${seed}-${dept.code.slice(7)}`,
      kind: 'departmental',
      title: `${dept.name} 目录`,
      compiler: dept.code,
      resources: own.map((r) => r.doc),
    }));
    catalogueFiles.push(file);
  }
  const summary = resources.map((r) => {
    const s = r.doc.share as Rec;
    return `${String(r.doc.code)}${gathered.has(r.provider) ? ' (gathered)' : ''} ${String(s.type)} ${JSON.stringify(s.scope)} key ${r.key} items ${r.items.map((i) => `${String(i.name)}:${String(i.type)}${i.format ? `(${String(i.format)})` : ''}${i.sensitivity ? `/${String(i.mask ?? 'full')}` : ''}${i.share ? `+${JSON.stringify(i.share)}` : ''}${i.link ? `->${JSON.stringify(i.link)}` : ''}`).join(' ')}${olderRows.has(String(r.doc.code)) ? ` older rows ${olderRows.get(String(r.doc.code))!.length}` : ''}`;
  });
  return { platformFile, catalogueFiles, records, olderRows, summary };
}

/** Writes the generated platform's older rows straight into their collections, as an older release left them. */
export async function storeOlderRows(store: Store, drawn: GeneratedPlatform): Promise<void> {
  const resources = (await publishedCatalogues(store)).flatMap((c) => c.resources);
  for (const [code, rows] of drawn.olderRows) {
    const r = resources.find((x) => x.code === code)!;
    await store.upsert(collectionOf(r), r.key, rows as never);
  }
}

const lowerX = (id: string) => id.replace(/X$/, 'x');
/** The other spelling of an ID number's check character 'X' / 'x' (any other number as it is). */
const swapCheck = (id: string) => (id.endsWith('X') ? lowerX(id) : id.replace(/x$/, 'X'));

function swapCase(s: string): string {
  return Array.from(s, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}
