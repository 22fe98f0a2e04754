// The store port (SPEC §11): the narrow interface both adapters (SQLite embedded, MongoDB) implement.
// Records are flat documents of JSON scalars and decimals. Conventions every adapter keeps:
// - date items are 'YYYY-MM-DD' strings, datetime items ISO-8601 UTC strings ('...Z'), so that string
//   order is time order; booleans are true/false.
// - decimal items are `Decimal` values (src/formats/decimal.ts): a row read back carries the text that
//   was written ("450.10" stays "450.10"), and filters, sorts, indexes and `compareJoined` compare them
//   by value ("450.1" equals "450.10", "10.5" > "9.75"). MongoDB keeps them as Decimal128; the embedded
//   store as an order-preserving key beside the text (see sqlite/documents.ts). A field holds one type: a decimal
//   field written as numbers before must be imported again.
// - null and a missing field are the same thing; `eq: null` matches both; nulls sort first in ASC.
// - strings compare by code point (binary collation), as MongoDB does by default.
// - a field of mixed kinds (numbers an older version wrote where texts are now expected): sorts put null,
//   then numbers, then texts, on both adapters, and gt/gte/lt/lte follow that order across kinds (`gt: 5`
//   matches the texts too, `lt: "A"` the numbers too), so that a filter agrees with a sort and a cursor
//   pages from the numbers into the texts; eq, ne and in never equal values of two kinds (5 is not "5").
//   Not alike: booleans among other kinds (SQLite holds them as 1 and 0 among the numbers, and equal to
//   them; MongoDB after the texts) and decimals beside numbers or texts (MongoDB: Decimal128 among the
//   numbers, by value; SQLite: an order key among the texts); on each a range follows its own sort, and
//   startsWith/contains match texts only. docs/operations.md, "A field of mixed kinds".
// - the internal `_id` of an adapter never appears in returned rows, unless projected as ROW_ORDER.

import { Decimal } from '../formats/decimal.ts';

export type Value = string | number | boolean | null | Decimal;
export type Row = Record<string, Value>;

export type CompareOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

export type Filter =
  | { kind: 'and'; filters: Filter[] } // empty: matches everything
  | { kind: 'or'; filters: Filter[] } // empty: matches nothing
  | { kind: 'compare'; field: string; op: CompareOp; value: Value }
  | { kind: 'in'; field: string; values: Value[] }
  | { kind: 'startsWith'; field: string; value: string } // case-sensitive prefix
  | { kind: 'contains'; field: string; value: string }; // case-sensitive substring

/**
 * The adapter's own order of a collection's rows (SQLite's rowid, MongoDB's ObjectId): the order they were
 * stored in, unique, never null, and no item's. It may be a sort key, a projected field (a row then carries
 * it: a number on SQLite, a hex string on MongoDB, for a cursor only), the field of a compare filter (a
 * cursor's condition) and the last field of an index that is neither unique nor partial (so that a sort
 * ending with it walks the index: MongoDB's indexes hold `_id` only when named, SQLite's always end with
 * the rowid); nowhere else, and it is never written. Lists whose reader may not read the key are ordered
 * by a random place each record is given when written, then by it (resolvers/data/list.ts); `upsertAll`
 * (data import) also writes each batch's new rows in an order drawn at random, not the order given
 * (write-order.ts), for records stored before those places were.
 */
export const ROW_ORDER = '_id';

export interface SortKey {
  field: string;
  direction: 'asc' | 'desc';
}

/** A query of `find`, with how it may be stopped and whose it is (ReadOptions). */
export interface FindQuery extends ReadOptions {
  filter?: Filter;
  /** Fields to return; undefined returns every field. */
  projection?: string[];
  /**
   * Without a sort, rows come in the adapter's order: SQLite's is the stored order (its rowid), MongoDB
   * promises none (its natural order, "not guaranteed" by its documentation). A caller whose answer or
   * writes follow the order sorts, by ROW_ORDER for the stored order. Rows tied on every key of a sort
   * come in no promised order either: SQLite's happen to follow the scan (the rowid or the index), MongoDB's
   * "may be returned in any order" (its documentation, Sort Consistency), and may differ from one page to
   * the next, so that a page read by skip or by a cursor on a key that is not unique can repeat a row and
   * skip another. A sort whose pages or first rows matter ends with a unique key (keyset.ts, withKeyTieBreak).
   */
  sort?: SortKey[];
  /**
   * Of the rows matching that hold one value of this field, only the first in `sort` (then `limit` and
   * `skip`), chosen by the store: a link to an item that is not the key (resolvers/data/links.ts) reads
   * one record per value, not the thousands a shared value may hold.
   */
  firstOf?: string;
  limit?: number;
  skip?: number;
}

