// Which versions of a catalogue a department sees: its drafts are its own and the competent department's.
import type { CatalogueVersion, VersionStatus } from '../../catalogue/repository/rows.ts';
import type { CatalogueVersions } from '../../catalogue/repository/versions.ts';
import type { Actor, WorkflowEnv } from '../actor.ts';

/** Whether a viewer sees unpublished versions: the compiling department and the competent one do. */
export function seesDrafts(env: WorkflowEnv, viewerDept: string, compiler: string): boolean {
  return viewerDept === compiler || viewerDept === env.platform.platform.competentDepartment;
}

export const PUBLIC_STATUSES: readonly VersionStatus[] = ['published', 'superseded', 'withdrawn'];

/**
 * Whether `actor`'s department sees the catalogue of `version` at all (listCatalogues): it sees drafts of
 * it, or one of its versions was published. Another department's drafts (submitted, approved, rejected)
 * are its own and the competent department's: a refusal naming their compiler or title would show them.
 */
export async function seesCatalogue(env: WorkflowEnv, versions: CatalogueVersions, actor: Actor, version: CatalogueVersion): Promise<boolean> {
  return seesDrafts(env, actor.dept.code, version.catalogue.compiler) || (await versions.list(version.id)).some((v) => PUBLIC_STATUSES.includes(v.status));
}
