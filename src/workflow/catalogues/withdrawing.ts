// Withdrawing the published version (SPEC §9): the catalogue's resources leave the schema.
import { linksFrom } from '../../catalogue/checks/catalogue.ts';
import { codeKey } from '../../catalogue/codes.ts';
import { supersedeOlder } from '../../catalogue/repository/publication.ts';
import { CATALOGUE_VERSIONS, type CatalogueVersion } from '../../catalogue/repository/rows.ts';
import { catalogueVersions } from '../../catalogue/repository/versions.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { and, eq } from '../../store/port.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { perform } from '../audit.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { catalogueSetWith, checkBuildable, publicationLocked, type SchemaService } from './in-effect.ts';
import { label, resourcesOf } from './lifecycle.ts';
import { seesCatalogue } from './visibility.ts';

/** Links of the other catalogues in effect (`others`) into resources of `catalogue`, as sentences. */
function linksInto(catalogue: Catalogue, others: readonly Catalogue[]): string[] {
  const codes = new Set(catalogue.resources.map((r) => codeKey(r.code)));
  return [...linksFrom(others, catalogue.id, (code) => codes.has(codeKey(code)))].map(({ link, from }) => `resource ${link.resource} is linked from ${from}`);
}

/** The compiler withdraws the published version: the catalogue's resources leave the schema. */
export async function withdrawCatalogue(
  env: WorkflowEnv,
  actor: Actor,
  input: { id: string; reason: string },
  schema?: SchemaService,
): Promise<CatalogueVersion> {
  return perform(env, actor, 'withdrawCatalogue', input, async () => {
    requireRole(actor, 'compiler', 'withdraw catalogues');
    const reader = catalogueVersions(env.store);
    const versions = await reader.list(input.id);
    // Another department's catalogue of drafts alone is as missing as one that does not exist, word for word.
    if (!versions.length || !(await seesCatalogue(env, reader, actor, versions[0]))) throw notFound(`No catalogue ${input.id}.`);
    requireDepartment(actor, versions[0].catalogue.compiler, `withdraw catalogue ${versions[0].id}`);
    // The newest published version is the one in effect; an older one still published is what a
    // publication killed before its second write leaves (markPublished): superseded here first.
    const v = versions.filter((x) => x.status === 'published').at(-1);
    if (!v) throw conflict(`Catalogue ${versions[0].id} has no published version to withdraw.`);
    const reason = visibleTrim(input.reason);
    if (!reason) throw badInput('Say why the catalogue is withdrawn: give a reason.');
    const { all } = await catalogueSetWith(reader, null, v.id);
    // A publication dropping a resource that another catalogue in effect links to is refused
    // (checks/catalogue.ts, linkedResourcesKept); a withdrawal drops them all, and would take the linking
    // departments' link fields out of the schema behind their backs (their queries and typed clients fail).
    const linked = linksInto(v.catalogue, all);
    if (linked.length) {
      throw conflict(`${label(v)} cannot be withdrawn: ${linked.join('; ')}. Those catalogues' compilers drop the links in new versions first; meanwhile a version of ${v.id} sharing the resources with no one (share type none) stops their reads.`);
    }
    await checkBuildable(env, schema, all, `Withdrawing ${label(v)}`);
    return {
      detail: `${label(v)} withdrawn: ${reason}`,
      resources: resourcesOf(v.catalogue),
      apply: async () => {
        // Holding the publication lock, the links are checked again: a catalogue linking into these
        // resources, published since the check above, would otherwise be in effect linking to nothing.
        await publicationLocked(env, `the withdrawal of ${label(v)}`, `${label(v)} was not withdrawn`, async (held) => {
          const { all: now } = await catalogueSetWith(catalogueVersions(env.store), null, v.id);
          const linkedNow = linksInto(v.catalogue, now);
          if (linkedNow.length) throw conflict(`${label(v)} cannot be withdrawn: ${linkedNow.join('; ')} (published meanwhile).`);
          await held();
          await supersedeOlder(env.store, v.id, v.version);
          const n = await env.store.update(CATALOGUE_VERSIONS, and(eq('id', v.id), eq('version', v.version), eq('status', 'published')), {
            status: 'withdrawn',
            // When it left: the times of the items it carried are no earlier (src/access/item-since.ts).
            withdrawnAt: env.now.toISOString(),
          });
          if (n === 0) throw conflict(`${label(v)} changed meanwhile.`);
        });
        await schema?.refresh();
        return { ...v, status: 'withdrawn' }; // as this withdrawal left it
      },
    };
  });
}
