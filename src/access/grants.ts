// Grants in the store (collection `_grants`, SPEC §9, §11): added by the operator (`govgraph grant`) or
// by the sharing workflow, listed, revoked. A revoked or expired grant stops working on the next
// request: the gateway reads a department's grants again after every change (src/access/grant-cache.ts).
// Whether a grant may be made at all, grant-problems.ts says; newGrant asks it before anything is written.
//
// Rows are flat scalars: `items`, `purposes` and `unmasked` are kept as JSON arrays in strings; only
// this file knows it.
import { createHash, randomUUID } from 'node:crypto';
import { codeKey } from '../catalogue/codes.ts';
import type { Problem } from '../catalogue/problems.ts';
import type { Catalogue } from '../model/catalogue.ts';
import { versionOf } from '../catalogue/repository/rows.ts';
import { catalogueVersions } from '../catalogue/repository/versions.ts';
import { listedDepartmentCode, type Platform } from '../model/platform.ts';
import { and, DuplicateKeyError, eq, or, type Filter, type Row, type Store } from '../store/port.ts';
import { findResource, grantProblems, unique, type GrantInput } from './grant-problems.ts';
import { isGrantActive, type Grant } from './grant-model.ts';
import { text, strings } from '../store/row-values.ts';

export { isGrantActive, grantCovers, type Grant } from './grant-model.ts';
export type { GrantInput } from './grant-problems.ts';

export const GRANTS = '_grants';

