// Publishing an approved version (SPEC §9): it takes effect, the version before it is superseded.
import { claimCollections, releaseClaims } from '../../catalogue/collections.ts';
import { historyProblems } from '../../catalogue/history.ts';
import { broughtIntoEffect } from '../../catalogue/codes.ts';
import { ensureResourceIndexes } from '../../catalogue/indexes.ts';
import { markPublished, newerEverPublished, newerPublished } from '../../catalogue/repository/publication.ts';
import type { CatalogueVersion } from '../../catalogue/repository/rows.ts';
import { catalogueVersions } from '../../catalogue/repository/versions.ts';
import { PUBLISH_CATALOGUE_ACTION } from '../../audit/actions.ts';
import { offThread } from '../off-thread.ts';
import { invalid } from '../document.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { perform } from '../audit.ts';
import { conflict, notFound } from '../errors.ts';
import { fulfilDemands } from '../demands/fulfilling.ts';
import { catalogueSetWith, checkBuildable, publicationLocked, type SchemaService } from './in-effect.ts';
import { currentVersion, label, requireStatus, resourcesOf } from './lifecycle.ts';
import { seesCatalogue } from './visibility.ts';

/**
 * The compiler publishes an approved version: it is validated again against the catalogues in effect
 * now, the schema it makes is built (a version whose schema cannot be built is refused), the previous
 * version is superseded, and the gateway swaps schemas.
 */
export async function publishCatalogue(
  env: WorkflowEnv,
  actor: Actor,
  input: { id: string; version: number },
  schema?: SchemaService,
): Promise<CatalogueVersion> {
  return perform(env, actor, PUBLISH_CATALOGUE_ACTION, input, async () => {
    requireRole(actor, 'compiler', 'publish catalogues');
    // One reader for the whole publication: each stored version is parsed once (issue 9 point 3).
    const versions = catalogueVersions(env.store);
    const v = await currentVersion(versions, input.id, input.version);
    // Another department's catalogue of drafts alone is as missing as one that does not exist, word for word.
    if (!(await seesCatalogue(env, versions, actor, v))) throw notFound(`Catalogue ${input.id} has no version ${input.version}.`);
    requireDepartment(actor, v.catalogue.compiler, `publish catalogue ${v.id}`);
    requireStatus(v, 'approved', 'published');
    // An approved version older than the one in effect would be marked published and never take effect.
    const newer = await newerPublished(env.store, v.id, v.version);
    if (newer !== null) throw conflict(`${label(v)} is older than v${newer}, which is in effect; submit its document again as a new version to publish it.`);
    // Nor after a newer one was published and withdrawn: versions are published in the order of their
    // numbers, as the grants' publication history counts them (src/access/item-since.ts); published now,
    // it would bring back to the grants decided before that newer version what it dropped.
    const withdrawn = await newerEverPublished(env.store, v.id, v.version);
    if (withdrawn !== null) throw conflict(`${label(v)} is older than v${withdrawn.version}, which was published and is ${withdrawn.status} now; submit its document again as a new version to publish it.`);
    const { others, all } = await catalogueSetWith(versions, v.catalogue, v.id);
    const problems = await offThread({ kind: 'recheck', catalogue: v.catalogue, platform: env.platform, others });
    if (problems.length) throw invalid(`${label(v)} no longer fits the catalogues in effect:`, problems);
    const taken = await historyProblems(env.store, env.platform, v.catalogue, versions);
    if (taken.length) throw invalid(`${label(v)} cannot be published:`, taken);
    await checkBuildable(env, schema, all, `Publishing ${label(v)}`, v.id);
    return {
      detail: `${label(v)} publication attempted`,
      done: `${label(v)} published`,
      resources: resourcesOf(v.catalogue),
      apply: async () => {
        await publicationLocked(env, label(v), `${label(v)} was not published`, async (held) => {
          // Checked again holding the lock: a publication of another catalogue since the checks above
          // (another department's `Permit` type, say) is in effect now, and the two may not both be.
          const { others: now, inEffect: before } = await catalogueSetWith(catalogueVersions(env.store), v.catalogue, v.id);
          const meanwhile = await offThread({ kind: 'recheck', catalogue: v.catalogue, platform: env.platform, others: now });
          if (meanwhile.length) throw invalid(`${label(v)} no longer fits the catalogues in effect (published meanwhile):`, meanwhile);
          // Claimed right before the status changes: a publication racing for the same collection loses here.
          const [lost] = await claimCollections(env.store, [v.catalogue], held, env.now, versions);
          if (lost.length) throw invalid(`${label(v)} cannot be published:`, lost);
          try {
            for (const r of v.catalogue.resources) {
              await held(); // each step renews the lock (publication-lock.ts, StillHeld)
              await ensureResourceIndexes(env.store, r);
            }
            await held();
            // Recorded in the write that publishes: what it brings into effect, from which the demands it keeps
            // are marked below, or by the next read of the demands when this process dies first (demands.ts).
            const by = { department: actor.dept.code, user: actor.user, requestId: actor.requestId, kind: 'workflow' as const };
            if (!(await markPublished(env.store, v.id, v.version, env.now, { brought: broughtIntoEffect(v.catalogue, before), by }))) {
              throw conflict(`${label(v)} was not published: someone else published it, or a newer version of ${v.id}, meanwhile.`);
            }
          } finally {
            // Stopped before it published (Ctrl-C, the lock lost, an index that failed), its claims go.
            // A store that fails here leaves them to be found stale once the lock is given back.
            await releaseClaims(env.store, held).catch(() => undefined);
          }
        });
        await schema?.refresh();
        // The version is published whatever happens here: a failure to mark the demands (the audit log
        // unavailable) leaves them to the next read of the demands, which marks them from the record.
        await fulfilDemands(env, { requestId: actor.requestId }).catch(() => undefined);
        return { ...v, status: 'published', publishedAt: env.now.toISOString() }; // as this publication left it
      },
    };
  });
}
