// Reading sharing requests: which a department sees, and the lists of them.
import { publishedCode } from '../resource-info.ts';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { and, eq, or, type Filter } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { supervisesPlatform } from '../../identity/roles.ts';
import { ensureIndexes, fromRow, requestDeadline, SHARING_REQUESTS, type RequestStatus, type SharingRequest } from './requests.ts';

export type SharingSide = 'requester' | 'provider';

/**
 * Requests a department sees: those it made and those for resources it provides; the competent
 * department's supervisors see all. `inEffect`: the catalogues in effect, when the caller holds them.
 */
export async function listSharingRequests(
  env: WorkflowEnv,
  viewer: { dept: string; roles: readonly string[] },
  filter: { side?: SharingSide; status?: RequestStatus; overdue?: boolean; resource?: string; limit?: number } = {},
  inEffect?: readonly Catalogue[],
): Promise<SharingRequest[]> {
  // A list reads without them when the store cannot be written now (another process's long import holds
  // SQLite's lock): the same entries, unindexed; a later call makes them.
  await ensureIndexes(env.store).catch(() => undefined);
  const all = supervisesPlatform(viewer, env.platform.platform.competentDepartment);
  // A code in another case is the resource's, as requestSharing takes it (requests keep the code as published):
  // found among the catalogues in effect the gateway holds (`inEffect`), read from the store only without them.
  const resource = filter.resource ? await publishedCode(env.store, inEffect ?? (await publishedCatalogues(env.store)), filter.resource) : undefined;
  // A department reads only the requests it may see, not the platform's whole history of them.
  const sides: Filter[] = [];
  if (filter.side === 'requester') sides.push(eq('requester', viewer.dept));
  if (filter.side === 'provider') sides.push(eq('provider', viewer.dept));
  if (!filter.side && !all) sides.push(or(eq('requester', viewer.dept), eq('provider', viewer.dept)));
  const rows = await env.store.find(SHARING_REQUESTS, {
    filter: and(
      ...(filter.status ? [eq('status', filter.status)] : []),
      ...(resource ? [eq('resource', resource)] : []),
      ...sides,
    ),
    sort: [{ field: 'requestedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `overdue` is told once read.
    limit: filter.overdue === undefined ? filter.limit : undefined,
  });
  return rows.map(fromRow).filter((r) => {
    const mine = r.requester === viewer.dept;
    const theirs = r.provider === viewer.dept;
    if (filter.side === 'requester' && !mine) return false;
    if (filter.side === 'provider' && !theirs) return false;
    if (!all && !mine && !theirs) return false;
    return filter.overdue === undefined || requestDeadline(env, r).overdue === filter.overdue;
  });
}

/** Whether `dept` may see this request (made it, provides the resource, or supervises). */
export function seesRequest(env: WorkflowEnv, viewer: { dept: string; roles: readonly string[] }, r: SharingRequest): boolean {
  return r.requester === viewer.dept || r.provider === viewer.dept || supervisesPlatform(viewer, env.platform.platform.competentDepartment);
}