/**
 * How a read may be stopped: once `signal` aborts (its request was cancelled), a read not yet under way
 * is not started and one under way is no longer waited for (MongoDB's driver ends it; SQLite's reader
 * threads finish it and drop its answer); the read rejects with the signal's reason.
 */
export interface ReadOptions {
  signal?: AbortSignal;
  /**
   * Whose read it is (the requesting department). Where reads wait for the store's own workers (the
   * embedded store's reader threads), each owner's wait in turn with the others', so that one owner's many
   * long reads delay its own. MongoDB's server schedules its own work: the adapter leaves it aside.
   */
  owner?: string;
}

export interface IndexSpec {
  fields: string[];
  unique?: boolean;
  /**
   * The index holds only the rows in which every one of `fields` has a value (neither null nor missing):
   * a unique one is unique among those rows, and any number of rows without a value are stored beside
   * them, on both adapters (SQLite: a partial index `WHERE ... IS NOT NULL`; MongoDB: a
   * partialFilterExpression on the value's type, under a name of its own). For a key that rows written by an
   * older release lack (grants' givesKey, sharing requests' openKey: a rolling upgrade). A unique index that
   * is not partial is for required fields: SQLite takes several rows without the value, MongoDB one.
   * `listIndexes` says `partial: true` of such an index and leaves it out otherwise.
   */
  partial?: boolean;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
}

/**
 * How `upsertAll` matches a row with the stored one it replaces. `spellings(key)`: the key values that are
 * one key with the row's, its own included (an ID number's check character 'X' and 'x': both spellings).
 * A row replaces the stored row of its own value when there is one, else the first stored under another
 * spelling (that row keeps its place in the row order), and removes any other stored row of those
 * spellings, all in the import's one unit: readers (and a store opened after a kill -9) see every
 * spelling of the key replaced, or none. A row that replaces two stored rows counts as one updated.
 */
export interface UpsertAllOptions {
  spellings?: (key: Value) => Value[];
}

/** How `fillNulls` writes. */
export interface FillOptions {
  /** Rows a write fills at most; default FILL_PAGE. */
  pageSize?: number;
}

/**
 * Rows `fillNulls` fills in one write by default: 0.1 to 0.2 s of one transaction on the embedded store (measured
 * on a busy 2-core machine; other processes' writes wait that long at most), one bulk write of 10,000 small updates on MongoDB.
 */
export const FILL_PAGE = 10_000;

/** The rows a `fillNulls` write fills (options.pageSize, or FILL_PAGE), checked: a whole number above 0. */
export function fillPageSize(collection: string, options: FillOptions = {}): number {
  const pageSize = options.pageSize ?? FILL_PAGE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new Error(`fillNulls on ${collection}: pageSize must be a whole number above 0`);
  return pageSize;
}

/** A value `draw` gave `fillNulls`, checked: a finite number (NaN would be written as null, and filled again for ever). */
export function filledValue(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`fillNulls on ${field}: the value drawn is not a finite number`);
  return value;
}

/**
 * One atomic step of a meter (a leaky bucket): the row `key` of a meter collection holds a level that
 * drains at `drainPerMs` per millisecond and may not exceed `capacity`. A token bucket is a meter whose
 * level counts the tokens taken; a counter of a fixed window is a meter that does not drain, keyed by the
 * window. See Store.meter.
 */
export interface MeterStep {
  key: string;
  /** Units to add; a negative amount gives units back and is always taken. */
  amount: number;
  capacity: number;
  drainPerMs: number;
  /** The caller's clock, ms since the epoch (instances on one store keep their clocks in step: NTP). */
  now: number;
  /** The row may be removed this long after its last step; a row past it reads as empty (level 0). */
  ttlMs: number;
}

/** How one meter step may wait. */
export interface MeterOptions {
  /**
   * How long the step may wait for a write lock another process holds before it fails with
   * StoreUnavailableError; default the store's own bound (SQLite: 5 s). MongoDB takes no lock a step
   * waits for and ignores it.
   */
  waitMs?: number;
}

export interface MeterReading {
  /** True when the amount was added; false when it would have passed the capacity (nothing added). */
  taken: boolean;
  /** The level after the step (drained to `now`, plus the amount when taken). */
  level: number;
}

