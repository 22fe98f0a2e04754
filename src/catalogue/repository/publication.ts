// Publishing a version (markPublished, supersedeOlder), what each publication recorded, and the versions
// published after one.

import { and, eq, type Store } from '../../store/port.ts';
import { CATALOGUE_VERSIONS, type VersionStatus, byIdThenVersion, EVER_PUBLISHED } from './rows.ts';

/** The number of the newest published version of `id` newer than `version`, or null when there is none. */
export async function newerPublished(store: Store, id: string, version: number): Promise<number | null> {
  const rows = await store.find(CATALOGUE_VERSIONS, {
    filter: and(eq('id', id), eq('status', 'published'), { kind: 'compare', field: 'version', op: 'gt', value: version }),
    sort: [{ field: 'version', direction: 'desc' }],
    projection: ['version'],
    limit: 1,
  });
  return rows.length ? Number(rows[0].version) : null;
}

/**
 * The newest version of `id` newer than `version` that was ever published (in effect, superseded or
 * withdrawn: it has a publishedAt; a version that lost a publication race has none), or null. Versions are
 * published in the order of their numbers: the publication history (src/access/item-since.ts) counts
 * them so, and an older version published after a newer one was withdrawn would bring back, to the grants
 * decided before that newer one, the items it dropped (and what the withdrawal took).
 */
export async function newerEverPublished(store: Store, id: string, version: number): Promise<{ version: number; status: VersionStatus } | null> {
  const rows = await store.find(CATALOGUE_VERSIONS, {
    filter: and(eq('id', id), { kind: 'in', field: 'status', values: [...EVER_PUBLISHED] }, { kind: 'compare', field: 'version', op: 'gt', value: version }),
    sort: [{ field: 'version', direction: 'desc' }],
    projection: ['version', 'status', 'publishedAt'],
  });
  const found = rows.find((r) => r.publishedAt != null);
  return found ? { version: Number(found.version), status: found.status as VersionStatus } : null;
}

/**
 * What a publication did, recorded on the version in the write that publishes it (markPublished): the
 * resource codes it newly brought into effect, each with its provider (a code of the catalogues in effect
 * right before, this catalogue's own version before included, is not among them), and who published. A
 * promise of one of these codes (a demand answered WILL_CATALOGUE, src/workflow/demands.ts) is kept by
 * this publication: the demands are marked FULFILLED from this record, by the publication's process
 * right after it, or by whatever comes next when that process was killed first (docs/workflow.md).
 */
export interface PublicationRecord {
  brought: { code: string; provider: string }[];
  by: { department: string | null; user: string; requestId: string; kind: 'workflow' | 'operator' };
}

/** A version ever published with its publication record (versions published before records were kept have none). */
export interface RecordedPublication {
  id: string;
  version: number;
  publishedAt: string;
  record: PublicationRecord;
}

/**
 * The publication records of every version ever published (published, superseded or withdrawn; a version
 * whose publication lost a race has no publishedAt), oldest publication first, without their documents.
 */
export async function recordedPublications(store: Store): Promise<RecordedPublication[]> {
  const rows = await store.find(CATALOGUE_VERSIONS, {
    filter: { kind: 'in', field: 'status', values: [...EVER_PUBLISHED] },
    sort: byIdThenVersion('asc'),
    projection: ['id', 'version', 'publishedAt', 'publication'],
  });
  const out: RecordedPublication[] = [];
  for (const r of rows) {
    if (typeof r.publishedAt !== 'string' || typeof r.publication !== 'string') continue;
    out.push({ id: String(r.id), version: Number(r.version), publishedAt: r.publishedAt, record: JSON.parse(r.publication) as PublicationRecord });
  }
  return out.sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0));
}

/**
 * Publishes an approved version, then supersedes the older published ones. Claimed on its status, so two
 * publishes of one version cannot both win (returns false for the loser); in that order, so there is never
 * a moment with no version in effect; and readers take the newest published version of each id, so two
 * versions published at once leave the newer in effect.
 *
 * A version older than one published meanwhile (by another process that passed its checks at the same
 * time; or published and withdrawn since: newerEverPublished) would be marked published while never in
 * effect, and stay so: it goes back to approved (unless
 * the newer one's publication superseded it first: it stays superseded) and the publication loses
 * (false). Either way it loses its publishedAt: the publication history (src/access/item-since.ts)
 * leaves out a version with none, where one it kept would count as a version in effect, and an item it
 * dropped as dropped and published again, setting aside the grants decided before it. Killed before that,
 * the newer is in effect and the next publication or a withdrawal supersedes the older, as after any
 * publication killed between its writes.
 */
export async function markPublished(store: Store, id: string, version: number, now = new Date(), record?: PublicationRecord): Promise<boolean> {
  const claimed = await store.update(CATALOGUE_VERSIONS, and(eq('id', id), eq('version', version), eq('status', 'approved')), {
    status: 'published',
    publishedAt: now.toISOString(),
    // In the same write: what the publication brought into effect outlives a process killed right after it.
    ...(record ? { publication: JSON.stringify(record) } : {}),
  });
  if (claimed === 0) return false;
  await supersedeOlder(store, id, version);
  // A newer version withdrawn meanwhile too: versions are published in the order of their numbers.
  if ((await newerEverPublished(store, id, version)) !== null) {
    await store.update(CATALOGUE_VERSIONS, and(eq('id', id), eq('version', version), eq('status', 'published')), { status: 'approved', publishedAt: null, publication: null });
    await store.update(CATALOGUE_VERSIONS, and(eq('id', id), eq('version', version), eq('status', 'superseded')), { publishedAt: null, publication: null });
    return false;
  }
  return true;
}

/**
 * Supersedes the versions of `id` older than `version` that are still published: the second write of a
 * publication, also run again to finish one whose process died between the two (import, withdraw).
 */
export async function supersedeOlder(store: Store, id: string, version: number): Promise<void> {
  await store.update(
    CATALOGUE_VERSIONS,
    and(eq('id', id), eq('status', 'published'), { kind: 'compare', field: 'version', op: 'lt', value: version }),
    { status: 'superseded' },
  );
}
