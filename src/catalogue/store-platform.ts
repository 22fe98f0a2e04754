// The platform a store belongs to (SPEC §3, §11, §15). A store kept nothing of its platform: an operator
// with two platforms on one machine who gave one's platform file with the other's store (`--platform` of
// one and `--data` or MONGODB_URI of the other, GOVGRAPH_PLATFORM left from yesterday) had catalogues
// validated against the wrong departments, grants added for departments the store's platform does not
// have, and, where the department codes matched, the schema served under the other province's name.
//
// The store records its platform's region code (the administrative division code: the platform's
// identity) and name, one row of `_settings` (key `platform`), made by the first `catalogue import` or
// `serve` (`serve --demo` included). Every command that reads the platform file with the store compares
// the two and refuses a file of another region, naming both. Anything else in the file may change (a
// department added or removed, the competent department, purposes, the name): the checks of what the
// store holds against the file (published providers, grants) say what such an edit breaks. A region code
// that really changed is recorded with `govgraph platform adopt` (docs/operations.md).
import { DuplicateKeyError, eq, type Store } from '../store/port.ts';
import { SETTINGS } from '../identity/secret.ts';
import type { Platform } from '../model/platform.ts';
import { publishedCatalogues } from './repository/versions.ts';

export const STORE_PLATFORM_KEY = 'platform';

export interface StorePlatform {
  region: string;
  name: string;
}

function parsed(value: unknown): StorePlatform | null {
  if (typeof value !== 'string') return null;
  try {
    const v = JSON.parse(value) as Partial<StorePlatform>;
    return typeof v.region === 'string' && typeof v.name === 'string' ? { region: v.region, name: v.name } : null;
  } catch {
    return null;
  }
}

const recordOf = (platform: Platform): StorePlatform => ({ region: platform.platform.region, name: platform.platform.name });

/** The platform the store records, or null for a store made before stores recorded it. */
export async function storePlatform(store: Store): Promise<StorePlatform | null> {
  const rows = await store.find(SETTINGS, { filter: eq('key', STORE_PLATFORM_KEY), limit: 1 });
  return rows.length ? parsed(rows[0].value) : null;
}

/**
 * Why `platform` (read from `file`, as the message names it) is not the store's, or null: its region code
 * differs from the one the store records. A store that records none accepts any.
 */
export function platformMismatch(recorded: StorePlatform | null, platform: Platform, file: string): string | null {
  if (!recorded || recorded.region === platform.platform.region) return null;
  return (
    `the platform file ${file} is of region ${platform.platform.region} (${platform.platform.name}), ` +
    `but this store belongs to the platform of region ${recorded.region} (${recorded.name}); nothing was done. ` +
    `Name that platform's file (--platform FILE, env GOVGRAPH_PLATFORM) or this platform's store (--data DIR, env GOVGRAPH_DATA_DIR, or --mongodb-uri URI); ` +
    `if the region code itself changed, record it with govgraph platform adopt (docs/operations.md)`
  );
}

/**
 * Records `platform` as the store's when it records none yet, and its name when only the name changed
 * (a rename is the operator's edit). Never changes the region: a file of another region is refused before
 * anything is written (platformMismatch); `adoptStorePlatform` records a changed one. Returns the platform
 * the store records after it (null: none), for the caller to compare: two gateways started at once on a
 * store recording none, with two regions' files, both passed the check at their open, and the one whose
 * write came second served the other region's store (its DuplicateKeyError was taken as agreement).
 */
export async function recordStorePlatform(store: Store, platform: Platform): Promise<StorePlatform | null> {
  const want = recordOf(platform);
  const had = await storePlatform(store);
  if (had && had.region !== want.region) return had;
  if (had) {
    if (had.name !== want.name) await store.update(SETTINGS, eq('key', STORE_PLATFORM_KEY), { value: JSON.stringify(want) });
    return want;
  }
  // A store made before stores recorded their platform records the first file it is used with, unless its
  // published catalogues show it is not that file's: a mixed-up `catalogue import` into such a store must
  // not make the wrong platform its own (the right file's next import or serve records that one).
  const departments = new Set(platform.departments.map((d) => d.code));
  if ((await publishedCatalogues(store)).some((c) => c.resources.some((r) => !departments.has(r.provider)))) return null;
  await store.ensureIndex(SETTINGS, { fields: ['key'], unique: true });
  try {
    await store.insert(SETTINGS, [{ key: STORE_PLATFORM_KEY, value: JSON.stringify(want) }]);
    return want;
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
    return storePlatform(store); // another process recorded it first: its region, which may not be this one
  }
}

/** Records `platform` as the store's whatever it recorded before; returns what it recorded before. */
export async function adoptStorePlatform(store: Store, platform: Platform): Promise<StorePlatform | null> {
  const had = await storePlatform(store);
  await store.ensureIndex(SETTINGS, { fields: ['key'], unique: true });
  await store.upsert(SETTINGS, 'key', [{ key: STORE_PLATFORM_KEY, value: JSON.stringify(recordOf(platform)) }]);
  return had;
}
