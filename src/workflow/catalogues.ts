// The catalogue lifecycle (SPEC §9): submitted → approved | rejected → published → superseded |
// withdrawn. Exactly one version of a catalogue is in effect (published). Each action checks the role
// and that the actor's department owns what it acts on, writes its audit entry, then changes the store.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { listGrants } from '../access/grants.ts';
import { grantsInForceAmong, itemHistoryOf } from '../access/item-since.ts';
import { claimCollections } from '../catalogue/collections.ts';
import { PublicationBusyError, PublicationLockLostError, PublicationLockRowError, withPublicationLock, type StillHeld } from '../catalogue/publication-lock.ts';
import { linksFrom } from '../catalogue/checks/catalogue.ts';
import { historyProblems } from '../catalogue/history.ts';
import { storePlatform } from '../catalogue/store-platform.ts';
import { ensureResourceIndexes } from '../catalogue/indexes.ts';
import {
  CATALOGUE_VERSIONS,
  addVersion,
  catalogueVersions,
  ensureCatalogueIndexes,
  listVersions,
  markPublished,
  newerEverPublished,
  newerPublished,
  otherOwner,
  claimCatalogueId,
  claimedIdMessage,
  unnamedTakenMessage,
  supersedeOlder,
  takenIdMessage,
  type CatalogueVersion,
  type CatalogueVersions,
  type ListedVersion,
  type VersionStatus,
} from '../catalogue/repository.ts';
import { offThread } from './off-thread.ts';
import { invalid } from './document.ts';
import { codeKey } from '../catalogue/codes.ts';

export { parseCatalogueText } from './document.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { Grant } from '../access/grant-model.ts';
import { visibleTrim } from '../model/input-bounds.ts';
import { and, DuplicateKeyError, eq, type Store } from '../store/port.ts';
import { requireCompetent, requireDepartment, requireRole, type Actor, type WorkflowEnv } from './actor.ts';
import { concerning, perform } from './audit.ts';
import { revisionState, type RevisionState } from './deadlines.ts';
import { WorkflowError, badInput, conflict, notFound } from './errors.ts';
import { fulfilDemands } from './demands.ts';
import { itemReaders } from '../audit/usage.ts';
import { READERS_DAYS, breakingChanges, brokenGrants, otherProviders, repeatedCollection, unchangedSince, type SubmissionWarning } from './warnings.ts';

/**
 * What publishing needs of the gateway, as a port (the server's schema holder implements it; the workflow
 * never builds the gateway itself): to check that it could serve a set of catalogues, and to swap in the
 * schema of the catalogues now published.
 */
export interface SchemaService {
  /** Throws (or rejects), saying why, when the gateway could not serve these catalogues. */
  check(catalogues: Catalogue[]): Promise<void> | void;
  /** Installs the schema of the catalogues now published. */
  refresh(): Promise<unknown>;
}
// Called without a schema service (a command, a test of the workflow alone), publishing checks only what
// the workflow knows itself (names clashing with the platform schema); a gateway builds when it loads.

const resourcesOf = (c: Catalogue) => c.resources.map((r) => concerning(r.code, r.provider));
const label = (v: { id: string; version: number }) => `${v.id} v${v.version}`;

async function currentVersion(versions: CatalogueVersions, id: string, version: number): Promise<CatalogueVersion> {
  const v = await versions.get(id, version);
  if (!v) throw notFound(`Catalogue ${id} has no version ${version}.`);
  return v;
}

function requireStatus(v: CatalogueVersion, wanted: VersionStatus, doing: string): void {
  if (v.status !== wanted) throw conflict(`${label(v)} is ${v.status}; only a version that is ${wanted} can be ${doing}.`);
}

/** The catalogues in effect with `catalogue` in place of its published version, as a publish would make them. */
async function catalogueSetWith(
  versions: CatalogueVersions,
  catalogue: Catalogue | null,
  id: string,
): Promise<{ others: Catalogue[]; all: Catalogue[]; inEffect: Catalogue[] }> {
  const inEffect = (await versions.published()).map((v) => v.catalogue);
  const others = inEffect.filter((c) => c.id !== id);
  return { others, all: catalogue ? [...others, catalogue] : others, inEffect };
}

