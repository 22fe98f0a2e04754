// The store contract (SPEC §11): one suite, written once as a function of a store factory, run on the
// embedded SQLite store always and on MongoDB when MONGODB_URI is set.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterFilter, decodeCursor, encodeCursor, InvalidCursorError, withKeyTieBreak, withSortFields } from '../src/store/keyset.ts';
import { comparedValue, databaseFromUri, findOptions, fromBson, mongoClient, indexOptions, openMongoStore, restoreFields, runsTransactions, standaloneWarning, toBson, toDocument, toMongoFilter, toMongoSort, toSetDocument, translate } from '../src/store/mongo.ts';
import { Decimal } from '../src/formats/decimal.ts';
import { IMPORT_RENEWALS, STALE_MS as STAGING_STALE_MS } from '../src/store/mongo/staging.ts';
import { openStore } from '../src/store/open.ts';
import {
  and,
  DuplicateKeyError,
  eq,
  or,
  ROW_ORDER,
  StoreUnavailableError,
  type CompareOp,
  type Filter,
  type JoinSide,
  type Row,
  type SortKey,
  type Store,
  type Value,
} from '../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';
import { claimCollections, collectionProblems, COLLECTION_OWNERS, releaseClaims, reservedCollection } from '../src/catalogue/collections.ts';
import { withPublicationLock } from '../src/catalogue/publication-lock.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { addVersion, CATALOGUE_VERSIONS, catalogueVersions, markPublished, resourceCountOf, wholeDocument } from '../src/catalogue/repository.ts';
import { providerLookup } from '../src/workflow/sharing.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { entryQuoting } from './helpers/well-formed-entry.ts';
import { closedSlot, insertStanding, OBJECTIONS, type Objection } from '../src/workflow/objections/record.ts';

/** Opens a new store instance on the same underlying database each time it is called. */
interface Harness {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const cmp = (field: string, op: CompareOp, value: Value): Filter => ({ kind: 'compare', field, op, value });
const ne = (field: string, value: Value) => cmp(field, 'ne', value);
const inList = (field: string, values: Value[]): Filter => ({ kind: 'in', field, values });
const startsWith = (field: string, value: string): Filter => ({ kind: 'startsWith', field, value });
const contains = (field: string, value: string): Filter => ({ kind: 'contains', field, value });
const asc = (field: string): SortKey => ({ field, direction: 'asc' });
const desc = (field: string): SortKey => ({ field, direction: 'desc' });
const ids = (rows: Row[]) => rows.map((r) => r.id);
/**
 * The ids of `collection`'s rows as a client pages through them: `size` rows a page, each page read after
 * the cursor of the one before (at most `pages` pages, so that a cursor that walks back stops).
 */
async function idsByCursor(store: Store, collection: string, sort: SortKey[], size: number, pages = 10): Promise<Value[]> {
  const paged: Value[] = [];
  let filter: Filter | undefined;
  for (let page = 0; page < pages; page++) {
    const rows = await store.find(collection, { filter, sort, limit: size });
    if (rows.length === 0) break;
    paged.push(...ids(rows));
    filter = afterFilter(sort, encodeCursor(sort, rows[rows.length - 1]));
  }
  return paged;
}
const dec = (text: string): Decimal => {
  const d = Decimal.parse(text);
  if (!d) throw new Error(`not a decimal: ${text}`);
  return d;
};

// Decimals: ties by value in other scales (450.1/450.10/450.100, the zeros), neighbours beyond a double's
// precision, 34 digits, negatives of many lengths, a null and a missing one. A double would make d10, d11
// and d12 equal and d15 and d16 equal.
const AMOUNTS: [string, string | null | undefined][] = [
  ['d01', '450.10'], ['d02', '450.1'], ['d03', '10.5'], ['d04', '9.75'], ['d05', '-0'], ['d06', '0'],
  ['d07', '0.00'], ['d08', '-3'], ['d09', '-3.5'], ['d10', '12345678901234567.89'], ['d11', '12345678901234567.88'],
  ['d12', '12345678901234567.90'], ['d13', '-0.0000001'], ['d14', '0.00000010'], ['d15', '9999999999999999999999999999999999'],
  ['d16', '9999999999999999999999999999999998'], ['d17', '-10'], ['d18', null], ['d19', undefined], ['d20', '450.100'],
  ['d21', '-0.45'], ['d22', '-0.451'], ['d23', '0.45'], ['d24', '0.451'], ['d25', '100'], ['d26', '99.999'],
];
const DECIMAL_ROWS: Row[] = AMOUNTS.map(([id, a]): Row => (a === undefined ? { id } : { id, amount: a === null ? null : dec(a) }));

/** Exact order of decimal texts (scaled BigInts), null first: the oracle of the decimal cases. */
function compareDecimalTexts(a: string | null | undefined, b: string | null | undefined): number {
  if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
  const scaled = (t: string, scale: number) => {
    const [i, f = ''] = t.split('.');
    return BigInt(i.replace(/^-/, '') + f.padEnd(scale, '0')) * (t.startsWith('-') ? -1n : 1n);
  };
  const scale = Math.max(...[a, b].map((t) => (t.split('.')[1] ?? '').length));
  const [x, y] = [scaled(a, scale), scaled(b, scale)];
  return x < y ? -1 : x > y ? 1 : 0;
}
const amountOf = (id: string) => AMOUNTS.find(([i]) => i === id)![1];
const decimalOrder = (direction: 'asc' | 'desc', keep: (a: string | null | undefined) => boolean = () => true): string[] =>
  AMOUNTS.filter(([, a]) => keep(a))
    .map(([id]) => id)
    .sort((x, y) => (direction === 'asc' ? 1 : -1) * compareDecimalTexts(amountOf(x), amountOf(y)) || (x < y ? -1 : 1));
const texts = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.id, r.amount === undefined ? undefined : r.amount === null ? null : String(r.amount)]));

// p03 has explicit nulls, p04 lacks score, p05 lacks active, p08 lacks name: null and missing are one.
const PEOPLE: Row[] = [
  { id: 'p01', name: 'Alice', age: 30, score: 1.5, born: '1990-01-15', active: true, city: 'Changsha' },
  { id: 'p02', name: 'bob', age: 25, score: 2.25, born: '1995-06-01', active: false, city: 'Zhuzhou' },
  { id: 'p03', name: 'Carol', age: null, score: 3, born: '1985-12-31', active: true, city: null },
  { id: 'p04', name: 'Alan', age: 40, born: null, active: true, city: 'Changsha' },
  { id: 'p05', name: 'Eve', age: 25, score: -1.75, born: '2000-02-29', city: 'Xiangtan' },
  { id: 'p06', name: 'Émile', age: 35, score: 0, born: '1990-01-15', active: false, city: 'Changsha' },
  { id: 'p07', name: 'al*x (1)', age: 18, score: 10.125, born: '2006-07-08', active: true, city: 'Zhuzhou' },
  { id: 'p08', age: 52, score: 2.25, born: '1972-03-03', active: null, city: '长沙' },
];

const FILTER_CASES: { label: string; filter: Filter; expected: string[] }[] = [
  // strings (binary, code-point order: 'A' < 'C' < 'E' < 'a' < 'b' < 'É')
  { label: 'string eq', filter: eq('name', 'Alice'), expected: ['p01'] },
  { label: 'string ne (matches missing)', filter: ne('name', 'Alice'), expected: ['p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08'] },
  { label: 'string gt', filter: cmp('name', 'gt', 'Alice'), expected: ['p02', 'p03', 'p05', 'p06', 'p07'] },
  { label: 'string gte', filter: cmp('name', 'gte', 'Alice'), expected: ['p01', 'p02', 'p03', 'p05', 'p06', 'p07'] },
  { label: 'string lt', filter: cmp('name', 'lt', 'Carol'), expected: ['p01', 'p04'] },
  { label: 'string lte', filter: cmp('name', 'lte', 'Carol'), expected: ['p01', 'p03', 'p04'] },
  { label: 'string in', filter: inList('name', ['bob', 'Eve', 'nobody']), expected: ['p02', 'p05'] },
  { label: 'string in with null', filter: inList('name', ['bob', null]), expected: ['p02', 'p08'] },
  { label: 'string in empty', filter: inList('name', []), expected: [] },
  { label: 'startsWith is case-sensitive', filter: startsWith('name', 'Al'), expected: ['p01', 'p04'] },
  { label: 'startsWith escapes specials', filter: startsWith('name', 'al*'), expected: ['p07'] },
  { label: 'startsWith non-ASCII', filter: startsWith('name', 'Ém'), expected: ['p06'] },
  { label: 'startsWith CJK', filter: startsWith('city', '长'), expected: ['p08'] },
  { label: 'startsWith empty matches every string', filter: startsWith('name', ''), expected: ['p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07'] },
  { label: 'startsWith no match', filter: startsWith('name', 'Alicia'), expected: [] },
  { label: 'contains', filter: contains('name', 'l'), expected: ['p01', 'p03', 'p04', 'p06', 'p07'] },
  { label: 'contains non-ASCII', filter: contains('name', 'Émi'), expected: ['p06'] },
  { label: 'contains escapes specials', filter: contains('name', 'x (1'), expected: ['p07'] },
  { label: 'contains is case-sensitive', filter: contains('name', 'LI'), expected: [] },
  { label: 'contains on a date string', filter: contains('born', '-01-'), expected: ['p01', 'p06'] },
  { label: 'contains and startsWith a NUL character match nothing (no failure)', filter: or(contains('name', 'A\u0000'), startsWith('name', '\u0000')), expected: [] },
  { label: 'string eq null (null and missing)', filter: eq('name', null), expected: ['p08'] },
  { label: 'string ne null', filter: ne('name', null), expected: ['p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07'] },
  { label: 'city ne (matches null)', filter: ne('city', 'Changsha'), expected: ['p02', 'p03', 'p05', 'p07', 'p08'] },
  // ints
  { label: 'int eq', filter: eq('age', 25), expected: ['p02', 'p05'] },
  { label: 'int ne (matches null)', filter: ne('age', 25), expected: ['p01', 'p03', 'p04', 'p06', 'p07', 'p08'] },
  { label: 'int gt', filter: cmp('age', 'gt', 30), expected: ['p04', 'p06', 'p08'] },
  { label: 'int gte', filter: cmp('age', 'gte', 30), expected: ['p01', 'p04', 'p06', 'p08'] },
  { label: 'int lt', filter: cmp('age', 'lt', 25), expected: ['p07'] },
  { label: 'int lte', filter: cmp('age', 'lte', 25), expected: ['p02', 'p05', 'p07'] },
  { label: 'int in', filter: inList('age', [18, 40]), expected: ['p04', 'p07'] },
  { label: 'int in with null', filter: inList('age', [25, null]), expected: ['p02', 'p03', 'p05'] },
  { label: 'int eq null', filter: eq('age', null), expected: ['p03'] },
  { label: 'int gt null matches nothing', filter: cmp('age', 'gt', null), expected: [] },
  { label: 'int gte null matches nothing', filter: cmp('age', 'gte', null), expected: [] },
  { label: 'int lte null matches nothing', filter: cmp('age', 'lte', null), expected: [] },
  // floats
  { label: 'float eq', filter: eq('score', 2.25), expected: ['p02', 'p08'] },
  { label: 'float eq of an integral value', filter: eq('score', 3.0), expected: ['p03'] },
  { label: 'float ne (matches missing)', filter: ne('score', 2.25), expected: ['p01', 'p03', 'p04', 'p05', 'p06', 'p07'] },
  { label: 'float gt', filter: cmp('score', 'gt', 2.25), expected: ['p03', 'p07'] },
  { label: 'float gte', filter: cmp('score', 'gte', 2.25), expected: ['p02', 'p03', 'p07', 'p08'] },
  { label: 'float lt', filter: cmp('score', 'lt', 0), expected: ['p05'] },
  { label: 'float lte', filter: cmp('score', 'lte', 1.5), expected: ['p01', 'p05', 'p06'] },
  { label: 'float in', filter: inList('score', [1.5, -1.75]), expected: ['p01', 'p05'] },
  { label: 'float eq null (missing)', filter: eq('score', null), expected: ['p04'] },
  // dates as strings
  { label: 'date eq', filter: eq('born', '1990-01-15'), expected: ['p01', 'p06'] },
  { label: 'date ne', filter: ne('born', '1990-01-15'), expected: ['p02', 'p03', 'p04', 'p05', 'p07', 'p08'] },
  { label: 'date gt', filter: cmp('born', 'gt', '1990-01-15'), expected: ['p02', 'p05', 'p07'] },
  { label: 'date gte', filter: cmp('born', 'gte', '1990-01-15'), expected: ['p01', 'p02', 'p05', 'p06', 'p07'] },
  { label: 'date lt', filter: cmp('born', 'lt', '1990-01-01'), expected: ['p03', 'p08'] },
  { label: 'date lte', filter: cmp('born', 'lte', '1985-12-31'), expected: ['p03', 'p08'] },
  { label: 'date range', filter: and(cmp('born', 'gte', '1990-01-01'), cmp('born', 'lt', '2000-01-01')), expected: ['p01', 'p02', 'p06'] },
  { label: 'date in', filter: inList('born', ['1972-03-03', '2000-02-29']), expected: ['p05', 'p08'] },
  { label: 'date startsWith (a year)', filter: startsWith('born', '1990'), expected: ['p01', 'p06'] },
  { label: 'date eq null', filter: eq('born', null), expected: ['p04'] },
  // booleans
  { label: 'boolean eq true', filter: eq('active', true), expected: ['p01', 'p03', 'p04', 'p07'] },
  { label: 'boolean eq false', filter: eq('active', false), expected: ['p02', 'p06'] },
  { label: 'boolean ne true (matches null and missing)', filter: ne('active', true), expected: ['p02', 'p05', 'p06', 'p08'] },
  { label: 'boolean ne false', filter: ne('active', false), expected: ['p01', 'p03', 'p04', 'p05', 'p07', 'p08'] },
  { label: 'boolean in with null', filter: inList('active', [false, null]), expected: ['p02', 'p05', 'p06', 'p08'] },
  { label: 'boolean eq null (null and missing)', filter: eq('active', null), expected: ['p05', 'p08'] },
  { label: 'boolean ne null', filter: ne('active', null), expected: ['p01', 'p02', 'p03', 'p04', 'p06', 'p07'] },
  // a field no row has
  { label: 'unknown field eq null matches all', filter: eq('nothing', null), expected: ['p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08'] },
  { label: 'unknown field eq value matches none', filter: eq('nothing', 1), expected: [] },
  // and / or
  { label: 'empty and matches everything', filter: and(), expected: ['p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08'] },
  { label: 'empty or matches nothing', filter: or(), expected: [] },
  { label: 'and with an empty or', filter: and(eq('city', 'Changsha'), or()), expected: [] },
  { label: 'or with an empty and', filter: or(eq('id', 'p01'), and()), expected: ['p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08'] },
  {
    label: 'or of and',
    filter: or(eq('city', 'Changsha'), and(cmp('age', 'gt', 30), eq('active', null))),
    expected: ['p01', 'p04', 'p06', 'p08'],
  },
  { label: 'and of or', filter: and(or(eq('name', 'bob'), eq('name', 'Eve')), ne('age', 30)), expected: ['p02', 'p05'] },
  {
    label: 'three levels',
    filter: and(or(and(eq('active', true), cmp('score', 'gte', 3)), startsWith('city', 'Zhu')), ne('id', 'p07')),
    expected: ['p02', 'p03'],
  },
];

const SORT_CASES: { label: string; sort: SortKey[]; expected: string[] }[] = [
  { label: 'int asc, nulls first', sort: [asc('age'), asc('id')], expected: ['p03', 'p07', 'p02', 'p05', 'p01', 'p06', 'p04', 'p08'] },
  { label: 'int desc, nulls last', sort: [desc('age'), asc('id')], expected: ['p08', 'p04', 'p06', 'p01', 'p02', 'p05', 'p07', 'p03'] },
  { label: 'float desc then string asc', sort: [desc('score'), asc('name')], expected: ['p07', 'p03', 'p08', 'p02', 'p01', 'p06', 'p05', 'p04'] },
  { label: 'string asc, code-point order', sort: [asc('name')], expected: ['p08', 'p04', 'p01', 'p03', 'p05', 'p07', 'p02', 'p06'] },
  { label: 'date asc then id desc', sort: [asc('born'), desc('id')], expected: ['p04', 'p08', 'p03', 'p06', 'p01', 'p02', 'p05', 'p07'] },
  { label: 'boolean asc', sort: [asc('active'), asc('id')], expected: ['p05', 'p08', 'p02', 'p06', 'p01', 'p03', 'p04', 'p07'] },
  { label: 'boolean desc', sort: [desc('active'), desc('id')], expected: ['p07', 'p04', 'p03', 'p01', 'p06', 'p02', 'p08', 'p05'] },
  { label: 'string asc with CJK last', sort: [asc('city'), asc('id')], expected: ['p03', 'p01', 'p04', 'p06', 'p05', 'p02', 'p07', 'p08'] },
];

/** A larger set with many ties and nulls for pagination: every field is of one type or null/missing. */
function generated(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 61; i++) {
    const row: Row = {
      id: `g${String(i).padStart(3, '0')}`,
      grp: i % 4 === 0 ? null : ['a', 'b', '长'][i % 3],
      n: i % 5 === 0 ? null : (i * 7) % 11,
      m: i % 4, // never null: walked with the nonNull hint
      flag: i % 3 === 0 ? null : i % 2 === 0,
    };
    if (i % 6 !== 0) row.x = (i % 10) / 4;
    rows.push(row);
  }
  return rows;
}

