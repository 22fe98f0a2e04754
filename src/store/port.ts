// The store port (SPEC §11): the narrow interface both adapters (SQLite embedded, MongoDB) implement.
// Records are flat documents of JSON scalars. Conventions every adapter keeps:
// - date items are 'YYYY-MM-DD' strings, datetime items ISO-8601 UTC strings ('...Z'), so that string
//   order is time order; decimal items are numbers; booleans are true/false.
// - null and a missing field are the same thing; `eq: null` matches both; nulls sort first in ASC.
// - strings compare by code point (binary collation), as MongoDB does by default.
// - the internal `_id` of an adapter never appears in returned rows.

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

export type CompareOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

export type Filter =
  | { kind: 'and'; filters: Filter[] } // empty: matches everything
  | { kind: 'or'; filters: Filter[] } // empty: matches nothing
  | { kind: 'compare'; field: string; op: CompareOp; value: Value }
  | { kind: 'in'; field: string; values: Value[] }
  | { kind: 'startsWith'; field: string; value: string } // case-sensitive prefix
  | { kind: 'contains'; field: string; value: string }; // case-sensitive substring

export interface SortKey {
  field: string;
  direction: 'asc' | 'desc';
}

export interface FindQuery {
  filter?: Filter;
  /** Fields to return; undefined returns every field. */
  projection?: string[];
  sort?: SortKey[];
  limit?: number;
  skip?: number;
}

export interface IndexSpec {
  fields: string[];
  unique?: boolean;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
}

/** Raised by adapters on a unique-index violation in `insert`. */
export class DuplicateKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

/** Raised by adapters when the database cannot be reached or fails. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface Store {
  readonly kind: 'sqlite' | 'mongodb';
  find(collection: string, query: FindQuery): Promise<Row[]>;
  count(collection: string, filter?: Filter): Promise<number>;
  /** Rows whose `field` is one of `values` (any order, missing values simply absent). */
  findByValues(collection: string, field: string, values: Value[], projection?: string[]): Promise<Row[]>;
  /** Inserts rows; all-or-nothing; DuplicateKeyError on a unique-index violation. */
  insert(collection: string, rows: Row[]): Promise<void>;
  /** Inserts or replaces rows by `key`, all-or-nothing (one transaction). */
  upsert(collection: string, key: string, rows: Row[]): Promise<UpsertResult>;
  /**
   * Upserts every row of every batch by `key` as one unit, also against a crash (kill -9 at any moment):
   * readers see all the rows or none of them, and the store opens either way. When iterating `batches`
   * throws, nothing is written and the error is rethrown. A key repeated across batches: the last row wins.
   * Meant for data import: one at a time per collection (on MongoDB the last of two concurrent ones wins).
   */
  upsertAll(collection: string, key: string, batches: AsyncIterable<Row[]>): Promise<UpsertResult>;
  /** Sets fields on every row matching `filter`; returns how many matched. */
  update(collection: string, filter: Filter, set: Row): Promise<number>;
  /** Deletes every row matching `filter`; returns how many. */
  delete(collection: string, filter: Filter): Promise<number>;
  ensureIndex(collection: string, index: IndexSpec): Promise<void>;
  listIndexes(collection: string): Promise<IndexSpec[]>;
  dropCollection(collection: string): Promise<void>;
  close(): Promise<void>;
}

export const and = (...filters: Filter[]): Filter => ({ kind: 'and', filters });
export const or = (...filters: Filter[]): Filter => ({ kind: 'or', filters });
export const eq = (field: string, value: Value): Filter => ({ kind: 'compare', field, op: 'eq', value });