/**
 * Refuses a set of catalogues the gateway could not serve (the schema in effect then stays): the schema
 * must build, and no generated type may share a name with a type of the platform's own SDL (the
 * schema tools would merge the two silently rather than fail). The names are compared on the worker
 * thread (checks.ts); the build is the schema service's.
 */
async function checkBuildable(env: WorkflowEnv, schema: SchemaService | undefined, catalogues: Catalogue[], what: string): Promise<void> {
  const head = `${what} would make a schema the gateway cannot serve; the schema in effect stays:`;
  let clashes: string[];
  try {
    clashes = await offThread({ kind: 'clashes', platform: env.platform, catalogues });
    await schema?.check(catalogues);
  } catch (err) {
    throw invalid(head, [{ path: '', message: (err as Error).message }]);
  }
  if (clashes.length) {
    throw invalid(head, clashes.map((t) => ({ path: '', message: `type ${t} is already a type of the platform schema; rename the resource's graphql type` })));
  }
}

/** `work` holding the store's publication lock (publication-lock.ts); a lock held too long is a CONFLICT. */
async function publicationLocked(env: WorkflowEnv, what: string, notDone: string, work: (held: StillHeld) => Promise<void>): Promise<void> {
  try {
    await withPublicationLock(env.store, what, async (held) => {
      // The store's platform, checked holding the lock as an import checks it (src/catalogue/import.ts):
      // `platform adopt` records another region holding the lock too, so a publication whose command or
      // gateway checked the store at its open, before the adoption, is refused rather than published
      // against the platform file the store no longer belongs to.
      const recorded = await storePlatform(env.store);
      const own = env.platform.platform;
      if (recorded && recorded.region !== own.region) {
        throw conflict(`${notDone}: this store now belongs to the platform of region ${recorded.region} (${recorded.name}), not to region ${own.region} (${own.name}) of this platform file; use that platform's file (govgraph platform adopt recorded it)`);
      }
      await work(held);
    }, { signal: env.signal });
  } catch (err) {
    if (err instanceof PublicationBusyError || err instanceof PublicationLockLostError || err instanceof PublicationLockRowError) throw conflict(`${notDone}: ${err.message}.`);
    throw err;
  }
}

// ---- submit --------------------------------------------------------------------------------------

export interface Submission {
  version: CatalogueVersion;
  warnings: SubmissionWarning[];
}

/**
 * The warnings a document gets against the catalogues in effect and the active grants, as department
 * `viewer` may read them (null: whole, for the operator). Which departments read a resource, and which hold
 * grants to it, are its provider's to know and the competent department's (SPEC §10: a providing department
 * reads the entries about its resources, usage figures and grants likewise; workflow.md): the compiler
 * of a basic or subject catalogue that carries another provider's resource is neither. For such a resource
 * its BREAKING_CHANGE warnings name no department (`usedBy` empty, the message sends to the provider),
 * and it gets no BREAKS_GRANT warning (grant ids, and messages naming the holders); the auditor of the
 * competent department sees them whole when reviewing the version.
 */
