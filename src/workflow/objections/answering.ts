// Answering an objection (SPEC §14): the provider's approver confirms or rejects it within the platform's
// `deadlines.objectionDays` working days.
import { and, eq, type Row } from '../../store/port.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { concerning, perform } from '../audit.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { itemFingerprint, raisedFingerprint } from './fingerprints.ts';
import { closedSlot, getObjection, OBJECTIONS, type Objection, type ObjectionStatus } from './record.ts';

export type ObjectionDecision = 'confirm' | 'reject';

/** The provider's approver confirms (the record will be corrected) or rejects (with a reason) an OPEN objection. */
export async function answerObjection(
  env: WorkflowEnv,
  actor: Actor,
  input: { id: string; decision: ObjectionDecision; reason?: string | null },
): Promise<Objection> {
  return perform(env, actor, 'answerObjection', input, async (about) => {
    const o = await getObjection(env.store, input.id);
    if (o) about(concerning(o.resource, o.provider)); // a refusal's provider sees it (no item: not the objection's)
    requireRole(actor, 'approver', 'answer objections');
    if (!o) throw notFound(`No objection ${input.id}.`);
    requireDepartment(actor, o.provider, `answer objections to ${o.resource}`);
    if (o.status !== 'open') throw conflict(`Objection ${o.id} was already answered (${o.status.toUpperCase()}) by ${o.answeredBy} on ${o.answeredAt}.`);
    const reason = (input.reason != null && visibleTrim(input.reason)) || null;
    if (input.decision === 'reject' && !reason) throw badInput('Say why the record is right: give a reason.', [{ path: 'reason', message: 'is required to reject' }]);
    const status: ObjectionStatus = input.decision === 'confirm' ? 'confirmed' : 'rejected';
    const answered = { ...o, status, answeredBy: actor.user, answeredAt: env.now.toISOString(), answer: reason };
    // Confirmed: what the record's item held when the objection was raised, as a fingerprint, so that an
    // import finds it changed, also one made before this answer (the provider corrected the record first:
    // the next import of the resource marks it). An objection raised before raise-time fingerprints were
    // kept: what the item holds now.
    const confirmedValue = status === 'confirmed' ? ((await raisedFingerprint(env.store, o.id)) ?? (await itemFingerprint(env.store, o))) : null;
    return {
      detail: `objection ${o.id} ${status}`, // the reason, about the record, stays with the objection
      resources: [concerning(o.resource, o.provider, [o.item])],
      apply: async () => {
        // Confirmed, it stands on in the slot it was raised in (of an older one, maybe another spelling's).
        const { answeredBy, answeredAt, answer } = answered;
        const set: Row = { status, answeredBy, answeredAt, answer, confirmedValue };
        if (status === 'rejected') set.slot = closedSlot(o.id);
        const n = await env.store.update(OBJECTIONS, and(eq('id', o.id), eq('status', 'open')), set);
        if (n === 0) throw conflict(`Objection ${o.id} was answered meanwhile.`);
        return answered;
      },
    };
  });
}