/** A grant refused whole; `problems` lists every reason (path = the input field). Nothing was written. */
export class GrantInputError extends Error {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly userFacing = true;
  constructor(readonly problems: Problem[]) {
    super(['The grant is refused:', ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n'));
    this.name = 'GrantInputError';
  }
}

export class GrantNotFoundError extends Error {
  readonly code = 'NOT_FOUND' as const;
  readonly userFacing = true;
  constructor(readonly id: string) {
    super(`No grant ${JSON.stringify(id)}; \`govgraph grant list\` shows the grants.`);
    this.name = 'GrantNotFoundError';
  }
}

// ---- rows ----------------------------------------------------------------------------------------

/**
 * What an operator's grant in force gives, as one value the store holds unique (`givesKey`): two `grant add`
 * of the same grant at once (two processes) both found none stored (sameGrantStored) and both stored one;
 * the unique index lets one in and the other gets DuplicateKeyError. The lists as sets, and the catalogue
 * version decided on: a grant decided on an earlier version may cover less (item-since.ts), and the same
 * grant made now is another. Only `grant add` stores it (storeGrant's `alone`); a revoked grant, an
 * approval's (a request's decision, kept whatever the operator added), one stored otherwise and one
 * stored before the key existed hold their own id instead: never a clash.
 */
export function givesKey(g: Grant): string {
  if (g.revokedAt !== null || g.requestId !== null) return ownKey(g.id);
  const set = (xs: readonly string[] | null | undefined) => (xs == null ? null : [...new Set(xs)].sort());
  const what = [g.requester, g.resource, set(g.items), set(g.purposes), set(g.unmasked), set(g.rows), g.until, g.decidedOnCatalogue ?? null, g.decidedOnVersion ?? null];
  return `gives:${createHash('sha256').update(JSON.stringify(what)).digest('hex')}`;
}

const ownKey = (id: string) => `grant:${id}`;

/** `alone`: the row holds what it gives as its key (givesKey), else its own id. */
function toRow(g: Grant, alone = false): Row {
  return {
    ...g,
    givesKey: alone ? givesKey(g) : ownKey(g.id),
    items: JSON.stringify(g.items),
    purposes: JSON.stringify(g.purposes),
    unmasked: JSON.stringify(g.unmasked),
    rows: g.rows == null ? null : JSON.stringify(g.rows),
  };
}


function fromRow(r: Row): Grant {
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
async function providersOf(store: Store, codes: ReadonlySet<string>): Promise<Map<string, string>> {
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

// ---- operations ----------------------------------------------------------------------------------

/**
 * What a grant is checked against: the platform and the catalogues in effect. Catalogues read from the
 * store (publishedCatalogues) know the version they are (versionOf): the grant records it as the version
 * it was decided on, and covers the items as that version publishes them (item-since.ts).
 */
export interface GrantContext {
  platform: Platform;
  catalogues: readonly Catalogue[];
}

/** Validates and stores a grant in force from `now`; GrantInputError (nothing written) when invalid. */
export async function addGrant(
  store: Store,
  ctx: GrantContext,
  input: GrantInput,
  now: Date = new Date(),
): Promise<Grant> {
  return storeGrant(store, newGrant(ctx, input, now));
}

/**
 * A grant in force from `now`, validated and not yet stored (GrantInputError when invalid): for a caller
 * that records the grant in the audit log before it stores it.
 */
export function newGrant(ctx: GrantContext, input: GrantInput, now: Date = new Date()): Grant {
  const problems = grantProblems(ctx, input, now);
  if (problems.length) throw new GrantInputError(problems);
  const at = now.toISOString();
  const resource = findResource(ctx.catalogues, input.resource)!;
  // The version the decision checked: a grant does not cover what a later version drops and brings back.
  const catalogue = ctx.catalogues.find((c) => c.resources.includes(resource));
  const decidedOn = catalogue && versionOf(catalogue);
  const grant: Grant = {
    id: randomUUID(),
    // The code as the platform lists it: tokens name a department exactly, and grants are matched by it.
    requester: listedDepartmentCode(ctx.platform, input.requester),
    // The code as published: the rules and the grant filters match grants by it.
    resource: resource.code,
    items: unique(input.items),
    purposes: unique(input.purposes),
    unmasked: unique(input.unmasked ?? []),
    rows: input.rows == null ? null : unique(input.rows),
    from: at,
    until: input.until ?? null,
    revokedAt: null,
    revokedBy: null,
    createdAt: at,
    createdBy: input.createdBy,
    requestId: input.requestId ?? null,
    decidedOnCatalogue: decidedOn?.id ?? null,
    decidedOnVersion: decidedOn?.version ?? null,
    provider: resource.provider,
  };
  return grant;
}

/**
 * Stores a grant made by newGrant. One made before grants kept their provider (an approval's grant kept
 * on its request, stored when the approval is finished) is given it. `alone` (the operator's `grant add`):
 * stored only when no other grant stored `alone` and in force gives the same (givesKey), else
 * DuplicateKeyError and nothing written: the caller read none, and another process stored one meanwhile.
 */
export async function storeGrant(store: Store, grant: Grant, options: { alone?: boolean } = {}): Promise<Grant> {
  await ensureGrantIndexes(store);
  const stored = grant.provider == null ? { ...grant, provider: (await providersOf(store, new Set([grant.resource]))).get(grant.resource) ?? null } : grant;
  const row = toRow(stored, options.alone);
  try {
    await store.insert(GRANTS, [row]);
  } catch (error) {
    // Retried once when the key was held only by grants revoked meanwhile by an older writer.
    if (!(error instanceof DuplicateKeyError) || !options.alone || (await releaseRevokedKeys(store, String(row.givesKey))) === 0) throw error;
    await store.insert(GRANTS, [row]);
  }
  return stored;
}

/**
 * Gives each revoked grant still holding `key` its own id as its key, and says how many. A gateway or
 * command older than givesKey revokes a grant by setting revokedAt alone (revokeGrant and its field), so in
 * a rolling upgrade a grant `grant add` stored can be revoked and keep what it gave as its key: the same
 * grant added again was then refused by the unique index for good, with no grant in force giving it.
 * Conditional on revokedAt, so a grant in force (another process's `grant add` that won) keeps its key.
 */
async function releaseRevokedKeys(store: Store, key: string): Promise<number> {
  let released = 0;
  for (const r of await store.find(GRANTS, { filter: eq('givesKey', key), projection: ['id', 'revokedAt'] })) {
    if (r.revokedAt == null) continue;
    released += await store.update(GRANTS, and(eq('id', String(r.id)), eq('givesKey', key)), { givesKey: ownKey(String(r.id)) });
  }
  return released;
}

export interface GrantFilter {
  requester?: string;
  resource?: string;
  /** Only grants active at `now` (default: the current time). */
  active?: boolean;
  now?: Date;
  /**
   * Only the grants this department sees: those it holds and those of the resources it provides. Read
   * by the requester and provider in the store (indexed), not the platform's filtered after: any
   * department's approvals add to the grants, kept for good once revoked or ended.
   */
  seenBy?: string;
  /** The first `limit` grants only (a list refused past a bound needs read no further); not with `seenBy` or `active`. */
  limit?: number;
}

/** Grants in the order they were made. */
export async function listGrants(store: Store, filter: GrantFilter = {}): Promise<Grant[]> {
  const parts: Filter[] = [];
  if (filter.requester !== undefined) parts.push(eq('requester', filter.requester));
  if (filter.resource !== undefined) parts.push(eq('resource', filter.resource));
  if (filter.active) parts.push(eq('revokedAt', null));
  if (filter.seenBy !== undefined) {
    // Made (and old grants given their provider) on the first list; a store that cannot be written now
    // (another process's long import holds SQLite's lock) is read as it is: the filter below finds the
    // same grants, without the index, and the next list tries again.
    await ensureGrantIndexes(store).catch(() => undefined);
    // With the grants not knowing their provider (stored meanwhile by an older writer, or of a resource
    // none of whose versions is left): few, and told apart below.
    parts.push(or(eq('requester', filter.seenBy), eq('provider', filter.seenBy), eq('provider', null)));
  }
  const rows = await store.find(GRANTS, {
    filter: and(...parts),
    sort: [{ field: 'createdAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `seenBy` and `active` are told once read.
    limit: filter.seenBy === undefined && !filter.active ? filter.limit : undefined,
  });
  let grants = rows.map(fromRow);
  if (filter.seenBy !== undefined) grants = await seenBy(store, filter.seenBy, grants);
  const now = filter.now ?? new Date();
  return filter.active ? grants.filter((g) => isGrantActive(g, now)) : grants;
}

/** Those of `grants` that `dept` holds or provides; a grant without its provider is given it, as read. */
async function seenBy(store: Store, dept: string, grants: Grant[]): Promise<Grant[]> {
  const unknown = new Set(grants.filter((g) => g.provider == null && g.requester !== dept).map((g) => g.resource));
  const providers = unknown.size ? await providersOf(store, unknown) : new Map<string, string>();
  return grants.filter((g) => g.requester === dept || (g.provider ?? providers.get(g.resource)) === dept);
}

export async function getGrant(store: Store, id: string): Promise<Grant | null> {
  const rows = await store.find(GRANTS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

/** Ends a grant at once. Revoking a revoked grant changes nothing and returns it as it is. */
export async function revokeGrant(store: Store, id: string, by: string, now: Date = new Date()): Promise<Grant> {
  return (await revokeGrantOnce(store, id, by, now)).grant;
}

/**
 * Ends a grant at once, saying whether this call did: `revoked` is false when it was revoked already, or
 * by another writer between the read and the conditional write (two approvers at once: one revokes).
 */
export async function revokeGrantOnce(store: Store, id: string, by: string, now: Date = new Date()): Promise<{ grant: Grant; revoked: boolean }> {
  const existing = await getGrant(store, id);
  if (!existing) throw new GrantNotFoundError(id);
  if (existing.revokedAt !== null) return { grant: existing, revoked: false };
  // Its key freed: the same grant may be added again once this one is revoked.
  const n = await store.update(GRANTS, and(eq('id', id), eq('revokedAt', null)), { revokedAt: now.toISOString(), revokedBy: by, givesKey: ownKey(id) });
  return { grant: (await getGrant(store, id))!, revoked: n > 0 };
}

/**
 * A grant already stored that gives what `g` would give: the same requester and resource, the same items,
 * purposes, unmasked items and rows (as sets) and the same end date, neither revoked nor ended at `now`
 * (one not yet in force counts: it will give the same), and `whole` by the caller's reckoning: in force
 * for every item it names (item-since.ts: one decided before an item it names was dropped and brought
 * back covers it no more, and the same grant made now gives more). `grant add` run twice with the same
 * arguments stored two identical grants, which a supervisor reads as two decisions and must revoke
 * twice; a grant differing in any of these (rows, purposes, end date, ...) is another grant.
 */
export async function sameGrantStored(store: Store, g: Grant, whole: (x: Grant) => boolean, now: Date = new Date()): Promise<Grant | null> {
  const same = (a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean => {
    if (a == null || b == null) return a == null && b == null;
    const x = new Set(a);
    const y = new Set(b);
    return x.size === y.size && [...x].every((v) => y.has(v));
  };
  const ended = (x: Grant) => !isGrantActive(x, now) && Date.parse(x.from) <= now.getTime();
  for (const x of await unrevokedGrantsFor(store, g.requester)) {
    if (x.resource === g.resource && !ended(x) && x.until === g.until && same(x.items, g.items) && same(x.purposes, g.purposes) &&
      same(x.unmasked, g.unmasked) && same(x.rows, g.rows) && whole(x)) return x;
  }
  return null;
}

/** The department's grants that are not revoked, whatever their dates: one store read. */
export async function unrevokedGrantsFor(store: Store, deptCode: string): Promise<Grant[]> {
  const rows = await store.find(GRANTS, { filter: and(eq('requester', deptCode), eq('revokedAt', null)) });
  return rows.map(fromRow);
}

/** The department's grants active at `now`: one store read (the gateway keeps them, src/access/grant-cache.ts). */
export async function activeGrantsFor(store: Store, deptCode: string, now: Date): Promise<Grant[]> {
  return (await unrevokedGrantsFor(store, deptCode)).filter((g) => isGrantActive(g, now));
}
