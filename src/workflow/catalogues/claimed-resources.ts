// The resources a submitted document names, as the platform knows them, for the audit entry of a refused
// submission: a document refused for taking another department's resource code (in another case, under
// another provider, by a catalogue it does not compile) wrote an entry naming no resource, so the
// department that code belongs to never saw the attempt on its resource, as it sees another department's
// refused decision on its requests or a promise of its code (audit.ts).
import { codeKey, codeSpaceOwner } from '../../catalogue/codes.ts';
import type { CatalogueVersions } from '../../catalogue/repository/versions.ts';
import type { AuditResource } from '../../audit/entry.ts';
import type { Actor, WorkflowEnv } from '../actor.ts';
import { concerning } from '../audit.ts';

/**
 * Each code written, as the code it is and the department it is for good: a code ever published, as first
 * published and its provider; one never published, its code-space owner's (codes.ts: only that department
 * may publish it), or, in no department's space, the submitter's. The submitter's own codes are named too:
 * the refusal's detail is then shown to another department only when the document named its resources
 * alone (src/audit/query.ts), never the problems of a document that carries the submitter's own.
 * Only what every department reads is looked at (the versions ever published, the platform's departments),
 * never another department's drafts.
 */
export async function claimedResources(env: WorkflowEnv, actor: Actor, versions: CatalogueVersions, codes: readonly string[]): Promise<AuditResource[]> {
  if (!codes.length) return [];
  const first = new Map<string, { code: string; provider: string }>();
  for (const v of await versions.everPublished()) {
    for (const r of v.catalogue.resources) if (!first.has(codeKey(r.code))) first.set(codeKey(r.code), { code: r.code, provider: r.provider });
  }
  const named = new Map<string, AuditResource>();
  for (const written of codes) {
    const key = codeKey(written);
    const owner = first.get(key) ?? { code: written, provider: codeSpaceOwner(env.platform, written)?.code ?? actor.dept.code };
    if (!named.has(key)) named.set(key, concerning(owner.code, owner.provider));
  }
  return [...named.values()];
}
