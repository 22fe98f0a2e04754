// Catalogue versions in the store (SPEC §9). Each version keeps the validated document as JSON; exactly
// one version of a catalogue id is `published` at a time.
import type { Catalogue } from '../model/catalogue.ts';
import { and, eq, type Row, type Store } from '../store/port.ts';

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

export async function ensureCatalogueIndexes(store: Store): Promise<void> {
  await store.ensureIndex(CATALOGUE_VERSIONS, { fields: ['id', 'version'], unique: true });
  await store.ensureIndex(CATALOGUE_VERSIONS, { fields: ['status'] });
}

function fromRow(r: Row): CatalogueVersion {
  return {
    id: String(r.id),
    version: Number(r.version),
    status: r.status as VersionStatus,
    catalogue: JSON.parse(String(r.document)) as Catalogue,
    submittedBy: String(r.submittedBy),
    submittedAt: String(r.submittedAt),
    reviewedBy: (r.reviewedBy as string | null) ?? null,
    reviewComment: (r.reviewComment as string | null) ?? null,
    reviewedAt: (r.reviewedAt as string | null) ?? null,
    publishedAt: (r.publishedAt as string | null) ?? null,
  };
}

/**
 * The versions `query` finds, each document read on its own: a catalogue at the bounds is a megabyte of
 * JSON, and one read of several would hold the event loop while it parses them all (issue 9 point 3);
 * between reads the store gives the loop its turns (src/store/sqlite.ts). A version gone meanwhile is left out.
 */
async function versionsOneByOne(store: Store, heads: Row[]): Promise<CatalogueVersion[]> {
  const out: CatalogueVersion[] = [];
  for (const h of heads) {
    const v = await getVersion(store, String(h.id), Number(h.version));
    if (v) out.push(v);
  }
  return out;
}

export async function publishedVersions(store: Store): Promise<CatalogueVersion[]> {
  const rows = await store.find(CATALOGUE_VERSIONS, {
    filter: eq('status', 'published'),
    projection: ['id', 'version'],
    sort: [{ field: 'id', direction: 'asc' }, { field: 'version', direction: 'desc' }],
  });
  // Between a publish and its superseding write two versions of an id are published: the newer is in effect.
  return versionsOneByOne(store, rows.filter((r, i) => i === 0 || rows[i - 1].id !== r.id));
}

/** The catalogues in effect, in id order. */
export async function publishedCatalogues(store: Store): Promise<Catalogue[]> {
  return (await publishedVersions(store)).map((v) => v.catalogue);
}

export async function listVersions(store: Store, id?: string): Promise<CatalogueVersion[]> {
  const rows = await store.find(CATALOGUE_VERSIONS, {
    filter: id === undefined ? undefined : eq('id', id),
    projection: ['id', 'version'],
    sort: [{ field: 'id', direction: 'asc' }, { field: 'version', direction: 'asc' }],
  });
  return versionsOneByOne(store, rows);
}

export async function getVersion(store: Store, id: string, version: number): Promise<CatalogueVersion | null> {
  const rows = await store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', id), eq('version', version)), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

/** Stores a new version with the next number; the unique (id, version) index settles races. */
export async function addVersion(
  store: Store,
  catalogue: Catalogue,
  by: string,
  status: VersionStatus = 'submitted',
  now = new Date(),
): Promise<CatalogueVersion> {
  const last = await store.find(CATALOGUE_VERSIONS, {
    filter: eq('id', catalogue.id),
    sort: [{ field: 'version', direction: 'desc' }],
    projection: ['version'],
    limit: 1,
  });
  const version = last.length ? Number(last[0].version) + 1 : 1;
  const row: Row = {
    id: catalogue.id,
    version,
    status,
    document: JSON.stringify(catalogue),
    submittedBy: by,
    submittedAt: now.toISOString(),
    reviewedBy: null,
    reviewComment: null,
    reviewedAt: null,
    publishedAt: null,
  };
  await store.insert(CATALOGUE_VERSIONS, [row]);
  return fromRow(row);
}

/**
 * Publishes an approved version, then supersedes the older published ones. Claimed on its status, so two
 * publishes of one version cannot both win (returns false for the loser); in that order, so there is never
 * a moment with no version in effect; and readers take the newest published version of each id, so two
 * versions published at once leave the newer in effect.
 */
export async function markPublished(store: Store, id: string, version: number, now = new Date()): Promise<boolean> {
  const claimed = await store.update(CATALOGUE_VERSIONS, and(eq('id', id), eq('version', version), eq('status', 'approved')), {
    status: 'published',
    publishedAt: now.toISOString(),
  });
  if (claimed === 0) return false;
  await store.update(
    CATALOGUE_VERSIONS,
    and(eq('id', id), eq('status', 'published'), { kind: 'compare', field: 'version', op: 'lt', value: version }),
    { status: 'superseded' },
  );
  return true;
}
