// Catalogue versions in the store (SPEC §9). Each version keeps the validated document as JSON; exactly
// one version of a catalogue id is `published` at a time. Here: a version's row as stored, and what is read
// of it without its document (its head, its summary).

import type { Catalogue } from '../../model/catalogue.ts';
import { MAX_TEXT, shownNullable } from '../../model/input-bounds.ts';
import type { Row, Store } from '../../store/port.ts';

export const CATALOGUE_VERSIONS = '_catalogue_versions';

export type VersionStatus = 'submitted' | 'approved' | 'rejected' | 'published' | 'superseded' | 'withdrawn';

export interface CatalogueVersion {
  id: string;
  version: number;
  status: VersionStatus;
  catalogue: Catalogue;
  submittedBy: string; // user (or 'operator')
  submittedAt: string;
  reviewedBy: string | null;
  reviewComment: string | null;
  reviewedAt: string | null;
  publishedAt: string | null;
}

/**
 * What the catalogue lists show of a version's document without its resources (the Catalogue and
 * CatalogueVersion types' title, kind, compiler and revision), stored with the version as `summary` when
 * it is created, so `catalogues` reads no document: a document is up to a megabyte of JSON, and a list
 * of 60 catalogues of 12 versions read and parsed them all. A whole catalogue is one too.
 */
type VersionSummary = Pick<Catalogue, 'compiler' | 'title' | 'kind' | 'revision'> & {
  /** How many resources the document holds (`catalogue list` shows it); absent from a summary stored before it was kept. */
  resourceCount?: number;
};

/** A version as the lists read it: its document's summary, or its document whole (a version stored before summaries). */
export type ListedVersion = Omit<CatalogueVersion, 'catalogue'> & { catalogue: VersionSummary };

/** The document of a listed version when it was read whole (a version stored before summaries, or not read by a list). */
export const wholeDocument = (v: ListedVersion): Catalogue | null => (Array.isArray((v.catalogue as Catalogue).resources) ? (v.catalogue as Catalogue) : null);

export function summaryOf(catalogue: Catalogue): string {
  const { compiler, title, kind, revision } = catalogue;
  const resourceCount = catalogue.resources.length;
  return JSON.stringify(revision === undefined ? { compiler, title, kind, resourceCount } : { compiler, title, kind, revision, resourceCount });
}

/** How many resources a listed version's document holds: from its summary, from the document when it was read whole, else null. */
export function resourceCountOf(v: ListedVersion): number | null {
  return wholeDocument(v)?.resources.length ?? (typeof v.catalogue.resourceCount === 'number' ? v.catalogue.resourceCount : null);
}

export async function ensureCatalogueIndexes(store: Store): Promise<void> {
  await store.ensureIndex(CATALOGUE_VERSIONS, { fields: ['id', 'version'], unique: true });
  await store.ensureIndex(CATALOGUE_VERSIONS, { fields: ['status'] });
}

/**
 * The version each catalogue document read from the store is (its row's id as stored and number), kept
 * beside the document rather than in it (the document is what was submitted): a grant records the version
 * it was decided on (src/access/grants.ts), and the item runs start from the version a build holds
 * (src/access/item-since.ts). A copy of the document (`{ ...catalogue }`) has none.
 */
const readAs = new WeakMap<Catalogue, { id: string; version: number }>();

/** The catalogue version this document was read as (see readAs); undefined for a document not read from the store. */
export function versionOf(catalogue: Catalogue): { id: string; version: number } | undefined {
  return readAs.get(catalogue);
}

/**
 * What a version carries: resource code → its item names, as JSON, stored with the version when it is
 * created (`carries`), so the publication history (item-since.ts) is read without parsing documents.
 */
export function carriesOf(catalogue: Catalogue): string {
  return JSON.stringify(Object.fromEntries(catalogue.resources.map((r) => [r.code, r.items.map((i) => i.name)])));
}

/** A version's fields but its document, as stored. */
function fieldsOf(r: Row): Omit<CatalogueVersion, 'catalogue'> {
  return {
    id: String(r.id),
    version: Number(r.version),
    status: r.status as VersionStatus,
    submittedBy: String(r.submittedBy),
    submittedAt: String(r.submittedAt),
    reviewedBy: (r.reviewedBy as string | null) ?? null,
    reviewComment: shownNullable((r.reviewComment as string | null) ?? null, MAX_TEXT), // cut as shown if kept from before the bounds
    reviewedAt: (r.reviewedAt as string | null) ?? null,
    publishedAt: (r.publishedAt as string | null) ?? null,
  };
}

export function fromRow(r: Row): CatalogueVersion {
  const catalogue = JSON.parse(String(r.document)) as Catalogue;
  readAs.set(catalogue, { id: String(r.id), version: Number(r.version) });
  const { id, version, status, ...rest } = fieldsOf(r);
  return { id, version, status, catalogue, ...rest }; // the fields in the order they always came
}

/** What tells versions apart and orders them, read without the document (few fields: the store projects them). */
export type VersionHead = Pick<CatalogueVersion, 'id' | 'version' | 'status' | 'publishedAt'>;
export const HEAD_FIELDS = ['id', 'version', 'status', 'publishedAt'];
/** A version's fields but its document (and what it carries), with its summary. */
export const LISTED_FIELDS = ['id', 'version', 'status', 'submittedBy', 'submittedAt', 'reviewedBy', 'reviewComment', 'reviewedAt', 'publishedAt', 'summary'];

export function listedOf(r: Row): ListedVersion {
  const { id, version, status, ...rest } = fieldsOf(r);
  return { id, version, status, catalogue: JSON.parse(String(r.summary)) as VersionSummary, ...rest };
}

export const headOf = (r: Row): VersionHead => ({
  id: String(r.id),
  version: Number(r.version),
  status: r.status as VersionStatus,
  publishedAt: (r.publishedAt as string | null) ?? null,
});

export const byIdThenVersion = (direction: 'asc' | 'desc') => [
  { field: 'id', direction: 'asc' as const },
  { field: 'version', direction },
];
export const EVER_PUBLISHED: readonly VersionStatus[] = ['published', 'superseded', 'withdrawn'];
