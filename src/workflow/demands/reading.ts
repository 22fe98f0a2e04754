// Reading the demands: who sees one, and the list a department or a supervisor reads.
import { and, eq, or, type Filter } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { supervisesPlatform } from '../../identity/roles.ts';
import { DEMANDS, type Demand, type DemandStatus, demandDeadline, ensureIndexes, fromRow } from './rows.ts';
import { fulfilDemands } from './fulfilling.ts';
import { withPublishedCodes } from './published-code.ts';

interface DemandViewer {
  dept: string;
  roles: readonly string[];
}

function seesDemand(env: WorkflowEnv, v: DemandViewer, d: Demand): boolean {
  return d.requester === v.dept || d.provider === v.dept || supervisesPlatform(v, env.platform.platform.competentDepartment);
}

/**
 * Before the demands are read (the `demands` query, once a request; `govgraph demand list`): promises kept
 * by a publication whose process was killed before it marked them are marked now (fulfilDemands), so that
 * no list shows WILL_CATALOGUE a promise whose code is in effect. Best effort, as the indexes are: a store
 * that cannot be written now is read as it is, and a later read marks them.
 */
export async function markKeptPromises(env: Pick<WorkflowEnv, 'store' | 'now'>): Promise<void> {
  await fulfilDemands(env).catch(() => undefined);
}

/** Demands the viewer filed or must answer (supervisors of the competent department: all), oldest first. */
export async function listDemands(
  env: WorkflowEnv,
  viewer: DemandViewer,
  filter: { status?: DemandStatus; overdue?: boolean; id?: string; limit?: number } = {},
): Promise<Demand[]> {
  // A list reads without them when the store cannot be written now (another process's long import holds
  // SQLite's lock): the same entries, unindexed; a later call makes them.
  await ensureIndexes(env.store).catch(() => undefined);
  const conditions: Filter[] = [];
  if (filter.status) conditions.push(eq('status', filter.status));
  if (filter.id) conditions.push(eq('id', filter.id));
  // A department reads only the demands it may see, not the platform's (which any department adds to).
  const all = supervisesPlatform(viewer, env.platform.platform.competentDepartment);
  if (!all) conditions.push(or(eq('requester', viewer.dept), eq('provider', viewer.dept)));
  const rows = await env.store.find(DEMANDS, {
    filter: and(...conditions),
    sort: [{ field: 'requestedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `overdue` is told once read.
    limit: filter.overdue === undefined ? filter.limit : undefined,
  });
  const seen = rows.map(fromRow).filter((d) =>
    seesDemand(env, viewer, d) && (filter.overdue === undefined || demandDeadline(env, d).overdue === filter.overdue));
  // A demand fulfilled before the code as published was stored names it so too (published-code.ts).
  return withPublishedCodes(env.store, seen);
}
