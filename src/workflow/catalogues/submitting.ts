// Submitting a catalogue document (SPEC §9): validated, and stored as a new `submitted` version.
import { historyProblems } from '../../catalogue/history.ts';
import { addVersion } from '../../catalogue/repository/add-version.ts';
import { otherOwner, claimCatalogueId, claimedIdMessage, unnamedTakenMessage, takenIdMessage } from '../../catalogue/repository/ids.ts';
import { ensureCatalogueIndexes, type CatalogueVersion } from '../../catalogue/repository/rows.ts';
import { catalogueVersions } from '../../catalogue/repository/versions.ts';
import { offThread } from '../off-thread.ts';
import { invalid } from '../document.ts';
import { DuplicateKeyError } from '../../store/port.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { perform } from '../audit.ts';
import { WorkflowError, conflict } from '../errors.ts';
import { unchangedSince } from '../warnings/unchanged.ts';
import type { SubmissionWarning } from '../warnings/warning.ts';
import { resourcesOf } from './lifecycle.ts';
import { claimedResources } from './claimed-resources.ts';
import { submissionWarnings } from './submission-warnings.ts';
import { seesCatalogue, seesDrafts } from './visibility.ts';

export interface Submission {
  version: CatalogueVersion;
  warnings: SubmissionWarning[];
}

/**
 * Validates a catalogue document against the platform and the catalogues in effect and stores it as a
 * new `submitted` version. Compiler of the catalogue's compiler department; refused whole with
 * CATALOGUE_INVALID and every problem. `source` names the document in a parse error (the file a command read).
 */
export async function submitCatalogue(env: WorkflowEnv, actor: Actor, document: unknown, source?: string): Promise<Submission> {
  return perform(env, actor, 'submitCatalogue', {}, async (about) => {
    requireRole(actor, 'compiler', 'submit catalogues');
    // One reader for the whole submission: each stored version is parsed once (issue 9 point 3).
    const versions = catalogueVersions(env.store);
    const published = (await versions.published()).map((v) => v.catalogue);
    // Parsed and validated on the worker thread in one task: a catalogue at the bounds takes hundreds of
    // milliseconds to check, and only the checked catalogue comes back to be parsed on the event loop.
    const checked = await offThread({ kind: 'submission', document, platform: env.platform, others: published, source });
    if ('refused' in checked) throw new WorkflowError('CATALOGUE_INVALID', checked.refused.message, checked.refused.problems);
    const { id, compiler: claimed, codes } = checked.claims;
    // A refusal names the resources the document wrote, as the departments they are for good, so that
    // one whose code the document tried to take sees the attempt (claimed-resources.ts).
    about(...(await claimedResources(env, actor, versions, codes)));
    if (claimed !== null) requireDepartment(actor, claimed, `submit a catalogue compiled by ${claimed}`);
    // An id names one department's catalogue for good, in any case: another department cannot take it over.
    const owner = id !== null ? await otherOwner(versions, id, actor.dept.code) : null;
    if (owner) {
      // Named only as the catalogues query would show it: another department's drafts (submitted, approved,
      // rejected) are its own and the competent department's to see, their compiler and title included.
      throw conflict((await seesCatalogue(env, versions, actor, owner)) ? takenIdMessage(owner) : unnamedTakenMessage(id!));
    }
    // The versions of the catalogue, under its id as first written (`list` finds it in any case).
    const earlier = id !== null ? await versions.list(id) : [];
    const result = checked.result;
    if (!result.catalogue) throw invalid('The catalogue is refused:', result.problems);
    // Stored under the id as first written, whatever case this document writes it in.
    let catalogue = earlier.length && earlier[0].id !== result.catalogue.id ? { ...result.catalogue, id: earlier[0].id } : result.catalogue;
    requireDepartment(actor, catalogue.compiler, `submit a catalogue compiled by ${catalogue.compiler}`);
    const taken = await historyProblems(env.store, env.platform, catalogue, versions);
    if (taken.length) throw invalid('The catalogue is refused:', taken);
    // A new id claimed in another case meanwhile (claimCatalogueId): another department's is refused as
    // taken, and one of this department's gives the spelling, as an earlier version's does.
    const held = await claimCatalogueId(env.store, catalogue);
    if (held.compiler !== catalogue.compiler) {
      // Its versions are drafts or not stored yet (otherOwner found none): named as drafts are, above.
      throw conflict(seesDrafts(env, actor.dept.code, held.compiler) ? claimedIdMessage(held) : unnamedTakenMessage(id ?? catalogue.id));
    }
    if (!earlier.length && held.id !== catalogue.id) catalogue = { ...catalogue, id: held.id };
    // The same catalogue as the latest version, whatever its status: stored all the same (SPEC §9), and said.
    const warnings = [...unchangedSince(earlier.at(-1), catalogue), ...(await submissionWarnings(env, catalogue, { dept: actor.dept.code, roles: actor.roles }, versions))];
    const next = (earlier.at(-1)?.version ?? 0) + 1;
    return {
      detail: `${catalogue.id} v${next} submitted${warnings.length ? ` with ${warnings.length} warning(s)` : ''}`,
      resources: resourcesOf(catalogue),
      apply: async () => {
        await ensureCatalogueIndexes(env.store);
        // Stored under the number its entry names: two submissions of one catalogue at once both planned
        // it, the unique (id, version) lets one through, and the other is refused (it stored nothing),
        // rather than taking the next number behind an entry that names another or failing with the
        // store's own words.
        let version: CatalogueVersion;
        try {
          version = await addVersion(env.store, catalogue, actor.user, 'submitted', env.now, next);
        } catch (err) {
          if (err instanceof DuplicateKeyError) {
            throw conflict(`${catalogue.id} v${next} was submitted meanwhile by another submission; submit again to store this document as the next version.`);
          }
          throw err;
        }
        return { version, warnings };
      },
    };
  });
}
