// Revoking a grant: at once, its key freed so that the same grant may be added again.
import { randomUUID } from 'node:crypto';
import { and, eq, type Store } from '../../store/port.ts';
import type { Grant } from '../grant-model.ts';
import { GRANT_REVOCATIONS, GRANTS, LATEST_REVOCATION, ownKey, REVOCATION_INDEX } from './rows.ts';
import { GrantNotFoundError } from './errors.ts';
import { getGrant } from './listing.ts';

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
  // Its key freed: the same grant may be added again once this one is revoked. The revocation's mark
  // written with it tells every gateway of the store to read the grants again (rows.ts, GRANT_REVOCATIONS).
  await store.ensureIndex(GRANT_REVOCATIONS, REVOCATION_INDEX);
  const mark = { collection: GRANT_REVOCATIONS, key: LATEST_REVOCATION, value: randomUUID() };
  const n = await store.update(GRANTS, and(eq('id', id), eq('revokedAt', null)), { revokedAt: now.toISOString(), revokedBy: by, givesKey: ownKey(id) }, mark);
  return { grant: (await getGrant(store, id))!, revoked: n > 0 };
}
