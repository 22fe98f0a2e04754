// Reading objections: the lists a viewer sees, and those standing against a page of records.
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { and, eq, or, type Filter, type Store, type Value } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { publishedCode } from '../resource-info.ts';
import { ensureObjectionIndexes, fromRow, objectionDeadline, OBJECTIONS, STANDING, type Objection, type ObjectionStatus } from './record.ts';
import { seesObjection, supervises, type ObjectionViewer } from './viewing.ts';

/**
 * Objections the viewer sees (its own, those about its resources; supervisors all), oldest first.
 * `inEffect`: the catalogues in effect, when the caller holds them.
 */
export async function listObjections(
  env: WorkflowEnv,
  viewer: ObjectionViewer,
  filter: { status?: ObjectionStatus; resource?: string; overdue?: boolean; id?: string; limit?: number } = {},
  inEffect?: readonly Catalogue[],
): Promise<Objection[]> {
  // A list reads without them when the store cannot be written now (another process's long import holds
  // SQLite's lock): the same entries, unindexed; a later call makes them.
  await ensureObjectionIndexes(env.store).catch(() => undefined);
  const conditions: Filter[] = [];
  if (filter.status) conditions.push(eq('status', filter.status));
  if (filter.resource) {
    // A code in another case is the resource's, as when the objection was raised (stored as published):
    // found among the catalogues in effect the gateway holds (`inEffect`), read from the store only without them.
    conditions.push(eq('resource', await publishedCode(env.store, inEffect ?? (await publishedCatalogues(env.store)), filter.resource)));
  }
  if (filter.id) conditions.push(eq('id', filter.id));
  // A department reads only the objections it may see, not the platform's (which any department adds to).
  if (!supervises(env, viewer)) conditions.push(or(eq('department', viewer.dept), eq('provider', viewer.dept)));
  const rows = await env.store.find(OBJECTIONS, {
    filter: and(...conditions),
    sort: [{ field: 'raisedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `overdue` is told once read.
    limit: filter.overdue === undefined ? filter.limit : undefined,
  });
  return rows.map(fromRow).filter((o) =>
    seesObjection(env, viewer, o) && (filter.overdue === undefined || objectionDeadline(env, o).overdue === filter.overdue));
}

/**
 * The standing objections (OPEN, CONFIRMED) to the records of one resource with these keys: one store
 * read for a page of records, whatever its size. Keys as the store keeps them.
 */
export async function standingObjections(store: Store, resource: string, keys: readonly Value[]): Promise<Objection[]> {
  if (!keys.length) return [];
  const rows = await store.find(OBJECTIONS, {
    filter: and(
      eq('resource', resource),
      { kind: 'in', field: 'status', values: [...STANDING] },
      { kind: 'in', field: 'key', values: [...new Set(keys.map((k) => JSON.stringify(k)))] },
    ),
    sort: [{ field: 'raisedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
  });
  return rows.map(fromRow);
}
