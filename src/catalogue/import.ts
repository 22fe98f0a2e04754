// The operator's bootstrap (SPEC §11 `catalogue import`): stores, and with publish publishes, catalogues
// without the review workflow. All documents are validated together first; one problem refuses them all.
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { DuplicateKeyError, type Store } from '../store/port.ts';
import { DocumentInvalidError } from './problems.ts';
import { validateCatalogueFiles } from './files.ts';
import { addVersion } from './repository/add-version.ts';
import { otherOwner, claimCatalogueId, claimedIdMessage, takenIdMessage } from './repository/ids.ts';
import { markPublished, newerPublished, supersedeOlder, type PublicationRecord } from './repository/publication.ts';
import { ensureCatalogueIndexes, type CatalogueVersion } from './repository/rows.ts';
import { catalogueVersions, listVersions } from './repository/versions.ts';
import { broughtIntoEffect } from './codes.ts';
import { ensureResourceIndexes } from './indexes.ts';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { CATALOGUE_IMPORT_ACTION } from '../audit/actions.ts';
import { recordedDetail, type AuditOutcome } from '../audit/entry.ts';
import { claimCollections, releaseClaims } from './collections.ts';
import { historyProblems } from './history.ts';
import { withPublicationLock, type StillHeld } from './publication-lock.ts';
import { platformMismatch, recordStorePlatform, storePlatform } from './store-platform.ts';
import { prefixProblems, type Problem } from './problems.ts';
import { auditOtherRegionRefusal, auditRefusedImport, problemsWhy } from './import-refusal.ts';

export interface ImportOptions {
  publish: boolean;
  by?: string;
  /** Aborted (Ctrl-C, SIGTERM), the import stops before its next catalogue or step (store/interrupted.ts). */
  signal?: AbortSignal;
  /** The platform file as a refusal names it (store-platform.ts); default "the platform file". */
  platformFile?: string;
  /** The request id of the import's audit entries and publication records; default a new one. */
  requestId?: string;
}

/** A publication into a store another process has meanwhile made another region's: nothing was done. */
export class OtherPlatformError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'OtherPlatformError';
  }
}

export interface ImportedCatalogue {
  file: string;
  version: CatalogueVersion;
  /** The document is the same as the catalogue's latest stored version, which was kept (no new version). */
  unchanged?: boolean;
  /**
   * Asked to publish, it was not: another process published this newer version of the catalogue
   * meanwhile, which is in effect (this version stays approved).
   */
  newerInEffect?: number;
}

/**
 * Publishes an approved version (its status set here when it is); a publication that lost to a newer
 * version another process published meanwhile (markPublished gave its claim back) says which.
 */
async function publish(store: Store, version: CatalogueVersion, by: PublicationRecord['by']): Promise<Pick<ImportedCatalogue, 'newerInEffect'>> {
  // What it brings into effect, read holding the publication lock right before the write that records it
  // (markPublished): the demands it keeps are marked from that record, after the import or, when the
  // import was killed first, by the next one (src/workflow/demands.ts).
  const inEffect = (await catalogueVersions(store).published()).map((v) => v.catalogue);
  if (await markPublished(store, version.id, version.version, new Date(), { brought: broughtIntoEffect(version.catalogue, inEffect), by })) {
    version.status = 'published';
    return {};
  }
  const newer = await newerPublished(store, version.id, version.version);
  return newer === null ? {} : { newerInEffect: newer };
}

/** JSON with object keys sorted, so that two equal documents compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The latest stored version of the catalogue when its document is the same (not rejected or withdrawn). */
async function sameLatest(store: Store, catalogue: Catalogue): Promise<CatalogueVersion | null> {
  const versions = await listVersions(store, catalogue.id);
  const latest = versions.reduce<CatalogueVersion | null>((a, v) => (!a || v.version > a.version ? v : a), null);
  if (!latest || latest.status === 'rejected' || latest.status === 'withdrawn') return null;
  return canonical(latest.catalogue) === canonical(catalogue) ? latest : null;
}