/** The port's order: null (or missing) first, then false < true, numbers, strings by code point. */
function compareValues(a: Value | undefined, b: Value | undefined): number {
  const an = a ?? null;
  const bn = b ?? null;
  if (an === bn) return 0;
  if (an === null) return -1;
  if (bn === null) return 1;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

const sortRows = (rows: Row[], sort: SortKey[]): Row[] =>
  [...rows].sort((a, b) => {
    for (const s of sort) {
      const c = compareValues(a[s.field], b[s.field]);
      if (c !== 0) return s.direction === 'asc' ? c : -c;
    }
    return 0;
  });

const PAGE_SORTS: SortKey[][] = [
  [asc('grp')],
  [desc('grp'), asc('n')],
  [desc('n')],
  [asc('flag'), desc('grp')],
  [desc('x'), desc('n')],
  [asc('x'), asc('flag'), asc('grp')],
  [desc('id')],
  [desc('m'), asc('n')],
  [desc('m'), desc('grp'), desc('id')],
];

function contract(harness: () => Harness): void {
  let h: Harness;
  let store: Store;
  let next = 0;
  /** A fresh collection with the people in it. */
  const people = async (): Promise<string> => {
    const name = `r_430000_ga_${String(++next).padStart(5, '0')}`;
    await store.insert(name, PEOPLE);
    return name;
  };

  beforeAll(async () => {
    h = harness();
    store = await h.open();
  });
  afterAll(async () => {
    // A store that never opened (MONGODB_URI naming a port where nothing listens) made nothing to remove:
    // the cleanup's own client waited the driver's 30 s for a server and added its raw error to the one
    // saying why (StoreUnavailableError, "no server of ... answered"). A SQLite harness's folder is in `dirs`.
    if (store === undefined) return;
    await store.close();
    await h.cleanup();
  });

  describe('filters', () => {
    let c: string;
    beforeAll(async () => {
      c = await people();
    });
    it.each(FILTER_CASES)('$label', async ({ filter, expected }) => {
      expect(ids(await store.find(c, { filter, sort: [asc('id')] }))).toEqual(expected);
      expect(await store.count(c, filter)).toBe(expected.length);
    });
    it('gives the same results with indexes on the fields', async () => {
      const indexed = await people();
      for (const field of ['name', 'age', 'score', 'born', 'active', 'city']) await store.ensureIndex(indexed, { fields: [field] });
      for (const { filter, expected } of FILTER_CASES) {
        expect(ids(await store.find(indexed, { filter, sort: [asc('id')] }))).toEqual(expected);
      }
    });
    it('refuses a field name that is not a GraphQL name', async () => {
      await expect(store.find(c, { filter: eq("a') OR 1=1 --", 1) })).rejects.toThrow(/invalid field name/);
      await expect(store.find(c, { sort: [asc('$where')] })).rejects.toThrow(/invalid field name/);
      await expect(store.find(c, { projection: ['a.b'] })).rejects.toThrow(/invalid field name/);
      await expect(store.find(c, { filter: inList('_id', [1]) })).rejects.toThrow(/invalid field name/);
      await expect(store.find(c, { filter: startsWith(ROW_ORDER, '1') })).rejects.toThrow(/invalid field name/);
    });
    // A row written by hand holds an object; read back and compared again (the publication lock's token), it
    // failed on SQLite with a raw RangeError and matched as an embedded document on MongoDB.
    it('refuses a value that is not one the store compares (an object, an array; not text for startsWith and contains), in reads and writes alike', async () => {
      const object = { a: 1 } as unknown as Value;
      const array = ['a'] as unknown as Value;
      await expect(store.find(c, { filter: eq('name', object) })).rejects.toThrow('filter on name: an object is not a value the store compares (text, number, boolean, decimal or null)');
      await expect(store.count(c, inList('name', ['Alice', array]))).rejects.toThrow('filter on name: an array is not a value the store compares');
      await expect(store.find(c, { filter: cmp(ROW_ORDER, 'gt', object) })).rejects.toThrow('filter on _id: an object is not');
      await expect(store.find(c, { filter: startsWith('name', 1 as unknown as string) })).rejects.toThrow('filter on name: a number is not text');
      await expect(store.update(c, contains('name', object as unknown as string), { age: 1 })).rejects.toThrow('filter on name: an object is not text');
      await expect(store.delete(c, eq('name', array))).rejects.toThrow('filter on name: an array is not');
      expect(await store.count(c)).toBe(PEOPLE.length);
      expect(ids(await store.find(c, { filter: eq('name', undefined as unknown as Value), sort: [asc('id')] }))).toEqual(['p08']); // undefined is null
    });
    // A field where an older version wrote numbers and a newer one texts (docs/operations.md, "A field of
    // mixed kinds"): sorts put null, then the numbers, then the texts, and a range follows that order, so
    // that a filter agrees with orderBy and a cursor's next page goes on from the numbers into the texts.
    it('orders and compares a field of numbers and texts alike: null, numbers, texts; a cursor pages through both', async () => {
      const mixed = `r_440000_mz_mixed_${++next}`;
      await store.insert(mixed, [
        { id: 'm1', code: 'B7' }, { id: 'm2', code: 12 }, { id: 'm3', code: '12' }, { id: 'm4', code: 3 },
        { id: 'm5', code: null }, { id: 'm6', code: 'A1' }, { id: 'm7', code: 40.5 },
      ]);
      for (const indexed of [false, true]) {
        if (indexed) await store.ensureIndex(mixed, { fields: ['code'] });
        const sorted = ids(await store.find(mixed, { sort: [asc('code'), asc('id')] }));
        expect(sorted).toEqual(['m5', 'm4', 'm2', 'm7', 'm3', 'm6', 'm1']);
        expect(ids(await store.find(mixed, { sort: [desc('code'), asc('id')] }))).toEqual(['m1', 'm6', 'm3', 'm7', 'm2', 'm4', 'm5']);
        const found = async (filter: Filter) => ids(await store.find(mixed, { filter, sort: [asc('id')] }));
        expect(await found(cmp('code', 'gt', 12))).toEqual(['m1', 'm3', 'm6', 'm7']);
        expect(await found(cmp('code', 'gte', 12))).toEqual(['m1', 'm2', 'm3', 'm6', 'm7']);
        expect(await found(cmp('code', 'lt', 'A1'))).toEqual(['m2', 'm3', 'm4', 'm7']);
        expect(await found(cmp('code', 'lte', '12'))).toEqual(['m2', 'm3', 'm4', 'm7']);
        expect(await found(cmp('code', 'lt', 12))).toEqual(['m4']);
        expect(await found(cmp('code', 'gt', '12'))).toEqual(['m1', 'm6']);
        expect(await found(eq('code', 12))).toEqual(['m2']);
        expect(await found(eq('code', '12'))).toEqual(['m3']);
        expect(await found(ne('code', 12))).toEqual(['m1', 'm3', 'm4', 'm5', 'm6', 'm7']);
        expect(await found(inList('code', [12, 'B7']))).toEqual(['m1', 'm2']);
        // Pages of two by cursor, both directions: every row once, in the sort's order.
        for (const direction of [asc, desc]) {
          const sort = withKeyTieBreak([direction('code')], 'id');
          const paged = await idsByCursor(store, mixed, sort, 2);
          expect(paged).toEqual(ids(await store.find(mixed, { sort })));
          expect(paged).toEqual(direction === asc ? sorted : ['m1', 'm6', 'm3', 'm7', 'm2', 'm4', 'm5']);
        }
      }
    });
  });

  // A boolean item retyped from int, or the other way, before its records are imported again: GraphQL reads
  // a stored 1 as true (and true as 1). The embedded store holds a boolean as 1 or 0 (json_extract), equal to
  // those numbers and sorted among them; MongoDB's booleans are a kind of their own, after the texts
  // (the manual's Comparison/Sort Order), equal to no number. Each store's cursor still walks every row once.
  it('compares booleans with the numbers 1 and 0 as each store documents (docs/operations.md, "A field of mixed kinds")', async () => {
    const c = `r_350000_mz_flags_${++next}`;
    await store.insert(c, [{ id: 'b1', f: true }, { id: 'b2', f: 1 }, { id: 'b3', f: false }, { id: 'b4', f: 0 }, { id: 'b5', f: null }, { id: 'b6', f: 2 }]);
    const found = async (filter: Filter) => ids(await store.find(c, { filter, sort: [asc('id')] }));
    const mongo = store.kind === 'mongodb';
    expect(await found(eq('f', true))).toEqual(mongo ? ['b1'] : ['b1', 'b2']);
    expect(await found(eq('f', 1))).toEqual(mongo ? ['b2'] : ['b1', 'b2']);
    expect(await found(ne('f', false))).toEqual(mongo ? ['b1', 'b2', 'b4', 'b5', 'b6'] : ['b1', 'b2', 'b5', 'b6']);
    expect(await found(inList('f', [false, null]))).toEqual(mongo ? ['b3', 'b5'] : ['b3', 'b4', 'b5']);
    for (const direction of [asc, desc]) {
      const sort = withKeyTieBreak([direction('f')], 'id');
      const paged = await idsByCursor(store, c, sort, 2);
      expect(paged).toEqual(ids(await store.find(c, { sort })));
      expect(paged).toHaveLength(6);
    }
  });

  // Datetime items (SPEC §5: eq ne in gt gte lt lte): UTC instants as Date.toISOString writes them, so that
  // code-point order is time order on both stores; null and a missing value are one, and no range finds them.
  describe('datetime items', () => {
    let c: string;
    const AT: Row[] = [
      { id: 'a1', at: '2026-03-01T01:30:00.000Z' }, { id: 'a2', at: '2026-03-01T01:30:00.500Z' }, { id: 'a3', at: '1999-12-31T16:00:00.000Z' },
      { id: 'a4', at: null }, { id: 'a5' }, { id: 'a6', at: '2026-03-01T01:30:00.000Z' }, { id: 'a7', at: '2100-01-01T00:00:00.000Z' },
    ];
    beforeAll(async () => {
      c = `r_320000_sw_at_${++next}`;
      await store.insert(c, AT);
    });
    const T = '2026-03-01T01:30:00.000Z';
    const CASES: [string, Filter, string[]][] = [
      ['eq', eq('at', T), ['a1', 'a6']],
      ['ne (null and missing too)', ne('at', T), ['a2', 'a3', 'a4', 'a5', 'a7']],
      ['in with null (missing too)', inList('at', [T, null]), ['a1', 'a4', 'a5', 'a6']],
      ['gt (half a second later)', cmp('at', 'gt', T), ['a2', 'a7']],
      ['gte', cmp('at', 'gte', T), ['a1', 'a2', 'a6', 'a7']],
      ['lt (never null or missing)', cmp('at', 'lt', T), ['a3']],
      ['lte', cmp('at', 'lte', T), ['a1', 'a3', 'a6']],
      ['eq null', eq('at', null), ['a4', 'a5']],
    ];
    it.each(CASES)('%s', async (_label, filter, expected) => {
      for (const indexed of [false, true]) {
        if (indexed) await store.ensureIndex(c, { fields: ['at'] });
        expect(ids(await store.find(c, { filter, sort: [asc('id')] }))).toEqual(expected);
        expect(await store.count(c, filter)).toBe(expected.length);
      }
    });
    it('pages by cursor in time order, nulls first ascending', async () => {
      const sort = withKeyTieBreak([asc('at')], 'id');
      const paged = await idsByCursor(store, c, sort, 2);
      expect(paged).toEqual(['a4', 'a5', 'a3', 'a1', 'a6', 'a2', 'a7']);
    });
  });

  // An item retyped from decimal to text (or a store written before exact decimals) holds decimals beside
  // texts and numbers until it is imported again (docs/workflow.md). The embedded store keeps a decimal as
  // an order key that is text to SQL ("C501975" for 9.75): startsWith and contains matched keys by characters
  // no reader sees (`contains: "5"` found every positive decimal), where MongoDB's $regex matches strings only.
  describe('a field holding decimals beside texts and numbers', () => {
    let c: string;
    const ROWS: Row[] = [
      { id: 'x1', v: dec('9.75') }, { id: 'x2', v: dec('450.10') }, { id: 'x3', v: dec('-3') }, { id: 'x4', v: dec('0') },
      { id: 'x5', v: dec('2000.00') }, { id: 't1', v: 'C501975' }, { id: 't2', v: 'Beijing' }, { id: 't3', v: 'A1' }, { id: 't4', v: '50 yuan' },
      { id: 'n1', v: 5 }, { id: 'n2', v: 2000 }, { id: 'z1', v: null }, { id: 'z2' },
    ];
    beforeAll(async () => {
      c = `r_450000_cz_retyped_${++next}`;
      await store.insert(c, ROWS);
    });
    const TEXT_CASES: [string, Filter, string[]][] = [
      ['startsWith the letter of positive keys', startsWith('v', 'C'), ['t1']],
      ['startsWith a whole key', startsWith('v', dec('9.75').orderKey), ['t1']],
      ['startsWith the key of zero', startsWith('v', 'B'), ['t2']],
      ['startsWith the letter of negative keys', startsWith('v', 'A'), ['t3']],
      ['startsWith empty: every text', startsWith('v', ''), ['t1', 't2', 't3', 't4']],
      ['contains a digit of every positive key', contains('v', '5'), ['t1', 't4']],
      ['contains a digit', contains('v', '0'), ['t1', 't4']],
      ['contains the end of negative keys', contains('v', '~'), []],
      ['contains empty: every text', contains('v', ''), ['t1', 't2', 't3', 't4']],
      ['contains a word', contains('v', 'yuan'), ['t4']],
    ];
    it.each(TEXT_CASES)('matches texts only, never a decimal: %s', async (_label, filter, expected) => {
      for (const indexed of [false, true]) {
        if (indexed) await store.ensureIndex(c, { fields: ['v'] });
        expect(ids(await store.find(c, { filter, sort: [asc('id')] }))).toEqual(expected);
        expect(await store.count(c, filter)).toBe(expected.length);
      }
    });
    // As docs/workflow.md says of an item retyped from decimal to int: MongoDB compares a Decimal128 with the
    // numbers by value (the manual's Type Bracketing: every numeric type is one), the embedded store holds the
    // decimal as its key, text to SQL, after every number.
    it('compares a decimal with a number by value on MongoDB, as text after the numbers on the embedded store', async () => {
      const found = async (filter: Filter) => ids(await store.find(c, { filter, sort: [asc('id')] }));
      const mongo = store.kind === 'mongodb';
      expect(await found(eq('v', 2000))).toEqual(mongo ? ['n2', 'x5'] : ['n2']);
      expect(await found(eq('v', dec('2000')))).toEqual(mongo ? ['n2', 'x5'] : ['x5']);
      expect(await found(cmp('v', 'gt', 2100))).toEqual(mongo ? ['t1', 't2', 't3', 't4'] : ['t1', 't2', 't3', 't4', 'x1', 'x2', 'x3', 'x4', 'x5']);
      expect(await found(cmp('v', 'lt', dec('9.75')))).toEqual(mongo ? ['n1', 'x3', 'x4'] : ['n1', 'n2', 't2', 't3', 't4', 'x3', 'x4']);
    });
    // Not alike on the two stores (docs/operations.md, "A field of mixed kinds"): MongoDB orders decimals
    // among the numbers by value, the embedded store among the texts by key. Each store's ranges follow its
    // own order, so a cursor walks every row once, both directions.
    it("pages by cursor through every row once, in the store's own order, both directions", async () => {
      for (const direction of [asc, desc]) {
        const sort = withKeyTieBreak([direction('v')], 'id');
        const all = ids(await store.find(c, { sort }));
        for (const size of [1, 3]) {
          const paged = await idsByCursor(store, c, sort, size, 20);
          expect(paged).toEqual(all);
        }
        expect(new Set(all).size).toBe(ROWS.length);
      }
    });
  });

  // MongoDB refuses a $regex pattern past 32,764 bytes ("Regular expression is too long"), and startsWith and
  // contains were one: a value of 33 KB (a 1 MB body holds one) answered STORE_UNAVAILABLE there, and was
  // logged as the store's failure, where the embedded store answered it. Both stores answer any length alike,
  // texts only (never the number, decimal or boolean of a field of mixed kinds), indexed or not.
  describe('startsWith and contains of long texts (past 32,764 bytes of UTF-8), beside other kinds', () => {
    let c: string;
    const HEAD = '油'.repeat(12_000); // 36,000 bytes
    const WELLS = 'W'.repeat(40_000);
    const ROWS: Row[] = [
      { id: 'l1', v: `${HEAD}井A` }, { id: 'l2', v: `${HEAD}井B😀` }, { id: 'l3', v: `x${HEAD}` }, { id: 'l4', v: `${WELLS}\u{10ffff}` },
      { id: 'l5', v: '$v holds $v' }, { id: 'n1', v: 5 }, { id: 'd1', v: dec('9.75') }, { id: 'b1', v: true }, { id: 'z1', v: null }, { id: 'z2' },
    ];
    beforeAll(async () => {
      c = `r_650200_ytj_long_${++next}`;
      await store.insert(c, ROWS);
    });
    const LONG_CASES: [string, Filter, string[]][] = [
      ['startsWith a long prefix', startsWith('v', HEAD), ['l1', 'l2']],
      ['startsWith a long prefix and more', startsWith('v', `${HEAD}井B`), ['l2']],
      ['startsWith a long prefix no text has', startsWith('v', `${HEAD}井C`), []],
      ['startsWith a long prefix ending in U+10FFFF', startsWith('v', `${WELLS}\u{10ffff}`), ['l4']],
      ['startsWith 200,000 characters', startsWith('v', 'W'.repeat(200_000)), []],
      ['contains a long text', contains('v', HEAD), ['l1', 'l2', 'l3']],
      ['contains a long text at the end', contains('v', `x${HEAD}`), ['l3']],
      ['contains a long text ending in an astral character', contains('v', `${'油'.repeat(11_000)}井B😀`), ['l2']],
      ['contains 200,000 characters', contains('v', '油'.repeat(200_000)), []],
      ['contains a text starting with $ (text, not a field)', contains('v', '$v'), ['l5']],
      ['startsWith a text starting with $', startsWith('v', '$v h'), ['l5']],
      ['either, in an or', or(contains('v', `${HEAD}井A`), startsWith('v', WELLS)), ['l1', 'l4']],
    ];
    it.each(LONG_CASES)('%s', async (_label, filter, expected) => {
      for (const indexed of [false, true]) {
        if (indexed) await store.ensureIndex(c, { fields: ['v'] });
        expect(ids(await store.find(c, { filter, sort: [asc('id')], projection: ['id'] }))).toEqual(expected);
        expect(await store.count(c, filter)).toBe(expected.length);
      }
    });
    it('updates and deletes by them', async () => {
      expect(await store.update(c, contains('v', HEAD), { seen: true })).toBe(3);
      expect(ids(await store.find(c, { filter: eq('seen', true), sort: [asc('id')], projection: ['id'] }))).toEqual(['l1', 'l2', 'l3']);
      expect(await store.delete(c, startsWith('v', `${HEAD}井`))).toBe(2);
      expect(await store.count(c)).toBe(ROWS.length - 2);
    });
  });

  describe('sort, skip, limit, projection, count', () => {
    let c: string;
    beforeAll(async () => {
      c = await people();
    });
    it.each(SORT_CASES)('sorts $label', async ({ sort, expected }) => {
      expect(ids(await store.find(c, { sort }))).toEqual(expected);
    });
    it('sorts by the first direction of a field named twice, and pages by it', async () => {
      const sort = withKeyTieBreak([asc('age'), desc('age')], 'id');
      const expected = ['p03', 'p07', 'p02', 'p05', 'p01', 'p06', 'p04', 'p08'];
      expect(ids(await store.find(c, { sort }))).toEqual(expected);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10 && seen.length < 8; pages++) {
        const page = await store.find(c, { filter: cursor ? afterFilter(sort, cursor) : undefined, sort, limit: 3, projection: withSortFields(['id'], sort) });
        seen.push(...ids(page).map(String));
        if (page.length < 3) break;
        cursor = encodeCursor(sort, page[page.length - 1]);
      }
      expect(seen).toEqual(expected);
    });
    it('sorts with a filter', async () => {
      expect(ids(await store.find(c, { filter: ne('city', 'Changsha'), sort: [desc('born')] }))).toEqual(['p07', 'p05', 'p02', 'p03', 'p08']);
    });
    it('skips and limits', async () => {
      const sort = [asc('age'), asc('id')];
      expect(ids(await store.find(c, { sort, skip: 2, limit: 3 }))).toEqual(['p02', 'p05', 'p01']);
      expect(ids(await store.find(c, { sort, limit: 2 }))).toEqual(['p03', 'p07']);
      expect(ids(await store.find(c, { sort, skip: 7 }))).toEqual(['p08']);
      expect(ids(await store.find(c, { sort, skip: 10 }))).toEqual([]);
      expect(ids(await store.find(c, { sort, limit: 0 }))).toEqual([]);
      await expect(store.find(c, { limit: -1 })).rejects.toThrow(/invalid limit/);
    });
    it('returns with firstOf only the first row of each value in the sort, in the sort, then limits', async () => {
      const query = { filter: inList('city', ['Changsha', 'Zhuzhou', 'Hengyang']), sort: [desc('age'), asc('id')], firstOf: 'city', projection: ['id', 'age'] };
      expect(await store.find(c, query)).toEqual([{ id: 'p04', age: 40 }, { id: 'p02', age: 25 }]);
      expect(ids(await store.find(c, { ...query, limit: 1 }))).toEqual(['p04']);
      expect(ids(await store.find(c, { ...query, sort: [asc('age'), asc('id')] }))).toEqual(['p07', 'p01']);
    });
    // What a link to a non-key item reads (resolvers/data/links.ts): a value in two spellings (a decimal's
    // 450.1 and 450.10, SQLite's one order key, MongoDB's $group by value), null and missing (one value on
    // both), ties of the sort broken by the row order as a reader's order is, the row order projected, a skip.
    it('firstOf: a decimal in two spellings is one value, null and missing one, ties by the row order, skip', async () => {
      const f = `r_450000_cz_first_of_${++next}`;
      await store.insert(f, [
        { id: 'f1', v: dec('450.1'), n: 2 }, { id: 'f2', v: dec('450.10'), n: 1 }, { id: 'f3', v: dec('9'), n: 1 },
        { id: 'f4', v: null, n: 5 }, { id: 'f5', n: 4 }, { id: 'f6', v: dec('9.0'), n: 1 }, { id: 'f7', v: dec('-1'), n: 0 },
      ]);
      const sort = [asc('n'), asc(ROW_ORDER)];
      const query = { filter: inList('v', [dec('450.100'), dec('9.00'), null]), sort, firstOf: 'v', projection: withSortFields(['id'], sort) };
      const found = await store.find(f, query);
      expect(ids(found)).toEqual(['f2', 'f3', 'f5']);
      expect(found.every((r) => r[ROW_ORDER] !== undefined)).toBe(true);
      expect(ids(await store.find(f, { ...query, skip: 1, limit: 1 }))).toEqual(['f3']);
      // A limit of 2 to 1,000 rows reads through SQLite's document cache (sqlite/cached-reads.ts): asked twice, kept apart from the read without firstOf.
      for (let i = 0; i < 2; i++) {
        expect(ids(await store.find(f, { ...query, projection: ['id'], limit: 3 }))).toEqual(['f2', 'f3', 'f5']);
        expect(ids(await store.find(f, { ...query, projection: ['id'], firstOf: undefined, limit: 3 }))).toEqual(['f2', 'f3', 'f6']);
      }
      expect(ids(await store.find(f, { ...query, sort: [desc('n'), asc(ROW_ORDER)] }))).toEqual(['f4', 'f1', 'f3']);
      // Without a sort: the first in the row order, in the row order.
      expect(ids(await store.find(f, { filter: query.filter, firstOf: 'v' }))).toEqual(['f1', 'f3', 'f4']);
    });
    it('returns whole documents without _id, booleans as booleans, missing fields absent', async () => {
      expect(await store.find(c, { filter: inList('id', ['p04', 'p02']), sort: [asc('id')] })).toStrictEqual([
        { id: 'p02', name: 'bob', age: 25, score: 2.25, born: '1995-06-01', active: false, city: 'Zhuzhou' },
        { id: 'p04', name: 'Alan', age: 40, born: null, active: true, city: 'Changsha' },
      ]);
    });
    it('projects: only the fields asked, null when missing', async () => {
      expect(await store.find(c, { filter: inList('id', ['p04', 'p05']), projection: ['id', 'score', 'active'], sort: [asc('id')] })).toStrictEqual([
        { id: 'p04', score: null, active: true },
        { id: 'p05', score: -1.75, active: null },
      ]);
      expect(await store.find(c, { filter: eq('id', 'p06'), projection: ['name'] })).toStrictEqual([{ name: 'Émile' }]);
      expect(await store.find(c, { filter: eq('id', 'p05'), projection: ['id', 'name', 'age', 'score', 'born', 'active', 'city', 'none'] })).toStrictEqual([
        { id: 'p05', name: 'Eve', age: 25, score: -1.75, born: '2000-02-29', active: null, city: 'Xiangtan', none: null },
      ]);
      expect(await store.find(c, { filter: eq('id', 'p06'), projection: [] })).toStrictEqual([{}]);
    });
    it('counts with and without a filter', async () => {
      expect(await store.count(c)).toBe(8);
      expect(await store.count(c, eq('city', 'Changsha'))).toBe(3);
      expect(await store.count(c, or())).toBe(0);
    });
    it('reads a collection that does not exist as empty', async () => {
      expect(await store.find('never_written', { sort: [asc('id')], limit: 5 })).toEqual([]);
      expect(await store.count('never_written')).toBe(0);
      expect(await store.findByValues('never_written', 'id', ['p01'])).toEqual([]);
      expect(await store.listIndexes('never_written')).toEqual([]);
      expect(await store.update('never_written', and(), { a: 1 })).toBe(0);
      expect(await store.delete('never_written', and())).toBe(0);
    });
  });

  describe('findByValues', () => {
    let c: string;
    beforeAll(async () => {
      c = await people();
    });
    it('loads the rows whose field is one of the values, unknown values absent', async () => {
      const rows = await store.findByValues(c, 'id', ['p03', 'p01', 'nope']);
      expect(ids(rows).sort()).toEqual(['p01', 'p03']);
    });
    it('projects', async () => {
      const rows = await store.findByValues(c, 'id', ['p03', 'p01'], ['id', 'age']);
      expect(rows.sort((a, b) => compareValues(a.id, b.id))).toStrictEqual([
        { id: 'p01', age: 30 },
        { id: 'p03', age: null },
      ]);
    });
    it('loads by a non-unique field and by numbers', async () => {
      expect(ids(await store.findByValues(c, 'age', [25])).sort()).toEqual(['p02', 'p05']);
      expect(await store.findByValues(c, 'id', [])).toEqual([]);
    });
    it('returns a row once, however many times its value is given; null finds the rows without the field', async () => {
      expect(ids(await store.findByValues(c, 'age', [25, 30, 25, 25])).sort()).toEqual(['p01', 'p02', 'p05']);
      expect(ids(await store.findByValues(c, 'city', ['Changsha', null, 'Changsha'])).sort()).toEqual(['p01', 'p03', 'p04', 'p06']);
    });
    // MongoDB's `$in` refused an object or array (toMongoFilter); SQLite's lookup by values wrote it into the
    // JSON of the values and answered nothing, as if no row held it.
    it('refuses a value that is not one the store compares, as a filter does', async () => {
      await expect(store.findByValues(c, 'id', ['p01', { a: 1 } as unknown as Value])).rejects.toThrow('filter on id: an object is not a value the store compares');
      await expect(store.findByValues(c, 'id', [['p01'] as unknown as Value], ['id'])).rejects.toThrow('filter on id: an array is not a value the store compares');
    });
  });

  describe('compareJoined', () => {
    // The people against a second register of some of them, joined on id → pid, comparing city → town:
    // p01 agrees, p02 differs, p03 null on both (agrees), p04 null against a value (differs), p05 missing
    // on the right (no pair), p06 twice on the right (two pairs, one differs), a right row with no
    // person and one with a null join value (no pair).
    const REGISTER: Row[] = [
      { pid: 'p01', town: 'Changsha' },
      { pid: 'p02', town: 'Changsha' },
      { pid: 'p03', town: null },
      { pid: 'p04' },
      { pid: 'p06', town: 'Changsha' },
      { pid: 'p06', town: 'Yueyang' },
      { pid: 'p99', town: 'Changsha' },
      { pid: null, town: 'Changsha' },
    ];
    let c: string;
    beforeAll(async () => {
      c = await people();
      await store.insert(`${c}_register`, REGISTER);
      await store.ensureIndex(`${c}_register`, { fields: ['pid'] });
    });
    it('counts the pairs joined and those that differ, with the first differing keys in stored order', async () => {
      const result = await store.compareJoined({ collection: c, on: 'id', field: 'city' }, { collection: `${c}_register`, on: 'pid', field: 'town' }, 20);
      expect(result).toEqual({ compared: 6, differing: 3, sampleKeys: ['p02', 'p04', 'p06'] });
    });
    it('lists the sample keys in the order the left rows were stored, not in key order', async () => {
      // The keys are shown masked to a supervisor: their order must not tell the hidden characters.
      const left = `${c}_unsorted`;
      await store.insert(left, [{ id: 'p06', city: 'X' }, { id: 'p02', city: 'X' }, { id: 'p04', city: 'X' }]);
      const right = { collection: `${c}_register`, on: 'pid', field: 'town' };
      expect(await store.compareJoined({ collection: left, on: 'id', field: 'city' }, right, 20)).toEqual({ compared: 4, differing: 4, sampleKeys: ['p06', 'p02', 'p04'] });
      expect((await store.compareJoined({ collection: left, on: 'id', field: 'city' }, right, 2)).sampleKeys).toEqual(['p06', 'p02']);
    });
    it('lists the sample keys by the left rows\' sampleOrder field (a record\'s place), those without one first, then in stored order', async () => {
      // Stored in key order (a file sorted by ID number): the places decide; p03 and p01 have none and
      // come first, in the order stored; the right side's places play no part.
      const left = `${c}_placed`;
      const right = `${c}_placed_register`;
      await store.insert(left, [
        { id: 'p01', city: 'X' }, { id: 'p02', city: 'X', _o: 30 }, { id: 'p03', city: 'X' }, { id: 'p04', city: 'X', _o: 10 },
        { id: 'p05', city: 'Y', _o: 5 }, { id: 'p06', city: 'X', _o: 20 },
      ]);
      await store.insert(right, ['p01', 'p02', 'p03', 'p04', 'p05', 'p06'].map((pid, i) => ({ pid, town: 'Y', _o: 100 - i })));
      await store.ensureIndex(right, { fields: ['pid'] });
      const sides = [{ collection: left, on: 'id', field: 'city', sampleOrder: '_o' }, { collection: right, on: 'pid', field: 'town', sampleOrder: '_o' }] as const;
      expect(await store.compareJoined(...sides, 20)).toEqual({ compared: 6, differing: 5, sampleKeys: ['p01', 'p03', 'p04', 'p06', 'p02'] });
      expect((await store.compareJoined(...sides, 3)).sampleKeys).toEqual(['p01', 'p03', 'p04']);
      expect((await store.compareJoined({ ...sides[0], sampleOrder: undefined }, sides[1], 20)).sampleKeys).toEqual(['p01', 'p02', 'p03', 'p04', 'p06']);
    });
    it('limits the sample, and reads missing collections as empty', async () => {
      const right = { collection: `${c}_register`, on: 'pid', field: 'town' };
      expect(await store.compareJoined({ collection: c, on: 'id', field: 'city' }, right, 1)).toEqual({ compared: 6, differing: 3, sampleKeys: ['p02'] });
      expect(await store.compareJoined({ collection: c, on: 'id', field: 'city' }, right, 0)).toEqual({ compared: 6, differing: 3, sampleKeys: [] });
      expect(await store.compareJoined({ collection: 'never_written', on: 'id', field: 'city' }, right, 5)).toEqual({ compared: 0, differing: 0, sampleKeys: [] });
    });
    it('joins only the rows of each side that its filter keeps (a row scope): counts and sample alike', async () => {
      // Left: p01, p04, p06 (age 30 or more); right: the register's Changsha rows.
      const left = { collection: c, on: 'id', field: 'city', filter: { kind: 'compare', field: 'age', op: 'gte', value: 30 } as Filter };
      const right = { collection: `${c}_register`, on: 'pid', field: 'town' };
      const changsha: Filter = { kind: 'startsWith', field: 'town', value: 'Chang' };
      expect(await store.compareJoined(left, right, 20)).toEqual({ compared: 4, differing: 2, sampleKeys: ['p04', 'p06'] });
      expect(await store.compareJoined({ ...left, filter: undefined }, { ...right, filter: changsha }, 20)).toEqual({ compared: 3, differing: 1, sampleKeys: ['p02'] });
      expect(await store.compareJoined(left, { ...right, filter: changsha }, 20)).toEqual({ compared: 2, differing: 0, sampleKeys: [] });
      expect(await store.compareJoined({ ...left, filter: or() }, right, 20)).toEqual({ compared: 0, differing: 0, sampleKeys: [] });
    });
    it('gives a sample of many keys whole (reader threads send 64 texts or more packed)', async () => {
      const left = `${c}_many`;
      const right = `${c}_many_register`;
      await store.insert(left, Array.from({ length: 100 }, (_, i) => ({ id: `m${String(99 - i).padStart(3, '0')}`, city: 'X' })));
      await store.insert(right, Array.from({ length: 100 }, (_, i) => ({ pid: `m${String(i).padStart(3, '0')}`, town: i % 10 === 0 ? 'X' : 'Y' })));
      await store.ensureIndex(right, { fields: ['pid'] });
      const result = await store.compareJoined({ collection: left, on: 'id', field: 'city' }, { collection: right, on: 'pid', field: 'town' }, 80);
      const differing = Array.from({ length: 100 }, (_, i) => 99 - i).filter((n) => n % 10 !== 0).map((n) => `m${String(n).padStart(3, '0')}`);
      expect(result).toEqual({ compared: 100, differing: 90, sampleKeys: differing.slice(0, 80) });
    });
    it('compares a decimal with a float or an int by value, and a datetime with a date by its day at UTC+08:00 (compareAs)', async () => {
      // One amount written as a decimal by one register and as a number by the other: as stored, the
      // embedded store compared the decimal's order key with the number, and every pair differed.
      const [amounts, paid] = [`${c}_amounts`, `${c}_paid`];
      await store.insert(amounts, [
        { id: 'a1', amount: dec('2.50'), born: '1980-01-01T00:00:00.000Z' }, // 08:00 in China: 1980-01-01
        { id: 'a2', amount: dec('3.10'), born: '1980-01-01T16:00:00.000Z' }, // 00:00 on the 2nd in China
        { id: 'a3', amount: dec('7.00'), born: '1980-01-01T15:59:59.000Z' }, // 23:59:59 on the 1st
        { id: 'a4', amount: dec('7.01'), born: null },
        { id: 'a5', amount: null, born: '1980-03-01T00:00:00.000Z' },
      ]);
      await store.insert(paid, [
        { pid: 'a1', amount: 2.5, born: '1980-01-01' },
        { pid: 'a2', amount: 3.1, born: '1980-01-02' },
        { pid: 'a3', amount: 7, born: '1980-01-02' }, // born differs
        { pid: 'a4', amount: 7, born: null }, // amount differs
        { pid: 'a5', amount: null, born: null }, // born differs
      ]);
      await store.ensureIndex(paid, { fields: ['pid'] });
      const side = (collection: string, on: string, field: string, compareAs?: JoinSide['compareAs']): JoinSide => ({ collection, on, field, ...(compareAs ? { compareAs } : {}) });
      expect(await store.compareJoined(side(amounts, 'id', 'amount', 'number'), side(paid, 'pid', 'amount', 'number'), 20))
        .toEqual({ compared: 5, differing: 1, sampleKeys: ['a4'] });
      expect(await store.compareJoined(side(amounts, 'id', 'born', 'day'), side(paid, 'pid', 'born'), 20))
        .toEqual({ compared: 5, differing: 2, sampleKeys: ['a3', 'a5'] });
      // Without compareAs, as stored: a decimal is not a number, a datetime is not a date.
      expect((await store.compareJoined(side(amounts, 'id', 'born'), side(paid, 'pid', 'born'), 20)).differing).toBe(4);
    });
    it('compares a datetime past the calendar (9999-12-31T23:59:59Z, a "no end") as no day, and a text or a boolean in a number-compared item as SQLite reads them (compareAs)', async () => {
      // On MongoDB $dateToString failed the whole join on a day past 9999 (error 18537): the report of the pair
      // was STORE_UNAVAILABLE; SQLite's date() gives null. A text "2.50" (left by an older version of the
      // item) is no number on SQLite: $convert took it for 2.5.
      const [until, ends] = [`${c}_until`, `${c}_ends`];
      await store.insert(until, [
        { id: 'u1', at: '9999-12-31T23:59:59.000Z', n: '2.50' }, // 10000-01-01 in China: no day; a text
        { id: 'u2', at: '9999-12-31T15:59:59.000Z', n: true }, // 23:59:59 on 9999-12-31; true reads 1
        { id: 'u3', at: '0000-01-01T00:00:00.000Z', n: dec('3.00') }, // 08:00 on 0000-01-01
      ]);
      await store.insert(ends, [
        { pid: 'u1', at: '9999-12-31', n: 2.5 },
        { pid: 'u2', at: '9999-12-31', n: 1 },
        { pid: 'u3', at: '0000-01-01', n: 3 },
      ]);
      await store.ensureIndex(ends, { fields: ['pid'] });
      expect(await store.compareJoined({ collection: until, on: 'id', field: 'at', compareAs: 'day' }, { collection: ends, on: 'pid', field: 'at' }, 20))
        .toEqual({ compared: 3, differing: 1, sampleKeys: ['u1'] });
      expect(await store.compareJoined({ collection: until, on: 'id', field: 'n', compareAs: 'number' }, { collection: ends, on: 'pid', field: 'n', compareAs: 'number' }, 20))
        .toEqual({ compared: 3, differing: 1, sampleKeys: ['u1'] });
    });
    it('counts the join keys left out for their letter case alone (caseOnlyKeys): an ID number ending in x against X', async () => {
      const [ids, register] = [`${c}_ids`, `${c}_ids_register`];
      await store.insert(ids, [
        { id: '63010219900101123X', city: 'A' }, // the register writes it with x: left out of the join, counted
        { id: '63010219900101456x', city: 'A' }, // both spellings on the right: joined as written, not counted
        { id: '630102199001017890', city: 'A' }, // joined
        { id: '63010219900101999X', city: 'A' }, // twice on the right in lower case: one key
        { id: 630102, city: 'A' }, // a number: no letter case
        { id: 'abc', city: 'B', age: 10 },
      ]);
      await store.insert(register, [
        { pid: '63010219900101123x' }, { pid: '63010219900101456x' }, { pid: '63010219900101456X' }, { pid: '630102199001017890' },
        { pid: '63010219900101999x' }, { pid: '63010219900101999x' }, { pid: '630102' }, { pid: 'ABC' }, { pid: null },
      ]);
      await store.ensureIndex(register, { fields: ['pid'] });
      const [left, right] = [{ collection: ids, on: 'id', field: 'city' }, { collection: register, on: 'pid', field: 'pid' }];
      expect(await store.caseOnlyKeys(left, right)).toBe(3);
      expect(await store.caseOnlyKeys(right, left)).toBe(3);
      // Only the rows each side's filter keeps (a row scope): abc is outside.
      expect(await store.caseOnlyKeys({ ...left, filter: { kind: 'compare', field: 'city', op: 'eq', value: 'A' } }, right)).toBe(2);
      // Joined as written, they are not among the pairs compareJoined counts.
      expect((await store.compareJoined(left, right, 0)).compared).toBe(2);
      expect(await store.caseOnlyKeys({ collection: 'never_written', on: 'id', field: 'city' }, right)).toBe(0);
    });
    it('refuses a field name that is not a GraphQL name', async () => {
      await expect(store.caseOnlyKeys({ collection: c, on: "id') OR 1=1 --", field: 'city' }, { collection: c, on: 'id', field: 'city' })).rejects.toThrow(/invalid field name/);
      await expect(store.compareJoined({ collection: c, on: "id') OR 1=1 --", field: 'city' }, { collection: c, on: 'id', field: 'city' }, 1)).rejects.toThrow(/invalid field name/);
    });
  });

  describe('cursor pagination (keyset.ts)', () => {
    const rows = generated();
    let c: string;
    beforeAll(async () => {
      c = `_pages_${++next}`;
      await store.insert(c, rows);
    });

    async function walk(sort: SortKey[], pageSize: number, filter?: Filter): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 200; pages++) {
        const page = await store.find(c, {
          filter: and(...(filter ? [filter] : []), ...(cursor ? [afterFilter(sort, cursor, ['m'])] : [])),
          sort,
          limit: pageSize,
          projection: withSortFields(['id'], sort),
        });
        seen.push(...ids(page).map(String));
        if (page.length < pageSize) return seen;
        cursor = encodeCursor(sort, page[page.length - 1]);
      }
      throw new Error('pagination did not end');
    }

    for (const base of PAGE_SORTS) {
      const sort = withKeyTieBreak(base, 'id');
      const label = sort.map((s) => `${s.field} ${s.direction}`).join(', ');
      it(`walks every record once, in order: ${label}`, async () => {
        const expected = ids(sortRows(rows, sort));
        expect(ids(await store.find(c, { sort }))).toEqual(expected);
        for (const size of [1, 7, 61]) expect(await walk(sort, size)).toEqual(expected);
      });
    }
    it('walks the order the rows were stored in (ROW_ORDER) as the last key, and rows carry it only when projected', async () => {
      // Stored out of key order, one at a time and in one batch.
      const order = [4, 1, 7, 0, 6, 2, 5, 3].map((i) => PEOPLE[i]);
      const shuffled = `_stored_${++next}`;
      for (const row of order.slice(0, 3)) await store.insert(shuffled, [row]);
      await store.insert(shuffled, order.slice(3));
      const stored = ids(order);
      for (const base of [[], [asc('city')], [desc('active')]] as SortKey[][]) {
        const sort = withKeyTieBreak(base, ROW_ORDER);
        const expected = ids(sortRows(order.map((r, i) => ({ ...r, [ROW_ORDER]: i })), sort));
        expect(ids(await store.find(shuffled, { sort }))).toEqual(expected);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await store.find(shuffled, { filter: cursor ? afterFilter(sort, cursor) : undefined, sort, limit: 3, projection: withSortFields(['id'], sort) });
          seen.push(...ids(page).map(String));
          if (page.length < 3) break;
          expect(Object.keys(page[0]).sort()).toEqual([...new Set([ROW_ORDER, 'id', ...base.map((s) => s.field)])].sort());
          cursor = encodeCursor(sort, page[page.length - 1]);
        }
        expect(seen).toEqual(expected);
      }
      expect(ids(await store.find(shuffled, { sort: [desc(ROW_ORDER)] }))).toEqual([...stored].reverse());
      expect(Object.keys((await store.find(shuffled, { sort: [asc(ROW_ORDER)], limit: 1 }))[0])).not.toContain(ROW_ORDER);
    });
    it('compares ROW_ORDER with the value a row carries; ne of a value no row carries (null, other text) matches every row, eq none', async () => {
      const [first] = await store.find(c, { sort: [asc(ROW_ORDER)], limit: 1, projection: [ROW_ORDER, 'id'] });
      expect(await store.count(c, eq(ROW_ORDER, first[ROW_ORDER]))).toBe(1);
      expect(await store.count(c, ne(ROW_ORDER, first[ROW_ORDER]))).toBe(rows.length - 1);
      for (const value of [null, 'not a row order']) {
        expect(await store.count(c, ne(ROW_ORDER, value)), String(value)).toBe(rows.length);
        expect(await store.count(c, eq(ROW_ORDER, value)), String(value)).toBe(0);
      }
    });
    it('walks with a filter', async () => {
      const sort = withKeyTieBreak([desc('grp'), asc('flag')], 'id');
      const filter = or(ne('grp', 'b'), eq('flag', true));
      const expected = ids(sortRows(rows.filter((r) => r.grp !== 'b' || r.flag === true), sort));
      expect(expected.length).toBe(51);
      expect(await walk(sort, 6, filter)).toEqual(expected);
    });
  });

  describe('decimals (exact, compared by value)', () => {
    let c: string;
    let indexed: string;
    beforeAll(async () => {
      c = `_decimals_${++next}`;
      indexed = `_decimals_${++next}`;
      await store.insert(c, DECIMAL_ROWS);
      await store.ensureIndex(indexed, { fields: ['amount'] });
      await store.insert(indexed, DECIMAL_ROWS);
    });
    const both = () => [c, indexed];

    it('reads back every decimal as a Decimal with the text written: digits and scale kept', async () => {
      const rows = await store.find(c, { sort: [asc('id')] });
      const expected = Object.fromEntries(AMOUNTS.filter(([, a]) => a !== undefined).map(([id, a]) => [id, a]));
      expect(texts(rows)).toEqual({ ...expected, d19: undefined });
      for (const row of rows) if (row.amount != null) expect(row.amount).toBeInstanceOf(Decimal);
      for (const projection of [['amount'], ['id', 'amount', 'a', 'b', 'c', 'd']]) {
        const projected = await store.find(c, { filter: inList('id', ['d01', 'd10', 'd14', 'd05']), projection, sort: [asc('id')] });
        expect(projected.map((r) => String(r.amount))).toEqual(['450.10', '-0', '12345678901234567.89', '0.00000010']);
      }
      for (const values of [[dec('450.1')], [dec('450.1'), dec('450.10')]]) {
        expect((await store.findByValues(c, 'amount', values, ['id', 'amount'])).map((r) => [r.id, String(r.amount)]).sort()).toEqual([
          ['d01', '450.10'], ['d02', '450.1'], ['d20', '450.100'],
        ]);
      }
    });

    const FILTERS: { label: string; filter: Filter; keep: (a: string | null | undefined) => boolean }[] = [
      { label: 'eq 450.1 matches 450.10 and 450.100', filter: eq('amount', dec('450.1')), keep: (a) => a != null && compareDecimalTexts(a, '450.1') === 0 },
      { label: 'eq 0 matches -0 and 0.00', filter: eq('amount', dec('-0.000')), keep: (a) => a != null && compareDecimalTexts(a, '0') === 0 },
      { label: 'ne 450.10 (matches null and missing)', filter: ne('amount', dec('450.10')), keep: (a) => a == null || compareDecimalTexts(a, '450.1') !== 0 },
      { label: 'gt 9.75: 10.5 is greater (not by text)', filter: cmp('amount', 'gt', dec('9.75')), keep: (a) => a != null && compareDecimalTexts(a, '9.75') > 0 },
      { label: 'lt 10.5: 9.75 is less', filter: cmp('amount', 'lt', dec('10.5')), keep: (a) => a != null && compareDecimalTexts(a, '10.5') < 0 },
      { label: 'gte/lte around a neighbour beyond a double', filter: and(cmp('amount', 'gte', dec('12345678901234567.885')), cmp('amount', 'lte', dec('12345678901234567.89'))), keep: (a) => a === '12345678901234567.89' },
      { label: 'lt the 34-digit maximum excludes it', filter: cmp('amount', 'gt', dec('9999999999999999999999999999999998')), keep: (a) => a === '9999999999999999999999999999999999' },
      { label: 'negatives: -0.451 < -0.45 < -0.0000001 < 0', filter: and(cmp('amount', 'gte', dec('-0.451')), cmp('amount', 'lt', dec('0'))), keep: (a) => a != null && compareDecimalTexts(a, '-0.451') >= 0 && compareDecimalTexts(a, '0') < 0 },
      { label: 'in by value, with null', filter: inList('amount', [dec('450.1000'), dec('-3.0'), null]), keep: (a) => a == null || ['450.1', '-3'].some((v) => compareDecimalTexts(a, v) === 0) },
    ];
    it.each(FILTERS)('$label', async ({ filter, keep }) => {
      const expected = AMOUNTS.filter(([, a]) => keep(a)).map(([id]) => id);
      for (const coll of both()) {
        expect(ids(await store.find(coll, { filter, sort: [asc('id')] }))).toEqual(expected);
        expect(await store.count(coll, filter)).toBe(expected.length);
      }
    });

    it('sorts by value, ties broken by the key, nulls first ascending', async () => {
      for (const coll of both()) {
        expect(ids(await store.find(coll, { sort: [asc('amount'), asc('id')] }))).toEqual(decimalOrder('asc'));
        expect(ids(await store.find(coll, { sort: [desc('amount'), asc('id')] }))).toEqual(decimalOrder('desc'));
      }
    });

    it('pages with keyset cursors over a decimal order, ascending and descending, with and without a filter', async () => {
      for (const coll of both()) {
        for (const direction of ['asc', 'desc'] as const) {
          const sort = withKeyTieBreak([{ field: 'amount', direction }], 'id');
          for (const [size, filter, keep] of [
            [1, undefined, undefined],
            [2, undefined, undefined],
            [4, cmp('amount', 'gte', dec('0')), (a: string | null | undefined) => a != null && compareDecimalTexts(a, '0') >= 0],
          ] as const) {
            const seen: string[] = [];
            let cursor: string | undefined;
            for (let pages = 0; pages < 100; pages++) {
              const page = await store.find(coll, {
                filter: and(...(filter ? [filter] : []), ...(cursor ? [afterFilter(sort, cursor)] : [])),
                sort,
                limit: size,
                projection: withSortFields(['id'], sort),
              });
              seen.push(...ids(page).map(String));
              if (page.length < size) break;
              cursor = encodeCursor(sort, page[page.length - 1]);
            }
            expect(seen).toEqual(decimalOrder(direction, keep));
          }
        }
      }
    });

    it('compares joined decimals by value: trailing zeros are no difference, a last digit is', async () => {
      const right = `${c}_right`;
      await store.insert(right, [
        { pid: 'd01', amount: dec('450.1') }, // 450.10: equal
        { pid: 'd05', amount: dec('0.000') }, // -0: equal
        { pid: 'd10', amount: dec('12345678901234567.88') }, // differs in the last digit
        { pid: 'd12', amount: dec('12345678901234567.9') }, // equal
        { pid: 'd18', amount: dec('1') }, // null against a value: differs
      ]);
      await store.ensureIndex(right, { fields: ['pid'] });
      expect(await store.compareJoined({ collection: c, on: 'id', field: 'amount' }, { collection: right, on: 'pid', field: 'amount' }, 5)).toEqual({
        compared: 5, differing: 2, sampleKeys: ['d10', 'd18'],
      });
      // A decimal join field: pairs by value, the sample keys as the left side's texts.
      const byAmount = await store.compareJoined({ collection: c, on: 'amount', field: 'id' }, { collection: right, on: 'amount', field: 'pid' }, 10);
      // 450.1 (d01, d02, d20) with d01; 0 (d05, d06, d07) with d05; .88 (d11) with d10; .90 (d12) with d12.
      expect([byAmount.compared, byAmount.differing]).toEqual([8, 5]);
      // One key per value, in the order stored (d01, d05, d11 first of theirs); its text is one of the texts of that value.
      expect(byAmount.sampleKeys.map((k) => [k instanceof Decimal, compareDecimalTexts(String(k), ['450.1', '0', '12345678901234567.88'][byAmount.sampleKeys.indexOf(k)])])).toEqual([
        [true, 0], [true, 0], [true, 0],
      ]);
    });

    it('updates a decimal field (text and value), and back to a plain value', async () => {
      const u = `${c}_update`;
      await store.insert(u, DECIMAL_ROWS);
      expect(await store.update(u, eq('amount', dec('450.1')), { amount: dec('7.50'), note: 'x' })).toBe(3);
      expect(texts(await store.find(u, { filter: eq('amount', dec('7.5')), sort: [asc('id')] }))).toEqual({ d01: '7.50', d02: '7.50', d20: '7.50' });
      expect(ids(await store.find(u, { filter: cmp('amount', 'lt', dec('9.75')), sort: [asc('amount'), asc('id')], limit: 3 }))).toEqual(['d17', 'd09', 'd08']);
      expect(ids(await store.find(u, { filter: and(cmp('amount', 'gt', dec('7.4')), cmp('amount', 'lt', dec('9.75'))), sort: [asc('id')] }))).toEqual(['d01', 'd02', 'd20']);
      expect(await store.update(u, eq('id', 'd03'), { amount: null })).toBe(1);
      expect(await store.find(u, { filter: eq('id', 'd03'), projection: ['amount'] })).toEqual([{ amount: null }]);
    });

    it('upserts by a key and loads with upsertAll, keeping the texts', async () => {
      const u = `${c}_upsert`;
      expect(await store.upsert(u, 'id', [{ id: 'a', amount: dec('1.10') }, { id: 'b', amount: dec('2') }])).toEqual({ inserted: 2, updated: 0 });
      expect(await store.upsert(u, 'id', [{ id: 'a', amount: dec('1.100') }])).toEqual({ inserted: 0, updated: 1 });
      async function* batches() {
        yield [{ id: 'b', amount: dec('-2.00') }, { id: 'c', amount: dec('12345678901234567.89') }];
      }
      expect(await store.upsertAll(u, 'id', batches())).toEqual({ inserted: 1, updated: 1 });
      expect(texts(await store.find(u, { sort: [desc('amount'), asc('id')] }))).toEqual({ c: '12345678901234567.89', a: '1.100', b: '-2.00' });
      expect(ids(await store.find(u, { sort: [desc('amount'), asc('id')] }))).toEqual(['c', 'a', 'b']);
    });
  });

  describe('insert', () => {
    it('refuses a duplicate key whole: DuplicateKeyError and nothing written', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await expect(store.insert(c, [{ id: 'p09', name: 'New' }, { id: 'p01', name: 'Again' }])).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(store.insert(c, [{ id: 'p10' }, { id: 'p11' }, { id: 'p10' }])).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.count(c)).toBe(8);
      expect(await store.findByValues(c, 'id', ['p09', 'p10', 'p11'])).toEqual([]);
      expect(await store.findByValues(c, 'id', ['p01'], ['name'])).toEqual([{ name: 'Alice' }]);
    });
    // SQLite said `UNIQUE constraint failed: index 'ix:id@...'` (its private index name), MongoDB
    // `duplicate key on the unique index on id`: one refusal, two messages for the operator to read.
    it('words a duplicate key alike on every store: the index\'s fields and collection, never the value', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.ensureIndex(c, { fields: ['name', 'city'], unique: true, partial: true });
      const refusal = async (write: Promise<unknown>) => {
        const error = await write.then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        return { message: (error as Error).message, index: (error as DuplicateKeyError).index };
      };
      expect(await refusal(store.insert(c, [{ id: 'p09', name: 'New' }, { id: 'p01', name: 'Again' }]))).toEqual({
        message: `insert into ${c}: duplicate key on the unique index on id of ${c}: another row holds the same id`,
        index: { collection: c, fields: ['id'] },
      });
      const { name, city } = (await store.findByValues(c, 'id', ['p01'], ['name', 'city']))[0];
      const again = await refusal(store.update(c, eq('id', 'p02'), { name, city }));
      expect(again.index).toEqual({ collection: c, fields: ['name', 'city'] });
      expect(again.message).toMatch(new RegExp(`^update in ${c}: duplicate key on the unique index on name, city of ${c}: another row holds the same combination of name, city$`));
      expect(again.message).not.toContain(String(name));
    });
    it('keeps numbers as JSON does (-0 reads back 0, NaN and infinities null), leaves an undefined field out, and an update sets one null', async () => {
      // MongoDB's BSON keeps -0, NaN and the infinities, and the driver writes undefined as null.
      const c = `_json_${++next}`;
      const odd = { neg: -0, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY, gone: undefined } as unknown as Row;
      await store.insert(c, [{ id: 'j1', ...odd }]);
      await store.upsert(c, 'id', [{ id: 'j2', ...odd }]);
      const expected = { neg: 0, nan: null, inf: null, ninf: null };
      const rows = await store.find(c, { sort: [asc('id')] });
      expect(rows).toStrictEqual([{ id: 'j1', ...expected }, { id: 'j2', ...expected }]);
      expect(rows.map((r) => Object.is(r.neg, 0))).toEqual([true, true]);
      expect(await store.count(c, and(eq('nan', null), eq('inf', null), eq('neg', 0)))).toBe(2);
      expect(await store.update(c, eq('id', 'j1'), { neg: -0, later: undefined } as unknown as Row)).toBe(1);
      const [j1] = await store.find(c, { filter: eq('id', 'j1') });
      expect(j1).toStrictEqual({ id: 'j1', ...expected, later: null });
      expect(Object.is(j1.neg, 0)).toBe(true);
    });
    // BSON holds UTF-8: the driver wrote a lone surrogate as U+FFFD without a word, so a row read back other
    // than written (SQLite keeps it), and a filter by it matched a text holding U+FFFD itself.
    it('keeps a text holding a lone surrogate as written or refuses the write whole; a filter by one never matches U+FFFD', async () => {
      const c = `_surrogate_${++next}`;
      const lone = 'a\ud800b';
      let stored = true;
      try {
        await store.insert(c, [{ id: 's0', t: 'ok' }, { id: 's1', t: lone }]);
      } catch (error) {
        expect((error as Error).message).toMatch(/^t: text holding a lone surrogate .* MongoDB cannot store it; nothing was written$/);
        stored = false;
      }
      expect(await store.find(c, { sort: [asc('id')] })).toEqual(stored ? [{ id: 's0', t: 'ok' }, { id: 's1', t: lone }] : []);
      await store.insert(c, [{ id: 's2', t: 'a\ufffdb' }, { id: 's3', t: 'a\ue000' }, { id: 's4', t: 'a\ud7ff' }, { id: 's5', t: 'a\u{10000}' }]);
      const found = async (filter: Filter) => ids(await store.find(c, { filter, sort: [asc('id')] }));
      const s1 = stored ? ['s1'] : [];
      expect(await found(eq('t', lone))).toEqual(s1);
      expect(await found(inList('t', [lone, 'ok']))).toEqual(stored ? ['s0', 's1'] : []);
      expect(await found(startsWith('t', 'a\ud800'))).toEqual(s1);
      expect(await found(contains('t', '\ud800'))).toEqual(s1);
      const s0 = stored ? ['s0'] : []; // written with s1, or refused with it
      expect(await found(ne('t', lone))).toEqual([...s0, 's2', 's3', 's4', 's5']);
      // In code-point order, between U+D7FF and U+E000.
      expect(await found(cmp('t', 'gt', lone))).toEqual([...s0, 's2', 's3', 's5']);
      expect(await found(cmp('t', 'gte', lone))).toEqual([...s0, ...s1, 's2', 's3', 's5']);
      expect(await found(cmp('t', 'lt', lone))).toEqual(['s4']);
      expect(await found(cmp('t', 'lte', lone))).toEqual([...s1, 's4']);
      // An update setting one changes no row, or sets it as written.
      const refusal = 't: text holding a lone surrogate (a UTF-16 unit from U+D800 to U+DFFF without its pair) is not Unicode, and MongoDB cannot store it; nothing was written';
      const updated = await store.update(c, eq('id', 's2'), { t: lone }).then(
        (n) => n === 1,
        (error: Error) => (expect(error.message).toBe(refusal), false),
      );
      expect(updated).toBe(stored);
      expect((await store.find(c, { filter: eq('id', 's2'), projection: ['t'] }))[0].t).toBe(stored ? lone : 'a\ufffdb');
    });
    // The audit log's entry of a request quoting such text (a refusal's message, a stored user): MongoDB's
    // refusal failed the request (AUDIT_UNAVAILABLE) and left it unlogged. Written well-formed on every store.
    it('writes an audit entry quoting a lone surrogate with U+FFFD in its place, and the log verifies', async () => {
      const written = await appendAudit(store, entryQuoting('\ud800'));
      const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', written.seq) });
      expect([row.user, row.purpose, row.operationName, row.detail]).toEqual(['clerk \ufffd', 'relief\ufffd', 'Relief\ufffd', 'BAD_USER_INPUT at ningxia.reliefs.\ufffd: "\ufffd"']);
      expect(fromRow(row)).toEqual({ ...entryQuoting('\ufffd'), seq: written.seq, time: written.time, prevHash: written.prevHash, hash: written.hash });
      expect(await verifyAuditChain(store)).toMatchObject({ ok: true });
    });
    it('inserts into arbitrary collection names', async () => {
      for (const name of ['_catalogue_versions', 'with "quotes"; DROP TABLE x; --', 'dots.and spaces']) {
        await store.insert(name, [{ id: 'a', v: 1 }]);
        expect(await store.find(name, {})).toEqual([{ id: 'a', v: 1 }]);
        await store.dropCollection(name);
        expect(await store.count(name)).toBe(0);
      }
    });
  });

  describe('upsert', () => {
    it('inserts new keys and replaces whole documents of existing keys', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      const result = await store.upsert(c, 'id', [
        { id: 'p01', name: 'Alicia', active: false },
        { id: 'p09', name: 'Nine', age: 9 },
      ]);
      expect(result).toEqual({ inserted: 1, updated: 1 });
      expect(await store.find(c, { filter: inList('id', ['p01', 'p09']), sort: [asc('id')] })).toStrictEqual([
        { id: 'p01', name: 'Alicia', active: false },
        { id: 'p09', name: 'Nine', age: 9 },
      ]);
      expect(await store.count(c)).toBe(9);
    });
    it('counts a key repeated in one batch as inserted then updated; the last row wins', async () => {
      const c = `_upsert_${++next}`;
      expect(await store.upsert(c, 'id', [{ id: 1, v: 'a' }, { id: 1, v: 'b' }, { id: 2, v: 'c' }])).toEqual({ inserted: 2, updated: 1 });
      expect(await store.find(c, { sort: [asc('id')] })).toEqual([
        { id: 1, v: 'b' },
        { id: 2, v: 'c' },
      ]);
    });
    it('is all-or-nothing: a unique violation leaves every row as it was', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.ensureIndex(c, { fields: ['name'], unique: true });
      await expect(
        store.upsert(c, 'id', [
          { id: 'p02', name: 'Robert' },
          { id: 'p09', name: 'Nine' },
          { id: 'p03', name: 'Alice' }, // Alice is p01's name
        ]),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.count(c)).toBe(8);
      expect(await store.findByValues(c, 'id', ['p02', 'p03', 'p09'], ['id', 'name'])).toHaveLength(2);
      expect(await store.find(c, { filter: inList('id', ['p02', 'p03']), projection: ['id', 'name'], sort: [asc('id')] })).toEqual([
        { id: 'p02', name: 'bob' },
        { id: 'p03', name: 'Carol' },
      ]);
    });
    it('refuses a row without a key value before writing anything', async () => {
      const c = await people();
      await expect(store.upsert(c, 'id', [{ id: 'p09' }, { name: 'no key' }])).rejects.toThrow(/row 2 has no value for key id/);
      expect(await store.count(c)).toBe(8);
    });
  });

  describe('upsertAll', () => {
    async function* batches(...list: Row[][]): AsyncGenerator<Row[]> {
      for (const rows of list) yield rows;
    }
    it('loads an empty collection in batches, with its indexes, the last row of a repeated key winning', async () => {
      const c = `_load_${++next}`;
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.ensureIndex(c, { fields: ['v'] });
      const result = await store.upsertAll(c, 'id', batches([{ id: 1, v: 'a' }, { id: 2, v: 'b' }], [], [{ id: 1, v: 'c' }, { id: 3, v: 'd' }]));
      expect(result).toEqual({ inserted: 3, updated: 1 });
      expect(await store.find(c, { sort: [asc('id')] })).toEqual([{ id: 1, v: 'c' }, { id: 2, v: 'b' }, { id: 3, v: 'd' }]);
      expect(await store.listIndexes(c)).toEqual([{ fields: ['id'], unique: true }, { fields: ['v'], unique: false }]);
      await expect(store.insert(c, [{ id: 2, v: 'again' }])).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.find(c, { filter: eq('v', 'b'), projection: ['id'] })).toEqual([{ id: 2 }]);
    });
    it('loads large batches with keys repeated in a batch and across batches, each key once with its last row', async () => {
      // Batches of hundreds of rows: the SQLite adapter inserts them many rows a statement.
      const c = `_load_${++next}`;
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      const rows = (from: number, to: number, v: string) => Array.from({ length: to - from }, (_, i) => ({ id: from + i, v }));
      const first = [...rows(0, 250, 'a'), ...rows(100, 130, 'b')]; // 100..129 twice in the batch
      const second = [...rows(200, 450, 'c'), { id: 7, v: 'd' }]; // 200..249 and 7 again, from the first batch
      expect(await store.upsertAll(c, 'id', batches(first, [], second))).toEqual({ inserted: 450, updated: 30 + 50 + 1 });
      const found = await store.find(c, { sort: [asc('id')] });
      expect(found).toHaveLength(450);
      const expected = (id: number) => (id === 7 ? 'd' : id >= 200 ? 'c' : id >= 100 && id < 130 ? 'b' : 'a');
      expect(found.filter((r) => r.v !== expected(r.id as number))).toEqual([]);
      expect(found.map((r) => r.id)).toEqual(Array.from({ length: 450 }, (_, i) => i));
    });
    it('upserts into a collection that holds rows, leaving the other rows as they were', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      const result = await store.upsertAll(c, 'id', batches([{ id: 'p01', name: 'Alicia' }], [{ id: 'p09', name: 'Nine' }]));
      expect(result).toEqual({ inserted: 1, updated: 1 });
      expect(await store.count(c)).toBe(9);
      expect(await store.find(c, { filter: inList('id', ['p01', 'p02', 'p09']), projection: ['id', 'name'], sort: [asc('id')] })).toEqual([
        { id: 'p01', name: 'Alicia' },
        { id: 'p02', name: 'bob' },
        { id: 'p09', name: 'Nine' },
      ]);
      expect(await store.listIndexes(c)).toEqual([{ fields: ['id'], unique: true }]);
    });
    it('writes nothing when reading the batches fails half-way, into an empty or a full collection', async () => {
      for (const c of [`_load_${++next}`, await people()]) {
        await store.ensureIndex(c, { fields: ['id'], unique: true });
        const before = await store.find(c, { sort: [asc('id')] });
        async function* failing(): AsyncGenerator<Row[]> {
          yield [{ id: 'p01', name: 'Changed' }, { id: 'x1' }];
          yield [{ id: 'x2' }];
          throw new Error('line 3: not valid JSON');
        }
        await expect(store.upsertAll(c, 'id', failing())).rejects.toThrow('line 3: not valid JSON');
        expect(await store.find(c, { sort: [asc('id')] })).toEqual(before);
        expect(await store.listIndexes(c)).toEqual([{ fields: ['id'], unique: true }]);
      }
    });
    it('is all-or-nothing on a unique violation of another index, and refuses a row without a key', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.ensureIndex(c, { fields: ['name'], unique: true });
      await expect(store.upsertAll(c, 'id', batches([{ id: 'p02', name: 'Robert' }], [{ id: 'p09', name: 'Alice' }]))).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      await expect(store.upsertAll(c, 'id', batches([{ id: 'p02', name: 'Robert' }], [{ name: 'no key' }]))).rejects.toThrow(
        /row 1 has no value for key id/,
      );
      expect(await store.count(c)).toBe(8);
      expect(await store.find(c, { filter: eq('id', 'p02'), projection: ['name'] })).toEqual([{ name: 'bob' }]);
    });
    it('of two imports into one collection at once, leaves the whole of each import that succeeded, never a part of one', async () => {
      // On MongoDB the second to begin drops the first's staging collection as a leftover; the first's later
      // batches must not make a new one that replaces the collection. On SQLite the second waits for the first.
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      const other = await h.open();
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      let aBegun!: () => void;
      const aHasBegun = new Promise<void>((resolve) => (aBegun = resolve));
      let bSettled!: () => void;
      const bHasSettled = new Promise<void>((resolve) => (bSettled = resolve));
      const A = [[{ id: 'a1', by: 'a' }, { id: 'p01', by: 'a' }], [{ id: 'a2', by: 'a' }]];
      const B = [[{ id: 'b1', by: 'b' }], [{ id: 'p02', by: 'b' }]];
      async function* importA(): AsyncGenerator<Row[]> {
        yield A[0];
        aBegun(); // its first batch is written
        await Promise.race([bHasSettled, sleep(1000)]);
        yield A[1];
      }
      try {
        const a = store.upsertAll(c, 'id', importA());
        await aHasBegun;
        const b = other.upsertAll(c, 'id', batches(...B)).finally(bSettled);
        const [ra, rb] = await Promise.allSettled([a, b]);
        expect([ra.status, rb.status]).toContain('fulfilled');
        for (const r of [ra, rb]) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreUnavailableError);
        const rows = await store.find(c, { projection: ['id', 'by'], sort: [asc('id')] });
        const applied = (tag: string, imported: Row[][], settled: PromiseSettledResult<unknown>) => {
          const ids = imported.flat().map((r) => r.id);
          const tagged = rows.filter((r) => r.by === tag).map((r) => r.id).sort();
          expect(tagged.length === 0 || tagged.join() === [...ids].sort().join(), `${tag}: ${tagged.join()}`).toBe(true);
          if (settled.status === 'rejected') expect(tagged).toEqual([]);
          return tagged.length > 0;
        };
        const withA = applied('a', A, ra);
        const withB = applied('b', B, rb);
        expect(rows.length).toBe(8 + (withA ? 2 : 0) + (withB ? 1 : 0));
        expect(await store.listIndexes(c)).toEqual([{ fields: ['id'], unique: true }]);
      } finally {
        await other.close();
      }
    });
    it('with spellings, replaces the rows stored under a key\'s other spelling: one row, in its place, or none on failure', async () => {
      // An ID number stored with 'x' (an older release, or written straight) imported again with 'X'.
      const c = `_spelled_${++next}`;
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.insert(c, [{ id: 'a0' }, { id: 'K1x', v: 'old' }, { id: 'K2x', v: 'old x' }, { id: 'K2X', v: 'old X' }, { id: 'z9' }]);
      const spellings = (v: Value) => (typeof v === 'string' && /^K\d[xX]$/.test(v) ? [v.slice(0, 2) + 'X', v.slice(0, 2) + 'x'] : [v]);
      const order = async () => (await store.find(c, { projection: ['id'], sort: [asc(ROW_ORDER)] })).map((r) => r.id);
      async function* failing(): AsyncGenerator<Row[]> {
        yield [{ id: 'K1X', v: 'new' }];
        throw new Error('line 2: not valid JSON');
      }
      await expect(store.upsertAll(c, 'id', failing(), { spellings })).rejects.toThrow('line 2');
      expect(await order()).toEqual(['a0', 'K1x', 'K2x', 'K2X', 'z9']);
      const result = await store.upsertAll(c, 'id', batches([{ id: 'K1X', v: 'new' }], [{ id: 'K2X', v: 'new' }, { id: 'K3X', v: 'new' }]), { spellings });
      expect(result).toEqual({ inserted: 1, updated: 2 });
      // K1x's row became K1X's in its place; of K2's two rows the one with X stays, the other is gone.
      expect(await order()).toEqual(['a0', 'K1X', 'K2X', 'z9', 'K3X']);
      expect(await store.find(c, { filter: inList('id', ['K1x', 'K1X', 'K2x', 'K2X']), projection: ['id', 'v'], sort: [asc('id')] })).toEqual([
        { id: 'K1X', v: 'new' },
        { id: 'K2X', v: 'new' },
      ]);
      expect(await store.count(c)).toBe(5);
      // Without spellings the key is compared as written: a second row.
      await store.insert(c, [{ id: 'K4x' }]);
      expect(await store.upsertAll(c, 'id', batches([{ id: 'K4X' }]))).toEqual({ inserted: 1, updated: 0 });
      // Two spellings given in one import (across batches, and into an empty collection): one row, the last.
      const d = `_spelled_${++next}`;
      await store.ensureIndex(d, { fields: ['id'], unique: true });
      expect(await store.upsertAll(d, 'id', batches([{ id: 'K5x', v: 1 }], [{ id: 'K5X', v: 2 }]), { spellings })).toEqual({ inserted: 1, updated: 1 });
      expect(await store.find(d, { projection: ['id', 'v'] })).toEqual([{ id: 'K5X', v: 2 }]);
    });
    // MongoDB's import renames a staging copy over the collection: an index made meanwhile was dropped with it.
    it('keeps an index made on the collection while an import into it is under way', async () => {
      const c = `_import_index_${++next}`;
      await store.insert(c, [{ id: 'a', n: 1 }]);
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      let made: Promise<void> | undefined;
      async function* batches(): AsyncIterable<Row[]> {
        yield [{ id: 'b', n: 2 }];
        made = store.ensureIndex(c, { fields: ['n'] });
        // MongoDB makes it at once, beside the import; SQLite's waits for the import's transaction.
        if (store.kind === 'mongodb') await made;
        yield [{ id: 'c', n: 3 }];
      }
      expect(await store.upsertAll(c, 'id', batches())).toEqual({ inserted: 2, updated: 0 });
      await made;
      expect(await store.listIndexes(c)).toEqual([{ fields: ['id'], unique: true }, { fields: ['n'], unique: false }]);
      expect(ids(await store.find(c, { filter: cmp('n', 'gte', 2), sort: [asc('id')] }))).toEqual(['b', 'c']);
    });
    it('loads a collection that exists empty, without indexes', async () => {
      const c = `_load_${++next}`;
      await store.insert(c, [{ id: 'gone' }]);
      expect(await store.delete(c, and())).toBe(1);
      expect(await store.upsertAll(c, 'id', batches([{ id: 1, v: 'a' }], [{ id: 2, v: 'b' }]))).toEqual({ inserted: 2, updated: 0 });
      expect(await store.find(c, { sort: [asc('id')] })).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
    });
    it('writes the new rows of a batch in an order drawn at random (ROW_ORDER does not follow the order given); updated rows keep their places', async () => {
      // A provider's file sorted by its key (an ID number): the stored order followed it, and so the order of
      // a list whose reader sees the key masked (attack-masked-key-import-order).
      const c = `_load_${++next}`;
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      const range = (from: number, to: number, v: string) => Array.from({ length: to - from }, (_, i) => ({ id: from + i, v }));
      const stored = async () => ids(await store.find(c, { sort: [asc(ROW_ORDER)], projection: ['id'] })) as number[];
      /** The share of neighbours in the stored order whose ids (given ascending) come ascending. */
      const ascending = (list: number[]) => list.slice(1).filter((id, i) => id > list[i]).length / (list.length - 1);
      expect(await store.upsertAll(c, 'id', batches(range(0, 150, 'a'), range(150, 300, 'a')))).toEqual({ inserted: 300, updated: 0 });
      const first = await stored();
      expect(ascending(first)).toBeGreaterThan(0.25);
      expect(ascending(first)).toBeLessThan(0.75);
      expect(first.slice(0, 150).filter((id) => id >= 150)).toEqual([]); // shuffled within a batch only (write-order.ts)
      // A second import: new ids after every stored one, and 30 stored ones again (the same id, another v).
      expect(await store.upsertAll(c, 'id', batches([...range(300, 400, 'b'), ...range(0, 30, 'c')]))).toEqual({ inserted: 100, updated: 30 });
      const second = await stored();
      expect(second.filter((id) => id < 300)).toEqual(first);
      expect(ascending(second.filter((id) => id >= 300))).toBeLessThan(0.75);
      expect(await store.count(c, eq('v', 'c'))).toBe(30);
    });
    it('leaves nothing behind when there are no rows', async () => {
      const c = `_load_${++next}`;
      expect(await store.upsertAll(c, 'id', batches())).toEqual({ inserted: 0, updated: 0 });
      expect(await store.count(c)).toBe(0);
    });
  });

  describe('update and delete', () => {
    it('sets fields on every matching row and returns how many matched', async () => {
      const c = await people();
      expect(await store.update(c, eq('city', 'Changsha'), { city: '长沙市', active: false, age: null })).toBe(3);
      expect(await store.find(c, { filter: eq('city', '长沙市'), projection: ['id', 'active', 'age'], sort: [asc('id')] })).toStrictEqual([
        { id: 'p01', active: false, age: null },
        { id: 'p04', active: false, age: null },
        { id: 'p06', active: false, age: null },
      ]);
      expect(await store.update(c, eq('id', 'p05'), { score: 4.5, note: 'new field' })).toBe(1);
      expect(await store.findByValues(c, 'id', ['p05'])).toStrictEqual([
        { id: 'p05', name: 'Eve', age: 25, score: 4.5, born: '2000-02-29', city: 'Xiangtan', note: 'new field' },
      ]);
      expect(await store.update(c, eq('id', 'nope'), { score: 1 })).toBe(0);
    });
    it('raises DuplicateKeyError when an update breaks a unique index', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await expect(store.update(c, eq('id', 'p02'), { id: 'p01' })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.count(c, eq('id', 'p02'))).toBe(1);
    });
    it('is all-or-nothing: a unique violation on a later row leaves every row as it was (one statement on SQLite)', async () => {
      // MongoDB's updateMany is not one unit: the row it reached first kept the new values. (A unique index
      // on a field most rows lack would not do here: MongoDB's takes one missing value only.)
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      const before = await store.find(c, { sort: [asc('id')] });
      // Both rows to one id, with a field p08 lacks (name) and one both have (score).
      await expect(store.update(c, inList('id', ['p02', 'p08']), { id: 'p99', name: 'same', score: null })).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(store.update(c, inList('id', ['p08', 'p02']), { id: 'p01' })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.find(c, { sort: [asc('id')] })).toStrictEqual(before);
      expect(await store.count(c, eq('id', 'p99'))).toBe(0);
    });
    it("writes an update's mark with it when a row matched, and neither when the update fails", async () => {
      // Grant revocations mark themselves so that other gateways of the store learn of them by one row (grant-cache.ts).
      const c = await people();
      const marks = `_marks_${++next}`;
      await store.ensureIndex(marks, { fields: ['key'], unique: true });
      const mark = (value: string) => ({ collection: marks, key: 'latest', value });
      const marked = async () => store.find(marks, { projection: ['key', 'value'] });
      expect(await store.update(c, eq('id', 'nope'), { score: 1 }, mark('m0'))).toBe(0);
      expect(await marked()).toStrictEqual([]);
      expect(await store.update(c, eq('id', 'p05'), { score: 1 }, mark('m1'))).toBe(1);
      expect(await marked()).toStrictEqual([{ key: 'latest', value: 'm1' }]);
      expect(await store.update(c, eq('city', 'Changsha'), { score: 2 }, mark('m2'))).toBe(3);
      expect(await marked()).toStrictEqual([{ key: 'latest', value: 'm2' }]);
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await expect(store.update(c, eq('id', 'p02'), { id: 'p01' }, mark('m3'))).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await marked()).toStrictEqual([{ key: 'latest', value: 'm2' }]);
      expect(await store.count(c, eq('score', 2))).toBe(3);
    });
    it('deletes every matching row and returns how many', async () => {
      const c = await people();
      expect(await store.delete(c, cmp('age', 'lt', 30))).toBe(3);
      expect(await store.delete(c, or())).toBe(0);
      expect(ids(await store.find(c, { sort: [asc('id')] }))).toEqual(['p01', 'p03', 'p04', 'p06', 'p08']);
      expect(await store.delete(c, and())).toBe(5);
      expect(await store.count(c)).toBe(0);
    });
  });

  describe('fillNulls (a field rows of an older release lack: a record\'s place)', () => {
    /** A collection of `n` rows, every third with a place of its own (`_o`), the others without (null or missing). */
    const unplaced = async (n: number): Promise<string> => {
      const c = `r_650100_gaj_${++next}`;
      await store.insert(c, Array.from({ length: n }, (_, i): Row => (i % 3 === 0 ? { id: `u${i}`, _o: -1 - i } : i % 3 === 1 ? { id: `u${i}`, _o: null } : { id: `u${i}` })));
      return c;
    };
    const places = async (c: string) => Object.fromEntries((await store.find(c, { projection: ['id', '_o'] })).map((r) => [r.id, r._o]));

    it('fills the rows without a value (null or missing) with a value drawn for each, keeps the others, and says how many', async () => {
      const c = await unplaced(9);
      let drawn = 0;
      expect(await store.fillNulls(c, '_o', () => 1000 + ++drawn)).toBe(6);
      expect(drawn).toBe(6);
      const after = await places(c);
      expect([after.u0, after.u3, after.u6]).toEqual([-1, -4, -7]);
      const filled = ['u1', 'u2', 'u4', 'u5', 'u7', 'u8'].map((id) => after[id]);
      expect([...filled].sort()).toEqual([1001, 1002, 1003, 1004, 1005, 1006]);
      // Filled once: a second call finds nothing, draws nothing, and changes nothing.
      expect(await store.fillNulls(c, '_o', () => ++drawn)).toBe(0);
      expect(drawn).toBe(6);
      expect(await places(c)).toEqual(after);
      expect(await store.count(c, eq('_o', null))).toBe(0);
      expect(await store.fillNulls(`never_written_${++next}`, '_o', () => 1)).toBe(0);
    });

    it('fills page after page (pageSize rows a write), through the index on the field and the row order', async () => {
      const c = await unplaced(30);
      await store.ensureIndex(c, { fields: ['_o', ROW_ORDER] });
      const seen: string[] = [];
      const stop = store.watch((collection) => seen.push(collection));
      let drawn = 0;
      expect(await store.fillNulls(c, '_o', () => ++drawn, { pageSize: 4 })).toBe(20);
      stop();
      expect(seen).toEqual([c]); // one notice a call, after its last page
      expect(await store.count(c, eq('_o', null))).toBe(0);
      expect(new Set(Object.values(await places(c))).size).toBe(30);
      await expect(store.fillNulls(c, '_o', () => 1, { pageSize: 0 })).rejects.toThrow(/pageSize must be a whole number above 0/);
    });

    it('refuses a value drawn that is not a finite number (NaN would be null, filled again for ever), writing nothing of that page; and a bad field name', async () => {
      const c = await unplaced(6);
      let n = 0;
      await expect(store.fillNulls(c, '_o', () => (++n === 3 ? Number.NaN : n))).rejects.toThrow(/fillNulls on _o: the value drawn is not a finite number/);
      expect(await store.count(c, eq('_o', null))).toBe(4);
      await expect(store.fillNulls(c, "_o') OR 1=1 --", () => 1)).rejects.toThrow(/invalid field name/);
      await expect(store.fillNulls(c, '_id', () => 1)).rejects.toThrow(/invalid field name/);
    });

    it('of two handles filling one collection at once (two gateways starting), fills each row once: neither writes over the other', async () => {
      const other = await h.open();
      try {
        const c = `r_650100_gaj_${++next}`;
        await store.insert(c, Array.from({ length: 400 }, (_, i) => ({ id: `w${i}` })));
        await store.ensureIndex(c, { fields: ['_o', ROW_ORDER] });
        // Each handle draws from its own range: a row's value tells which filled it.
        let a = 0;
        let b = 0;
        const [byA, byB] = await Promise.all([
          store.fillNulls(c, '_o', () => ++a, { pageSize: 25 }),
          other.fillNulls(c, '_o', () => 1_000_000 + ++b, { pageSize: 25 }),
        ]);
        expect(byA + byB).toBe(400);
        const values = Object.values(await places(c)) as number[];
        expect(values.filter((v) => v < 1_000_000)).toHaveLength(byA);
        expect(values.filter((v) => v > 1_000_000)).toHaveLength(byB);
        expect(new Set(values).size).toBe(400);
      } finally {
        await other.close();
      }
    });
  });

  describe('writers racing on one row (two handles, as two processes on one store)', () => {
    // What the workflow's writes rely on to settle a race without a lock in a gateway's memory: a unique
    // index lets one of many inserts of a value in (grant add's givesKey, a request's openKey), and an
    // update whose filter names the state read matches for one writer only (a decision, a revocation).
    it('of 20 inserts of one unique value at once, exactly one stores it; each other gets DuplicateKeyError', async () => {
      const other = await h.open();
      try {
        const c = `_raced_${++next}`;
        await store.ensureIndex(c, { fields: ['key'], unique: true });
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).insert(c, [{ id: `w${i}`, key: 'gives:x' }])));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateKeyError);
        expect(await store.count(c)).toBe(1);
        // Its key moved aside (a revocation), the value may be stored again.
        await other.update(c, eq('key', 'gives:x'), { key: 'own:1' });
        await store.insert(c, [{ id: 'again', key: 'gives:x' }]);
        expect(await store.count(c)).toBe(2);
      } finally {
        await other.close();
      }
    });

    it('of 20 updates at once whose filter names the state read, exactly one matches, and the row holds its values', async () => {
      const other = await h.open();
      try {
        const c = `_raced_${++next}`;
        await store.insert(c, [{ id: 'r1', status: 'pending', decidedBy: null }]);
        const matched = await Promise.all(Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).update(c, and(eq('id', 'r1'), eq('status', 'pending')), { status: i % 3 ? 'approved' : 'rejected', decidedBy: `u${i}` })));
        expect(matched.reduce((a, b) => a + b, 0)).toBe(1);
        const winner = matched.indexOf(1);
        expect(await store.find(c, { projection: ['status', 'decidedBy'] })).toEqual([{ status: winner % 3 ? 'approved' : 'rejected', decidedBy: `u${winner}` }]);
      } finally {
        await other.close();
      }
    });
  });

  describe('watch (change notices in this process)', () => {
    it('names the collection after every write, never after a read, and stops when asked', async () => {
      const c = await people();
      const seen: string[] = [];
      const stop = store.watch((collection) => seen.push(collection));
      await store.find(c, {});
      await store.count(c);
      await store.findByValues(c, 'id', ['p01']);
      expect(seen).toEqual([]);
      await store.insert(c, [{ id: 'p90' }]);
      await store.upsert(c, 'id', [{ id: 'p91' }]);
      await store.update(c, eq('id', 'p90'), { age: 1 });
      await store.delete(c, eq('id', 'p91'));
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(new Set(seen)).toEqual(new Set([c]));
      stop();
      const before = seen.length;
      await store.insert(c, [{ id: 'p92' }]);
      await store.delete(c, eq('id', 'p92'));
      expect(seen.length).toBe(before);
    });
  });

  describe('indexes', () => {
    it('ensures indexes idempotently and lists them', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.ensureIndex(c, { fields: ['city', 'age'] });
      await store.ensureIndex(c, { fields: ['city', 'age'], unique: false });
      expect(await store.listIndexes(c)).toEqual([
        { fields: ['id'], unique: true },
        { fields: ['city', 'age'], unique: false },
      ]);
      await expect(store.ensureIndex(c, { fields: ['id'] })).rejects.toThrow(/exists with unique=true/);
    });
    it('takes indexes on 70 fields of one collection (a resource of many items) and reads through any of them', async () => {
      // MongoDB keeps 64 indexes a collection: past that, ensureIndex of an index that is not unique does nothing.
      const c = `_many_indexes_${++next}`;
      const fields = Array.from({ length: 70 }, (_, i) => `f${String(i).padStart(2, '0')}`);
      await store.insert(c, [0, 1, 2].map((n) => ({ id: `m${n}`, ...Object.fromEntries(fields.map((f, i) => [f, (n + i) % 3])) })));
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      for (const f of fields) await store.ensureIndex(c, { fields: [f] });
      for (const f of fields) await store.ensureIndex(c, { fields: [f] }); // again: nothing to do
      expect((await store.listIndexes(c))[0]).toEqual({ fields: ['id'], unique: true });
      expect(ids(await store.find(c, { filter: cmp('f69', 'lte', 1), sort: [desc('f68')] }))).toEqual(['m0', 'm1']);
      await expect(store.insert(c, [{ id: 'm0' }])).rejects.toBeInstanceOf(DuplicateKeyError);
    });
    it('takes the row order as the last field of an index, which a sort ending with it walks', async () => {
      // A masked key's list: each record's random place, then the row order (catalogue/indexes.ts).
      const c = `_place_index_${++next}`;
      await store.insert(c, [{ id: 'q1', place: 5 }, { id: 'q2', place: 3 }, { id: 'q3' }, { id: 'q4', place: 3 }, { id: 'q5' }]);
      await store.ensureIndex(c, { fields: ['place', ROW_ORDER] });
      await store.ensureIndex(c, { fields: ['place', ROW_ORDER] }); // again: nothing to do
      expect(await store.listIndexes(c)).toEqual([{ fields: ['place', ROW_ORDER], unique: false }]);
      const sort = [{ field: 'place', direction: 'asc' as const }, { field: ROW_ORDER, direction: 'asc' as const }];
      expect(ids(await store.find(c, { sort }))).toEqual(['q3', 'q5', 'q2', 'q4', 'q1']); // no place first, in row order
      await expect(store.ensureIndex(c, { fields: [ROW_ORDER, 'place'] })).rejects.toThrow(/the row order may only be the last field/);
      await expect(store.ensureIndex(c, { fields: ['id', ROW_ORDER], unique: true })).rejects.toThrow(/neither unique nor partial/);
      await expect(store.ensureIndex(c, { fields: ['id', ROW_ORDER], partial: true })).rejects.toThrow(/neither unique nor partial/);
      expect(await store.listIndexes(c)).toEqual([{ fields: ['place', ROW_ORDER], unique: false }]);
    });
    it('refuses a unique index over duplicate values', async () => {
      const c = await people();
      await expect(store.ensureIndex(c, { fields: ['city'], unique: true })).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(store.ensureIndex(c, { fields: ['city', 'born'], unique: true })).rejects.toMatchObject({
        userFacing: true,
        message: expect.stringMatching(/the unique index on city, born cannot be made: rows stored already hold one combination of city, born twice/),
      });
      expect(await store.listIndexes(c)).toEqual([]);
    });
    it('enforces a compound unique index on the combination', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['city', 'age'], unique: true });
      await store.insert(c, [{ id: 'p09', city: 'Changsha', age: 31 }]);
      await expect(store.insert(c, [{ id: 'p10', city: 'Changsha', age: 30 }])).rejects.toBeInstanceOf(DuplicateKeyError);
    });
    it('a partial unique index takes any number of rows without the field and refuses two with one value', async () => {
      const c = `_partial_${++next}`;
      await store.ensureIndex(c, { fields: ['key'], unique: true, partial: true });
      await store.ensureIndex(c, { fields: ['key'], unique: true, partial: true }); // again: nothing to do
      expect(await store.listIndexes(c)).toEqual([{ fields: ['key'], unique: true, partial: true }]);
      // Missing and null are one (port.ts): neither is held by the index, whatever their number.
      await store.insert(c, [{ id: 'a' }, { id: 'b' }]);
      await store.insert(c, [{ id: 'c', key: null }, { id: 'd', key: null }, { id: 'e' }]);
      await store.insert(c, [{ id: 'f', key: 'k1' }, { id: 'g', key: 7 }, { id: 'h', key: dec('2.50') }]);
      await expect(store.insert(c, [{ id: 'i', key: 'k1' }])).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(store.insert(c, [{ id: 'i', key: 7 }])).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(store.insert(c, [{ id: 'i', key: dec('2.5') }])).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(store.update(c, eq('id', 'a'), { key: 'k1' })).rejects.toBeInstanceOf(DuplicateKeyError);
      // A row giving its value up (set null) frees it for another.
      expect(await store.update(c, eq('id', 'f'), { key: null })).toBe(1);
      await store.update(c, eq('id', 'a'), { key: 'k1' });
      expect(ids(await store.find(c, { filter: eq('key', null), sort: [asc('id')] }))).toEqual(['b', 'c', 'd', 'e', 'f']);
      expect(ids(await store.find(c, { filter: eq('key', 'k1') }))).toEqual(['a']);
      // Asked for over every row, it is refused, as a unique index asked for as not unique is.
      await expect(store.ensureIndex(c, { fields: ['key'], unique: true })).rejects.toThrow(/exists with partial=true/);
    });
    it('refuses a partial unique index over rows holding one value twice, in words that quote no value', async () => {
      const c = `_partial_${++next}`;
      await store.insert(c, [{ id: 'a' }, { id: 'b' }, { id: 'c', key: 'secret-value-1' }, { id: 'd', key: 'secret-value-1' }]);
      const error = await store.ensureIndex(c, { fields: ['key'], unique: true, partial: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      // In words, for the operator (a command prints it, the gateway's log carries it): not a stack.
      expect(error).toMatchObject({ userFacing: true });
      expect((error as Error).message).toMatch(/^ensureIndex on _partial_\d+: the unique index on key cannot be made: rows stored already hold one key twice; /);
      expect((error as Error).message).not.toContain('secret-value-1');
      expect(await store.listIndexes(c)).toEqual([]);
      await store.delete(c, eq('id', 'd'));
      await store.ensureIndex(c, { fields: ['key'], unique: true, partial: true });
      await store.insert(c, [{ id: 'e' }]);
    });
    it("replaces a unique index over every row (an older release's) by the partial one, once, with several instances at once", async () => {
      const c = `_partial_${++next}`;
      await store.ensureIndex(c, { fields: ['key'], unique: true });
      await store.insert(c, [{ id: 'a', key: 'k1' }, { id: 'b' }]);
      const others = [await h.open(), await h.open()];
      try {
        await Promise.all([store, ...others].map((s) => s.ensureIndex(c, { fields: ['key'], unique: true, partial: true })));
        for (const s of [store, ...others]) expect(await s.listIndexes(c)).toEqual([{ fields: ['key'], unique: true, partial: true }]);
        // A second row without the key: MongoDB's index over every row refused it (an older gateway's
        // second grant), the partial one takes it; the key stays unique.
        await others[0].insert(c, [{ id: 'c' }]);
        await expect(others[1].insert(c, [{ id: 'd', key: 'k1' }])).rejects.toBeInstanceOf(DuplicateKeyError);
        // An older release asking for its index again finds one on the field, unique: nothing to do.
        expect((await store.listIndexes(c)).some((i) => i.fields.join() === 'key' && i.unique === true)).toBe(true);
      } finally {
        for (const other of others) await other.close();
      }
      expect(ids(await store.find(c, { sort: [asc('id')] }))).toEqual(['a', 'b', 'c']);
    });
    it('drops a collection with its indexes', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.dropCollection(c);
      expect(await store.count(c)).toBe(0);
      expect(await store.listIndexes(c)).toEqual([]);
      await store.insert(c, [{ id: 'p01' }, { id: 'p01' }]);
      expect(await store.count(c)).toBe(2);
      await store.dropCollection('never_written');
    });
  });

  describe('collections belong to resources (catalogue/collections.ts over this store)', () => {
    const catalogueOf = (code: string, provider: string, collection?: string) =>
      ({ id: `C-${code}`, resources: [{ code, provider, ...(collection === undefined ? {} : { source: { collection } }) }] }) as unknown as Catalogue;
    const owners = () => store.count(COLLECTION_OWNERS);
    // The claims of one publication under one lock (a token no lock row holds: the tests' claims are of one holder).
    const held = { token: 'the test publication' };

    it('binds a collection to the first resource that claims it; every variant of its name is then refused', async () => {
      // Claimed by a publication holding the lock: its claims are claims to whoever checks meanwhile.
      await withPublicationLock(store, 'the test publication', async (held) => {
        expect(await claimCollections(store, [catalogueOf('430000-GA-00001', '430000-GA')], held)).toEqual([[]]);
        expect(await claimCollections(store, [catalogueOf('430000-GA-00001', '430000-GA')], held)).toEqual([[]]); // again: its own
        const before = await owners();
        for (const name of ['R_430000_GA_00001', 'r_430000_Ga_00001', 'ｒ_４３００００_ga_00001', ' r_430000_ga_00001\t']) {
          const [problems] = await claimCollections(store, [catalogueOf('430000-MZ-00090', '430000-MZ', name)], held);
          expect(problems, name).toEqual([{ path: 'resources[0].source.collection', message: expect.stringContaining('belongs to resource 430000-GA-00001 of 430000-GA') }]);
          expect(await collectionProblems(store, catalogueOf('430000-MZ-00090', '430000-MZ', name))).toHaveLength(1);
        }
        // The same code under another provider, or another case of the code: refused too.
        expect((await claimCollections(store, [catalogueOf('430000-GA-00001', '430000-MZ')], held))[0]).toHaveLength(1);
        expect((await claimCollections(store, [catalogueOf('430000-ga-00001', '430000-MZ')], held))[0][0].path).toBe('resources[0].code');
        expect(await owners()).toBe(before); // a refused claim leaves nothing behind
      });
    });

    it('lets exactly one of two handles racing for a new collection win', async () => {
      const other = await h.open();
      try {
        const results = await Promise.all([
          claimCollections(store, [catalogueOf('430000-GA-00077', '430000-GA', 'contested')], held),
          claimCollections(other, [catalogueOf('430000-MZ-00077', '430000-MZ', 'CONTESTED')], held),
        ]);
        expect(results.map(([p]) => p.length).sort()).toEqual([0, 1]);
        expect(await store.count(COLLECTION_OWNERS, eq('key', 'contested'))).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('lets exactly one of two handles racing for a new code win, whatever their collections', async () => {
      const other = await h.open();
      try {
        const results = await Promise.all([
          claimCollections(store, [catalogueOf('430000-GA-00078', '430000-GA')], held),
          claimCollections(other, [catalogueOf('430000-GA-00078', '430000-MZ', 'mz_copy')], held),
        ]);
        expect(results.map(([p]) => p.length).sort()).toEqual([0, 1]);
        expect(results.flat(2).map((p) => p.path)).toEqual(['resources[0].code']);
        expect(await store.count(COLLECTION_OWNERS, eq('key', 'code:430000-ga-00078'))).toBe(1);
      } finally {
        await other.close();
      }
    });

    // A publication stopped between its claims and its publication (Ctrl-C, the lock lost, kill -9) left its
    // claims behind, and another department's resource was refused that collection for good (review, wave 20).
    describe('a claim is in force while its lock is held, or once published', () => {
      const ownerOf = async (key: string) => (await store.find(COLLECTION_OWNERS, { filter: eq('key', key) })).map((r) => String(r.resource));

      it('left by a publication that stopped, it is no claim: another resource takes the collection', async () => {
        expect(await claimCollections(store, [catalogueOf('430000-GA-00091', '430000-GA', 'left_behind')], { token: 'a killed import' })).toEqual([[]]);
        expect(await ownerOf('left_behind')).toEqual(['430000-GA-00091']);
        // No lock row names that token: what it claimed binds no one.
        expect(await collectionProblems(store, catalogueOf('430000-MZ-00091', '430000-MZ', 'left_behind'))).toEqual([]);
        expect(await claimCollections(store, [catalogueOf('430000-MZ-00091', '430000-MZ', 'left_behind')], held)).toEqual([[]]);
        expect(await ownerOf('left_behind')).toEqual(['430000-MZ-00091']);
        expect(await ownerOf('code:430000-mz-00091')).toEqual(['430000-MZ-00091']);
      });

      it('left without a lock by an older govgraph, and never published, it binds no one once no publication runs', async () => {
        await store.insert(COLLECTION_OWNERS, [{ key: 'older_leftover', collection: 'older_leftover', resource: '430000-GA-00094', provider: '430000-GA', boundAt: '2026-01-05T08:00:00.000Z' }]);
        expect(await collectionProblems(store, catalogueOf('430000-MZ-00094', '430000-MZ', 'older_leftover'))).toEqual([]);
        expect(await claimCollections(store, [catalogueOf('430000-MZ-00094', '430000-MZ', 'older_leftover')], held)).toEqual([[]]);
        expect(await ownerOf('older_leftover')).toEqual(['430000-MZ-00094']);
      });

      it('while its publication holds the lock, it is a claim', async () => {
        await withPublicationLock(store, 'a publication under way', async (live) => {
          expect(await claimCollections(store, [catalogueOf('430000-GA-00092', '430000-GA', 'under_way')], live)).toEqual([[]]);
          expect(await collectionProblems(store, catalogueOf('430000-MZ-00092', '430000-MZ', 'under_way'))).toEqual([
            { path: 'resources[0].source.collection', message: expect.stringContaining('belongs to resource 430000-GA-00092 of 430000-GA') },
          ]);
          await releaseClaims(store, live); // stopped in order before it published
        });
        expect(await ownerOf('under_way')).toEqual([]);
        expect(await ownerOf('code:430000-ga-00092')).toEqual([]);
      });

      it('once a version binding it is published, it stays its resource\'s for good', async () => {
        const [resource] = catalogueOf('430000-GA-00093', '430000-GA', 'kept_for_good').resources;
        const published = { id: 'C-KEPT', compiler: '430000-GA', resources: [{ ...resource, items: [] }] } as unknown as Catalogue;
        expect(await claimCollections(store, [published], { token: 'an import killed after it published' })).toEqual([[]]);
        const v = await addVersion(store, published, 'operator', 'approved');
        expect(await markPublished(store, v.id, v.version)).toBe(true);
        await releaseClaims(store, { token: 'an import killed after it published' }); // published: nothing to give back
        const [problems] = await claimCollections(store, [catalogueOf('430000-MZ-00093', '430000-MZ', 'kept_for_good')], held);
        expect(problems).toEqual([{ path: 'resources[0].source.collection', message: expect.stringContaining('belongs to resource 430000-GA-00093 of 430000-GA') }]);
        expect(await ownerOf('kept_for_good')).toEqual(['430000-GA-00093']);
      });
    });

    it('refuses names reserved for the platform and the stores', () => {
      for (const name of ['_audit', '_Grants', 'system.users', 'sqlite_master', 'SQLITE_x']) expect(reservedCollection(name), name).not.toBeNull();
      for (const name of ['ga_household', 'r_430000_ga_00001']) expect(reservedCollection(name), name).toBeNull();
    });
  });

  describe('one standing objection per record, item and department (workflow/objections/record.ts over this store)', () => {
    const ID = '43010219900101003X'; // an ID number's 'X' spelling; its other ends in 'x'
    const objection = (id: string, key: string): Objection => ({
      id, resource: '430000-GA-00061', provider: '430000-GA', key, item: 'fullName', department: '430000-MZ', raisedBy: id,
      raisedAt: '2026-12-01T02:00:00.000Z', reason: '姓名有误', proposedValue: null, status: 'open', answeredBy: null, answeredAt: null, answer: null, correctedAt: null,
    });
    const standing = () => store.count(OBJECTIONS, and(eq('resource', '430000-GA-00061'), eq('status', 'open')));

    it("of 10 raises at once from two handles, the record found under the 'x' and the 'X' spelling, exactly one stands; the others get DuplicateKeyError", async () => {
      const other = await h.open();
      try {
        const lower = ID.slice(0, 17) + 'x';
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => insertStanding(i % 2 ? other : store, objection(`raced-${i}`, i % 2 ? ID : lower), ID)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateKeyError);
        expect(await standing()).toBe(1);
        // Closed (its slot its own), the record's item takes a standing objection again.
        await other.update(OBJECTIONS, eq('resource', '430000-GA-00061'), { status: 'rejected', slot: closedSlot('closed-one') });
        await insertStanding(store, objection('again', lower), ID);
        expect(await standing()).toBe(1);
      } finally {
        await other.close();
      }
    });
  });

  describe('meter (token buckets and quota windows)', () => {
    let n = 0;
    const fresh = () => `_meter_${++n}`;
    const bucket = (key: string, now: number, amount = 1) => ({ key, amount, capacity: 3, drainPerMs: 0.001, now, ttlMs: 60_000 });

    it('takes until the capacity, then refuses without adding, and drains with time', async () => {
      const c = fresh();
      const t0 = 1_800_000_000_000;
      expect(await store.meter(c, bucket('u1', t0))).toEqual({ taken: true, level: 1 });
      expect(await store.meter(c, bucket('u1', t0, 2))).toEqual({ taken: true, level: 3 });
      expect(await store.meter(c, bucket('u1', t0))).toEqual({ taken: false, level: 3 });
      expect(await store.meter(c, bucket('u1', t0 + 500))).toEqual({ taken: false, level: 2.5 });
      expect(await store.meter(c, bucket('u1', t0 + 1000))).toEqual({ taken: true, level: 3 });
      // Another key has its own level; a step back in time never drains below what it was.
      expect(await store.meter(c, bucket('u2', t0))).toEqual({ taken: true, level: 1 });
      expect(await store.meter(c, bucket('u1', t0 + 900))).toEqual({ taken: false, level: 3 });
      expect(await store.meter(c, bucket('u1', t0 + 60_000))).toEqual({ taken: true, level: 1 });
    });

    it('gives back with a negative amount, never below 0; an expired row reads as empty', async () => {
      const c = fresh();
      const t0 = 1_800_000_000_000;
      const win = (now: number, amount: number) => ({ key: 'w', amount, capacity: 10, drainPerMs: 0, now, ttlMs: 1000 });
      expect(await store.meter(c, win(t0, 8))).toEqual({ taken: true, level: 8 });
      expect(await store.meter(c, win(t0, 3))).toEqual({ taken: false, level: 8 });
      expect(await store.meter(c, win(t0, -5))).toEqual({ taken: true, level: 3 });
      expect(await store.meter(c, win(t0, -5))).toEqual({ taken: true, level: 0 });
      expect(await store.meter(c, win(t0 + 10, 10))).toEqual({ taken: true, level: 10 });
      expect(await store.meter(c, win(t0 + 1010, 0))).toEqual({ taken: true, level: 0 });
      expect(await store.meter(c, win(t0 + 1010, 11))).toEqual({ taken: false, level: 0 });
    });

    it('keeps a row until its ttl after the latest time it was stepped at, whatever the clock of a later step', async () => {
      const c = fresh();
      const t0 = 1_800_000_000_000;
      const win = (now: number, amount: number) => ({ key: 'w', amount, capacity: 10, drainPerMs: 0, now, ttlMs: 1000 });
      expect(await store.meter(c, win(t0, 1))).toEqual({ taken: true, level: 1 });
      // An instance whose clock is 500 ms behind: the row keeps the time t0, so it lives until t0 + 1000.
      expect(await store.meter(c, win(t0 - 500, 1))).toEqual({ taken: true, level: 2 });
      expect(await store.meter(c, win(t0 + 700, 0))).toEqual({ taken: true, level: 2 });
      expect(await store.meter(c, win(t0 + 2700, 0))).toEqual({ taken: true, level: 0 });
    });

    it('refuses steps that make no sense', async () => {
      await expect(store.meter(fresh(), { ...bucket('', 1), key: '' })).rejects.toThrow(/key/);
      await expect(store.meter(fresh(), { ...bucket('k', 1), amount: Number.NaN })).rejects.toThrow(/amount/);
      await expect(store.meter(fresh(), { ...bucket('k', 1), ttlMs: 0 })).rejects.toThrow(/ttlMs/);
    });

    it('is atomic across two handles on one store: 40 concurrent steps on a bucket of 25 take exactly 25', async () => {
      const c = fresh();
      const other = await h.open();
      try {
        const step = { key: 'shared', amount: 1, capacity: 25, drainPerMs: 0, now: 1_800_000_000_000, ttlMs: 60_000 };
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? other : store).meter(c, step)));
        expect(results.filter((r) => r.taken)).toHaveLength(25);
        expect(await store.meter(c, { ...step, amount: 0 })).toEqual({ taken: true, level: 25 });
        expect(await store.find(c, { projection: ['key', 'level'] })).toEqual([{ key: 'shared', level: 25 }]);
      } finally {
        await other.close();
      }
    });

  });

  describe('claimOnce (a key taken once until it expires)', () => {
    const later = () => Date.now() + 60_000;
    it('is true for a new key and false for a key already claimed, per space', async () => {
      expect(await store.claimOnce('_jti', 'k1', later())).toBe(true);
      expect(await store.claimOnce('_jti', 'k1', later())).toBe(false);
      expect(await store.claimOnce('_jti', 'k2', later())).toBe(true);
      expect(await store.claimOnce('_other', 'k1', later())).toBe(true);
    });

    it("sees another handle's claim, and of 20 concurrent claims of one key from two handles exactly one wins", async () => {
      const other = await h.open();
      try {
        expect(await other.claimOnce('_jti', 'from-other', later())).toBe(true);
        expect(await store.claimOnce('_jti', 'from-other', later())).toBe(false);
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).claimOnce('_jti', 'raced', later())));
        expect(results.filter(Boolean)).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('claims an expired key again, once', async () => {
      expect(await store.claimOnce('_jti', 'short', Date.now() - 1)).toBe(true);
      expect(await store.claimOnce('_jti', 'short', Date.now() - 1)).toBe(true);
      expect(await store.claimOnce('_jti', 'short', later())).toBe(true);
      expect(await store.claimOnce('_jti', 'short', later())).toBe(false);
    });

    it('holds a claim whose expiry is later than a date can be, and takes one earlier than any again', async () => {
      expect(await store.claimOnce('_jti', 'far', 1e300)).toBe(true);
      expect(await store.claimOnce('_jti', 'far', 1e300)).toBe(false);
      expect(await store.claimOnce('_jti', 'past', -1e300)).toBe(true);
      expect(await store.claimOnce('_jti', 'past', later())).toBe(true);
      expect(await store.claimOnce('_jti', 'past', later())).toBe(false);
    });

    it('refuses a claim without a space or a key, or with an expiry that is not a number', async () => {
      await expect(store.claimOnce('', 'k', later())).rejects.toThrow(/space and a key/);
      await expect(store.claimOnce('_jti', '', later())).rejects.toThrow(/space and a key/);
      await expect(store.claimOnce('_jti', 'k', Number.NaN)).rejects.toThrow(/expiresAt/);
    });
  });

  describe('instances', () => {
    it('keeps data and indexes across a close and a reopen', async () => {
      const c = await people();
      await store.ensureIndex(c, { fields: ['id'], unique: true });
      await store.ensureIndex(c, { fields: ['born'] });
      await store.close();
      store = await h.open();
      expect(ids(await store.find(c, { sort: [desc('id')], limit: 2 }))).toEqual(['p08', 'p07']);
      expect(await store.listIndexes(c)).toEqual([
        { fields: ['id'], unique: true },
        { fields: ['born'], unique: false },
      ]);
      await expect(store.insert(c, [{ id: 'p01' }])).rejects.toBeInstanceOf(DuplicateKeyError);
    });
    it("sees another instance's writes", async () => {
      const c = await people();
      const other = await h.open();
      try {
        await other.insert(c, [{ id: 'p09', name: 'From other' }]);
        expect(await store.findByValues(c, 'id', ['p09'])).toEqual([{ id: 'p09', name: 'From other' }]);
        await store.upsert(c, 'id', [{ id: 'p09', name: 'From store' }]);
        expect(await other.findByValues(c, 'id', ['p09'], ['name'])).toEqual([{ name: 'From store' }]);
        await other.ensureIndex(c, { fields: ['name'] });
        expect(await store.listIndexes(c)).toEqual([{ fields: ['name'], unique: false }]);
        expect(await other.delete(c, eq('id', 'p09'))).toBe(1);
        expect(await store.count(c)).toBe(8);
      } finally {
        await other.close();
      }
    });
  });

  // The catalogue lists read the versions' summaries, not their documents (repository.ts, listed); a
  // version stored before summaries is read whole; a grant's provider is found from what versions carry.
  it('lists catalogue versions by their summaries, one stored before them whole, and finds the newest version carrying a code', async () => {
    const doc = (version: number) => ({
      id: 'HB-CONTRACT', kind: 'departmental', title: `Contract v${version}`, compiler: '130000-T01',
      resources: [{ code: `130000-T0${version}-00077`, name: 'Register', provider: `130000-T0${version}`, items: [{ name: 'permitNo' }] }],
    }) as unknown as Catalogue;
    for (const v of [1, 2, 3]) await addVersion(store, doc(v), 'tester', 'submitted', new Date(`2026-11-0${v}T00:00:00Z`));
    await store.update(CATALOGUE_VERSIONS, and(eq('id', 'HB-CONTRACT'), eq('version', 2)), { summary: null }); // as stored before summaries
    const listed = await catalogueVersions(store).listed('hb-contract');
    expect(listed.map((v) => [v.id, v.version, v.status, v.submittedAt, v.catalogue.title, wholeDocument(v) !== null])).toEqual([
      ['HB-CONTRACT', 1, 'submitted', '2026-11-01T00:00:00.000Z', 'Contract v1', false],
      ['HB-CONTRACT', 2, 'submitted', '2026-11-02T00:00:00.000Z', 'Contract v2', true],
      ['HB-CONTRACT', 3, 'submitted', '2026-11-03T00:00:00.000Z', 'Contract v3', false],
    ]);
    expect(listed[0].catalogue).toEqual({ compiler: '130000-T01', title: 'Contract v1', kind: 'departmental', resourceCount: 1 });
    expect(listed.map(resourceCountOf)).toEqual([1, 1, 1]); // from the summaries, and from version 2 read whole
    const provider = providerLookup(store);
    expect(await provider('130000-t02-00077')).toBe('130000-T02');
    expect(await provider('130000-T03-00077')).toBe('130000-T03');
    expect(await provider('130000-T09-00077')).toBeNull();
  });
}

