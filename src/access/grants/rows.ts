// Grants as stored in `_grants` (SPEC §9, §11): flat scalars, `items`, `purposes` and `unmasked` kept as
// JSON arrays in strings (only this file knows it); the key of what a grant gives, the indexes.
import { createHash } from 'node:crypto';
import { codeKey } from '../../catalogue/codes.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { catalogueVersions } from '../../catalogue/repository/versions.ts';
import { and, eq, type Row, type Store } from '../../store/port.ts';
import type { Grant } from '../grant-model.ts';
import { text, strings } from '../../store/row-values.ts';

export const GRANTS = '_grants';

/**
 * The latest revocation's mark (SPEC §9: a revocation ends a grant at once on every instance): one row,
 * `{ key: 'latest', value }`, given a new random value in the transaction of each revocation
 * (revoking.ts). A gateway keeping a department's grants reads it once per request that uses them
 * (src/access/grant-cache.ts) and reads the grants again when it moved.
 */
export const GRANT_REVOCATIONS = '_grant_revocations';
export const LATEST_REVOCATION = 'latest';
export const REVOCATION_INDEX = { fields: ['key'], unique: true };


/**
 * What an operator's grant in force gives, as one value the store holds unique (`givesKey`): two `grant add`
 * of the same grant at once (two processes) both found none stored (sameGrantStored) and both stored one;
 * the unique index lets one in and the other gets DuplicateKeyError. The lists as sets, and the catalogue
 * version decided on: a grant decided on an earlier version may cover less (item-since.ts), and the same
 * grant made now is another. Only `grant add` stores it (storeGrant's `alone`); a revoked grant, an
 * approval's (a request's decision, kept whatever the operator added), one stored otherwise and one
 * stored before the key existed hold their own id instead: never a clash.
 */
function givesKey(g: Grant): string {
  if (g.revokedAt !== null || g.requestId !== null) return ownKey(g.id);
  const set = (xs: readonly string[] | null | undefined) => (xs == null ? null : [...new Set(xs)].sort());
  const what = [g.requester, g.resource, set(g.items), set(g.purposes), set(g.unmasked), set(g.rows), g.until, g.decidedOnCatalogue ?? null, g.decidedOnVersion ?? null];
  return `gives:${createHash('sha256').update(JSON.stringify(what)).digest('hex')}`;
}

export const ownKey = (id: string) => `grant:${id}`;

/** `alone`: the row holds what it gives as its key (givesKey), else its own id. */
export function toRow(g: Grant, alone = false): Row {
  return {
    ...g,
    givesKey: alone ? givesKey(g) : ownKey(g.id),
    items: JSON.stringify(g.items),
    purposes: JSON.stringify(g.purposes),
    unmasked: JSON.stringify(g.unmasked),
    rows: g.rows == null ? null : JSON.stringify(g.rows),
  };
}


export function fromRow(r: Row): Grant {
  return {
    id: String(r.id),
    requester: String(r.requester),
    resource: String(r.resource),
    items: strings(r.items),
    purposes: strings(r.purposes),
    unmasked: strings(r.unmasked),
    rows: r.rows == null ? null : strings(r.rows),
    from: String(r.from),
    until: text(r.until),
    revokedAt: text(r.revokedAt),
    revokedBy: text(r.revokedBy),
    createdAt: String(r.createdAt),
    createdBy: String(r.createdBy),
    requestId: text(r.requestId),
    // Absent from a row stored before grants recorded their decision (item-since.ts reads its time instead).
    decidedOnCatalogue: text(r.decidedOnCatalogue),
    decidedOnVersion: r.decidedOnVersion == null ? null : Number(r.decidedOnVersion),
    provider: text(r.provider),
  };
}

const indexed = new WeakSet<Store>();

export async function ensureGrantIndexes(store: Store): Promise<void> {
  if (indexed.has(store)) return;
  await store.ensureIndex(GRANTS, { fields: ['id'], unique: true });
  await store.ensureIndex(GRANTS, { fields: ['requester', 'revokedAt'] });
  await store.ensureIndex(GRANTS, { fields: ['resource'] });
  await store.ensureIndex(GRANTS, { fields: ['provider'] });
  // The revocation mark's collection (grant-cache.ts reads it at requests, revoking.ts writes it).
  await store.ensureIndex(GRANT_REVOCATIONS, REVOCATION_INDEX);
  // Grants stored before the key get their own id: duplicates stored then stay apart, and `grant add` still
  // finds them by reading (sameGrantStored). The index is partial (unique among the grants that have the
  // key), so that a release older than the key, which stores grants without it, may run beside this one
  // (a rolling upgrade) on either store: MongoDB's unique index over every row took one grant without it.
  for (const row of await store.find(GRANTS, { filter: eq('givesKey', null), projection: ['id'] })) {
    await store.update(GRANTS, and(eq('id', String(row.id)), eq('givesKey', null)), { givesKey: ownKey(String(row.id)) });
  }
  await store.ensureIndex(GRANTS, { fields: ['givesKey'], unique: true, partial: true });
  // Grants stored before grants kept their provider get it, so that a provider's list reads its own by the
  // index. A store that cannot be written now (another process's long import) is tried again on the next
  // call: the lists read the grants without a provider too (listGrants), so nothing is missed meanwhile.
  try {
    await fillProviders(store);
  } catch {
    return;
  }
  indexed.add(store);
}

/** Gives each grant stored without a provider its resource's provider: one update a resource. */
async function fillProviders(store: Store): Promise<void> {
  const rows = await store.find(GRANTS, { filter: eq('provider', null), projection: ['resource'] });
  if (!rows.length) return;
  const providers = await providersOf(store, new Set(rows.map((r) => String(r.resource))));
  for (const [code, provider] of providers) await store.update(GRANTS, and(eq('resource', code), eq('provider', null)), { provider });
}

/**
 * The providers of these resource codes (as grants keep them: as published), by code: from the catalogues
 * in effect, else from the versions ever published (a grant outlives its resource). A code's provider is
 * its first publication's for good (codes.ts), so either tells it. Codes no version publishes are left out.
 */
export async function providersOf(store: Store, codes: ReadonlySet<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // Every spelling asked for: grants stored before `grant add` kept a code as published (9078f57) hold it
  // as typed, so one resource's grants may spell it two ways; keeping one spelling a key hid the other's
  // grants from their provider.
  const wanted = new Map<string, string[]>();
  for (const c of codes) wanted.set(codeKey(c), [...(wanted.get(codeKey(c)) ?? []), c]);
  const take = (catalogues: readonly Catalogue[]) => {
    for (const c of catalogues) for (const r of c.resources) {
      for (const code of wanted.get(codeKey(r.code)) ?? []) if (!out.has(code)) out.set(code, r.provider);
    }
  };
  const versions = catalogueVersions(store);
  take((await versions.published()).map((v) => v.catalogue));
  if (out.size < codes.size) take((await versions.everPublished()).map((v) => v.catalogue));
  return out;
}
