// The embedded store (SPEC §11): SQLite through better-sqlite3, one database file in the data folder,
// in WAL mode so that several gateway processes can share the folder.
//
// Locks never stall the event loop: better-sqlite3 is synchronous, so SQLite's own busy wait
// (`busy_timeout`) is kept to a few milliseconds, and an operation that finds the database locked by
// another process (a writer, an import, a backup) is retried asynchronously, with growing pauses, until
// `lockWaitMs` has passed; then it fails with StoreUnavailableError. Meanwhile the process answers
// everything else. In WAL mode readers are not blocked by a writer; only an exclusive lock blocks them.
//
// `upsertAll` (data import) runs on a connection of its own in one transaction: a crash at any moment
// leaves either every row or none (WAL frames of an uncommitted transaction are ignored on recovery).
// Into an empty collection it drops the collection's indexes inside the transaction and builds them
// again after the last row (much faster than keeping 15 indexes up to date row by row); readers keep
// seeing the committed collection, with its indexes, until the commit.
//
// Layout: one table per collection, named `c:<collection>`, holding each document as JSON text
// (`id INTEGER PRIMARY KEY, doc TEXT`). Indexes are expression indexes on `json_extract(doc, '$.field')`,
// and filters and sorts are written with exactly the same expressions, so that SQLite uses them.
// The indexes asked for are recorded in `_govgraph_indexes`, which `listIndexes` reads.
//
// Decimals (port.ts): a decimal field holds its order key (`Decimal.orderKey`: a string whose order is the
// order of values, equal for equal values), and the document keeps the text that was written in a map
// `"#decimals": { field: text }`. Filters, sorts, indexes, cursors and `compareJoined` therefore see only
// the key and compare by value with the same expressions as any field ("450.1" = "450.10",
// "9.75" < "10.5", 34 digits exact); a read puts the text back in place of the key. A field holds one type:
// numbers written into a decimal field by an earlier version sort before every key (re-import them).
//
// Semantics kept equal to MongoDB's (see port.ts): null and missing are one; `ne: x` matches nulls;
// `in` with null matches nulls; gt/gte/lt/lte never match null; nulls sort first in ASC.
// Differences: a unique index accepts several rows whose field is null (MongoDB accepts one), so unique
// indexes are meant for required fields; a filter compares values across types by SQLite's order
// (numbers < strings) where MongoDB compares only values of the same type: a field has one type.
// A projection returns every projected field, null when the document has none. Field names are
// GraphQL names other than `_id` (MongoDB's), checked before they reach SQL.

import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  checkClaim,
  checkMeterStep,
  DuplicateKeyError,
  ROW_ORDER,
  StoreUnavailableError,
  type Filter,
  type FindQuery,
  type IndexSpec,
  type JoinComparison,
  type MeterOptions,
  type MeterReading,
  type MeterStep,
  type ReadOptions,
  type Row,
  type SortKey,
  type Store,
  type UpsertResult,
  type Value,
} from './port.ts';
import { announceWrites } from './changes.ts';
import { DocCache } from './doc-cache.ts';
import { PackedRows, ReaderThreadError, ReaderThreads, type ReadMode } from './sqlite-readers.ts';
import { LOOKUP_VALUES_MAX, staysShort, walkOf, type Walk } from './sqlite-read-plan.ts';
import { Decimal } from '../formats/decimal.ts';

export const SQLITE_FILE = 'govgraph.sqlite';
/** The table of keys claimed once (Store.claimOnce): not a collection's (those are `c:<name>`). */
const CLAIMS = '_govgraph_once';

/** The longest SQLite may wait for a lock synchronously, holding the event loop (`busy_timeout`). */
export const SYNC_LOCK_WAIT_MS = 5;
/** How long an operation retries a locked database, asynchronously, before StoreUnavailableError. */
export const DEFAULT_LOCK_WAIT_MS = 5000;
/** Page cache of the import connection (KiB): index pages stay in memory while rows go in. */
const IMPORT_CACHE_KIB = 65536;

export interface SqliteStoreOptions {
  /** How long an operation waits for another process's lock before failing; default 5000 ms. */
  lockWaitMs?: number;
  /** How much parsed documents reads keep (doc-cache.ts), in characters of their stored JSON; 0 for none. */
  docCacheChars?: number;
  /** Collections of more rows than this (or of more than 500 characters a row times this) read on reader threads what may walk much of them; default 50,000. */
  readerThreadRows?: number;
  /** How many reader threads at most; default 2. */
  readerThreads?: number;
}

/**
 * Above this many rows a collection's reads that may walk much of it run on reader threads
 * (sqlite-readers.ts): a walk of 50,000 documents holds a thread about 0.1 s, and a thread's read costs
 * 0.05 to 0.09 ms more than one on the event loop (bench/reader-threads.ts).
 */
export const DEFAULT_READER_THREAD_ROWS = 50_000;
/** The length of a record of the row threshold: a collection of larger records goes on threads with fewer of them. */
const RECORD_CHARS = 500;
/** How many of a collection's last documents its mean record length is taken from. */
const SIZE_SAMPLE = 20;
/** How many characters of documents a reader thread's answer is parsed by between turns of the event loop (about 4 ms). */
const PARSE_SLICE_CHARS = 1_000_000;

/** 32 million characters of stored JSON: about 90,000 of the demo's records, 1,000 of a catalogue with 2,000 items. */
export const DEFAULT_DOC_CACHE_CHARS = 32_000_000;
/**
 * Reads of 2 to this many rows (pages, a page's links) go through the document cache. Longer ones
 * (exports, reports) go past it; so do reads of one row (a lookup by key), which the cache made slower:
 * the read transaction around `PRAGMA data_version` costs more than parsing one document (bench/doc-cache.ts).
 */
const CACHED_READ_MAX_ROWS = 1000;

/** The SQLite store, with what tests and tools need beyond the port. */
export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly file: string;
  /** The `EXPLAIN QUERY PLAN` lines of the statement `find` would run. */
  explainFind(collection: string, query: FindQuery): string[];
  /** How many reads have run on reader threads (sqlite-readers.ts) since the store was opened. */
  readonly threadReads: number;
  /** Reads waiting for a reader thread, and threads reading, now (the gateway's /metrics). */
  readonly readerLoad: { queued: number; running: number };
}

type Param = string | number | null;
interface Sql {
  sql: string;
  params: Param[];
}
/** A read's SQL, and what picks the projection from each parsed document when SQL does not. */
type Statement = Sql & { pick?: (doc: Row) => Row };

const FIELD = /^[_A-Za-z][_0-9A-Za-z]*$/;
const STATEMENT_CACHE_SIZE = 500;

function checkField(field: string): string {
  if (typeof field !== 'string' || !FIELD.test(field) || field === '_id') throw new Error(`invalid field name ${JSON.stringify(field)}`);
  return field;
}

function checkCollection(collection: string): string {
  if (typeof collection !== 'string' || collection.length === 0 || collection.includes('\0')) {
    throw new Error(`invalid collection name ${JSON.stringify(collection)}`);
  }
  return collection;
}

