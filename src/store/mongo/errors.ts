// The driver's errors as the port's (store.ts): a duplicate key as DuplicateKeyError naming the index,
// never the value; any other driver error as StoreUnavailableError.

import { MongoError } from 'mongodb';
import { DuplicateKeyError, StoreUnavailableError } from '../port.ts';

/** Whether a driver error is a duplicate key (code 11000), of the operation or of one of its writes. */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.code === 11000) return true;
  const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
  return Array.isArray(writeErrors) && writeErrors.some((e) => e.code === 11000);
}

/**
 * The unique index a duplicate-key error names, by its fields (`keyPattern`) or else its name. Never the
 * server's message: it quotes the value (`dup key: { id: "..." }`), a record's, which would reach the
 * log or the terminal; SQLite's names only the index.
 */
function duplicateIndex(error: unknown): string {
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { keyPattern?: unknown; errmsg?: unknown } }[] }).writeErrors;
  const first = Array.isArray(writeErrors) ? writeErrors.find((e) => e.code === 11000)?.err : undefined;
  const keyPattern = (error as { keyPattern?: unknown }).keyPattern ?? first?.keyPattern;
  if (keyPattern !== null && typeof keyPattern === 'object' && Object.keys(keyPattern).length > 0) return `the unique index on ${Object.keys(keyPattern).join(', ')}`;
  const name = /\bindex: (\S+) dup key/.exec(String(first?.errmsg ?? (error as Error).message ?? ''))?.[1];
  return name === undefined ? 'a unique index' : `the unique index ${name}`;
}

/** Duplicate keys become DuplicateKeyError, other driver errors StoreUnavailableError. */
export function translate(error: unknown, what: string): unknown {
  if (isDuplicateKey(error)) return new DuplicateKeyError(`${what}: duplicate key on ${duplicateIndex(error)}`);
  if (error instanceof MongoError) {
    return new StoreUnavailableError(`${what}: MongoDB failed: ${error.message}`, { cause: error });
  }
  return error;
}