export async function submissionWarnings(
  env: WorkflowEnv,
  catalogue: Catalogue,
  viewer: string | null,
  versions = catalogueVersions(env.store),
  reads?: WarningReads,
): Promise<SubmissionWarning[]> {
  const published = (await versions.published()).map((v) => v.catalogue);
  const current = published.find((c) => c.id === catalogue.id);
  const withheld = new Set(
    viewer === null || viewer === env.platform.platform.competentDepartment
      ? []
      : (current?.resources ?? []).filter((r) => r.provider !== viewer).map((r) => r.code),
  );
  const activeGrants = () => listGrants(env.store, { active: true, now: env.now });
  const grants = current ? await grantsInForce(env, current, await (reads ? (reads.activeGrants ??= activeGrants()) : activeGrants())) : [];
  const codes = new Set(current?.resources.map((r) => r.code) ?? []);
  const since = new Date(env.now.getTime() - READERS_DAYS * 24 * 60 * 60 * 1000).toISOString();
  const readers = current ? await readersOf(env, [...codes].filter((c) => !withheld.has(c)), since, reads) : new Map();
  const warnings = [
    ...otherProviders(current, catalogue),
    ...repeatedCollection(catalogue, published),
    ...brokenGrants(env.platform, current, catalogue, grants.filter((g) => codes.has(g.resource) && !withheld.has(g.resource)), env.now),
  ];
  // The version in effect compared a few dozen resources at a time, the event loop getting a turn between
  // (a catalogue at the bounds takes tens of milliseconds to compare: issue 9 point 3).
  const resources = current?.resources ?? [];
  for (let from = 0; from < resources.length; from += BREAKING_CHANGES_PER_TURN) {
    warnings.push(...breakingChanges({ ...current!, resources: resources.slice(from, from + BREAKING_CHANGES_PER_TURN) }, catalogue, readers, withheld));
    await nextTurn();
  }
  return warnings;
}

const BREAKING_CHANGES_PER_TURN = 50;

/**
 * What the warnings of several versions read alike, read once for them all (one request's: its `now`
 * and its viewer are the same): the active grants, and the departments that read the resources of a
 * version in effect, a scan of 90 days of the audit log for each resource. The drafts of one catalogue
 * are each compared with the same version in effect, and a list of them (or several aliases) scanned
 * the log again for each. Make one per request and drop it with the request.
 */
export interface WarningReads {
  activeGrants?: Promise<Grant[]>;
  readers: Map<string, ReturnType<typeof itemReaders>>;
  /**
   * The store the audit log is scanned through, page by page: a request's, which stops at its next page
   * once the request is cancelled (the other reads keep the store itself, whose caches are kept per
   * store object and outlive the request).
   */
  auditScan?: Store;
}

export const warningReads = (auditScan?: Store): WarningReads => ({ readers: new Map(), auditScan });

function readersOf(env: WorkflowEnv, codes: string[], since: string, reads: WarningReads | undefined): ReturnType<typeof itemReaders> {
  if (!reads) return itemReaders(env.store, codes, since);
  const key = JSON.stringify([since, ...codes]);
  let found = reads.readers.get(key);
  if (!found) reads.readers.set(key, (found = itemReaders(reads.auditScan ?? env.store, codes, since)));
  return found;
}

/**
 * The grants as in force against the catalogue in effect (item-since.ts): an item a grant names that an
 * earlier version dropped and a later one published again is not the grant's to lose, and a grant none of
 * whose items is covered any more loses nothing; BREAKS_GRANT named them as if their holders read them.
 * The catalogue is read from the store without item runs: a copy of it is marked from the publication
 * history (the catalogue read stays as it is).
 */
async function grantsInForce(env: WorkflowEnv, current: Catalogue, grants: readonly Grant[]): Promise<readonly Grant[]> {
  if (!grants.length) return grants;
  const timed = { ...current, resources: current.resources.map((r) => ({ ...r })) };
  await itemHistoryOf(env.store).mark([timed]);
  return grantsInForceAmong([timed], grants);
}

/**
 * Validates a catalogue document against the platform and the catalogues in effect and stores it as a
 * new `submitted` version. Compiler of the catalogue's compiler department; refused whole with
 * CATALOGUE_INVALID and every problem. `source` names the document in a parse error (the file a command read).
 */