export async function importCatalogueFiles(
  store: Store,
  platform: Platform,
  files: string[],
  opts: ImportOptions,
): Promise<ImportedCatalogue[]> {
  // Validated against the catalogues in effect and published holding the store's publication lock, so
  // that no publication in between makes the two clash (publication-lock.ts).
  // Another publication holding it past the wait is a PublicationBusyError, said without a stack.
  // The store's platform is checked again, and recorded, holding the lock: two imports at once of two
  // regions' catalogues into a store recording none both passed the command's check at their open, and the
  // second, published after the first, mixed the other region's catalogues into it (store-platform.ts).
  // An import without --publish too: its drafts are as much the other region's (found by review, wave 20:
  // it recorded the platform after it had stored them, outside the lock, and ignored what the store
  // recorded, so two imports of two regions' files into a store recording none both stored their drafts).
  const file = opts.platformFile ?? 'the platform file';
  // Its entries share one request id, a refusal's too (import-refusal.ts).
  opts = { ...opts, requestId: opts.requestId ?? randomUUID() };
  const refused = { files, publish: opts.publish, by: opts.by, requestId: opts.requestId! };
  const otherPlatform = async (message: string) => {
    await auditOtherRegionRefusal(store, refused, message);
    return new OtherPlatformError(message);
  };
  return withPublicationLock(store, `catalogue import of ${filesNamed(files)}`, async (held) => {
    const mixedUp = platformMismatch(await storePlatform(store), platform, file);
    if (mixedUp) throw await otherPlatform(mixedUp);
    // Recorded once the documents are found valid, before the first of them is stored: recorded after
    // them, an import killed in between (kill -9, found by the kill walk) left catalogues published in a
    // store that recorded no platform, into which another region's import then published its own. What
    // the store records then is compared too: a gateway (serve records without the lock) may have
    // recorded another region since the check above.
    const found = async () => {
      const recordedNow = platformMismatch(await recordStorePlatform(store, platform), platform, file);
      if (recordedNow) throw await otherPlatform(recordedNow);
    };
    // Documents refused before anything of them is stored are on record (import-refusal.ts); those
    // refused later say so in the import's own entries (storeCatalogues).
    const refuse = async (why: string, problems: Problem[]) => {
      await auditRefusedImport(store, refused, problemsWhy(why, files, problems));
      return new DocumentInvalidError(problems);
    };
    try {
      return await importFiles(store, platform, files, opts, held, found, refuse);
    } finally {
      // Stopped before it published some of its catalogues (Ctrl-C, the lock lost, a failure), or beaten
      // to one by a newer version: their claims go (collections.ts).
      // A store that fails here leaves them to be found stale once the lock is given back.
      if (opts.publish) await releaseClaims(store, held).catch(() => undefined);
    }
  }, { signal: opts.signal });
}

/**
 * The files of an import as another publication's refusal names them while this one holds the lock: the
 * first three and how many more (an import of 120 files, `catalogue import catalogues/*.yaml`, filled the
 * operator's screen with 120 paths in one refusal).
 */
export function filesNamed(files: readonly string[]): string {
  return shortList(files, 'files');
}

/** The first three of a list and how many more (`... and 147 more catalogues`); a list of four whole. */
function shortList(items: readonly string[], noun = 'catalogues'): string {
  const SHOWN = 3;
  if (items.length <= SHOWN + 1) return items.join(', ');
  return `${items.slice(0, SHOWN).join(', ')} and ${items.length - SHOWN} more ${noun}`;
}

