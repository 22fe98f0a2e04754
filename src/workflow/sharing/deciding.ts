// Deciding (SPEC §9): an approver of the providing department decides a pending request within 10
// working days; an approval creates the grant the access rules use (src/access/grants.ts).
import { getGrant, listGrants } from '../../access/grants/listing.ts';
import { GrantInputError } from '../../access/grants/errors.ts';
import { newGrant, storeGrant } from '../../access/grants/adding.ts';
import type { Grant } from '../../access/grant-model.ts';
import { grantProblems } from '../../access/grant-problems.ts';
import { itemHistoryOf } from '../../access/item-since/history.ts';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import { and, DuplicateKeyError, eq, type Row, type Store } from '../../store/port.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { concerning, perform } from '../audit.ts';
import { badInput, conflict, listProblems, notFound, type CodedProblem } from '../errors.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { getSharingRequest, names, openKey, SHARING_REQUESTS, type SharingRequest } from './requests.ts';

export type SharingDecision = 'approve' | 'reject';

export interface DecisionInput {
  id: string;
  decision: SharingDecision;
  /** Approve: the items granted, a subset of those requested (default: all of them). */
  items?: string[] | null;
  /** Approve: the grant's end date, no later than the one requested (default: the one requested). */
  until?: string | null;
  /** Approve: items read unmasked, among those granted. */
  unmasked?: string[] | null;
  /** Approve: division codes narrowing the resource's row scope (default: the requester's whole region). */
  rows?: string[] | null;
  reason?: string | null;
}

/**
 * The grant an approval made but did not store: the request and its grant are two writes, and a process
 * killed between them leaves the request approved, naming a grant that is not there. The approval keeps
 * the grant it made (`approvedGrant`), so deciding again stores that very grant (its id is unique: two
 * processes finishing it at once store it once). Null when the request has its grant, or is no approval.
 */
async function unstoredGrant(store: Store, request: SharingRequest): Promise<Grant | null> {
  if (request.status !== 'approved' || !request.grantId || (await getGrant(store, request.grantId))) return null;
  const [row] = await store.find(SHARING_REQUESTS, { filter: eq('id', request.id), projection: ['approvedGrant'], limit: 1 });
  return typeof row?.approvedGrant === 'string' ? (JSON.parse(row.approvedGrant) as Grant) : null;
}

/** Stores an approval's grant, once: another process may be storing it too. True when this call stored it. */
async function storeApprovedGrant(store: Store, grant: Grant): Promise<boolean> {
  try {
    await storeGrant(store, grant);
    return true;
  } catch (err) {
    if (!(err instanceof DuplicateKeyError && (await getGrant(store, grant.id)))) throw err;
    return false;
  }
}

/** Whether the grant is stored, asked after its write failed; a store that cannot answer says no. */
async function grantStored(store: Store, id: string): Promise<boolean> {
  return getGrant(store, id).then((g) => g !== null, () => false);
}

/**
 * An approval made before approvals kept their grant (`grantId` in the claiming write) and interrupted
 * between its writes: the request approved without `grantId`. The grant was made after the claim: it is
 * missing, or stored (it names the request) but not linked. Nothing of it can be finished as it was decided
 * (the narrowing is only in its audit entry), so deciding again links the grant stored, or approves anew.
 */
const lostGrant = (request: SharingRequest): boolean => request.status === 'approved' && !request.grantId;

/**
 * A rejection of a request approved before, whose approval left its grant unnamed or unstored: finishing
 * that approval would store or name the grant, the opposite of what the approver asks, so it is refused
 * with what to do (finish the approval, then revoke the grant if it should not stand).
 */
function undoesNoApproval(request: SharingRequest, state: string, finish: string): Error {
  return conflict(
    `Sharing request ${request.id} was approved by ${request.decidedBy} on ${request.decidedAt} and ${state}; a rejection cannot undo that approval: ` +
      `${finish}, then revoke the grant if it should not stand.`,
  );
}

