// The warnings a submitted document gets against the catalogues in effect, the active grants and the
// departments reading its resources (the checks themselves: src/workflow/warnings.ts).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { activeGrantsFor, listGrants } from '../../access/grants/listing.ts';
import { decideFigureItem } from '../../access/figure-item.ts';
import { effectiveItems } from '../../access/effective-share.ts';
import { decideFigureRows } from '../../access/row-scope.ts';
import { departmentByCode } from '../../model/platform.ts';
import { grantsInForceAmong } from '../../access/item-since/in-force.ts';
import { itemHistoryOf } from '../../access/item-since/history.ts';
import { catalogueVersions } from '../../catalogue/repository/versions.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { codeKey } from '../../catalogue/codes.ts';
import type { Grant } from '../../access/grant-model.ts';
import type { Store } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { itemReaders } from '../../audit/usage.ts';
import { READERS_DAYS, breakingChanges } from '../warnings/breaking-changes.ts';
import { brokenGrants } from '../warnings/broken-grants.ts';
import { droppedValueRecords, type FigureItem, type FigureRows } from '../warnings/dropped-values.ts';
import { otherProviders } from '../warnings/other-providers.ts';
import { repeatedCollection, type ProvidedSince } from '../warnings/repeated-collection.ts';
import { unfilledRequired } from '../warnings/unfilled-required.ts';
import type { SubmissionWarning } from '../warnings/warning.ts';

/** Who reads a version's warnings: a user of a department, with the roles its token gives. */
export interface WarningViewer {
  dept: string;
  roles: readonly string[];
}

/**
 * Whether `viewer` reads the warnings of other providers' resources whole (who reads them, the grants they
 * break, the stored records holding an enum value taken away): the operator (null), and of the competent
 * department its auditors, who review the version, and its supervisors, who read every audit entry, usage
 * figure and grant. Any other user of the competent department sees its drafts (seesDrafts) but reads
 * another provider's data only as the access rules let it: a count by value of an item it reads masked or
 * not at all is a figure about that item's values (found: an applicant of the department was told how many
 * of the police's records held a secret enum value).
 */
function seesWarningsWhole(env: WorkflowEnv, viewer: WarningViewer | null): boolean {
  return viewer === null
    || (viewer.dept === env.platform.platform.competentDepartment && viewer.roles.some((r) => r === 'auditor' || r === 'supervisor'));
}

/**
 * The rows of each resource whose records the viewer's counts take in (SPEC §6 row scope): every record
 * for the operator (null) and for the resource's provider; for any other department, those its figures
 * count elsewhere (decideFigureRows, as the consistency report's: its region, or what its active grants
 * reach). Seeing the warnings whole (the competent department's auditors and supervisors) tells which
 * departments read a resource, not how many records lie outside the rows the department sees: the Hebei
 * data bureau was told that one relief record lacked a division, a record only its provider sees.
 */
async function figureRows(env: WorkflowEnv, viewer: WarningViewer | null, current: Catalogue | undefined, grants: () => Promise<Grant[]>): Promise<FigureRows> {
  if (viewer === null || !current?.resources.some((r) => r.share.scope?.rows)) return () => null;
  const requester = departmentByCode(env.platform, viewer.dept);
  // Every viewer is a department of the platform (a forwarded request reads no platform field); one that
  // is not sees no row of a resource under row scope.
  if (!requester) return (r) => (r.share.scope?.rows ? { item: r.share.scope.rows.item, prefixes: [] } : null);
  const held = await grants();
  return (r) => decideFigureRows({ requester, purpose: null, resource: r, grants: held, now: env.now });
}

/**
 * How the viewer's counts may go by an item (decideFigureItem: as its department reads the item, for
 * any purpose, over the rows they count): every item for the operator (null). The competent department's
 * auditors and supervisors read the warnings whole, but a count of the records lacking an item, or
 * holding an enum value, is a figure about that item's values: found, the Shandong big data bureau,
 * holding no grant to the recipients, was told how many lacked the name a version made required.
 */
function figureItem(env: WorkflowEnv, viewer: WarningViewer | null, grants: () => Promise<Grant[]>): FigureItem {
  if (viewer === null) return async () => 'clear';
  const requester = departmentByCode(env.platform, viewer.dept);
  const purposes = env.platform.purposes.map((p) => p.code);
  return async (resource, name) => {
    const item = effectiveItems(resource).get(name);
    if (!requester || !item) return null;
    return decideFigureItem({ requester, resource, item, grants: await grants(), now: env.now, purposes });
  };
}

/**
 * The warnings a document gets against the catalogues in effect and the active grants, as `viewer` may
 * read them (null: whole, for the operator; see seesWarningsWhole). Which departments read a resource, and which hold
 * grants to it, are its provider's to know and the competent department's (SPEC §10: a providing department
 * reads the entries about its resources, usage figures and grants likewise; workflow.md): the compiler
 * of a basic or subject catalogue that carries another provider's resource is neither. For such a resource
 * its BREAKING_CHANGE warnings name no department (`usedBy` empty, the message sends to the provider),
 * and it gets no BREAKS_GRANT warning (grant ids, and messages naming the holders); the auditor of the
 * competent department sees them whole when reviewing the version (as its supervisors do; not its other
 * users). So are the stored records holding an enum value the version takes away (a count by value of an
 * item the compiler may not read unmasked), but counted, for them too, only by an item their department
 * reads (figureItem).
 */