describe('keyset.ts', () => {
  const sort = [desc('age'), asc('id')];
  it('appends the key as tie-break when absent', () => {
    expect(withKeyTieBreak([asc('name')], 'id')).toEqual([asc('name'), asc('id')]);
    expect(withKeyTieBreak([desc('id')], 'id')).toEqual([desc('id')]);
    expect(withKeyTieBreak([asc('name'), asc('id'), asc('age')], 'id')).toEqual([asc('name'), asc('id')]);
    expect(withSortFields(['name'], sort)).toEqual(['name', 'age', 'id']);
    expect(withSortFields(undefined, sort)).toBeUndefined();
  });
  it('round-trips the sort values', () => {
    const cursor = encodeCursor(sort, { id: 'p01', age: 30, name: 'x' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(sort, cursor)).toEqual([30, 'p01']);
    expect(decodeCursor(sort, encodeCursor(sort, { id: 'p03' }))).toEqual([null, 'p03']);
  });
  it('builds the keyset condition with the null rules', () => {
    expect(afterFilter(sort, encodeCursor(sort, { id: 'p01', age: 30 }))).toEqual(
      and(
        or(cmp('age', 'lte', 30), eq('age', null)),
        or(or(cmp('age', 'lt', 30), eq('age', null)), and(eq('age', 30), cmp('id', 'gt', 'p01'))),
      ),
    );
    // after a null in DESC only nulls remain; after a null in ASC every non-null comes.
    expect(afterFilter(sort, encodeCursor(sort, { id: 'p03', age: null }))).toEqual(
      and(eq('age', null), or(and(eq('age', null), cmp('id', 'gt', 'p03')))),
    );
    const ascSort = [asc('age'), asc('id')];
    expect(afterFilter(ascSort, encodeCursor(ascSort, { id: 'p03', age: null }))).toEqual(
      or(ne('age', null), and(eq('age', null), cmp('id', 'gt', 'p03'))),
    );
    // the key (last) is never null, nor the fields named nonNull: DESC needs no null branch.
    expect(afterFilter([desc('id')], encodeCursor([desc('id')], { id: 'p05' }))).toEqual(or(cmp('id', 'lt', 'p05')));
    const descSort = [desc('age'), desc('id')];
    expect(afterFilter(descSort, encodeCursor(descSort, { id: 'p01', age: 30 }), ['age'])).toEqual(
      and(cmp('age', 'lte', 30), or(cmp('age', 'lt', 30), and(eq('age', 30), cmp('id', 'lt', 'p01')))),
    );
  });
  it('carries a decimal as a decimal, its text checked by the grammar', () => {
    const decimalSort = [asc('amount'), asc('id')];
    const cursor = encodeCursor(decimalSort, { id: 'd01', amount: dec('450.10') });
    const [amount, id] = decodeCursor(decimalSort, cursor);
    expect([amount instanceof Decimal, String(amount), id]).toEqual([true, '450.10', 'd01']);
    for (const v of [{ d: '1e3' }, { d: 450.1 }, { d: '1', x: 1 }, { d: '9'.repeat(35) }]) {
      const forged = Buffer.from(JSON.stringify({ s: 'amount:a,id:a', v: [v, 'd01'] })).toString('base64url');
      expect(() => decodeCursor(decimalSort, forged)).toThrow(InvalidCursorError);
    }
  });
  it('raises InvalidCursorError on a malformed cursor or one made for another sort', () => {
    const cursor = encodeCursor(sort, { id: 'p01', age: 30 });
    for (const bad of ['', 'not a cursor!', 'abc', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"s":"age:d,id:a","v":[{},"x"]}').toString('base64url')]) {
      expect(() => afterFilter(sort, bad)).toThrow(InvalidCursorError);
    }
    expect(() => afterFilter([asc('age'), asc('id')], cursor)).toThrow('invalid cursor: it was made for a different orderBy');
  });
});

describe('SQLite store', () => {
  const dirs: string[] = [];
  contract(() => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-store-'));
    dirs.push(dir);
    return {
      open: () => openSqliteStore(path.join(dir, 'data')),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });

  describe('every read that may walk the collection on a reader thread', () => {
    contract(() => {
      const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-store-'));
      dirs.push(dir);
      return {
        open: () => openSqliteStore(path.join(dir, 'data'), { readerThreadRows: -1 }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    });
  });

  // Every index made on a thread of its own (sqlite/index-thread.ts), as those of a large collection are: the
  // same refusals (a unique index over duplicates, another process's lock past the bound), the same records.
  describe('every index made on an index thread', () => {
    contract(() => {
      const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-store-'));
      dirs.push(dir);
      return {
        open: () => openSqliteStore(path.join(dir, 'data'), { indexThreadRows: 0 }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    });
  });

  describe('SQLite specifics', () => {
    let dir: string;
    let store: SqliteStore;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'govgraph-sqlite-'));
      store = await openSqliteStore(path.join(dir, 'data'));
    });
    afterAll(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("opens a store whose index records predate partial indexes, at once in two processes' handles, and makes the old unique index partial", async () => {
      const data = path.join(dir, 'before-partial');
      const before = await openSqliteStore(data);
      await before.ensureIndex('grants_old', { fields: ['givesKey'], unique: true });
      await before.insert('grants_old', [{ id: 'g1', givesKey: 'k1' }, { id: 'g2' }]);
      await before.close();
      const raw = new Database(path.join(data, 'govgraph.sqlite'));
      raw.exec('ALTER TABLE _govgraph_indexes DROP COLUMN is_partial'); // the layout of a release before it
      raw.close();
      const [a, b] = await Promise.all([openSqliteStore(data), openSqliteStore(data)]);
      try {
        expect(await a.listIndexes('grants_old')).toEqual([{ fields: ['givesKey'], unique: true }]);
        await Promise.all([a, b].map((s) => s.ensureIndex('grants_old', { fields: ['givesKey'], unique: true, partial: true })));
        expect(await b.listIndexes('grants_old')).toEqual([{ fields: ['givesKey'], unique: true, partial: true }]);
        const check = new Database(a.file, { readonly: true });
        const sql = check.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'c:grants_old'").pluck().all();
        check.close();
        expect(sql).toEqual([expect.stringMatching(/^CREATE UNIQUE INDEX .* WHERE json_extract\(doc, '\$\.givesKey'\) IS NOT NULL$/)]);
        // A read by the key (releasing a revoked grant's) still seeks the index: `=` implies IS NOT NULL.
        expect(a.explainFind('grants_old', { filter: eq('givesKey', 'k1') }).join('\n')).toMatch(/SEARCH .*USING INDEX ix:givesKey@grants_old/);
        await a.insert('grants_old', [{ id: 'g3' }]);
        await expect(b.insert('grants_old', [{ id: 'g4', givesKey: 'k1' }])).rejects.toBeInstanceOf(DuplicateKeyError);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('keeps a decimal as its order key (indexed, compared) with its text beside it, and seeks the index by value', async () => {
      await store.ensureIndex('money', { fields: ['amount'], unique: false });
      await store.insert('money', [{ id: 'a', amount: dec('450.10') }, { id: 'b', amount: dec('-3.5') }, { id: 'c', amount: null }]);
      const raw = new Database(store.file, { readonly: true });
      try {
        expect(raw.prepare(`SELECT doc FROM "c:money" ORDER BY id`).pluck().all().map((d) => JSON.parse(d as string))).toEqual([
          { id: 'a', amount: dec('450.1').orderKey, '#decimals': { amount: '450.10' } },
          { id: 'b', amount: dec('-3.5').orderKey, '#decimals': { amount: '-3.5' } },
          { id: 'c', amount: null },
        ]);
      } finally {
        raw.close();
      }
      const sort = withKeyTieBreak([desc('amount')], 'id');
      const plan = store.explainFind('money', { filter: cmp('amount', 'gt', dec('0')), sort, limit: 10 }).join('\n');
      expect(plan).toMatch(/USING INDEX ix:amount@money/);
      await expect(store.insert('money', [{ id: 'd', '#decimals': 'x' } as unknown as Row])).rejects.toThrow(/invalid field name/);
    });

    // startsWith and contains on a field that may hold decimals read `#decimals` only for a value that can be
    // part of an order key (sql.ts, KEY_PREFIX): an ordinary prefix stays one index seek.
    it('seeks the index for a prefix, reading a row\'s decimal texts only for a prefix that can start an order key', async () => {
      await store.ensureIndex('prefixes', { fields: ['name'] });
      await store.insert('prefixes', [{ id: 'a', name: 'Zhang' }, { id: 'b', name: dec('9.75') }, { id: 'c', name: 'C501975' }]);
      const plan = (value: string) => store.explainFind('prefixes', { filter: startsWith('name', value) }).join('\n');
      expect(plan('Zh')).toMatch(/USING INDEX ix:name@prefixes/);
      expect(plan('C5')).toMatch(/USING INDEX ix:name@prefixes/);
      expect(ids(await store.find('prefixes', { filter: startsWith('name', 'C5'), sort: [asc('id')] }))).toEqual(['c']);
      expect(ids(await store.find('prefixes', { filter: startsWith('name', 'Zh'), sort: [asc('id')] }))).toEqual(['a']);
    });

    it('creates the data folder, in WAL mode, through openStore', async () => {
      const s = await openStore({ dataDir: path.join(dir, 'other', 'nested') });
      expect(s.kind).toBe('sqlite');
      await s.insert('t', [{ id: 1 }]);
      await s.close();
      const again = (await openSqliteStore(path.join(dir, 'other', 'nested'))) as SqliteStore;
      expect(again.file).toBe(path.join(dir, 'other', 'nested', 'govgraph.sqlite'));
      expect(await again.find('t', {})).toEqual([{ id: 1 }]);
      await again.close();
    });

    it('prunes expired claims (claimOnce) from their own table, keeping the live ones', async () => {
      const data = path.join(dir, 'claims');
      const first = await openSqliteStore(data);
      for (const key of ['gone-1', 'gone-2']) expect(await first.claimOnce('_jti', key, Date.now() - 1)).toBe(true);
      expect(await first.claimOnce('_jti', 'live', Date.now() + 60_000)).toBe(true);
      await first.close();
      const count = () => {
        const raw = new Database(path.join(data, 'govgraph.sqlite'), { readonly: true });
        try {
          return raw.prepare('SELECT key FROM _govgraph_once ORDER BY key').pluck().all();
        } finally {
          raw.close();
        }
      };
      expect(count()).toEqual(['gone-1', 'gone-2', 'live']);
      // A new handle prunes at its first claim (then every 10 s).
      const second = await openSqliteStore(data);
      expect(await second.claimOnce('_jti', 'live', Date.now() + 60_000)).toBe(false);
      await second.close();
      expect(count()).toEqual(['live']);
    });

    it('raises StoreUnavailableError once closed', async () => {
      const s = await openSqliteStore(path.join(dir, 'closing'));
      await s.close();
      await expect(s.find('t', {})).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(s.insert('t', [{ id: 1 }])).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('raises StoreUnavailableError when the data folder cannot hold a database', async () => {
      const file = path.join(dir, 'a-file');
      writeFileSync(file, 'x');
      await expect(openSqliteStore(file)).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('lets several processes write to one data folder at once (WAL, busy timeout)', async () => {
      const data = path.join(dir, 'shared');
      const sqliteModule = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'store', 'sqlite.ts');
      const worker = path.join(dir, 'worker.mts');
      writeFileSync(
        worker,
        `import { openSqliteStore } from ${JSON.stringify(sqliteModule)};
const [data, name] = process.argv.slice(2);
const store = await openSqliteStore(data);
await store.ensureIndex('shared', { fields: ['id'], unique: true });
for (let batch = 0; batch < 40; batch++) {
  const rows = Array.from({ length: 50 }, (_, i) => ({ id: name + '-' + (batch * 50 + i), by: name }));
  if (batch % 2 === 0) await store.insert('shared', rows);
  else await store.upsert('shared', 'id', rows);
  await store.count('shared');
}
await store.close();
`,
      );
      const run = promisify(execFile);
      await Promise.all(['a', 'b', 'c'].map((name) => run(process.execPath, ['--import', 'tsx', worker, data, name], { timeout: 60_000 })));
      const check = await openSqliteStore(data);
      expect(await check.count('shared')).toBe(6000);
      expect(await check.count('shared', eq('by', 'b'))).toBe(2000);
      expect(await check.listIndexes('shared')).toEqual([{ fields: ['id'], unique: true }]);
      await check.close();
    });

    it('reads a sorted page of 100 out of 100,000 through the index', async () => {
      const rows: Row[] = [];
      for (let i = 0; i < 100_000; i++) {
        rows.push({ id: `k${String(i).padStart(6, '0')}`, n: (i * 7919) % 100_003, grp: `g${i % 50}`, flag: i % 2 === 0 });
      }
      await store.insert('big', rows);
      await store.ensureIndex('big', { fields: ['id'], unique: true });
      await store.ensureIndex('big', { fields: ['n', 'id'] });
      await store.ensureIndex('big', { fields: ['grp', 'n', 'id'] });

      const byKey = { sort: [asc('id')], limit: 100 };
      expect(store.explainFind('big', byKey).join('\n')).toMatch(/SCAN .*USING INDEX ix:id@big/);
      expect(store.explainFind('big', byKey).join('\n')).not.toMatch(/TEMP B-TREE/);
      const sort = [desc('n'), desc('id')];
      const plan = store.explainFind('big', { sort, limit: 100 });
      expect(plan.join('\n')).toMatch(/USING INDEX ix:n,id@big/);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);

      const first = await store.find('big', { sort, limit: 100 });
      expect(first).toHaveLength(100);
      // A later page in DESC order on a field that may be null scans the index from its end without
      // sorting (nulls, first in the index, belong to every DESC page); told that the field is never
      // null, it searches the index from the cursor, as ASC pages always do.
      const afterFirst = encodeCursor(sort, first[99]);
      const secondDesc = store.explainFind('big', { filter: afterFilter(sort, afterFirst), sort, limit: 100 }).join('\n');
      expect(secondDesc).toMatch(/SCAN .*USING INDEX ix:n,id@big/);
      expect(secondDesc).not.toMatch(/TEMP B-TREE/);
      const secondDescNonNull = store.explainFind('big', { filter: afterFilter(sort, afterFirst, ['n']), sort, limit: 100 }).join('\n');
      expect(secondDescNonNull).toMatch(/SEARCH .*USING INDEX ix:n,id@big/);
      expect(secondDescNonNull).not.toMatch(/TEMP B-TREE/);
      const ascSort = [asc('n'), asc('id')];
      const firstAsc = await store.find('big', { sort: ascSort, limit: 100 });
      const secondAsc = store.explainFind('big', { filter: afterFilter(ascSort, encodeCursor(ascSort, firstAsc[99])), sort: ascSort, limit: 100 }).join('\n');
      expect(secondAsc).toMatch(/SEARCH .*USING INDEX ix:n,id@big/);
      expect(secondAsc).not.toMatch(/TEMP B-TREE/);

      const filtered = { filter: eq('grp', 'g7'), sort: [asc('n'), asc('id')], limit: 100 };
      const filteredPlan = store.explainFind('big', filtered).join('\n');
      expect(filteredPlan).toMatch(/SEARCH .*USING INDEX ix:grp,n,id@big/);
      expect(filteredPlan).not.toMatch(/TEMP B-TREE/);
      const page = await store.find('big', { ...filtered, projection: ['id', 'n', 'flag'] });
      expect(page).toHaveLength(100);
      expect(page[0]).toEqual({ id: expect.any(String), n: expect.any(Number), flag: expect.any(Boolean) });
      expect(page.map((r) => r.n)).toEqual([...page.map((r) => r.n as number)].sort((a, b) => a - b));

      const lookupPlan = store.explainFind('big', { filter: inList('id', ['k000001', 'k000002']) }).join('\n');
      expect(lookupPlan).toMatch(/SEARCH .*USING INDEX ix:id@big/);
    });
  });
});

/** `contains` as MongoDB's query ([indexOfCP] below): the field's own text only, the value a literal. */
const containsQuery = (field: string, text: string) => ({
  $expr: { $gte: [{ $indexOfCP: [{ $cond: [{ $eq: [{ $type: `$${field}` }, 'string'] }, `$${field}`, null] }, { $literal: text }] }, 0] },
});

describe('MongoDB translation (no server needed)', () => {
  it('makes a partial index under a name of its own, holding the documents whose fields have a value (not null)', () => {
    expect(indexOptions({ fields: ['givesKey'], unique: true })).toEqual({ unique: true });
    expect(indexOptions({ fields: ['givesKey'], unique: true, partial: false })).toEqual({ unique: true });
    // The default name (givesKey_1) is the index over every row an older release made: the partial one is
    // made beside it, then that one dropped. $type, not $exists: a field set to null is left out too.
    expect(indexOptions({ fields: ['givesKey'], unique: true, partial: true })).toEqual({
      unique: true,
      name: 'givesKey_1_partial',
      partialFilterExpression: { givesKey: { $type: ['string', 'number', 'bool'] } },
    });
    expect(indexOptions({ fields: ['a', 'b'], unique: true, partial: true })).toEqual({
      unique: true,
      name: 'a_1_b_1_partial',
      partialFilterExpression: { a: { $type: ['string', 'number', 'bool'] }, b: { $type: ['string', 'number', 'bool'] } },
    });
  });
  it('turns filters into MongoDB queries', () => {
    expect(toMongoFilter(and(eq('a', 1), or(ne('b', null), inList('c', ['x', null]))))).toEqual({
      $and: [{ a: { $eq: 1 } }, { $or: [{ b: { $ne: null } }, { c: { $in: ['x', null] } }] }],
    });
    expect(toMongoFilter(and())).toEqual({});
    expect(toMongoFilter(or())).toEqual({ _id: { $in: [] } });
    expect(toMongoFilter(cmp('a', 'gte', null))).toEqual({ _id: { $in: [] } });
    expect(toMongoFilter(eq('a', null))).toEqual({ a: { $eq: null } });
    // Text filters are no patterns (see 'startsWith and contains of any length' below): specials are text.
    expect(toMongoFilter(startsWith('name', 'a.b*(c)'))).toEqual({ name: { $gte: 'a.b*(c)', $lt: 'a.b*(c*' } });
    expect(toMongoFilter(contains('name', '[x]$'))).toEqual(containsQuery('name', '[x]$'));
    expect(() => toMongoFilter(eq('$where', 1))).toThrow(/invalid field name/);
    expect(() => toMongoFilter(inList('_id', [1]))).toThrow(/invalid field name/);
    // Only the port's values: an object or array is refused as SQLite refuses it, not matched as an embedded document.
    expect(() => toMongoFilter(eq('token', { a: 1 } as unknown as Value))).toThrow('filter on token: an object is not a value the store compares');
    expect(() => toMongoFilter(inList('token', [['t']] as unknown as Value[]))).toThrow('filter on token: an array is not');
    expect(() => toMongoFilter(contains('name', 1 as unknown as string))).toThrow('filter on name: a number is not text');
    expect(() => toMongoFilter(ne(ROW_ORDER, {} as unknown as Value))).toThrow('filter on _id: an object is not');
    expect(toMongoFilter(eq('a', undefined as unknown as Value))).toEqual({ a: { $eq: null } });
    // ROW_ORDER (`_id`) only in a compare, with the hex string a row carries: a cursor's condition.
    expect(toMongoFilter(cmp(ROW_ORDER, 'gt', '65f000000000000000000001'))).toEqual({ _id: { $gt: ObjectId.createFromHexString('65f000000000000000000001') } });
    expect(toMongoFilter(eq(ROW_ORDER, 1))).toEqual({ _id: { $in: [] } });
    // No row's order is null or other text: ne matches every row (SQLite's `id IS NOT ?`), eq and the others none.
    for (const value of [null, 'x', 1]) {
      expect(toMongoFilter(ne(ROW_ORDER, value))).toEqual({});
      for (const op of ['eq', 'gt', 'lte'] as const) expect(toMongoFilter(cmp(ROW_ORDER, op, value))).toEqual({ _id: { $in: [] } });
    }
  });
  // The server refuses a $regex pattern past 32,764 bytes ("Regular expression is too long"): a startsWith or
  // contains of 33 KB (a 1 MB body holds one) answered STORE_UNAVAILABLE. Neither is a pattern now, whatever
  // its length and characters: a range of texts with the embedded store's bound (store/prefix-bound.ts), and
  // $indexOfCP of the field's text.
  it('translates startsWith and contains of any length into a range of texts and $indexOfCP, never a pattern', async () => {
    const { BSON } = await import('mongodb');
    const long = 'W'.repeat(200_000);
    const cases: [string, string, string | undefined][] = [
      // the value, and the upper bound of startsWith's range (undefined: none, every text from the value on)
      ['short', 'Zh', 'Zi'],
      ['long (200,000 characters)', long, `${'W'.repeat(199_999)}X`],
      ['ending in an astral character (a pair)', 'a😀', 'a😁'],
      ['ending just below the surrogates', 'a\ud7ff', 'a\ue000'],
      ['ending in U+10FFFF: the character before it raised', 'ab\u{10ffff}', 'ac'],
      ['of U+10FFFF only: no bound', '\u{10ffff}\u{10ffff}', undefined],
      ['empty: no bound', '', undefined],
      ['holding a NUL', 'a\u0000', 'a\u0001'],
      ['a NUL alone', '\u0000', '\u0001'],
      ['starting with $ (no field path)', '$v', '$w'],
    ];
    for (const [label, value, upper] of cases) {
      expect([label, toMongoFilter(startsWith('v', value))]).toEqual([label, { v: upper === undefined ? { $gte: value } : { $gte: value, $lt: upper } }]);
      expect([label, toMongoFilter(contains('v', value))]).toEqual([label, containsQuery('v', value)]);
    }
    // What the driver sends: no $regex, and the value as written (BSON keeps a NUL inside a string).
    for (const filter of [startsWith('v', long), contains('v', long), or(contains('v', `${long}\u0000`), startsWith('v', `\u0000${long}`))]) {
      const sent = BSON.serialize(toMongoFilter(filter));
      expect(Buffer.from(sent).includes('$regex')).toBe(false);
      expect(BSON.deserialize(sent)).toEqual(toMongoFilter(filter));
    }
  });
  // MongoDB compares strings by simple binary comparison when no collation is given (the store gives none):
  // UTF-8 bytes, which is code-point order. Every text of a small alphabet against every prefix of it.
  it("bounds startsWith's range in MongoDB's order of strings: exactly the texts starting with the prefix", () => {
    const ALPHABET = ['a', 'b', '\u0000', '\u007f', '\u0080', '长', '\ud7ff', '\ue000', '\uffff', '😀', '😁', '\u{10ffff}'];
    const texts = [''];
    for (let length = 1, last = ['']; length <= 3; length++) texts.push(...(last = last.flatMap((t) => ALPHABET.map((c) => t + c))));
    const utf8 = (text: string) => Buffer.from(text, 'utf8');
    for (const prefix of texts.filter((t) => [...t].length <= 2)) {
      const range = (toMongoFilter(startsWith('v', prefix)) as { v: { $gte?: string; $lt?: string } }).v;
      expect(typeof range.$gte).toBe('string');
      const inRange = (text: string) =>
        Buffer.compare(utf8(text), utf8(range.$gte!)) >= 0 && (range.$lt === undefined || Buffer.compare(utf8(text), utf8(range.$lt)) < 0);
      const wrong = texts.filter((text) => inRange(text) !== text.startsWith(prefix));
      expect([prefix, wrong]).toEqual([prefix, []]);
    }
  });
  // MongoDB 5.0 (supported: docs/operations.md) fails a sort no index serves past 100 MB of memory unless the
  // read allows disk ("Sort exceeded memory limit ..."); 6.0 and later allow it by default. Listings of grants,
  // objections and requests sort by date, unindexed, and read whole (no limit).
  it('lets every sorted read sort on disk (allowDiskUse), and asks nothing of one that does not sort', () => {
    const signal = new AbortController().signal;
    expect(findOptions({ sort: [asc('createdAt'), asc('id')] })).toEqual({ sort: { createdAt: 1, id: 1 }, allowDiskUse: true });
    expect(findOptions({ sort: [desc('seq')], skip: 3, limit: 5, signal })).toEqual({ sort: { seq: -1 }, allowDiskUse: true, skip: 3, limit: 5, signal });
    expect(findOptions({ limit: 5 })).toEqual({ limit: 5 });
    expect(findOptions({ sort: [] })).toEqual({});
  });
  // js-bson writes a string as UTF-8 (Buffer): a lone surrogate became U+FFFD, in a stored row and in a filter's value alike.
  it('refuses to write text holding a lone surrogate, and answers a filter by one as SQLite does (no stored text holds one)', async () => {
    const { BSON } = await import('mongodb');
    expect(BSON.deserialize(BSON.serialize({ t: 'a\ud800b' })).t).toBe('a\ufffdb'); // what the driver did with it
    const refused = 'name: text holding a lone surrogate (a UTF-16 unit from U+D800 to U+DFFF without its pair) is not Unicode, and MongoDB cannot store it; nothing was written';
    expect(() => toDocument({ id: 'x', name: 'a\ud800b' })).toThrow(refused);
    expect(() => toDocument({ id: 'x', name: 'b\udc00' })).toThrow(refused);
    expect(() => toSetDocument({ name: '\ud800' })).toThrow(refused);
    expect(toDocument({ id: 'x', name: 'a\u{10000}\ufffd' })).toEqual({ id: 'x', name: 'a\u{10000}\ufffd' }); // a pair, and U+FFFD itself: stored
    const lone = 'a\ud800b';
    expect(toMongoFilter(eq('t', lone))).toEqual({ _id: { $in: [] } });
    expect(toMongoFilter(ne('t', lone))).toEqual({});
    // Across kinds as sorts order them (a field of mixed kinds): texts above it and booleans; texts below it and numbers.
    for (const op of ['gt', 'gte'] as const) expect(toMongoFilter(cmp('t', op, lone))).toEqual({ $or: [{ t: { $gte: 'a\ue000' } }, { t: { $type: ['bool'] } }] });
    for (const op of ['lt', 'lte'] as const) expect(toMongoFilter(cmp('t', op, lone))).toEqual({ $or: [{ t: { $lt: 'a\ue000' } }, { t: { $type: ['number'] } }] });
    expect(toMongoFilter(inList('t', [lone, 'ok', null]))).toEqual({ t: { $in: ['ok', null] } });
    expect(toMongoFilter(startsWith('t', 'a\ud800'))).toEqual({ _id: { $in: [] } });
    expect(toMongoFilter(contains('t', '\udfff'))).toEqual({ _id: { $in: [] } });
    expect(toMongoFilter(eq('t', 'a\u{10000}'))).toEqual({ t: { $eq: 'a\u{10000}' } });
    expect(() => toMongoFilter(startsWith('$where', '\ud800'))).toThrow(/invalid field name/);
  });
  it("builds a joined side's compared value as SQLite's: a day only on the calendar, a number only of a number or boolean (comparedValue)", () => {
    // $dateToString fails the whole aggregation (error 18537) on a year past 9999: reached only for an
    // instant written with four digits whose day at UTC+08:00 has four too, else null (SQLite's date()).
    expect(comparedValue('$at', { compareAs: 'day' })).toEqual({
      $let: {
        vars: { d: { $convert: { input: '$at', to: 'date', onError: null, onNull: null } } },
        in: {
          $cond: [
            { $and: [{ $gte: ['$$d', new Date('0000-01-01T00:00:00.000Z')] }, { $lt: ['$$d', new Date('9999-12-31T16:00:00.000Z')] }] },
            { $dateToString: { date: '$$d', format: '%Y-%m-%d', timezone: '+08:00' } },
            null,
          ],
        },
      },
    });
    // A text stays a text: $convert to double made "2.50" equal 2.5, which SQLite does not.
    expect(comparedValue('$n', { compareAs: 'number' })).toEqual({
      $cond: [{ $in: [{ $type: '$n' }, ['double', 'int', 'long', 'decimal', 'bool']] }, { $convert: { input: '$n', to: 'double', onError: '$n' } }, { $ifNull: ['$n', null] }],
    });
    expect(comparedValue('$n', {})).toEqual({ $ifNull: ['$n', null] });
  });
  it('turns sorts into sort documents, a field named again keeping its first direction (as SQLite)', () => {
    expect(toMongoSort([desc('age'), asc(ROW_ORDER)])).toEqual({ age: -1, _id: 1 });
    const sort = toMongoSort([asc('age'), desc('name'), desc('age'), asc('id')]);
    expect(sort).toEqual({ age: 1, name: -1, id: 1 });
    expect(Object.keys(sort)).toEqual(['age', 'name', 'id']);
    expect(() => toMongoSort([asc('$where')])).toThrow(/invalid field name/);
  });
  // MongoDB compares a range within the value's kind (type bracketing): `gt: 5` missed the texts orderBy
  // puts after every number, so a cursor's next page after the last number skipped them, where SQLite's
  // (numbers below every text, as its sort) did not. Across kinds now, in MongoDB's order of kinds.
  it('compares a range across kinds in the order sorts follow: numbers, texts, booleans', () => {
    expect(toMongoFilter(cmp('v', 'gt', 5))).toEqual({ $or: [{ v: { $gt: 5 } }, { v: { $type: ['string', 'bool'] } }] });
    expect(toMongoFilter(cmp('v', 'lte', 5))).toEqual({ v: { $lte: 5 } });
    expect(toMongoFilter(cmp('v', 'gte', 'm'))).toEqual({ $or: [{ v: { $gte: 'm' } }, { v: { $type: ['bool'] } }] });
    expect(toMongoFilter(cmp('v', 'lt', 'm'))).toEqual({ $or: [{ v: { $lt: 'm' } }, { v: { $type: ['number'] } }] });
    expect(toMongoFilter(cmp('v', 'gt', false))).toEqual({ v: { $gt: false } });
    expect(toMongoFilter(cmp('v', 'lt', true))).toEqual({ $or: [{ v: { $lt: true } }, { v: { $type: ['number', 'string'] } }] });
    // eq and ne stay within the kind on both stores: 5 is not "5".
    expect(toMongoFilter(eq('v', 5))).toEqual({ v: { $eq: 5 } });
    expect(toMongoFilter(ne('v', '5'))).toEqual({ v: { $ne: '5' } });
  });
  // Each (item type, operator) a caller can send (test/filter-operators-by-kind.test.ts), plus the ranges a
  // cursor sends on any sorted item (booleans included), as the document the driver is given. Pinned to the
  // MongoDB manual:
  // [order] Comparison/Sort Order, https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/ :
  //   null < numbers (int, long, double, decimal, "converted before comparison") < strings (simple binary
  //   comparison unless a collation is given; the store gives none) < ... < booleans.
  // [bracket] Type Bracketing, https://www.mongodb.com/docs/manual/reference/mql/query-predicates/type-bracketing/ :
  //   $gt/$gte/$lt/$lte match values of the operand's type only (every numeric type for a number or a
  //   Decimal128); $ne does not bracket and matches any other type.
  // [null] Query for Null or Missing Fields, https://www.mongodb.com/docs/manual/tutorial/query-for-null-fields/ :
  //   { f: null } (and $in holding null) matches null and a missing field.
  // [ne] $ne, https://www.mongodb.com/docs/manual/reference/operator/query/ne/ : includes documents without the field.
  // [type] $type, https://www.mongodb.com/docs/manual/reference/operator/query/type/ : "number" is int, long,
  //   double and decimal; an array of types matches any of them.
  // [indexOfCP] $indexOfCP, https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexOfCP/ :
  //   the code-point index of the substring, -1 when absent; null for a null or missing string, an error for
  //   any other kind (hence the $cond on $type); a $literal is never read as a field path ($literal's page).
  // [or] $or, https://www.mongodb.com/docs/manual/reference/operator/query/or/ ("$or Clauses and Indexes"):
  //   indexes serve an $or when every clause is indexable, each clause its own scan; $type is (the server's
  //   index bounds builder gives each type its bracket), so a range widened across kinds still seeks the index.
  it('translates every operator a caller can send on every item type into the query document the manual gives its meaning', async () => {
    const { Decimal128 } = await import('mongodb');
    const D = (text: string) => Decimal128.fromString(text);
    const NEVER = { _id: { $in: [] } };
    const cases: [string, Filter, unknown][] = [
      // string / text / enum (enum values are strings): eq ne in [null][ne]; startsWith [bracket], contains [indexOfCP]
      ['string eq', eq('name', 'Zhang'), { name: { $eq: 'Zhang' } }],
      ['string ne (also null and missing [ne])', ne('name', 'Zhang'), { name: { $ne: 'Zhang' } }],
      ['string in with null (also missing [null])', inList('name', ['Zhang', null]), { name: { $in: ['Zhang', null] } }],
      ['string eq null (null and missing [null])', eq('name', null), { name: { $eq: null } }],
      ['string startsWith (texts only [bracket], an index range)', startsWith('name', 'Zh'), { name: { $gte: 'Zh', $lt: 'Zi' } }],
      ['string contains (texts only, never a number or Decimal128 [indexOfCP])', contains('name', '5'), containsQuery('name', '5')],
      // int and float: numbers of any BSON numeric type compare by value [order]; ranges widened to the later
      // or earlier kinds ([bracket] would leave them out; port.ts, "a field of mixed kinds") [type][or]
      ['int eq', eq('age', 40), { age: { $eq: 40 } }],
      ['int gt', cmp('age', 'gt', 40), { $or: [{ age: { $gt: 40 } }, { age: { $type: ['string', 'bool'] } }] }],
      ['int gte', cmp('age', 'gte', 40), { $or: [{ age: { $gte: 40 } }, { age: { $type: ['string', 'bool'] } }] }],
      ['int lt (no earlier kind: null is none [order])', cmp('age', 'lt', 40), { age: { $lt: 40 } }],
      ['float lte', cmp('score', 'lte', 2.5), { score: { $lte: 2.5 } }],
      ['float in', inList('score', [2.5, -1]), { score: { $in: [2.5, -1] } }],
      // decimal: a Decimal128 of the text (digits and scale); by value against any numeric type [order][bracket]
      ['decimal eq', eq('amount', dec('450.10')), { amount: { $eq: D('450.10') } }],
      ['decimal ne', ne('amount', dec('450.10')), { amount: { $ne: D('450.10') } }],
      ['decimal in with null', inList('amount', [dec('-0'), null]), { amount: { $in: [D('-0'), null] } }],
      ['decimal gt', cmp('amount', 'gt', dec('9.75')), { $or: [{ amount: { $gt: D('9.75') } }, { amount: { $type: ['string', 'bool'] } }] }],
      ['decimal lte', cmp('amount', 'lte', dec('9.75')), { amount: { $lte: D('9.75') } }],
      // date and datetime: strings whose code-point order is time order (port.ts) [order]
      ['date gte', cmp('born', 'gte', '1990-01-01'), { $or: [{ born: { $gte: '1990-01-01' } }, { born: { $type: ['bool'] } }] }],
      ['date lt (numbers are an earlier kind)', cmp('born', 'lt', '1990-01-01'), { $or: [{ born: { $lt: '1990-01-01' } }, { born: { $type: ['number'] } }] }],
      ['datetime gt', cmp('at', 'gt', '2026-03-01T01:30:00.000Z'), { $or: [{ at: { $gt: '2026-03-01T01:30:00.000Z' } }, { at: { $type: ['bool'] } }] }],
      ['datetime in', inList('at', ['2026-03-01T01:30:00.000Z']), { at: { $in: ['2026-03-01T01:30:00.000Z'] } }],
      // boolean: eq from a filter; a range only from a cursor after an orderBy on it (booleans are the last kind)
      ['boolean eq', eq('active', true), { active: { $eq: true } }],
      ['boolean eq null', eq('active', null), { active: { $eq: null } }],
      ['boolean gt (a cursor)', cmp('active', 'gt', false), { active: { $gt: false } }],
      ['boolean lt (a cursor)', cmp('active', 'lt', true), { $or: [{ active: { $lt: true } }, { active: { $type: ['number', 'string'] } }] }],
      // a range with null never matches (refused by the schema, and a cursor's null is sent as eq/ne null)
      ['range with null', cmp('age', 'gt', null), NEVER],
    ];
    for (const [label, filter, expected] of cases) expect([label, toMongoFilter(filter)]).toEqual([label, expected]);
  });
  it('writes decimals as Decimal128 and reads Decimal128 back as decimals with the same text', async () => {
    const { Decimal128 } = await import('mongodb');
    expect(toMongoFilter(and(cmp('a', 'gt', dec('450.10')), inList('a', [dec('-0'), null])))).toEqual({
      $and: [{ $or: [{ a: { $gt: Decimal128.fromString('450.10') } }, { a: { $type: ['string', 'bool'] } }] }, { a: { $in: [Decimal128.fromString('-0'), null] } }],
    });
    expect(toDocument({ id: 'x', a: dec('1.50'), b: 2 })).toEqual({ id: 'x', a: Decimal128.fromString('1.50'), b: 2 });
    // Decimal128 writes small values in scientific notation ("1.0E-7"); they come back plain.
    for (const text of ['450.10', '-0', '-0.00', '0.0000001', '0.00000010', '-0.000000000000000000000000000000001', '12345678901234567.89', '9'.repeat(34), '100']) {
      const bson = toBson(dec(text));
      expect(bson).toBeInstanceOf(Decimal128);
      const back = fromBson(Decimal128.fromString((bson as InstanceType<typeof Decimal128>).toString()));
      expect([back instanceof Decimal, String(back)]).toEqual([true, text]);
    }
    expect(fromBson(Decimal128.fromString('NaN'))).toBe('NaN'); // not one govgraph writes: its text, no failure
  });
  it('writes numbers as JSON holds them (-0 as 0, NaN and infinities as null), leaving undefined out; an update sets undefined null', () => {
    const doc = toDocument({ id: 'x', a: -0, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: Number.NEGATIVE_INFINITY, e: undefined, f: 1.5, g: -3 } as unknown as Row);
    expect(doc).toStrictEqual({ id: 'x', a: 0, b: null, c: null, d: null, f: 1.5, g: -3 });
    expect(Object.is(doc.a, 0)).toBe(true);
    const set = toSetDocument({ a: -0, e: undefined, n: null } as unknown as Row);
    expect(set).toStrictEqual({ a: 0, e: null, n: null });
    expect(Object.is(set.a, 0)).toBe(true);
  });
  it('names the unique index of a duplicate key, never the value (a record\'s) the server quotes', async () => {
    const { MongoBulkWriteError, MongoServerError } = await import('mongodb');
    const errmsg = 'E11000 duplicate key error collection: govgraph.r_x index: idNo_1 dup key: { idNo: "430102199001011234" }';
    const single = new MongoServerError({ code: 11000, errmsg, keyPattern: { idNo: 1 }, keyValue: { idNo: '430102199001011234' } });
    const bulk = new MongoBulkWriteError({ message: errmsg, code: 11000, writeErrors: [{ code: 11000, index: 1, errmsg, err: { code: 11000, index: 1, errmsg } }] } as never, {} as never);
    // By keyPattern, or else the index's name, as SQLite's (its index names the fields): one wording (duplicateKey).
    const partial = new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error collection: govgraph._grants index: givesKey_1_partial dup key: { givesKey: "k" }' });
    for (const [error, index] of [[single, ['r_x', 'idNo']], [bulk, ['r_x', 'idNo']], [partial, ['_grants', 'givesKey']]] as const) {
      const translated = translate(error, 'insert into r_x');
      expect(translated).toBeInstanceOf(DuplicateKeyError);
      expect((translated as Error).message).toBe(`insert into r_x: duplicate key on the unique index on ${index[1]} of ${index[0]}: another row holds the same ${index[1]}`);
      expect((translated as Error).message).not.toContain('4301');
    }
  });
  // A data import writes into a staging collection (mongo/import.ts), which the server's error names: the
  // operator read `of r_x.importing.65f0...` where SQLite's import names r_x.
  it('names the collection imported into, not its staging collection, in a data import\'s duplicate key', async () => {
    const { MongoBulkWriteError, MongoServerError } = await import('mongodb');
    const errmsg = `E11000 duplicate key error collection: govgraph.r_x.importing.${'65f0a1b2c3d4e5f601234567'} index: code_1 dup key: { code: "A1" }`;
    const bulk = new MongoBulkWriteError({ message: errmsg, code: 11000, writeErrors: [{ code: 11000, index: 0, errmsg, err: { code: 11000, index: 0, errmsg } }] } as never, {} as never);
    const translated = translate(bulk, 'import into r_x');
    expect((translated as Error).message).toBe('import into r_x: duplicate key on the unique index on code of r_x: another row holds the same code');
    expect((translated as DuplicateKeyError).index).toEqual({ collection: 'r_x', fields: ['code'] });
    // A collection whose own name holds `.importing.` but no import's id is named as it is.
    const own = new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error collection: govgraph.a.importing.b index: code_1 dup key: { code: "A1" }' });
    expect((translate(own, 'insert into a.importing.b') as DuplicateKeyError).index.collection).toBe('a.importing.b');
  });
  it('puts back the fields an update set as a document held them before (restoreFields), removing those it lacked', () => {
    expect(restoreFields({ _id: 1, a: 1, b: null }, ['a', 'b', 'c'])).toEqual({ $set: { a: 1, b: null }, $unset: { c: '' } });
    expect(restoreFields({ _id: 1 }, ['c'])).toEqual({ $unset: { c: '' } });
    expect(restoreFields({ _id: 1, a: 2 }, ['a'])).toEqual({ $set: { a: 2 } });
  });
  it('takes the database from the URI path, else govgraph', () => {
    expect(databaseFromUri('mongodb://u:p@h1:27017,h2:27017/hunan?replicaSet=rs0')).toBe('hunan');
    expect(databaseFromUri('mongodb://localhost:27017')).toBeUndefined();
    expect(databaseFromUri('mongodb+srv://cluster.example.net/?retryWrites=true')).toBeUndefined();
  });
  it('reads from the primary whatever read preference the URI names: a secondary behind it kept a revoked grant answering', async () => {
    for (const uri of ['mongodb://db1,db2,db3/hunan?replicaSet=rs0&readPreference=secondaryPreferred', 'mongodb://db1/hunan?readPreference=nearest', 'mongodb://db1/hunan?readPreference=secondary&readPreferenceTags=dc:east', 'mongodb://db1/hunan']) {
      const client = mongoClient(uri);
      expect(client.readPreference.mode).toBe('primary');
      expect(client.readPreference.tags ?? []).toEqual([]);
      await client.close();
    }
    // The driver refuses what cannot go with the primary: said as a connection string the store cannot use.
    await expect(openStore({ mongodbUri: 'mongodb://127.0.0.1:9/?readPreference=secondary&maxStalenessSeconds=120' })).rejects.toThrow(
      'not a MongoDB connection string: Primary read preference cannot be combined with maxStalenessSeconds',
    );
  });
  it('refuses a URI asking for unacknowledged writes (w=0): a duplicate key would go unseen (a claim taken twice)', async () => {
    expect(() => mongoClient('mongodb://db1/hunan?w=0')).toThrow('w=0 (unacknowledged writes) cannot keep a store');
    await expect(openStore({ mongodbUri: 'mongodb://127.0.0.1:9/?w=0&serverSelectionTimeoutMS=200' })).rejects.toThrow(
      'not a MongoDB connection string: w=0 (unacknowledged writes) cannot keep a store: a duplicate key would go unseen; leave w out or write w=majority',
    );
    for (const uri of ['mongodb://db1/hunan?w=1', 'mongodb://db1/hunan?w=majority']) await mongoClient(uri).close();
  });
  // A standalone server refuses transactions; the store then writes without them, which the docs said and
  // nothing at a gateway's start did: a second instance on it ran, its audit chain at risk.
  it('tells a standalone server (no transactions) from a replica set member or a mongos, and names what it means to an operator', () => {
    expect(runsTransactions({ isWritablePrimary: true, maxWireVersion: 25 })).toBe(false);
    expect(runsTransactions({ isWritablePrimary: true, setName: 'rs0' })).toBe(true);
    expect(runsTransactions({ isWritablePrimary: true, msg: 'isdbgrid' })).toBe(true);
    expect(standaloneWarning('hunan')).toBe(
      'the MongoDB server of database hunan is a standalone server, which runs no transactions: writes of several rows are undone by hand when they fail ' +
        '(a reader may see them half made meanwhile), and several gateway instances on it can break the audit chain; run one instance only, or make the server a replica set (even of one member)',
    );
  });
  it('raises StoreUnavailableError when the server cannot be reached', async () => {
    await expect(openStore({ mongodbUri: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200' })).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe.runIf(Boolean(process.env.MONGODB_URI))('MongoDB store', () => {
  const dbName = `govgraph_contract_${process.pid}_${Date.now()}`;
  it('carries a warning for the operator exactly when the server runs no transactions', async () => {
    const store = await openMongoStore(process.env.MONGODB_URI!, dbName);
    try {
      const client = mongoClient(process.env.MONGODB_URI!);
      const hello = await client.db('admin').command({ hello: 1 }).finally(() => client.close());
      expect(store.warning).toBe(runsTransactions(hello) ? undefined : standaloneWarning(dbName));
    } finally {
      await store.close();
    }
  });
  // A data import killed midway (kill -9) leaves its staging collection (mongo/staging.ts): the next
  // opening of the store drops it, and keeps one a running import renewed a moment ago.
  it('drops at its opening the staging collections of imports killed midway, not one a running import renews', async () => {
    const store = await openMongoStore(process.env.MONGODB_URI!, dbName);
    const client = new MongoClient(process.env.MONGODB_URI!);
    try {
      await store.insert('r_650000_mz_staged', [{ id: 'a' }]);
      const db = client.db(dbName);
      const old = Math.floor((Date.now() - 2 * STAGING_STALE_MS) / 1000);
      const killed = `r_650000_mz_staged.importing.${ObjectId.createFromTime(old).toHexString()}`;
      const running = `r_650000_mz_staged.importing.${ObjectId.createFromTime(old + 1).toHexString()}`;
      for (const name of [killed, running]) await db.collection(name).insertOne({ id: 'b' });
      await db.collection(IMPORT_RENEWALS).insertOne({ _id: running as never, renewedAt: new Date() });
      await (await openMongoStore(process.env.MONGODB_URI!, dbName)).close();
      const left = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('r_650000_mz_staged'));
      expect(left.sort()).toEqual(['r_650000_mz_staged', running].sort());
      expect(await store.count('r_650000_mz_staged')).toBe(1);
    } finally {
      await client.close();
      await store.close();
    }
  });
  contract(() => ({
    open: () => openMongoStore(process.env.MONGODB_URI!, dbName),
    cleanup: async () => {
      const { MongoClient } = await import('mongodb');
      const client = new MongoClient(process.env.MONGODB_URI!);
      await client.db(dbName).dropDatabase();
      await client.close();
    },
  }));
});