async function importFiles(
  store: Store,
  platform: Platform,
  files: string[],
  opts: ImportOptions,
  held: StillHeld,
  /** Called once the documents are found valid, before anything of them is stored. */
  found: () => Promise<void>,
  /** The error refusing the documents for `problems`, the refusal on record (`why`: the step that found them). */
  refuse: (why: string, problems: Problem[]) => Promise<DocumentInvalidError>,
): Promise<ImportedCatalogue[]> {
  const versions = catalogueVersions(store);
  const report = validateCatalogueFiles(files, platform, (await versions.published()).map((v) => v.catalogue));
  if (!report.catalogues) throw await refuse('the documents are invalid', report.problems);
  opts.signal?.throwIfAborted(); // interrupted while the files were checked: nothing stored, no entry
  const valid: { file: string; catalogue: Catalogue }[] = [];
  const taken: Problem[] = [];
  for (const e of report.entries) {
    // An id names one department's catalogue for good, in any case, as at submission: another
    // department's document cannot take it over; one of the same department's is stored under the id
    // as first written.
    const owner = await otherOwner(versions, e.catalogue!.id, e.catalogue!.compiler);
    if (owner) taken.push(...prefixProblems(e.label, [{ path: 'id', message: takenIdMessage(owner) }]));
    const [spelled] = await versions.spellings(e.catalogue!.id);
    valid.push({ file: e.label, catalogue: spelled === undefined || spelled === e.catalogue!.id ? e.catalogue! : { ...e.catalogue!, id: spelled } });
  }
  if (taken.length) throw await refuse("a catalogue id is another department's", taken);
  for (const { file, catalogue } of valid) taken.push(...prefixProblems(file, await historyProblems(store, platform, catalogue, versions)));
  if (taken.length) throw await refuse('against the catalogues published before (a code, a name or a collection stays its first resource\'s)', taken);
  // Each id claimed, as at submission (claimCatalogueId): a new id claimed in another case meanwhile is
  // refused when another department's, and gives the spelling when the same department's.
  for (const entry of valid) {
    const held = await claimCatalogueId(store, entry.catalogue);
    if (held.compiler !== entry.catalogue.compiler) taken.push(...prefixProblems(entry.file, [{ path: 'id', message: claimedIdMessage(held) }]));
    else if (held.id !== entry.catalogue.id && !(await versions.spellings(entry.catalogue.id)).length) entry.catalogue = { ...entry.catalogue, id: held.id };
  }
  if (taken.length) throw await refuse("a catalogue id is another department's", taken);
  await found();
  return storeCatalogues(store, valid, opts, held);
}

async function storeCatalogues(
  store: Store,
  catalogues: { file: string; catalogue: Catalogue }[],
  opts: ImportOptions,
  held: StillHeld,
): Promise<ImportedCatalogue[]> {
  // The operator's action is recorded before it changes anything (SPEC §10): no entry, no import. It says
  // `attempted`, as a data import's and a workflow publication's first entry do, and a second entry says
  // how it ended: the first alone said `imported and published` before anything was, and stood so when
  // the import then failed (a unique key over duplicate records, a collection claimed meanwhile, a lock
  // taken over from a process stopped for 30 s) or was killed: the log named a publication that never was.
  const named = catalogues.map(({ file, catalogue }) => `${catalogue.id} (${file})`);
  const what = `${opts.publish ? 'import and publication' : 'import'} of ${named.join(', ')}`;
  // The entries name the catalogues as filesNamed does, the first entry then naming them all: with every
  // one of 150 files named (twice), a detail was cut at MAX_DETAIL before it said `attempted`, or `not
  // done` and why (an import of a folder interrupted by Ctrl-C read as refused for no reason given).
  const ended = `${opts.publish ? 'import and publication' : 'import'} of ${shortList(named)}`;
  const requestId = opts.requestId ?? randomUUID();
  const entry = (outcome: AuditOutcome, detail: string) =>
    appendAudit(store, {
      requestId,
      department: null,
      user: opts.by ?? 'operator',
      purpose: null,
      operationName: null,
      documentHash: null,
      kind: 'operator',
      action: CATALOGUE_IMPORT_ACTION,
      resources: catalogues.flatMap(({ catalogue }) =>
        catalogue.resources.map((r) => ({ resource: r.code, provider: r.provider, items: [], denied: [], masked: [], records: 0, filtered: [], ordered: [], counted: false })),
      ),
      outcome,
      detail: recordedDetail(detail),
    });
  // Of more than four, all are named after the word, where a cut (MAX_DETAIL) cannot take it away.
  const attempted = await entry('ok', what === ended ? `${what} attempted` : `${ended} attempted: ${named.join(', ')}`);
  const outcomes = (done: readonly ImportedCatalogue[]) => done.map(({ version, unchanged, newerInEffect }) =>
    `${version.id} v${version.version} ${version.status}${unchanged ? ' (unchanged)' : ''}${newerInEffect !== undefined ? ` (v${newerInEffect} published meanwhile is in effect)` : ''}`,
  );
  // Each catalogue's outcome as it is stored (and published): an import of several files that ends early
  // has stored, and may have published, the first ones.
  const out: ImportedCatalogue[] = [];
  try {
    await storeAll(store, catalogues, opts, held, out, { department: null, user: opts.by ?? 'operator', requestId, kind: 'operator' });
  } catch (err) {
    // Refused (a problem of the documents or the store's data, the lock lost): nothing of it is in effect.
    // Failed otherwise (the store): what was stored before the failure is said by `catalogue list`.
    const refused = err instanceof DocumentInvalidError || (err as { userFacing?: unknown }).userFacing === true;
    const message = err instanceof DocumentInvalidError ? err.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ') : (err as Error).message;
    // Refused after the first files' catalogues were stored (the lock lost before the next publication):
    // those stand, and the entry says so, not `not done` of an import whose first catalogue is in effect.
    const rest = shortList(named.slice(out.length));
    const how = out.length === 0 ? `${refused ? 'not done' : 'failed'}: ${message}` : `partly done: ${shortList(outcomes(out))}; ${rest} ${refused ? 'not done' : 'failed'}: ${message}`;
    await entry(refused ? 'refused' : 'error', `${ended} — entry #${attempted.seq} ${how}`).catch(() => undefined);
    throw err;
  }
  await entry('ok', `${ended} done (entry #${attempted.seq}): ${shortList(outcomes(out))}`);
  return out;
}

