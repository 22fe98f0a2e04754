// Reviewing a submitted version (SPEC §9): approved or rejected by the competent department.
import { CATALOGUE_VERSIONS, type CatalogueVersion, type VersionStatus } from '../../catalogue/repository/rows.ts';
import { catalogueVersions } from '../../catalogue/repository/versions.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { and, eq } from '../../store/port.ts';
import { requireCompetent, requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { perform } from '../audit.ts';
import { badInput, conflict } from '../errors.ts';
import { currentVersion, label, requireStatus, resourcesOf } from './lifecycle.ts';

export type ReviewDecision = 'approve' | 'reject';

/** An auditor of the competent department approves or rejects a submitted version, with a comment. */
export async function reviewCatalogue(
  env: WorkflowEnv,
  actor: Actor,
  input: { id: string; version: number; decision: ReviewDecision; comment?: string | null },
): Promise<CatalogueVersion> {
  return perform(env, actor, 'reviewCatalogue', input, async () => {
    requireRole(actor, 'auditor', 'review catalogues');
    requireCompetent(env, actor, 'review catalogues');
    const v = await currentVersion(catalogueVersions(env.store), input.id, input.version);
    requireStatus(v, 'submitted', 'reviewed');
    const comment = (input.comment != null && visibleTrim(input.comment)) || null;
    if (input.decision === 'reject' && !comment) throw badInput('Say why the version is rejected: give a comment.');
    const status: VersionStatus = input.decision === 'approve' ? 'approved' : 'rejected';
    const review = { status, reviewedBy: actor.user, reviewComment: comment, reviewedAt: env.now.toISOString() };
    return {
      detail: `${label(v)} ${status}${comment ? `: ${comment}` : ''}`,
      resources: resourcesOf(v.catalogue),
      apply: async () => {
        const n = await env.store.update(
          CATALOGUE_VERSIONS,
          and(eq('id', v.id), eq('version', v.version), eq('status', 'submitted')),
          review,
        );
        if (n === 0) throw conflict(`${label(v)} was reviewed meanwhile.`);
        return { ...v, ...review }; // as this review left it (its document is not read again)
      },
    };
  });
}