/** The grant an approval stored for this request, found by the request it names. */
async function grantOfRequest(store: Store, request: SharingRequest): Promise<Grant | null> {
  const grants = await listGrants(store, { requester: request.requester, resource: request.resource });
  return grants.find((g) => g.requestId === request.id) ?? null;
}

/**
 * An approver of the providing department decides a pending request: approving creates the grant,
 * possibly narrowed; rejecting needs a reason. A decided request cannot be decided again (CONFLICT), but
 * for an approval interrupted before its grant was stored, which deciding again finishes.
 */
export async function decideSharingRequest(env: WorkflowEnv, actor: Actor, input: DecisionInput): Promise<SharingRequest> {
  return perform(env, actor, 'decideSharingRequest', input, async (about) => {
    const request = await getSharingRequest(env.store, input.id);
    if (request) about(concerning(request.resource, request.provider)); // a refusal's provider sees it
    requireRole(actor, 'approver', 'decide sharing requests');
    if (!request) throw notFound(`No sharing request ${input.id}.`);
    requireDepartment(actor, request.provider, `decide requests for ${request.resource}`);
    const lost = lostGrant(request);
    const approvedOn = `approved by ${request.decidedBy} on ${request.decidedAt}`;
    if (lost) {
      const stored = await grantOfRequest(env.store, request);
      if (stored) {
        if (input.decision === 'reject') throw undoesNoApproval(request, `its grant ${stored.id} is stored (not named on the request)`, 'approve it again to name it on the request');
        return {
          detail: `sharing request ${request.id} ${approvedOn}: its grant ${stored.id}, stored then but not named on the request, named now`,
          resources: [concerning(request.resource, request.provider, stored.items)],
          apply: async () => {
            await env.store.update(SHARING_REQUESTS, and(eq('id', request.id), eq('grantId', null)), { grantId: stored.id });
            return (await getSharingRequest(env.store, request.id))!;
          },
        };
      }
      if (input.decision === 'reject') {
        throw conflict(`Sharing request ${request.id} was ${approvedOn}, but its grant was never stored (the approval was interrupted); approve it again to make its grant.`);
      }
    } else if (request.status !== 'pending') {
      const unstored = await unstoredGrant(env.store, request);
      if (!unstored) throw conflict(`Sharing request ${request.id} was already ${request.status} by ${request.decidedBy} on ${request.decidedAt}.`);
      if (input.decision === 'reject') throw undoesNoApproval(request, `its grant ${unstored.id} was not stored then (the approval was interrupted)`, 'approve it again to store its grant');
      // Approved, but the process died before storing the grant: this decision finishes that one.
      return {
        detail: `sharing request ${request.id} approved by ${request.decidedBy} on ${request.decidedAt}: its grant ${unstored.id}, not stored then, stored now`,
        resources: [concerning(request.resource, request.provider, unstored.items)],
        apply: async () => {
          // Two decisions finishing it at once (or the approval itself, still alive): one stores it.
          if (!(await storeApprovedGrant(env.store, unstored))) {
            throw conflict(`Sharing request ${request.id}'s grant ${unstored.id} was stored meanwhile; nothing was left to finish.`);
          }
          return (await getSharingRequest(env.store, request.id))!;
        },
      };
    }
    const reason = (input.reason != null && visibleTrim(input.reason)) || null;
    // A pending request is claimed by its decision; an approval that lost its grant (above) by its new grant.
    const claimable = lost ? and(eq('id', request.id), eq('status', 'approved'), eq('grantId', null)) : and(eq('id', request.id), eq('status', 'pending'));
    const claim = async (set: Row) => {
      const n = await env.store.update(SHARING_REQUESTS, claimable, { ...set, openKey: openKey({ ...request, status: 'approved' }) });
      if (n === 0) throw conflict(`Sharing request ${request.id} was decided meanwhile.`);
    };
    const decided = { decidedBy: actor.user, decidedAt: env.now.toISOString(), reason };
    const resources = (items: string[]) => [concerning(request.resource, request.provider, items)];

    if (input.decision === 'reject') {
      if (!reason) throw badInput('Say why the request is rejected: give a reason.');
      return {
        detail: `sharing request ${request.id} rejected: ${reason}`,
        resources: resources(request.items),
        apply: async () => {
          await claim({ status: 'rejected', ...decided });
          return (await getSharingRequest(env.store, request.id))!;
        },
      };
    }

    // Trimmed, as `request decide --items` hands them over and the grant checks read them: 'name ' was
    // refused as not requested through the field, and granted through the command.
    const given = input.items?.map((i) => i.trim());
    const items = given?.length ? [...new Set(given)] : request.items;
    const unmasked = names(input.unmasked ?? []);
    const rows = input.rows == null ? null : input.rows.map((r) => r.trim());
    const until = input.until ?? request.until;
    const problems: CodedProblem[] = [];
    items.forEach((name, i) => {
      if (!request.items.includes(name)) problems.push({ path: `items[${i}]`, message: `${name} was not requested; an approval may only narrow the items (${request.items.join(', ')}).` });
    });
    if (request.until && until && until > request.until) {
      problems.push({ path: 'until', message: `${until} is later than the end date requested (${request.until}); an approval may only shorten it.` });
    }
    const grantInput = {
      requester: request.requester, resource: request.resource, items, purposes: request.purposes, unmasked,
      rows, until, createdBy: actor.user, requestId: request.id,
    };
    // Every problem at once: the approval's own, then the grant's on the paths not already named.
    const grantCheck = grantProblems({ platform: env.platform, catalogues: await publishedCatalogues(env.store) }, grantInput, env.now);
    problems.push(...grantCheck.filter((g) => !problems.some((p) => p.path === g.path)));
    if (problems.length) throw badInput(listProblems('The approval is refused:', problems), problems);
    return {
      detail: `sharing request ${request.id} ${lost ? `${approvedOn}, its grant never stored, approved again` : 'approved'}: ${items.join(', ')}${unmasked.length ? ` (unmasked: ${unmasked.join(', ')})` : ''} for ${request.purposes.join(', ')}${rows ? ` rows of ${rows.join(', ')}` : ''} until ${until ?? 'no end'}`,
      resources: resources(items),
      apply: async () => {
        let grant: Grant;
        try {
          // Marked with their items' runs; the grant records the version it is decided on (newGrant).
          const catalogues = await publishedCatalogues(env.store);
          await itemHistoryOf(env.store).mark(catalogues);
          grant = newGrant({ platform: env.platform, catalogues }, grantInput, env.now);
        } catch (err) {
          if (err instanceof GrantInputError) throw badInput(err.message, err.problems);
          throw err;
        }
        // The approval names and keeps its grant before the grant is stored (see unstoredGrant). Approved
        // again (a lost grant), the request keeps the decision it had: the audit log holds both.
        const kept = { grantId: grant.id, approvedGrant: JSON.stringify(grant) };
        await claim(lost ? kept : { status: 'approved', ...decided, ...kept });
        try {
          await storeApprovedGrant(env.store, grant);
        } catch (err) {
          // A write answered with an error may still have been applied (a connection cut before the
          // acknowledgement, a primary stepping down after the insert): the grant is then in force, and taking
          // the request back to pending left a grant under a pending request (or, rejected next, a rejected one).
          if (await grantStored(env.store, grant.id)) return (await getSharingRequest(env.store, request.id))!;
          await env.store.update(SHARING_REQUESTS, and(eq('id', request.id), eq('grantId', grant.id)), lost ? { grantId: null, approvedGrant: null } : {
            status: 'pending', decidedBy: null, decidedAt: null, reason: null, grantId: null, approvedGrant: null, openKey: openKey(request),
          });
          throw err;
        }
        return (await getSharingRequest(env.store, request.id))!;
      },
    };
  });
}