export async function submissionWarnings(
  env: WorkflowEnv,
  catalogue: Catalogue,
  viewer: WarningViewer | null,
  versions = catalogueVersions(env.store),
  reads?: WarningReads,
): Promise<SubmissionWarning[]> {
  const published = (await versions.published()).map((v) => v.catalogue);
  const current = published.find((c) => c.id === catalogue.id);
  const withheld = new Set(
    seesWarningsWhole(env, viewer) ? [] : (current?.resources ?? []).filter((r) => r.provider !== viewer!.dept).map((r) => r.code),
  );
  const activeGrants = () => listGrants(env.store, { active: true, now: env.now });
  const grants = current ? await grantsInForce(env, current, await (reads ? (reads.activeGrants ??= activeGrants()) : activeGrants())) : [];
  const codes = new Set(current?.resources.map((r) => r.code) ?? []);
  const since = new Date(env.now.getTime() - READERS_DAYS * 24 * 60 * 60 * 1000).toISOString();
  const readers = current ? await readersOf(env, [...codes].filter((c) => !withheld.has(c)), since, reads) : new Map();
  // The viewer's active grants, read once and only when a figure needs them.
  let viewerGrants: Promise<Grant[]> | undefined;
  const grantsOfViewer = () => (viewerGrants ??= activeGrantsFor(env.store, viewer!.dept, env.now));
  const rows = await figureRows(env, viewer, current, grantsOfViewer);
  const items = figureItem(env, viewer, grantsOfViewer);
  const warnings = [
    ...otherProviders(current, catalogue),
    ...(await repeatedCollectionOf(env, catalogue, published, reads)),
    ...brokenGrants(env.platform, current, catalogue, grants.filter((g) => codes.has(g.resource) && !withheld.has(g.resource)), env.now),
    ...(await unfilledRequired(env.store, current, catalogue, withheld, rows, items)),
  ];
  // The version in effect compared a few dozen resources at a time, the event loop getting a turn between
  // (a catalogue at the bounds takes tens of milliseconds to compare: issue 9 point 3).
  const resources = current?.resources ?? [];
  // Counted through the request's scan store (WarningReads.auditScan): one count per value taken away, and
  // none is started once the request is cancelled (test/warnings-dropped-values-cancel.test.ts).
  const held = await droppedValueRecords(reads?.auditScan ?? env.store, current, catalogue, withheld, rows, items);
  for (let from = 0; from < resources.length; from += BREAKING_CHANGES_PER_TURN) {
    warnings.push(...breakingChanges({ ...current!, resources: resources.slice(from, from + BREAKING_CHANGES_PER_TURN) }, catalogue, readers, withheld, held, current));
    await nextTurn();
  }
  return warnings;
}

const BREAKING_CHANGES_PER_TURN = 50;

/**
 * REPEATED_COLLECTION warnings, with who provided each element first from the publication history: read
 * only when some item would be warned without it (the original source of an element is not warned).
 */
async function repeatedCollectionOf(env: WorkflowEnv, catalogue: Catalogue, published: readonly Catalogue[], reads: WarningReads | undefined): Promise<SubmissionWarning[]> {
  if (!repeatedCollection(catalogue, published).length) return [];
  const since = () => providedSinceIn(env, published);
  return repeatedCollection(catalogue, published, await (reads ? (reads.providedSince ??= since()) : since()));
}

/**
 * ProvidedSince for the resources of `published` (the catalogues in effect, as read from the store), by
 * resource code: a request's warnings of several versions share it (WarningReads), and the versions they
 * read may be other objects of the same catalogues (a version's document read again).
 */
async function providedSinceIn(env: WorkflowEnv, published: readonly Catalogue[]): Promise<ProvidedSince> {
  const items = new Map([...(await itemHistoryOf(env.store).itemsSince(published))].map(([r, since]) => [codeKey(r.code), since]));
  const byResource = new Map<string, Map<string, number>>();
  return (resource, element) => {
    const code = codeKey(resource.code);
    let first = byResource.get(code);
    if (!first) {
      // Per element, the earliest run among the resource's items carrying it.
      byResource.set(code, (first = new Map()));
      const since = items.get(code);
      for (const i of resource.items) {
        const at = i.element === undefined ? undefined : since?.get(i.name);
        if (at !== undefined && !(at >= (first.get(i.element!) ?? Infinity))) first.set(i.element!, at);
      }
    }
    return first.get(element);
  };
}

/**
 * What the warnings of several versions read alike, read once for them all (one request's: its `now`
 * and its viewer are the same): the active grants, and the departments that read the resources of a
 * version in effect, a scan of 90 days of the audit log for each resource. The drafts of one catalogue
 * are each compared with the same version in effect, and a list of them (or several aliases) scanned
 * the log again for each. Make one per request and drop it with the request.
 */
export interface WarningReads {
  activeGrants?: Promise<Grant[]>;
  /** Since when each published resource has provided each data element (the publication history). */
  providedSince?: Promise<ProvidedSince>;
  readers: Map<string, ReturnType<typeof itemReaders>>;
  /**
   * The store the audit log is scanned through, page by page, and the records holding an enum value taken
   * away are counted through, value by value: a request's, which stops at its next page or count once the
   * request is cancelled (the other reads keep the store itself, whose caches are kept per store object
   * and outlive the request).
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
