// Revoking (SPEC §9): `revokeGrant` ends a grant at once.
import { getGrant } from '../../access/grants/listing.ts';
import { revokeGrantOnce } from '../../access/grants/revoking.ts';
import type { Grant } from '../../access/grant-model.ts';
import { requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { concerning, perform } from '../audit.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { providerOf } from './providers.ts';

/** An approver of the providing department ends a grant at once. */
export async function revokeGrant(env: WorkflowEnv, actor: Actor, input: { id: string; reason?: string | null }): Promise<Grant> {
  return perform(env, actor, 'revokeGrant', input, async (about) => {
    const grant = await getGrant(env.store, input.id);
    const provider = grant ? await providerOf(env.store, grant.resource) : null;
    // A refusal names the resource (no items), so its provider sees the attempt too.
    if (grant && provider) about(concerning(grant.resource, provider));
    requireRole(actor, 'approver', 'revoke grants');
    if (!grant) throw notFound(`No grant ${input.id}.`);
    if (provider !== actor.dept.code) throw forbidden(`Only the provider of ${grant.resource} (${provider ?? 'unknown'}) may revoke its grants; you act for ${actor.dept.code}.`);
    if (grant.revokedAt) throw conflict(`Grant ${grant.id} was already revoked by ${grant.revokedBy} on ${grant.revokedAt}.`);
    const reason = input.reason == null ? undefined : visibleTrim(input.reason);
    return {
      detail: `grant ${grant.id} to ${grant.requester} for ${grant.resource} revoked${reason ? `: ${reason}` : ''}`,
      resources: [concerning(grant.resource, provider, grant.items)],
      apply: async () => {
        // Two approvers revoking at once both pass the check above: the store's conditional write (revokedAt
        // still null) lets one through, the other is told who revoked it (it did nothing).
        const { grant: now, revoked } = await revokeGrantOnce(env.store, grant.id, actor.user, env.now);
        if (!revoked) throw conflict(`Grant ${grant.id} was revoked meanwhile by ${now.revokedBy} on ${now.revokedAt}.`);
        return now;
      },
    };
  });
}
