// The store's format (SPEC §15, docs/operations.md "Upgrading"). A release brings an older store up to its
// layout by itself, but nothing told a release that the store was newer than it: an older govgraph put back
// after an upgrade (a rollback, an old build left on one host) opened a store a newer release had changed
// and read or wrote it as its own. The store now records its format, one row of `_settings` (key
// `store-format`: the format number and the release that recorded it), and a release refuses a store of a
// newer format than it knows, naming both, before it writes anything. The number goes up only when a
// release changes the store so that an older one would misread or miswrite it; what a release merely adds
// (a field filled in when first needed, an index) keeps the format, so a rolling upgrade goes on.
import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.ts';
import { DuplicateKeyError, StoreUnavailableError, and, eq, type Store } from './port.ts';

/** The format this release reads and writes. Stores recorded before formats were recorded are format 1. */
export const STORE_FORMAT = 1;

/** The `_settings` row of the format (the collection of the platform secret and the store's platform). */
export const SETTINGS = '_settings';
export const STORE_FORMAT_KEY = 'store-format';

export interface RecordedFormat {
  format: number;
  release: string;
}

/** This release's version (package.json), as `govgraph --version` prints it. */
export function releaseVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/** The format the store records, or null when it records none (a store made before formats were recorded, or a new one). */
export async function recordedFormat(store: Store): Promise<RecordedFormat | null> {
  return parsedFormat(await recordedValue(store));
}

/**
 * The format row's value, null when there is none. A value that is no text (a number, an object: not what
 * this release writes) is read as its JSON, so that it is refused as a format this release cannot tell: read
 * as no row, the store was used as one that recorded none (this release's insert refused by the key's unique
 * index, the row read again as none).
 */
async function recordedValue(store: Store): Promise<string | null> {
  const [row] = await store.find(SETTINGS, { filter: eq('key', STORE_FORMAT_KEY), limit: 1 });
  return row ? valueText(row.value) : null;
}

const valueText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

/**
 * Why this release must not use a store whose format row holds `value` (the row's `value` as stored), or
 * null. For an adapter that reads the row itself before its own layout steps (sqlite/database.ts): those
 * steps would alter a newer release's store before checkStoreFormat refused it.
 */
export function storedFormatProblem(value: unknown, where: string): string | null {
  return newerFormatProblem(parsedFormat(valueText(value)), where);
}

function parsedFormat(value: string | null): RecordedFormat | null {
  if (value === null) return null;
  try {
    const v = JSON.parse(value) as Partial<RecordedFormat>;
    // A value that is not a format at all is taken as newer: this release cannot tell what wrote it.
    return { format: Number.isSafeInteger(v.format) ? v.format! : Number.MAX_SAFE_INTEGER, release: typeof v.release === 'string' ? v.release : 'unknown' };
  } catch {
    return { format: Number.MAX_SAFE_INTEGER, release: 'unknown' };
  }
}

/** Why this release must not use a store of format `recorded`, or null. */
export function newerFormatProblem(recorded: RecordedFormat | null, where: string): string | null {
  if (!recorded || recorded.format <= STORE_FORMAT) return null;
  const format = recorded.format === Number.MAX_SAFE_INTEGER ? 'an unknown format' : `format ${recorded.format}`;
  return (
    `${where} is a store of ${format}, recorded by govgraph ${recorded.release}, newer than this govgraph ${releaseVersion()} ` +
    `reads (format ${STORE_FORMAT}); nothing was written to it. Run the govgraph release that recorded it (or a newer one), ` +
    'or restore the backup taken before the upgrade (docs/operations.md, Upgrading)'
  );
}

/**
 * Refuses (StoreUnavailableError) a store of a newer format than this release's, else records this
 * release's format when the store records none or an older one. Called once the store is open, before a
 * command reads or writes anything else.
 */
export async function checkStoreFormat(store: Store, where: string): Promise<void> {
  const raw = await recordedValue(store);
  const recorded = parsedFormat(raw);
  const problem = newerFormatProblem(recorded, where);
  if (problem) throw new StoreUnavailableError(problem);
  if (recorded && recorded.format === STORE_FORMAT) return;
  try {
    await recordFormat(store, where, raw, recorded);
  } catch (error) {
    // The store locked by another process (a long import, a backup) or not writable now: this release reads
    // the store as it is (no newer format is recorded), and the next command records it. Refusing here kept
    // a gateway from starting on a store another process held, as nothing else at its start does
    // (test/checkpoint-locked.test.ts).
    if (!(error instanceof StoreUnavailableError) || newerFormatProblem(await recordedFormat(store).catch(() => null), where)) throw error;
  }
}

/** Records this release's format over `raw` (an older one) or where none is recorded. */
async function recordFormat(store: Store, where: string, raw: string | null, recorded: RecordedFormat | null): Promise<void> {
  const value = JSON.stringify({ format: STORE_FORMAT, release: releaseVersion() });
  if (recorded) {
    // Only a lower format is raised: a release that recorded a newer one meanwhile is not written over.
    await store.update(SETTINGS, and(eq('key', STORE_FORMAT_KEY), eq('value', raw!)), { value });
    return;
  }
  await store.ensureIndex(SETTINGS, { fields: ['key'], unique: true });
  try {
    await store.insert(SETTINGS, [{ key: STORE_FORMAT_KEY, value }]);
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
    // Another process recorded it first (or a row is there that could not be read as one): its format is
    // checked as this one's would have been.
    const problem = newerFormatProblem(await recordedFormat(store), where);
    if (problem) throw new StoreUnavailableError(problem);
  }
}
