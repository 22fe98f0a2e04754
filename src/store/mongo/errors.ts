// The driver's errors as the port's (store.ts): a duplicate key as DuplicateKeyError naming the index in
// the words of both adapters (port.ts, duplicateKey), never the value; any other driver error as StoreUnavailableError.

import { MongoError } from 'mongodb';
import { duplicateKey, StoreUnavailableError } from '../port.ts';
import { stagedCollection } from './staging.ts';

/** Whether a driver error is a duplicate key (code 11000), of the operation or of one of its writes. */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.code === 11000) return true;
  const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
  return Array.isArray(writeErrors) && writeErrors.some((e) => e.code === 11000);
}

/**
 * The unique index a duplicate-key error names: its fields (`keyPattern`, or else read from the index's
 * name, `idNo_1`, `givesKey_1_partial`) and its collection (`collection: DB.NAME` in the server's message).
 * Never the server's message itself: it quotes the value (`dup key: { id: "..." }`), a record's, which
 * would reach the log or the terminal; SQLite's names only the index. A data import writes into a staging
 * collection (`r_x.importing.<id>`, import.ts), which the server names: the collection imported into is
 * named instead, as SQLite names it (its import writes into the collection's own table).
 */
export function duplicateIndex(error: unknown): { collection?: string; fields?: string[] } {
  const writeErrors = (error as { writeErrors?: { code?: number; errmsg?: unknown; err?: { keyPattern?: unknown; errmsg?: unknown } }[] }).writeErrors;
  const firstError = Array.isArray(writeErrors) ? writeErrors.find((e) => e.code === 11000) : undefined;
  const first = firstError?.err;
  const message = String(first?.errmsg ?? firstError?.errmsg ?? (error as Error).message ?? '');
  const keyPattern = (error as { keyPattern?: unknown }).keyPattern ?? first?.keyPattern;
  let fields: string[] | undefined;
  if (keyPattern !== null && typeof keyPattern === 'object' && Object.keys(keyPattern).length > 0) fields = Object.keys(keyPattern);
  else {
    const name = /\bindex: (\S+) dup key/.exec(message)?.[1];
    fields = name?.replace(/_partial$/, '').split(/_-?1(?:_|$)/).filter((f) => f.length > 0);
  }
  const named = /\bcollection: [^.\s]+\.(\S+) index:/.exec(message)?.[1];
  const collection = named === undefined ? undefined : stagedCollection(named);
  return { collection, fields: fields?.length ? fields : undefined };
}

/** Duplicate keys become DuplicateKeyError, other driver errors StoreUnavailableError. */
export function translate(error: unknown, what: string): unknown {
  if (isDuplicateKey(error)) return duplicateKey(what, duplicateIndex(error));
  if (error instanceof MongoError) {
    return new StoreUnavailableError(`${what}: MongoDB failed: ${error.message}`, { cause: error });
  }
  return error;
}
