// Adding a grant: checked against the platform and the catalogues in effect (grant-problems.ts), then
// stored, at most one in force giving the same.
import { randomUUID } from 'node:crypto';
import type { Catalogue } from '../../model/catalogue.ts';
import { versionOf } from '../../catalogue/repository/rows.ts';
import { listedDepartmentCode, type Platform } from '../../model/platform.ts';
import { and, DuplicateKeyError, eq, type Store } from '../../store/port.ts';
import { findResource, grantProblems, unique, type GrantInput } from '../grant-problems.ts';
import type { Grant } from '../grant-model.ts';
import { GRANTS, ensureGrantIndexes, ownKey, providersOf, toRow } from './rows.ts';
import { GrantInputError } from './errors.ts';

/**
 * What a grant is checked against: the platform and the catalogues in effect. Catalogues read from the
 * store (publishedCatalogues) know the version they are (versionOf): the grant records it as the version
 * it was decided on, and covers the items as that version publishes them (item-since.ts).
 */
interface GrantContext {
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