const quoteId = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const table = (collection: string): string => quoteId(`c:${checkCollection(collection)}`);
const indexName = (collection: string, fields: string[]): string => `ix:${fields.join(',')}@${collection}`;
/** The expression every index, filter and sort uses for a field. */
const expr = (field: string): string => `json_extract(doc, '$.${checkField(field)}')`;
/** The same, where ROW_ORDER may be named too (a sort, a compare filter): the rowid. */
const orderExpr = (field: string): string => (field === ROW_ORDER ? 'id' : expr(field));
const param = (value: Value): Param =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value instanceof Decimal ? value.orderKey : value;

/** The member of a document holding the texts of its decimal fields (not a valid field name). */
const DECIMALS = '#decimals';
const DECIMALS_PATH = `'$."${DECIMALS}"'`;

/** A row as document text: decimal fields become their order keys, their texts go to `#decimals`. */
function docText(row: Row): string {
  let doc: Record<string, unknown> = row;
  let texts: Record<string, string> | undefined;
  for (const field in row) {
    const value = row[field];
    if (value instanceof Decimal) {
      if (texts === undefined) {
        texts = {};
        doc = { ...row };
      }
      texts[field] = value.text;
      doc[field] = value.orderKey;
    }
  }
  if (Object.hasOwn(row, DECIMALS)) throw new Error(`invalid field name ${JSON.stringify(DECIMALS)}`);
  if (texts !== undefined) doc[DECIMALS] = texts;
  return JSON.stringify(doc);
}

/** A parsed document as a row: decimal fields (those projected) get their texts back in place of their keys. */
/** A stored document's text as a row. */
const parseDoc = (text: string): Row => fromDoc(JSON.parse(text) as Record<string, unknown>);

function fromDoc(doc: Record<string, unknown>): Row {
  if (!(DECIMALS in doc)) return doc as Row;
  const texts = doc[DECIMALS] as Record<string, unknown> | null;
  delete doc[DECIMALS];
  if (texts !== null && typeof texts === 'object') {
    for (const field in texts) {
      const text = texts[field];
      if (typeof doc[field] === 'string' && typeof text === 'string') doc[field] = Decimal.fromStored(text);
    }
  }
  return doc as Row;
}

const COMPARE_SQL = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The smallest string greater than every string starting with `prefix` (code-point order), or undefined. */
function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return String.fromCodePoint(...points, next);
    }
  }
  return undefined;
}