export async function submitCatalogue(env: WorkflowEnv, actor: Actor, document: unknown, source?: string): Promise<Submission> {
  return perform(env, actor, 'submitCatalogue', {}, async () => {
    requireRole(actor, 'compiler', 'submit catalogues');
    // One reader for the whole submission: each stored version is parsed once (issue 9 point 3).
    const versions = catalogueVersions(env.store);
    const published = (await versions.published()).map((v) => v.catalogue);
    // Parsed and validated on the worker thread in one task: a catalogue at the bounds takes hundreds of
    // milliseconds to check, and only the checked catalogue comes back to be parsed on the event loop.
    const checked = await offThread({ kind: 'submission', document, platform: env.platform, others: published, source });
    if ('refused' in checked) throw new WorkflowError('CATALOGUE_INVALID', checked.refused.message, checked.refused.problems);
    const { id, compiler: claimed } = checked.claims;
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
    const warnings = [...unchangedSince(earlier.at(-1), catalogue), ...(await submissionWarnings(env, catalogue, actor.dept.code, versions))];
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

// ---- review --------------------------------------------------------------------------------------

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

// ---- publish and withdraw ------------------------------------------------------------------------

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
  return perform(env, actor, 'publishCatalogue', input, async () => {
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
    const { others, all, inEffect } = await catalogueSetWith(versions, v.catalogue, v.id);
    const problems = await offThread({ kind: 'recheck', catalogue: v.catalogue, platform: env.platform, others });
    if (problems.length) throw invalid(`${label(v)} no longer fits the catalogues in effect:`, problems);
    const taken = await historyProblems(env.store, env.platform, v.catalogue, versions);
    if (taken.length) throw invalid(`${label(v)} cannot be published:`, taken);
    await checkBuildable(env, schema, all, `Publishing ${label(v)}`);
    return {
      detail: `${label(v)} publication attempted`,
      done: `${label(v)} published`,
      resources: resourcesOf(v.catalogue),
      apply: async () => {
        await publicationLocked(env, label(v), `${label(v)} was not published`, async (held) => {
          // Checked again holding the lock: a publication of another catalogue since the checks above
          // (another department's `Permit` type, say) is in effect now, and the two may not both be.
          const { others: now } = await catalogueSetWith(catalogueVersions(env.store), v.catalogue, v.id);
          const meanwhile = await offThread({ kind: 'recheck', catalogue: v.catalogue, platform: env.platform, others: now });
          if (meanwhile.length) throw invalid(`${label(v)} no longer fits the catalogues in effect (published meanwhile):`, meanwhile);
          // Claimed right before the status changes: a publication racing for the same collection loses here.
          const [lost] = await claimCollections(env.store, [v.catalogue], env.now, versions);
          if (lost.length) throw invalid(`${label(v)} cannot be published:`, lost);
          for (const r of v.catalogue.resources) {
            await held(); // each step renews the lock (publication-lock.ts, StillHeld)
            await ensureResourceIndexes(env.store, r);
          }
          await held();
          if (!(await markPublished(env.store, v.id, v.version, env.now))) {
            throw conflict(`${label(v)} was not published: someone else published it, or a newer version of ${v.id}, meanwhile.`);
          }
        });
        await schema?.refresh();
        await fulfilDemands(env, { department: actor.dept.code, user: actor.user, requestId: actor.requestId, kind: 'workflow' }, v, inEffect);
        return { ...v, status: 'published', publishedAt: env.now.toISOString() }; // as this publication left it
      },
    };
  });
}

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

// ---- reading -------------------------------------------------------------------------------------

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

/** Whether a viewer sees unpublished versions: the compiling department and the competent one do. */
export function seesDrafts(env: WorkflowEnv, viewerDept: string, compiler: string): boolean {
  return viewerDept === compiler || viewerDept === env.platform.platform.competentDepartment;
}

const PUBLIC_STATUSES: readonly VersionStatus[] = ['published', 'superseded', 'withdrawn'];

/**
 * Whether `actor`'s department sees the catalogue of `version` at all (listCatalogues): it sees drafts of
 * it, or one of its versions was published. Another department's drafts (submitted, approved, rejected)
 * are its own and the competent department's: a refusal naming their compiler or title would show them.
 */
async function seesCatalogue(env: WorkflowEnv, versions: CatalogueVersions, actor: Actor, version: CatalogueVersion): Promise<boolean> {
  return seesDrafts(env, actor.dept.code, version.catalogue.compiler) || (await versions.list(version.id)).some((v) => PUBLIC_STATUSES.includes(v.status));
}

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
    if (filter.overdue !== undefined && (revision?.overdue ?? false) !== filter.overdue) continue;
    out.push({ id, compiler, latest: visible.at(-1)!, published: visible.find((v) => v.status === 'published') ?? null, versions: visible, revision });
  }
  return out;
}