/** A meter step with numbers that make sense (both adapters refuse the same). */
export function checkMeterStep(step: MeterStep): void {
  if (typeof step.key !== 'string' || step.key.length === 0) throw new Error('meter: a step needs a key');
  for (const name of ['amount', 'capacity', 'drainPerMs', 'now', 'ttlMs'] as const) {
    if (typeof step[name] !== 'number' || !Number.isFinite(step[name])) throw new Error(`meter: ${name} must be a finite number`);
  }
  if (step.capacity < 0 || step.drainPerMs < 0 || step.ttlMs <= 0) throw new Error('meter: capacity and drainPerMs must be at least 0, ttlMs above 0');
}

/**
 * Raised by adapters on a unique-index violation (insert, upsert, update, import). `collection` and
 * `fields` name the index when the driver's error does (duplicateKey).
 */
export class DuplicateKeyError extends Error {
  constructor(
    message: string,
    readonly index: { collection?: string; fields?: string[] } = {},
  ) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

/**
 * A unique index's violation in the one wording of both adapters: what was done, the index's fields and
 * collection (as the driver's error names them), never the value. SQLite's said `UNIQUE constraint
 * failed: index 'ix:id@r_x'`, MongoDB's `duplicate key on the unique index on id`: an operator read two
 * messages for one refusal, and one named the adapter's private index name. The value stays out: it is a
 * record's (an ID number), and the message reaches the log (MongoDB's own quotes it: errors.ts).
 */
export function duplicateKey(what: string, index: { collection?: string; fields?: string[] }): DuplicateKeyError {
  const fields = index.fields?.length ? index.fields : undefined;
  const on = fields ? `the unique index on ${fields.join(', ')}` : 'a unique index';
  const of = index.collection ? ` of ${index.collection}` : '';
  const held = fields ? `another row holds the same ${fields.length > 1 ? `combination of ${fields.join(', ')}` : fields[0]}` : 'another row holds the same value';
  return new DuplicateKeyError(`${what}: duplicate key on ${on}${of}: ${held}`, { collection: index.collection, fields });
}

/**
 * A unique index that `ensureIndex` cannot make because rows stored already hold one value (of a partial
 * one: among the rows that have one) twice; both adapters raise it. Said in words, naming the collection
 * and the fields and never a value (a record's): a command prints it as it is, the gateway's log carries
 * it as `reason` (userFacing), rather than a DuplicateKeyError's stack an operator could take for a bug.
 */
export function uniqueIndexRefused(collection: string, fields: string[]): DuplicateKeyError {
  const values = fields.length > 1 ? `one combination of ${fields.join(', ')}` : `one ${fields[0]}`;
  const error = new DuplicateKeyError(
    `ensureIndex on ${collection}: the unique index on ${fields.join(', ')} cannot be made: rows stored already hold ${values} twice; find those rows and change or remove one of each pair, then try again`,
  );
  return Object.assign(error, { userFacing: true as const });
}

/** Raised by adapters when the database cannot be reached or fails. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * One side of a compared join: a collection, the field it is joined on, the field compared, and the rows
 * that take part (`filter`; all when left out): a department's row scope, so that the figures and the
 * sample count only the records it sees.
 */
export interface JoinSide {
  collection: string;
  on: string;
  field: string;
  filter?: Filter;
  /**
   * How `field`'s values are compared with the other side's when the two hold different types of one
   * kind (absent: as stored): `number`, as a double, a decimal by its value (the decimal "2.50" and the
   * float 2.5 or the int 2 against "2.00" are one value); `day`, a datetime by its date on the platform's
   * calendar (UTC+08:00, as every date of the platform), to be compared with a date ("1980-01-01T16:00:00Z"
   * is 1980-01-02). Each adapter converts in the store, so both compare alike.
   */
  compareAs?: JoinComparedAs;
  /**
   * The left side's field ordering the sample (a record's place drawn at random, RECORD_ORDER_FIELD in
   * model/catalogue.ts), then ROW_ORDER: JoinComparison.sampleKeys. Ignored on the right side.
   */
  sampleOrder?: string;
}

export type JoinComparedAs = 'number' | 'day';

/** What `compareJoined` finds: pairs joined, pairs whose fields differ, and the first keys that differ. */
export interface JoinComparison {
  compared: number;
  differing: number;
  /**
   * The left side's join values of differing pairs, at most `sample`, by the smallest `left.sampleOrder`
   * of each value's rows (null first), then the smallest ROW_ORDER (the order they were stored in), not in
   * key order: they are shown masked, and key order would tell the hidden characters (an ID number's birth
   * date), as a list's order would (SPEC §5); nor would the row order alone do, being the order of the
   * writes (a provider's file sorted by ID number, imported batch after batch).
   */
  sampleKeys: Value[];
}

/**
 * A row an update writes beside its own changes, so that other processes keeping what they read of the
 * updated collection learn of the change by reading one row (grant revocations, src/access/grant-cache.ts):
 * when the update matched a row, the row of `collection` whose `key` field holds `key` is given `value`
 * (inserted when there is none). Written in the update's transaction: on SQLite always, on MongoDB when the
 * deployment runs transactions; on a standalone MongoDB server after the update, the update undone when it
 * fails, so that a call that returned wrote both. Give the field `key` a unique index.
 */
export interface UpdateMark {
  collection: string;
  key: string;
  /** A value the row has never held (a random id): readers compare it with the one they saw. */
  value: string;
}

export interface Store extends ClaimsOnce {
  readonly kind: 'sqlite' | 'mongodb';
  /**
   * What an operator must know of the store's deployment, said (not refused) when a gateway starts: a
   * MongoDB standalone server, which runs no transactions (mongo/connection.ts, standaloneWarning).
   */
  readonly warning?: string;
  find(collection: string, query: FindQuery): Promise<Row[]>;
  count(collection: string, filter?: Filter, options?: ReadOptions): Promise<number>;
  /** Rows whose `field` is one of `values` (any order, missing values simply absent). */
  findByValues(collection: string, field: string, values: Value[], projection?: string[], options?: ReadOptions): Promise<Row[]>;
  /** Inserts rows; all-or-nothing; DuplicateKeyError on a unique-index violation. */
  insert(collection: string, rows: Row[]): Promise<void>;
  /** Inserts or replaces rows by `key`, all-or-nothing (one transaction). */
  upsert(collection: string, key: string, rows: Row[]): Promise<UpsertResult>;
  /**
   * Upserts every row of every batch by `key` as one unit, also against a crash (kill -9 at any moment):
   * readers see all the rows or none of them, and the store opens either way. When iterating `batches`
   * throws, nothing is written and the error is rethrown. A key repeated across batches: the last row wins.
   * Meant for data import: one at a time per collection (on SQLite a second waits for the first; on
   * MongoDB the first, unless it has ended, fails having written nothing). The new rows of each batch are
   * written in an order drawn at random (their ROW_ORDER follows no order of the caller's); rows replaced
   * keep theirs. With `options.spellings`, a row also replaces the rows stored under its key's other
   * spellings (UpsertAllOptions), in the same unit.
   */
  upsertAll(collection: string, key: string, batches: AsyncIterable<Row[]>, options?: UpsertAllOptions): Promise<UpsertResult>;
  /**
   * Sets fields on every row matching `filter`, all-or-nothing (a unique violation on any row changes none); returns how many matched.
   * With `mark`, when a row matched, the mark's row is written in the same transaction (UpdateMark); an
   * update that sets no field writes nothing, the mark neither.
   */
  update(collection: string, filter: Filter, set: Row, mark?: UpdateMark): Promise<number>;
  /** Deletes every row matching `filter`; returns how many. */
  delete(collection: string, filter: Filter): Promise<number>;
  /**
   * Gives `field` a value of `draw()` (called once a row) in every row of `collection` where it is null or
   * missing; returns how many rows it gave one. For a field rows written by an older release lack (a
   * record's place in a masked key's list, RECORD_ORDER_FIELD in model/catalogue.ts). Written in pages of
   * `pageSize` rows (default FILL_PAGE), each page one write: on SQLite one immediate transaction running
   * one prepared statement a row, on MongoDB one unordered bulk write. A row's value is written only while
   * the field is still null: a row another process filled meanwhile (two processes filling at once) keeps
   * that value and is not counted here. A call cut short (kill -9, a failure) leaves the pages it wrote;
   * the next call fills the rest. Reads through an index that starts with `field` when there is one; a
   * collection with nothing to fill costs one read, and no write lock.
   */
  fillNulls(collection: string, field: string, draw: () => number, options?: FillOptions): Promise<number>;
  /**
   * Joins two collections on `left.on = right.on` (rows whose join value is null take no part) and
   * compares `left.field` with `right.field` in each pair, null and missing being one value. Runs in the
   * store, streaming: neither collection is loaded into memory. Index the join fields first. `options`
   * as a data read's: its signal stops the join (one waiting for a reader thread, or under way on
   * MongoDB), its owner waits in turn with other departments' reads for the reader threads.
   */
  compareJoined(left: JoinSide, right: JoinSide, sample: number, options?: ReadOptions): Promise<JoinComparison>;
  /**
   * The join values, distinct, that `compareJoined(left, right)` leaves out for their letter case alone:
   * texts of one side (of the rows its filter keeps) that no row of the other side holds as they are
   * written, while some row of the other side holds them in other ASCII letter case, itself without a
   * partner as written (an ID number ending in `x` on one side, in `X` on the other). `compareAs`,
   * `field` and the sample play no part. Runs in the store, streaming, as compareJoined does.
   */
  caseOnlyKeys(left: JoinSide, right: JoinSide, options?: ReadOptions): Promise<number>;
  ensureIndex(collection: string, index: IndexSpec): Promise<void>;
  listIndexes(collection: string): Promise<IndexSpec[]>;
  dropCollection(collection: string): Promise<void>;
  /**
   * Atomically, for the row `step.key` of `collection`: drains its level to `step.now`
   * (level - drainPerMs × (now - last step), at least 0; an absent or expired row is 0), then adds
   * `step.amount` if the result stays within `step.capacity` (or the amount is negative; the level never
   * goes below 0), and records the level, `now` and the expiry. Concurrent steps on one key, from any
   * number of processes on one store, behave as if run one after the other. Rows have the fields
   * `key`, `level`, `at` and `expiresAt` (ms since the epoch); a meter collection holds nothing else.
   * On MongoDB `expiresAt` is a Date (its TTL index removes rows by it: a `find` returns it as a Date, and
   * a filter comparing it with a number matches nothing) and a row also keeps `taken`, its last step's
   * answer: read rows by `key` and `level` only, as the quota figures do (limits/probes.ts).
   */
  meter(collection: string, step: MeterStep, options?: MeterOptions): Promise<MeterReading>;
  /**
   * Calls `listener` with the collection's name after every write through this connection (in this
   * process only; writes of other processes are not announced). Returns the function that stops it.
   */
  watch(listener: (collection: string) => void): () => void;
  close(): Promise<void>;
}


/**
 * A value as a Map or cache key that is the same for values the store finds equal: a decimal by its
 * value ("450.1" and "450.10" are one key; a `Decimal` object itself would be compared by identity).
 */
export function valueKey(value: Value): string | number | boolean | null {
  return value instanceof Decimal ? `\u0000decimal:${value.orderKey}` : value;
}

/** Two stored values are the same as the store compares them: decimals by value ("450.1" = "450.10"). */
export const sameValue = (a: Value | undefined, b: Value | undefined): boolean => valueKey(a ?? null) === valueKey(b ?? null);

/**
 * A filter's value, checked: a Value (a string for startsWith and contains). Both adapters refuse the same:
 * an object or array (a row written by hand read back and compared again) was taken by SQLite's driver for
 * named parameters (a raw RangeError) and matched by MongoDB as an embedded document. Never quoted: it may
 * be a record's.
 */
export function filterValue<T extends Value>(field: string, value: T, text = false): T {
  const ok = text
    ? typeof value === 'string'
    : value === null || value === undefined || value instanceof Decimal || ['string', 'number', 'boolean'].includes(typeof value); // undefined: null
  if (!ok) {
    const kind = Array.isArray(value) ? 'an array' : value === undefined ? 'undefined' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    throw new Error(`filter on ${field}: ${kind} is not ${text ? 'text' : 'a value the store compares (text, number, boolean, decimal or null)'}`);
  }
  return value;
}

export const and = (...filters: Filter[]): Filter => ({ kind: 'and', filters });
export const or = (...filters: Filter[]): Filter => ({ kind: 'or', filters });
export const eq = (field: string, value: Value): Filter => ({ kind: 'compare', field, op: 'eq', value });

/**
 * Keys claimed once (a forwarded token's `jti`, SPEC §12): `Store.claimOnce(space, key, expiresAt)` is
 * true when `key` was not claimed in `space`, or its claim expired (`expiresAt` is ms since the epoch,
 * compared with the store's process clock), false when a live claim holds it, from this process or any
 * other on the same store. Expired claims are pruned by the adapter. One narrow write, not a collection's:
 * no change notice, no document cache, no index of the caller's (docs/benchmarks.md, "Connected platforms").
 */
export interface ClaimsOnce {
  claimOnce(space: string, key: string, expiresAt: number): Promise<boolean>;
}

/** A claim that makes sense (both adapters refuse the same). */
export function checkClaim(space: string, key: string, expiresAt: number): void {
  if (typeof space !== 'string' || space.length === 0 || typeof key !== 'string' || key.length === 0) throw new Error('claimOnce: a claim needs a space and a key');
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw new Error('claimOnce: expiresAt must be a finite number');
}