function compileFilter(filter: Filter | undefined): Sql {
  if (filter === undefined) return { sql: '1', params: [] };
  switch (filter.kind) {
    case 'and':
    case 'or': {
      if (filter.filters.length === 0) return { sql: filter.kind === 'and' ? '1' : '0', params: [] };
      const parts = filter.filters.map(compileFilter);
      return {
        sql: `(${parts.map((p) => p.sql).join(filter.kind === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
    case 'compare': {
      const e = orderExpr(filter.field);
      const { op, value } = filter;
      if (op === 'eq') return value === null ? { sql: `${e} IS NULL`, params: [] } : { sql: `${e} = ?`, params: [param(value)] };
      if (op === 'ne') {
        return value === null ? { sql: `${e} IS NOT NULL`, params: [] } : { sql: `${e} IS NOT ?`, params: [param(value)] };
      }
      if (value === null) return { sql: '0', params: [] };
      return { sql: `${e} ${COMPARE_SQL[op]} ?`, params: [param(value)] };
    }
    case 'in': {
      const e = expr(filter.field);
      const present = filter.values.filter((v) => v !== null && v !== undefined);
      const withNull = present.length !== filter.values.length;
      const parts: string[] = [];
      const params: Param[] = [];
      if (present.length > 0) {
        parts.push(`${e} IN (SELECT value FROM json_each(?))`);
        params.push(JSON.stringify(present.map(param)));
      }
      if (withNull) parts.push(`${e} IS NULL`);
      return parts.length === 0 ? { sql: '0', params } : { sql: `(${parts.join(' OR ')})`, params };
    }
    case 'startsWith': {
      // A range on the indexed expression, so that an index serves prefixes (LIKE and GLOB cannot use
      // an expression index, and LIKE ignores case).
      const e = expr(filter.field);
      const upper = prefixUpperBound(filter.value);
      return upper === undefined
        ? { sql: `(${e} >= ? AND typeof(${e}) = 'text')`, params: [filter.value] }
        : { sql: `(${e} >= ? AND ${e} < ?)`, params: [filter.value, upper] };
    }
    case 'contains': {
      const e = expr(filter.field);
      return { sql: `(typeof(${e}) = 'text' AND instr(${e}, ?) > 0)`, params: [filter.value] };
    }
    default:
      throw new Error(`unknown filter ${JSON.stringify(filter satisfies never)}`);
  }
}

function compileSort(sort: SortKey[] | undefined): string {
  if (!sort || sort.length === 0) return 'id';
  return sort.map((s) => `${orderExpr(s.field)} ${s.direction === 'desc' ? 'DESC' : 'ASC'}`).join(', ');
}

/**
 * Small projections are built in SQL (`json_object` of `doc -> '$.f'`, which keeps booleans); past
 * this many fields, parsing the whole document once and picking in JavaScript is cheaper (measured:
 * 0.22 vs 0.28 ms for 3 fields of a 100-row page, 0.62 vs 0.38 ms for 12).
 */
const SQL_PROJECTION_MAX_FIELDS = 4;

/** The fields of a projection, each checked, each once. */
const projectedFields = (projection: string[]): string[] => [...new Set(projection.map(checkField))];

function compileProjection(projection: string[] | undefined): { sql: string; pick?: (doc: Row) => Row } {
  if (projection === undefined) return { sql: 'doc' };
  const fields = projectedFields(projection);
  if (fields.length > SQL_PROJECTION_MAX_FIELDS) return { sql: 'doc', pick: picker(fields) };
  const pairs = [...fields.map((f) => `'${f}', doc -> '$.${f}'`), `'${DECIMALS}', doc -> ${DECIMALS_PATH}`];
  return { sql: `json_object(${pairs.join(', ')})` };
}

/** Pickers made, by their fields; the oldest dropped past PICKERS_KEPT. */
const pickers = new Map<string, (doc: Row) => Row>();
const PICKERS_KEPT = 500;

/**
 * The function copying `fields` of a parsed document (after fromDoc) into a new row, null where the
 * document has none: `{ "a": d["a"] ?? null, ... }`, made once per list of fields. A loop assigning
 * `row[f]` (a key that changes at each step) cost 0.7 µs a row of 12 fields, this 0.03 µs
 * (bench/store-reads.ts). Field names passed checkField, and are written as JSON strings.
 */
function picker(fields: string[]): (doc: Row) => Row {
  const id = fields.join(',');
  let pick = pickers.get(id);
  if (pick === undefined) {
    const members = fields.map((f) => `${JSON.stringify(f)}: d[${JSON.stringify(f)}] ?? null`);
    pick = new Function('d', `return { ${members.join(', ')} };`) as (doc: Row) => Row;
    if (pickers.size >= PICKERS_KEPT) pickers.delete(pickers.keys().next().value!);
    pickers.set(id, pick);
  }
  return pick;
}

/**
 * A statement and its parameters as one key of the document cache: each string with its length before
 * it, so that no two lists of parameters make one key (JSON.stringify of a link read's values, already
 * JSON text, cost 15 µs a read).
 */
function statementKey(sql: string, params: Param[]): string {
  let key = sql;
  for (const p of params) key += typeof p === 'string' ? `\ns${p.length}:${p}` : p === null ? '\nz' : `\nn${p}`;
  return key;
}

/** The document cache's key of a read's ids; with the values its key leaves out (compared one by one). */
interface IdsKey {
  key: string;
  values?: readonly Param[];
}

/**
 * The key of the ids of `findByValues` on `field`: its count, first and last values, and the values to
 * compare. A key of the values' JSON text (statementKey) cost 10-15 µs a page's links (97 values): the
 * Set making them distinct, their JSON, then hashing a 2,000-character key; comparing them is 1 µs.
 */
function valuesKey(field: string, params: Param[]): IdsKey {
  return { key: statementKey(`values of ${checkField(field)}, ${params.length}`, [params[0]!, params[params.length - 1]!]), values: params };
}

function checkCount(name: string, n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new Error(`invalid ${name} ${n}`);
}

function isSqliteError(error: unknown): error is InstanceType<typeof Database.SqliteError> {
  return error instanceof Database.SqliteError;
}

const isNoSuchTable = (error: unknown): boolean => isSqliteError(error) && /no such table/.test(error.message);

/**
 * A unique index's violation becomes DuplicateKeyError, other SQLite errors StoreUnavailableError. Other
 * constraints (a trigger someone added to the file, a CHECK) are no duplicate: callers that retry on one
 * (the audit log's next sequence number) would retry for nothing and then blame another writer.
 */
const DUPLICATE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

function translate(error: unknown, what: string): unknown {
  if (!isSqliteError(error)) return error;
  if (DUPLICATE_CODES.has(error.code)) return new DuplicateKeyError(`${what}: ${error.message}`);
  return new StoreUnavailableError(`${what}: SQLite failed: ${error.message}`, { cause: error });
}

const isBusy = (error: unknown): boolean => isSqliteError(error) && error.code.startsWith('SQLITE_BUSY');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long store operations may run back to back before the event loop gets a turn. */
const TURN_MS = 10;
/** When the current run of operations without a turn of the event loop began; -1 once a turn came. */
let runStart = -1;

/**
 * Calls `then` once the event loop has polled for I/O and run its timers. One setImmediate is not enough:
 * queued from the poll phase (an HTTP request, a worker's message) it runs in the same iteration's check
 * phase, before any other request or timer; a second one, queued from the check phase, runs after both.
 */
const afterTurn = (then: () => void) => setImmediate(() => setImmediate(then));

/**
 * better-sqlite3 is synchronous, so an awaited operation resumes its caller in a microtask: a loop of
 * awaited operations (a publication claims a collection and makes indexes for each of its hundreds of
 * resources) would never let a request in until it ends (issue 9: nothing holds the loop for 100 ms).
 * Once operations have run for TURN_MS without a turn, the next one waits for one (afterTurn).
 */
function turnIfHeld(): Promise<void> | undefined {
  const now = performance.now();
  if (runStart < 0) {
    runStart = now;
    afterTurn(() => {
      runStart = -1;
    });
    return undefined;
  }
  if (now - runStart < TURN_MS) return undefined;
  return new Promise((resolve) => afterTurn(resolve));
}

/**
 * Runs `operation` (synchronous, short) until it does not find the database locked, pausing between
 * attempts without blocking the event loop; after `waitMs`, StoreUnavailableError.
 */
async function whenUnlocked<T>(what: string, waitMs: number, operation: () => T): Promise<T> {
  // Until this operation starts a run of its own: one that waited for a turn counts in the next run.
  for (let held = turnIfHeld(); held; held = turnIfHeld()) await held;
  const deadline = Date.now() + waitMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      return operation();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new StoreUnavailableError(`${what}: the database stayed locked by another process for ${waitMs} ms`, { cause: error });
      }
      await sleep(Math.min(pause, left));
    }
  }
}

function stringifyRow(row: Row, collection: string, index: number): string {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new Error(`${collection}: row ${index + 1} is not an object`);
  }
  return docText(row);
}

/** The rows as JSON text, after checking that each has a value for `key`. */
function keyedDocs(collection: string, key: string, rows: Row[]): string[] {
  return rows.map((row, i) => {
    const value = row?.[key];
    if (value === null || value === undefined) throw new Error(`upsert into ${collection}: row ${i + 1} has no value for key ${key}`);
    return stringifyRow(row, collection, i);
  });
}

/** Rows one INSERT statement writes (many rows a statement cost less than a statement a row). */
const INSERT_ROWS = 100;

/**
 * Replaces each row by the rowid of its key or inserts it, inside the caller's transaction. `rowids`
 * holds keys already written (by this call or earlier ones of the same transaction); with `lookup`,
 * one read first finds the rows of every key of the batch (through the key index when there is one).
 * New rows go in INSERT_ROWS at a time, in the order of the batch (a key given twice in the batch is
 * written once, with its last row). SQLite gives each inserted row the largest rowid + 1, so the rows of
 * one statement get consecutive rowids ending at `lastInsertRowid`; that is checked, never assumed.
 */
function upsertRows(
  db: Database.Database,
  collection: string,
  key: string,
  rows: Row[],
  docs: string[],
  rowids: Map<Param, number>,
  lookup: boolean,
): UpsertResult {
  const t = table(collection);
  if (lookup) {
    const keys = [...new Set(rows.map((row) => param(row[key])))];
    const found = db.prepare(`SELECT id, ${expr(key)} AS k FROM ${t} WHERE ${expr(key)} IN (SELECT value FROM json_each(?))`);
    for (const { id, k } of found.all(JSON.stringify(keys)) as { id: number; k: Param }[]) rowids.set(k, id);
  }
  const replace = db.prepare(`UPDATE ${t} SET doc = ? WHERE id = ?`);
  const result = { inserted: 0, updated: 0 };
  const newKeys: Param[] = [];
  const newDocs: string[] = [];
  rows.forEach((row, i) => {
    const k = param(row[key]); // a Map tells 1 from "1", as the store does
    const rowid = rowids.get(k); // a rowid, or -1 - n for the nth new row of this batch
    if (rowid === undefined) {
      rowids.set(k, -1 - newDocs.length);
      newKeys.push(k);
      newDocs.push(docs[i]);
      result.inserted++;
    } else if (rowid < 0) {
      newDocs[-1 - rowid] = docs[i];
      result.updated++;
    } else {
      replace.run(docs[i], rowid);
      result.updated++;
    }
  });
  if (newDocs.length === 0) return result;
  let last = Number(db.prepare(`SELECT coalesce(max(id), 0) FROM ${t}`).pluck().get());
  const insertOne = db.prepare(`INSERT INTO ${t} (doc) VALUES (?)`);
  const insertMany = newDocs.length >= INSERT_ROWS ? db.prepare(`INSERT INTO ${t} (doc) VALUES ${'(?),'.repeat(INSERT_ROWS - 1)}(?)`) : undefined;
  for (let from = 0; from < newDocs.length; ) {
    const n = insertMany && newDocs.length - from >= INSERT_ROWS && last + INSERT_ROWS <= Number.MAX_SAFE_INTEGER ? INSERT_ROWS : 1;
    const written = n === 1 ? insertOne.run(newDocs[from]) : insertMany!.run(newDocs.slice(from, from + n));
    const end = Number(written.lastInsertRowid);
    if (n > 1 && end !== last + n) throw new Error(`insert into ${collection}: rowids ${end - n + 1}..${end} do not follow ${last}`);
    for (let j = 0; j < n; j++) rowids.set(newKeys[from + j], end - n + 1 + j);
    last = Math.max(last, end);
    from += n;
  }
  return result;
}

const createTableSql = (collection: string): string => `CREATE TABLE IF NOT EXISTS ${table(collection)} (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)`;

const ensureTable = (db: Database.Database, collection: string): void => {
  db.prepare(createTableSql(collection)).run();
};

function connect(file: string): Database.Database {
  const db = new Database(file);
  db.pragma(`busy_timeout = ${SYNC_LOCK_WAIT_MS}`);
  return db;
}

/**
 * `mkdir -p`, one level at a time. Node's `mkdirSync(dir, { recursive: true })` never returns where
 * mkdir answers ENOENT under a parent that exists (a folder under /proc): `serve --data /proc/x` hung.
 */
function makeFolder(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, mode === undefined ? undefined : { mode });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || path.dirname(dir) === dir) throw error;
  }
  makeFolder(path.dirname(dir)); // the parent was missing: make it, then this one once more
  try {
    mkdirSync(dir, mode === undefined ? undefined : { mode });
  } catch (error) {
    // Another process made it meanwhile.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
  }
}

/** Why this process may not write into `dir` (EROFS, EACCES), or null. */
function writeRefusal(dir: string): string | null {
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (error) {
    return String((error as NodeJS.ErrnoException).code ?? '');
  }
}

/**
 * What SQLite's answer leaves out when a store cannot be opened: a full file system says only `disk I/O
 * error` (it cannot grow the shared-memory file), a folder this user cannot write `attempt to write a
 * readonly database` (every connection writes the write-ahead log, also to read), and a folder on a file
 * system mounted read-only `unable to open database file` (it cannot make that log).
 */
export function openFailureHint(
  error: unknown,
  dataDir: string,
  freeBytes = (dir: string) => { const s = statfsSync(dir); return s.bavail * s.bsize; },
  refusal = writeRefusal,
): string {
  const code = String((error as { code?: unknown }).code ?? '');
  if ((code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN') && refusal(dataDir) === 'EROFS') {
    return `; the file system of ${dataDir} is mounted read-only, and SQLite writes beside the store also to read (its write-ahead log): mount it read-write`;
  }
  if (code.startsWith('SQLITE_READONLY')) return `; this user cannot write ${dataDir} or the files in it, which SQLite needs also to read (its write-ahead log)`;
  if (!code.startsWith('SQLITE_IOERR') && !code.startsWith('SQLITE_FULL')) return '';
  try {
    return freeBytes(dataDir) < 1024 * 1024 ? `; the file system of ${dataDir} is full` : '';
  } catch {
    return '';
  }
}

export async function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const file = path.join(dataDir, SQLITE_FILE);
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const cacheChars = options.docCacheChars ?? DEFAULT_DOC_CACHE_CHARS;
  const docs = cacheChars > 0 ? new DocCache(cacheChars) : undefined;
  let db: Database.Database;
  try {
    // The store keeps the platform's secret (it signs tokens of any department and role, keys the
    // audit log and cursors): a folder it makes is its owner's alone, and so is a store file it makes
    // (SQLite gives the write-ahead log and shared memory the store file's mode). A folder or file
    // that exists keeps the mode its operator gave it.
    makeFolder(dataDir, 0o700);
    if (!existsSync(file)) {
      try {
        closeSync(openSync(file, 'a', 0o600));
      } catch {
        // A folder this user cannot write, a read-only or full file system: SQLite's own refusal
        // below says which (openFailureHint), as it did before this file was made first.
      }
    }
    db = connect(file);
    await whenUnlocked(`open ${file}`, lockWaitMs, () => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(`CREATE TABLE IF NOT EXISTS _govgraph_indexes (
      collection TEXT NOT NULL,
      name TEXT NOT NULL,
      fields TEXT NOT NULL,
      is_unique INTEGER NOT NULL,
      PRIMARY KEY (collection, name)
    )`);
    });
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`cannot open the SQLite store ${file}: ${(error as Error).message}${openFailureHint(error, dataDir)}`, { cause: error });
  }

  // Prepared statements, cached by SQL text (least recently used dropped first).
  const statements = new Map<string, Database.Statement>();
  function prepare(sql: string): Database.Statement {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    let statement = statements.get(sql);
    if (statement) {
      statements.delete(sql);
    } else {
      statement = db.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, statement);
    return statement;
  }


  // Reads that may walk much of a large collection run on reader threads (sqlite-readers.ts).
  const readerRows = options.readerThreadRows ?? DEFAULT_READER_THREAD_ROWS;
  const readers = new ReaderThreads(file, { busyMs: lockWaitMs, size: options.readerThreads });
  /** About how large each collection is (isLarge), asked at most once a second. */
  const sizes = new Map<string, { rows: number; chars: number; at: number }>();
  let threadReads = 0;
  /** Whether each read's SQL stays short (staysShort), by its text. */
  const shortReads = new Map<string, boolean>();

  /**
   * Whether a collection holds more rows than `readerRows`, or more characters of documents than that many
   * records of RECORD_CHARS each (40,000 records of 10,000 characters walk as long as 800,000 small ones):
   * its largest rowid, times the mean length of its last SIZE_SAMPLE documents (read in rowid order).
   */
  function isLarge(collection: string): boolean {
    const now = Date.now();
    let size = sizes.get(collection);
    if (size === undefined || now - size.at > 1000) {
      let rows = 0;
      let chars = 0;
      try {
        const t = table(collection);
        rows = Number(prepare(`SELECT coalesce(max(id), 0) FROM ${t}`).pluck().get());
        const mean = Number(prepare(`SELECT coalesce(avg(length(doc)), 0) FROM (SELECT doc FROM ${t} ORDER BY id DESC LIMIT ${SIZE_SAMPLE})`).pluck().get());
        chars = rows * mean;
      } catch {
        // No such collection (it reads as empty) or a store that fails: the read itself says so.
      }
      if (sizes.size >= STATEMENT_CACHE_SIZE) sizes.clear();
      sizes.set(collection, (size = { rows, chars, at: now }));
    }
    return size.rows > readerRows || size.chars > readerRows * RECORD_CHARS;
  }

  /** SQLite's plan for a statement: the `detail` of each line of EXPLAIN QUERY PLAN. */
  const planOf = ({ sql, params }: Sql): string[] =>
    (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);

  /** True when a read of a large collection with this SQL should run on a reader thread. */
  function onThread(walk: Walk, { sql, params }: Sql): boolean {
    let short = shortReads.get(sql);
    if (short === undefined) {
      if (walk === 'any') return true;
      let plan: string[];
      try {
        plan = planOf({ sql, params });
      } catch {
        return true; // the thread's read gives the error
      }
      const unique = new Set(prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE %'").pluck().all() as string[]);
      if (shortReads.size >= STATEMENT_CACHE_SIZE) shortReads.clear();
      shortReads.set(sql, (short = staysShort(walk, plan, unique)));
    }
    return !short;
  }

  /** A read on a reader thread; a collection that does not exist reads as empty, as `read` has it. */
  async function readOnThread<T>(what: string, empty: T, { sql, params }: Sql, mode: ReadMode, options: ReadOptions = {}): Promise<T> {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    threadReads++;
    try {
      return (await readers.read(sql, params, mode, { signal: options.signal, owner: options.owner })) as T;
    } catch (error) {
      if (isNoSuchTable(error)) return empty;
      // The threads closed with the store, or this read's thread crashed or was ended: the store is
      // unavailable to it, as a closed connection is to a read on the event loop.
      if (error instanceof ReaderThreadError) throw new StoreUnavailableError(`${what}: ${error.message}`, { cause: error });
      // The thread waited for the lock itself (its busy timeout is lockWaitMs), holding only itself.
      if (isBusy(error)) throw new StoreUnavailableError(`${what}: the database stayed locked by another process for ${lockWaitMs} ms`, { cause: error });
      throw translate(error, what);
    }
  }

  /** Runs a read (or a single statement); a collection that does not exist reads as empty. */
  async function read<T>(what: string, empty: T, run: () => T): Promise<T> {
    try {
      return await whenUnlocked(what, lockWaitMs, run);
    } catch (error) {
      if (isNoSuchTable(error)) return empty;
      throw translate(error, what);
    }
  }

  // One transaction function for every write, and the collection's CREATE TABLE prepared once (from the
  // statement cache): making both afresh for each write cost about as much as the write itself, and every
  // request that reads data writes (its audit entry's batch). Measured: 39 µs against 20 µs for one insert.
  const inTransaction = db.transaction((collection: string, run: () => unknown) => {
    prepare(createTableSql(collection)).run();
    return run();
  });

  /** Runs a write in one immediate transaction, creating the collection first; waits `waitMs` at most for a lock. */
  async function write<T>(what: string, collection: string, run: () => T, waitMs = lockWaitMs): Promise<T> {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    try {
      return await whenUnlocked(what, waitMs, () => {
        try {
          return inTransaction.immediate(collection, run) as T;
        } finally {
          docs?.forget(collection);
        }
      });
    } catch (error) {
      throw translate(error, what);
    }
  }

  /**
   * The query's SQL; `select` replaces the projection's columns (the ids of a cached read). A projection
   * naming ROW_ORDER selects the rowid, then the projection's columns.
   */
  function findStatement(collection: string, query: FindQuery, select?: string): Statement {
    checkCount('limit', query.limit);
    checkCount('skip', query.skip);
    const where = compileFilter(query.filter);
    const withId = query.projection?.includes(ROW_ORDER) ?? false;
    const projection = compileProjection(withId ? query.projection!.filter((f) => f !== ROW_ORDER) : query.projection);
    let sql = `SELECT ${select ?? (withId ? `id, ${projection.sql}` : projection.sql)} FROM ${table(collection)} WHERE ${where.sql} ORDER BY ${compileSort(query.sort)}`;
    const params = [...where.params];
    if (query.limit !== undefined || query.skip !== undefined) {
      // The limit as a literal (a checked integer): SQLite's planner reads a bound LIMIT's value, and any
      // new binding of it then prepares the statement again, every read (through the store: 70 against
      // 35 µs for a lookup by key, 197 against 135 for a page; bench/store-reads.ts). A bound OFFSET
      // costs nothing of the kind.
      sql += ` LIMIT ${query.limit ?? -1} OFFSET ?`;
      params.push(query.skip ?? 0);
    }
    return { sql, params, pick: projection.pick };
  }

  /**
   * The rows of `findByValues` (no value null): a join driven by the values, each looked up through the
   * field's index, in rowid order: 0.8 of the cost of `IN (SELECT value FROM json_each(?))`, which
   * first builds a temporary index of the values (bench/store-reads.ts, 97 values). The values are
   * distinct (a join returns a row once per value that matches it); `json_each` has an `id` of its own,
   * so the table's is named in full.
   */
  function valuesStatement(collection: string, field: string, values: string, projection: string[] | undefined, ids: boolean): Statement {
    const t = table(collection);
    const columns = compileProjection(projection);
    const sql = `SELECT ${ids ? `${t}.id` : columns.sql} FROM json_each(?) AS v JOIN ${t} ON ${expr(field)} = v.value ORDER BY ${t}.id`;
    return { sql, params: [values], pick: columns.pick };
  }

  /** `PRAGMA data_version`, prepared once: every cached read asks it. */
  const dataVersion = db.prepare('PRAGMA data_version').pluck();

  /** The documents of the ids `key` found, when the cache holds the ids and every one of them. */
  function cachedRows(cache: DocCache, collection: string, { key, values }: IdsKey): Row[] | undefined {
    const ids = cache.ids(collection, key, values);
    if (ids === undefined) return undefined;
    const rows: Row[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const row = cache.get(collection, ids[i]!);
      if (row === undefined) return undefined;
      rows[i] = row;
    }
    return rows;
  }

  /**
   * The rows of a statement (`statement(true)`: its ids alone), from the cache where it holds them (the
   * ids it found, the documents), else from SQLite. A read the cache answers whole needs no transaction:
   * `PRAGMA data_version` (in a read transaction of its own) unchanged says no other connection committed
   * since the cache was last checked, so the cache holds what the store holds now (a transaction's BEGIN
   * and COMMIT cost 2% of a list request's CPU). Otherwise the ids and the documents are read in one read
   * transaction, so they are one snapshot.
   */
  function readThrough(collection: string, statement: (ids: boolean) => Statement, idsKey?: IdsKey): Row[] {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    const cache = docs!;
    let ids: Statement | undefined;
    const key = idsKey ?? { key: statementKey((ids = statement(true)).sql, ids.params) };
    if (cache.isDataVersion(dataVersion.get())) {
      const rows = cachedRows(cache, collection, key);
      if (rows !== undefined) return rows;
    }
    return readThroughInTransaction(collection, statement, ids ?? statement(true), key);
  }

  /**
   * readThrough's read in one read transaction. The first read after another connection's commit reads
   * its documents at once and keeps none; the next one fills the cache.
   */
  const readThroughInTransaction = db.transaction((collection: string, statement: (ids: boolean) => Statement, { sql, params }: Statement, { key, values }: IdsKey): Row[] => {
    const cache = docs!;
    const parse = (id: number, doc: string): Row => {
      const row = parseDoc(doc);
      cache.set(collection, id, row, doc.length);
      return row;
    };
    if (!cache.checkDataVersion(dataVersion.get())) {
      // Read as without a cache, keeping nothing: with several gateways on one folder every read gets
      // here, and documents kept until the next read only to be forgotten then cost garbage collections.
      const { sql, params } = statement(false);
      return (prepare(sql).pluck().all(...params) as string[]).map(parseDoc);
    }
    let ids = cache.ids(collection, key, values);
    if (ids === undefined) {
      ids = prepare(sql).pluck().all(...params) as number[];
      cache.setIds(collection, key, ids, values);
    }
    const found = ids.map((id) => cache.get(collection, id));
    const missing = ids.filter((_, i) => found[i] === undefined);
    if (missing.length === 0) return found as Row[];
    const parsed = new Map<number, Row>();
    const byId = `SELECT id, doc FROM ${table(collection)} WHERE id IN (SELECT value FROM json_each(?))`;
    for (const [id, doc] of prepare(byId).raw().all(JSON.stringify(missing)) as [number, string][]) parsed.set(id, parse(id, doc));
    return found.map((row, i) => row ?? parsed.get(ids[i]!)!);
  });

  /** Rows are copies: a caller may change what it gets without changing the cached document. */
  const findCached = (collection: string, projection: string[] | undefined, statement: (ids: boolean) => Statement, idsKey?: IdsKey): Promise<Row[]> => {
    const pick = projection && picker(projectedFields(projection));
    return read(`find in ${collection}`, [], () =>
      readThrough(collection, statement, idsKey).map((doc) => (pick ? pick(doc) : { ...doc })),
    );
  };

  /**
   * A reader thread's rows (`withId`: each an id and a document) parsed on the event loop in slices, with a
   * turn of the loop between them: a link to an item many records share reads most of a large collection
   * (20,000 documents of 1,500 characters held the loop 60 to 90 ms, copied and parsed at once).
   */
  async function parseThreadRows(result: unknown, withId: boolean, pick: Statement['pick']): Promise<Row[]> {
    const packed = result instanceof PackedRows ? result : undefined;
    const list = result as (string | [number, string])[];
    const n = packed ? packed.length : list.length;
    const rows: Row[] = new Array(n);
    let chars = 0;
    for (let i = 0; i < n; i++) {
      if (chars >= PARSE_SLICE_CHARS) {
        chars = 0;
        await new Promise<void>((resolve) => afterTurn(resolve));
      }
      const doc = packed ? packed.text(i) : withId ? (list[i] as [number, string])[1] : (list[i] as string);
      chars += doc.length;
      const row = pick ? pick(parseDoc(doc)) : parseDoc(doc);
      if (withId) row[ROW_ORDER] = packed ? packed.id(i) : (list[i] as [number, string])[0];
      rows[i] = row;
    }
    return rows;
  }

  /** A row read with its rowid, carrying it as ROW_ORDER. */
  const withRowOrder = (pick: Statement['pick']) => ([id, doc]: [number, string]): Row => {
    const row = pick ? pick(parseDoc(doc)) : parseDoc(doc);
    row[ROW_ORDER] = id;
    return row;
  };

  /** Rows carrying their rowid as ROW_ORDER (its projection names it): read past the cache. */
  const findWithRowOrder = (collection: string, query: FindQuery): Promise<Row[]> => {
    const { sql, params, pick } = findStatement(collection, query);
    return read(`find in ${collection}`, [], () => (prepare(sql).raw().all(...params) as [number, string][]).map(withRowOrder(pick)));
  };

  const find = async (collection: string, query: FindQuery, rows = query.limit): Promise<Row[]> => {
    if (query.limit === 0) return [];
    if (query.signal?.aborted) throw query.signal.reason;
    const withId = query.projection?.includes(ROW_ORDER) ?? false;
    if (isLarge(collection)) {
      const statement = findStatement(collection, query);
      if (onThread(walkOf(query.filter, query.limit, query.skip), statement)) {
        const what = `find in ${collection}`;
        return parseThreadRows(await readOnThread(what, [], statement, withId ? 'rows' : 'all', query), withId, statement.pick);
      }
    }
    if (withId) return findWithRowOrder(collection, query);
    return readRows(collection, query.projection, rows, (ids) => findStatement(collection, query, ids ? 'id' : undefined));
  };

  /** The rows of a statement that may return `rows` rows (undefined: any number); through the cache when it helps. */
  const readRows = async (collection: string, projection: string[] | undefined, rows: number | undefined, statement: (ids: boolean) => Statement, idsKey?: IdsKey): Promise<Row[]> => {
    if (docs !== undefined && rows !== undefined && rows > 1 && rows <= CACHED_READ_MAX_ROWS) return findCached(collection, projection, statement, idsKey);
    const { sql, params, pick } = statement(false);
    return read(`find in ${collection}`, [], () => {
      const docs = prepare(sql).pluck().all(...params) as string[];
      return pick
        ? docs.map((doc) => pick(parseDoc(doc)))
        : docs.map(parseDoc);
    });
  };

  /** Meter collections whose key index exists, and how many steps since their last sweep of expired rows. */
  const meters = new Map<string, number>();
  const METER_SWEEP_EVERY = 1000;

  async function meterStep(collection: string, step: MeterStep, options?: MeterOptions): Promise<MeterReading> {
    checkMeterStep(step);
    const steps = meters.get(collection); // undefined: the key index may not exist yet
    const reading = await write(`meter in ${collection}`, collection, () => {
      const t = table(collection);
      if (steps === undefined) db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${quoteId(indexName(collection, ['key']))} ON ${t} (${expr('key')})`);
      if ((steps ?? 0) % METER_SWEEP_EVERY === 0) prepare(`DELETE FROM ${t} WHERE ${expr('expiresAt')} <= ?`).run(step.now);
      const found = prepare(`SELECT id, doc FROM ${t} WHERE ${expr('key')} = ?`).get(step.key) as { id: number; doc: string } | undefined;
      const row = found ? (JSON.parse(found.doc) as { level: number; at: number; expiresAt: number }) : undefined;
      const live = row !== undefined && row.expiresAt > step.now;
      const drained = live ? Math.max(0, row.level - step.drainPerMs * Math.max(0, step.now - row.at)) : 0;
      const taken = step.amount <= 0 || drained + step.amount <= step.capacity;
      const level = taken ? Math.max(0, drained + step.amount) : drained;
      // A step from a clock behind the last one's never counts time twice.
      const at = live ? Math.max(row.at, step.now) : step.now;
      const doc = JSON.stringify({ key: step.key, level, at, expiresAt: Math.max(at, step.now) + step.ttlMs });
      if (found) prepare(`UPDATE ${t} SET doc = ? WHERE id = ?`).run(doc, found.id);
      else prepare(`INSERT INTO ${t} (doc) VALUES (?)`).run(doc);
      return { taken, level };
    }, Math.min(options?.waitMs ?? lockWaitMs, lockWaitMs));
    meters.set(collection, (steps ?? 0) + 1);
    return reading;
  }

  // Keys claimed once (port.ts, ClaimsOnce): a table of their own, keyed by space and key, not a
  // collection of JSON documents: one prepared statement a claim, in autocommit, without the write
  // transaction, change notice and document cache of a collection's insert (docs/benchmarks.md).
  // No index on the expiry: it cost each claim a second page written, and a prune deleting through it
  // took 40 ms for 12,000 rows of 30,000 where a scan takes 6 (about 2 ms when nothing has expired).
  let claimsReady = false;
  let claimsPruned = 0;
  const CLAIMS_PRUNE_MS = 10_000;
  async function claimOnce(space: string, key: string, expiresAt: number): Promise<boolean> {
    checkClaim(space, key, expiresAt);
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    const now = Date.now();
    try {
      return await whenUnlocked(`claimOnce in ${space}`, lockWaitMs, () => {
        if (!claimsReady) {
          db.exec(`CREATE TABLE IF NOT EXISTS ${CLAIMS} (space TEXT NOT NULL, key TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (space, key)) WITHOUT ROWID`);
          claimsReady = true;
        }
        if (now - claimsPruned > CLAIMS_PRUNE_MS) {
          prepare(`DELETE FROM ${CLAIMS} WHERE expires_at <= ?`).run(now);
          claimsPruned = now;
        }
        // A key whose claim expired is claimed again: the row's expiry moves on.
        const claim = prepare(`INSERT INTO ${CLAIMS} (space, key, expires_at) VALUES (?, ?, ?)
          ON CONFLICT (space, key) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= ?`);
        return claim.run(space, key, expiresAt, now).changes === 1;
      });
    } catch (error) {
      throw translate(error, `claimOnce in ${space}`);
    }
  }

  const store: Omit<SqliteStore, 'watch'> = {
    kind: 'sqlite',
    file,

    async find(collection, query) {
      return find(collection, query);
    },

    async count(collection, filter, options) {
      const signal = options?.signal;
      if (signal?.aborted) throw signal.reason;
      const where = compileFilter(filter);
      const sql = `SELECT count(*) FROM ${table(collection)} WHERE ${where.sql}`;
      const what = `count in ${collection}`;
      if (isLarge(collection) && onThread(walkOf(filter), { sql, params: where.params })) return readOnThread(what, 0, { sql, params: where.params }, 'value', options);
      return read(what, 0, () => prepare(sql).pluck().get(...where.params) as number);
    },

    async findByValues(collection, field, values, projection, options) {
      if (values.length === 0) return [];
      const signal = options?.signal;
      if (signal?.aborted) throw signal.reason;
      // As many rows as values on a unique field, the usual case (a page's links).
      if (values.some((v) => v === null || v === undefined) || projection?.includes(ROW_ORDER)) {
        return find(collection, { filter: { kind: 'in', field, values }, projection, signal }, values.length);
      }
      // Distinct as the store compares them (a decimal by its order key, true as 1); their JSON text is
      // made only when SQLite is read: the cache finds the ids by the values themselves (valuesKey).
      const params = values.map(param);
      const statement = (ids: boolean) => valuesStatement(collection, field, JSON.stringify([...new Set(params)]), projection, ids);
      if (isLarge(collection)) {
        // Through an index that is not unique, a value may find much of the collection.
        const read = statement(false);
        if (onThread(values.length > LOOKUP_VALUES_MAX ? 'any' : 'lookup', read)) {
          return parseThreadRows(await readOnThread(`find in ${collection}`, [], read, 'all', options), false, read.pick);
        }
      }
      return readRows(collection, projection, values.length, statement, valuesKey(field, params));
    },

    async insert(collection, rows) {
      if (rows.length === 0) return;
      const docs = rows.map((row, i) => stringifyRow(row, collection, i));
      await write(`insert into ${collection}`, collection, () => {
        const insert = prepare(`INSERT INTO ${table(collection)} (doc) VALUES (?)`);
        for (const doc of docs) insert.run(doc);
      });
    },

    async upsert(collection, key, rows): Promise<UpsertResult> {
      checkField(key);
      const docs = keyedDocs(collection, key, rows);
      if (rows.length === 0) return { inserted: 0, updated: 0 };
      return write(`upsert into ${collection}`, collection, () => upsertRows(db, collection, key, rows, docs, new Map(), true));
    },

    async upsertAll(collection, key, batches) {
      checkField(key);
      checkCollection(collection);
      if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
      const what = `import into ${collection}`;
      const conn = connect(file);
      conn.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
      const result = { inserted: 0, updated: 0 };
      let begun = false;
      let rebuild: string[] = []; // CREATE INDEX statements of the indexes dropped for the load
      let lookup = true; // false while loading into a collection that was empty: no row to replace
      const rowids = new Map<Param, number>();
      try {
        for await (const rows of batches) {
          const docs = keyedDocs(collection, key, rows);
          if (!begun) {
            await whenUnlocked(what, lockWaitMs, () => conn.exec('BEGIN IMMEDIATE'));
            begun = true;
            ensureTable(conn, collection);
            if (conn.prepare(`SELECT NOT EXISTS (SELECT 1 FROM ${table(collection)})`).pluck().get() === 1) {
              lookup = false;
              const indexes = conn
                .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
                .all(`c:${collection}`) as { name: string; sql: string }[];
              for (const index of indexes) conn.exec(`DROP INDEX ${quoteId(index.name)}`);
              rebuild = indexes.map((index) => index.sql);
            }
          }
          const counts = upsertRows(conn, collection, key, rows, docs, rowids, lookup);
          result.inserted += counts.inserted;
          result.updated += counts.updated;
        }
        if (begun) {
          for (const sql of rebuild) conn.exec(sql);
          conn.exec('COMMIT');
        }
        return result;
      } catch (error) {
        if (conn.inTransaction) conn.exec('ROLLBACK');
        throw translate(error, what);
      } finally {
        conn.close();
      }
    },

    async update(collection, filter, set) {
      const fields = Object.keys(set);
      if (fields.length === 0) return store.count(collection, filter);
      const where = compileFilter(filter);
      // Decimal fields set their keys here and their texts in `#decimals`; other fields drop any text they had.
      const params: Param[] = fields.map((f) => {
        const value = set[f] ?? null;
        return JSON.stringify(value instanceof Decimal ? value.orderKey : value);
      });
      let assigned = `json_set(doc, ${fields.map((f) => `'$.${checkField(f)}', json(?)`).join(', ')})`;
      if (fields.some((f) => set[f] instanceof Decimal)) {
        assigned = `json_set(${assigned}, ${DECIMALS_PATH}, json_patch(coalesce(doc -> ${DECIMALS_PATH}, '{}'), json(?)))`;
        params.push(JSON.stringify(Object.fromEntries(fields.map((f) => [f, set[f] instanceof Decimal ? set[f].text : null]))));
      } else {
        assigned = `json_remove(${assigned}, ${fields.map((f) => `'$."${DECIMALS}".${f}'`).join(', ')})`;
      }
      const sql = `UPDATE ${table(collection)} SET doc = ${assigned} WHERE ${where.sql}`;
      params.push(...where.params);
      return read(`update in ${collection}`, 0, () => {
        try {
          return prepare(sql).run(...params).changes;
        } finally {
          docs?.forget(collection);
        }
      });
    },

    async delete(collection, filter) {
      const where = compileFilter(filter);
      const sql = `DELETE FROM ${table(collection)} WHERE ${where.sql}`;
      return read(`delete in ${collection}`, 0, () => {
        try {
          return prepare(sql).run(...where.params).changes;
        } finally {
          docs?.forget(collection);
        }
      });
    },

    async compareJoined(left, right, sample) {
      checkCount('sample', sample);
      const [lt, rt] = [table(left.collection), table(right.collection)];
      const q = (alias: string, field: string) => `json_extract(${alias}.doc, '$.${checkField(field)}')`;
      const differs = `${q('l', left.field)} IS NOT ${q('r', right.field)}`;
      // A side with a filter is the subquery of its rows (SQLite flattens it, the join keeps the index).
      const side = (t: string, filter: Filter | undefined) => {
        if (filter === undefined) return { sql: t, params: [] as Param[] };
        const where = compileFilter(filter);
        return { sql: `(SELECT id, doc FROM ${t} WHERE ${where.sql})`, params: where.params };
      };
      const [ls, rs] = [side(lt, left.filter), side(rt, right.filter)];
      const params = [...ls.params, ...rs.params];
      const from = `FROM ${ls.sql} AS l JOIN ${rs.sql} AS r ON ${q('l', left.on)} = ${q('r', right.on)} WHERE ${q('l', left.on)} IS NOT NULL`;
      const what = `compare ${left.collection} with ${right.collection}`;
      const totalsSql = `SELECT count(*) AS compared, coalesce(sum(${differs}), 0) AS differing ${from}`;
      // In the order the left rows were stored (their first row's rowid), not key order: see JoinComparison.
      const keysSql = `SELECT k FROM (SELECT ${q('l', left.on)} AS k, min(l.id) AS o ${from} AND ${differs} GROUP BY k) ORDER BY o LIMIT ?`;
      // Decimal join values are order keys here: the texts of the sample, through the join field's index.
      const textsOf = (keys: Value[]): Value[] => {
        const texts = new Map<unknown, string>();
        if (keys.length > 0) {
          const sql = `SELECT ${expr(left.on)} AS k, json_extract(doc, '$."${DECIMALS}".${left.on}') AS t FROM ${lt} WHERE ${expr(left.on)} IN (SELECT value FROM json_each(?)) AND t IS NOT NULL`;
          for (const { k, t } of prepare(sql).all(JSON.stringify(keys)) as { k: unknown; t: string }[]) texts.set(k, t);
        }
        return keys.map((k) => (texts.has(k) ? Decimal.fromStored(texts.get(k)!) : k));
      };
      const none: JoinComparison = { compared: 0, differing: 0, sampleKeys: [] };
      if (isLarge(left.collection) || isLarge(right.collection)) {
        // Both joins walk every row of a side: on reader threads.
        const totals = (await readOnThread(what, [[0, 0]], { sql: totalsSql, params }, 'rows')) as [number, number][];
        const found = sample === 0 ? [] : await readOnThread<Value[] | PackedRows>(what, [], { sql: keysSql, params: [...params, sample] }, 'all');
        // 64 keys or more, all texts, come packed (sqlite-readers.ts): a sample of 80 failed with `keys.map is not a function`.
        const keys = found instanceof PackedRows ? Array.from({ length: found.length }, (_, i): Value => found.text(i)) : found;
        const [[compared, differing]] = totals;
        return { compared, differing, sampleKeys: await read(what, [], () => textsOf(keys)) };
      }
      return read(what, none, () => {
        const totals = prepare(totalsSql).get(...params) as { compared: number; differing: number };
        const keys = sample === 0 ? [] : (prepare(keysSql).pluck().all(...params, sample) as Value[]);
        return { compared: totals.compared, differing: totals.differing, sampleKeys: textsOf(keys) };
      });
    },

    async ensureIndex(collection, index) {
      if (index.fields.length === 0) throw new Error(`ensureIndex on ${collection}: an index needs fields`);
      const fields = index.fields.map(checkField);
      const unique = index.unique === true;
      const name = indexName(collection, fields);
      const existing = await read(`ensureIndex on ${collection}`, undefined, () =>
        prepare('SELECT is_unique FROM _govgraph_indexes WHERE collection = ? AND name = ?').pluck().get(collection, name),
      );
      if (existing !== undefined && (existing === 1) !== unique) {
        throw new Error(`ensureIndex on ${collection}: an index on ${fields.join(', ')} exists with unique=${existing === 1}`);
      }
      shortReads.clear(); // a read's plan may change with the index
      await write(`ensureIndex on ${collection}`, collection, () => {
        db.exec(
          `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteId(name)} ON ${table(collection)} (${fields.map(expr).join(', ')})`,
        );
        prepare('INSERT OR IGNORE INTO _govgraph_indexes (collection, name, fields, is_unique) VALUES (?, ?, ?, ?)').run(
          collection,
          name,
          JSON.stringify(fields),
          unique ? 1 : 0,
        );
      });
    },

    async listIndexes(collection) {
      const rows = (await read(`listIndexes on ${collection}`, [], () =>
        prepare('SELECT fields, is_unique FROM _govgraph_indexes WHERE collection = ? ORDER BY rowid').all(collection),
      )) as { fields: string; is_unique: number }[];
      return rows.map((r): IndexSpec => ({ fields: JSON.parse(r.fields) as string[], unique: r.is_unique === 1 }));
    },

    async dropCollection(collection) {
      try {
        await whenUnlocked(`dropCollection ${collection}`, lockWaitMs, () =>
          db.transaction(() => {
            docs?.forget(collection);
            shortReads.clear();
            sizes.delete(collection);
            db.exec(`DROP TABLE IF EXISTS ${table(collection)}`);
            prepare('DELETE FROM _govgraph_indexes WHERE collection = ?').run(collection);
          }).immediate(),
        );
      } catch (error) {
        throw translate(error, `dropCollection ${collection}`);
      }
    },

    async meter(collection, step, options) {
      return meterStep(collection, step, options);
    },

    claimOnce,

    async close() {
      await readers.close();
      statements.clear();
      if (db.open) db.close();
    },

    get threadReads() {
      return threadReads;
    },

    get readerLoad() {
      return readers.load;
    },

    explainFind(collection, query) {
      return planOf(findStatement(collection, query));
    },
  };
  return announceWrites(store);
}
