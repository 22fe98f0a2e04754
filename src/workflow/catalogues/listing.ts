// Reading catalogues: each with the versions the viewer sees, and its revision state.
import type { CatalogueVersion, ListedVersion, VersionStatus } from '../../catalogue/repository/rows.ts';
import { listVersions } from '../../catalogue/repository/versions.ts';
import type { WorkflowEnv } from '../actor.ts';
import { revisionState, type RevisionState } from '../deadlines.ts';
import { PUBLIC_STATUSES, seesDrafts } from './visibility.ts';

export interface CatalogueView<V extends ListedVersion = CatalogueVersion> {
  id: string;
  compiler: string;
  /** The newest version the viewer may see: its document gives title and kind. */
  latest: V;
  published: V | null;
  versions: V[];
  revision: RevisionState | null;
}

/** A catalogue as the GraphQL lists read it: its versions' summaries, their documents read when a field needs them. */
export type ListedCatalogue = CatalogueView<ListedVersion>;

/**
 * Catalogues as `viewerDept` sees them: every department sees the published (and past) versions of
 * every catalogue; drafts only of its own, and the competent department all. `read`: how the versions
 * are read (those of catalogue `id`, or all), for a caller that reads them once for several lists, or
 * without their documents (CatalogueVersions.listed); left out, each version is read whole.
 */
export async function listCatalogues<V extends ListedVersion = CatalogueVersion>(
  env: WorkflowEnv,
  viewerDept: string,
  filter: { id?: string; compiler?: string; status?: VersionStatus; overdue?: boolean } = {},
  read?: (id?: string) => Promise<V[]>,
): Promise<CatalogueView<V>[]> {
  const all = read ? await read(filter.id) : ((await listVersions(env.store, filter.id)) as unknown as V[]);
  const byId = new Map<string, V[]>();
  for (const v of all) byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
  const out: CatalogueView<V>[] = [];
  for (const [id, versions] of byId) {
    const compiler = versions.at(-1)!.catalogue.compiler;
    const visible = seesDrafts(env, viewerDept, compiler) ? versions : versions.filter((v) => PUBLIC_STATUSES.includes(v.status));
    if (!visible.length) continue;
    if (filter.compiler !== undefined && compiler !== filter.compiler) continue;
    if (filter.status !== undefined && !visible.some((v) => v.status === filter.status)) continue;
    const revision = revisionState(env.platform, visible, env.now);
    if (revision?.unwritable) {
      env.warn?.({ event: 'revision-due-date', catalogue: id, since: revision.revision.since }, `catalogue ${id}: ${revision.unwritable}; listed without one`);
    }
    if (filter.overdue !== undefined && (revision?.overdue ?? false) !== filter.overdue) continue;
    out.push({ id, compiler, latest: visible.at(-1)!, published: visible.find((v) => v.status === 'published') ?? null, versions: visible, revision });
  }
  return out;
}