async function storeAll(
  store: Store,
  catalogues: { file: string; catalogue: Catalogue }[],
  opts: ImportOptions,
  held: StillHeld,
  out: ImportedCatalogue[],
  /** Who publishes, as the publication records name it (the import's request id, as its audit entries). */
  by: PublicationRecord['by'],
): Promise<void> {
  await ensureCatalogueIndexes(store);
  // Indexes first, for every catalogue: the step that can fail on existing data (a unique key over
  // duplicate values) fails before any version is stored.
  if (opts.publish) {
    // Each collection claimed for its resource before anything is published (collections.ts).
    await held();
    const claims = await claimCollections(store, catalogues.map((c) => c.catalogue), held);
    const lost = claims.flatMap((problems, i) => prefixProblems(catalogues[i].file, problems));
    if (lost.length) throw new DocumentInvalidError(lost);
    for (const { catalogue } of catalogues) {
      for (const r of catalogue.resources) {
        await held(); // each step renews the lock (publication-lock.ts, StillHeld)
        await ensureResourceIndexes(store, r);
      }
    }
  }
  for (const { file, catalogue } of catalogues) {
    // Interrupted, it stops here, before the next catalogue. Without --publish, a draft is one write: the
    // lock is renewed before it (a publication renews it right before it publishes, below).
    if (opts.publish) opts.signal?.throwIfAborted();
    else await held();
    // An unchanged catalogue imported again makes no new version (publishing the kept one if asked).
    const same = await sameLatest(store, catalogue);
    if (same) {
      // Published already, by an import killed before it superseded the older version: finish that.
      if (opts.publish) await held();
      if (opts.publish && same.status === 'published') await supersedeOlder(store, catalogue.id, same.version);
      out.push({ file, version: same, unchanged: true, ...(opts.publish && same.status !== 'published' ? await publish(store, same, by) : {}) });
      continue;
    }
    const version = await addNextVersion(store, catalogue, opts.by ?? 'operator');
    // The lock still this import's right before it publishes; a Ctrl-C meanwhile stops the import after
    // this catalogue's publication (loop's top), not between its two writes: an `approved` version left
    // unpublished, the entry saying `not done`, was published by the file's next import as unchanged.
    if (opts.publish) await held({ midStep: true });
    out.push({ file, version, ...(opts.publish ? await publish(store, version, by) : {}) });
  }
}

/** At most this many tries to take the next version number while submissions take it first. */
const VERSION_ATTEMPTS = 10;

/**
 * Stores the catalogue as its next version. A submission (or another import) storing the same number at
 * once makes the unique (id, version) refuse this one: the number is read again and taken anew (the
 * import's audit entry names no version), rather than failing with the store's own words.
 */
async function addNextVersion(store: Store, catalogue: Catalogue, by: string): Promise<CatalogueVersion> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await addVersion(store, catalogue, by, 'approved');
    } catch (err) {
      if (!(err instanceof DuplicateKeyError) || attempt >= VERSION_ATTEMPTS) throw err;
    }
  }
}
