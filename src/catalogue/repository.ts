// Catalogue versions in the store (SPEC §9). Each version keeps the validated document as JSON; exactly
// one version of a catalogue id is `published` at a time.
import { catalogueIdKey, type Catalogue } from '../model/catalogue.ts';
import { MAX_TEXT, shownNullable } from '../model/input-bounds.ts';
import { and, DuplicateKeyError, eq, type FindQuery, type Row, type Store } from '../store/port.ts';

export const CATALOGUE_VERSIONS = '_catalogue_versions';
/** One row per catalogue id ignoring case (catalogueIdKey), naming the department that holds it. */
export const CATALOGUE_IDS = '_catalogue_ids';

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
export type VersionSummary = Pick<Catalogue, 'compiler' | 'title' | 'kind' | 'revision'> & {
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

function fromRow(r: Row): CatalogueVersion {
  const catalogue = JSON.parse(String(r.document)) as Catalogue;
  readAs.set(catalogue, { id: String(r.id), version: Number(r.version) });
  const { id, version, status, ...rest } = fieldsOf(r);
  return { id, version, status, catalogue, ...rest }; // the fields in the order they always came
}

/** What tells versions apart and orders them, read without the document (few fields: the store projects them). */
type VersionHead = Pick<CatalogueVersion, 'id' | 'version' | 'status' | 'publishedAt'>;
const HEAD_FIELDS = ['id', 'version', 'status', 'publishedAt'];
/** A version's fields but its document (and what it carries), with its summary. */
const LISTED_FIELDS = ['id', 'version', 'status', 'submittedBy', 'submittedAt', 'reviewedBy', 'reviewComment', 'reviewedAt', 'publishedAt', 'summary'];

function listedOf(r: Row): ListedVersion {
  const { id, version, status, ...rest } = fieldsOf(r);
  return { id, version, status, catalogue: JSON.parse(String(r.summary)) as VersionSummary, ...rest };
}

const headOf = (r: Row): VersionHead => ({
  id: String(r.id),
  version: Number(r.version),
  status: r.status as VersionStatus,
  publishedAt: (r.publishedAt as string | null) ?? null,
});

const byIdThenVersion = (direction: 'asc' | 'desc') => [
  { field: 'id', direction: 'asc' as const },
  { field: 'version', direction },
];
const EVER_PUBLISHED: readonly VersionStatus[] = ['published', 'superseded', 'withdrawn'];
const key = (id: string, version: number) => `${id}@${version}`;

/**
 * Catalogue versions as one action reads them (a submission, a publication, an import): each version is
 * read whole and parsed at most once however often the action asks for it (a catalogue at the bounds is
 * a megabyte of JSON, and parsing it again and again held the event loop: issue 9 point 3). Always exact:
 * every call reads the versions' status afresh, and a version whose status changed since is read again.
 * A version's fields change only with its status, and no status comes twice (submitted → approved |
 * rejected → published → superseded | withdrawn), so the same status means the same version. Make one
 * per action and drop it with the action: it keeps the versions that action read, no longer.
 */
export interface CatalogueVersions {
  /** Version `version` of catalogue `id` in any case (see `list`). */
  get(id: string, version: number): Promise<CatalogueVersion | null>;
  /**
   * The versions of catalogue `id` (of every catalogue when omitted), by id, oldest first. An id names its
   * catalogue in any case: the versions stored under `id` as written, else under the id equal to it
   * ignoring case that was written first (`spellings`); each version keeps the id as it was stored.
   */
  list(id?: string): Promise<CatalogueVersion[]>;
  /**
   * The ids stored equal to `id` ignoring case (catalogueIdKey): `id` itself first when stored so, then
   * in the order they were first written. One at most, but for a store written before ids were compared
   * ignoring case.
   */
  spellings(id: string): Promise<string[]>;
  /**
   * As `list`, without reading the documents: each version with its summary (summaryOf), or whole when
   * it was stored before summaries. A version's document is read with `get` when a field needs it.
   */
  listed(id?: string): Promise<ListedVersion[]>;
  /** The versions in effect, in id order. */
  published(): Promise<CatalogueVersion[]>;
  /** Every version ever published (published, superseded or withdrawn), oldest publication first. */
  everPublished(): Promise<CatalogueVersion[]>;
}

export function catalogueVersions(store: Store): CatalogueVersions {
  const read = new Map<string, CatalogueVersion>();
  const heads = async (query: Omit<FindQuery, 'projection'>) => (await store.find(CATALOGUE_VERSIONS, { ...query, projection: HEAD_FIELDS })).map(headOf);

  /** A version read whole from the store (null when there is none), kept. */
  async function readWhole(id: string, version: number): Promise<CatalogueVersion | null> {
    const rows = await store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', id), eq('version', version)), limit: 1 });
    if (!rows.length) return null;
    const v = fromRow(rows[0]);
    read.set(key(id, version), v);
    return v;
  }

  /** The version of `head` (just read), whole: as read before when its status is the same. */
  async function whole(head: VersionHead): Promise<CatalogueVersion | null> {
    const known = read.get(key(head.id, head.version));
    return known?.status === head.status ? known : readWhole(head.id, head.version); // null: gone meanwhile
  }

  /**
   * Each version on its own read: one read of several would hold the event loop while it parses them
   * all; between reads the store gives the loop its turns (src/store/sqlite.ts). A version gone meanwhile
   * is left out.
   */
  async function wholes(of: VersionHead[]): Promise<CatalogueVersion[]> {
    const out: CatalogueVersion[] = [];
    for (const head of of) {
      const v = await whole(head);
      if (v) out.push(v);
    }
    return out;
  }

  async function exactly(id: string, version: number): Promise<CatalogueVersion | null> {
    if (!read.has(key(id, version))) return readWhole(id, version);
    const [head] = await heads({ filter: and(eq('id', id), eq('version', version)), limit: 1 });
    return head ? whole(head) : null;
  }

  // Ids are compared ignoring case, as resource codes are (codes.ts), without a store feature: the store
  // is asked for the id as written (what callers mostly give, one indexed read), and only when it holds
  // none, the ids of every version are read (a few fields) and compared here.
  async function spellings(id: string): Promise<string[]> {
    const wanted = catalogueIdKey(id);
    const firstWritten = new Map<string, string>();
    for (const r of await store.find(CATALOGUE_VERSIONS, { projection: ['id', 'submittedAt'] })) {
      const stored = String(r.id);
      if (catalogueIdKey(stored) !== wanted) continue;
      const at = String(r.submittedAt);
      const seen = firstWritten.get(stored);
      if (seen === undefined || at < seen) firstWritten.set(stored, at);
    }
    return [...firstWritten]
      .sort(([a, atA], [b, atB]) => (a === id ? -1 : b === id ? 1 : atA < atB ? -1 : atA > atB ? 1 : a < b ? -1 : a > b ? 1 : 0))
      .map(([stored]) => stored);
  }

  /** The id as stored when `id` is not stored as written (null: no catalogue has it in any case). */
  async function otherCase(id: string): Promise<string | null> {
    const spelled = (await spellings(id))[0];
    return spelled === undefined || spelled === id ? null : spelled;
  }

  /** The rows (these fields) of the versions of `id` in any case (see `list`), or of every catalogue, by id, oldest first. */
  async function listedRows(id: string | undefined, projection: string[]): Promise<Row[]> {
    const of = (filter?: string) => store.find(CATALOGUE_VERSIONS, { filter: filter === undefined ? undefined : eq('id', filter), sort: byIdThenVersion('asc'), projection });
    let found = await of(id);
    if (id !== undefined && !found.length) {
      const spelled = await otherCase(id);
      if (spelled !== null) found = await of(spelled);
    }
    return found;
  }

  const storedAsWritten = async (id: string) => (await heads({ filter: eq('id', id), limit: 1 })).length > 0;

  return {
    async get(id, version) {
      const found = await exactly(id, version);
      if (found || (await storedAsWritten(id))) return found;
      const spelled = await otherCase(id);
      return spelled === null ? null : exactly(spelled, version);
    },
    async list(id) {
      return wholes((await listedRows(id, HEAD_FIELDS)).map(headOf));
    },
    async listed(id) {
      const out: ListedVersion[] = [];
      for (const row of await listedRows(id, LISTED_FIELDS)) {
        if (typeof row.summary === 'string') out.push(listedOf(row));
        else {
          const v = await whole(headOf(row)); // stored before summaries
          if (v) out.push(v);
        }
      }
      return out;
    },
    spellings,
    async published() {
      const found = await heads({ filter: eq('status', 'published'), sort: byIdThenVersion('desc') });
      // Between a publish and its superseding write two versions of an id are published: the newer is in effect.
      return wholes(found.filter((h, i) => i === 0 || found[i - 1].id !== h.id));
    },
    async everPublished() {
      const found = (await heads({ filter: { kind: 'in', field: 'status', values: [...EVER_PUBLISHED] }, sort: byIdThenVersion('asc') })).filter((h) => h.publishedAt !== null);
      found.sort((a, b) => (a.publishedAt! < b.publishedAt! ? -1 : a.publishedAt! > b.publishedAt! ? 1 : 0));
      return wholes(found);
    },
  };
}

export const publishedVersions = (store: Store): Promise<CatalogueVersion[]> => catalogueVersions(store).published();

/** The catalogues in effect, in id order. */
export async function publishedCatalogues(store: Store): Promise<Catalogue[]> {
  return (await publishedVersions(store)).map((v) => v.catalogue);
}

export const listVersions = (store: Store, id?: string): Promise<CatalogueVersion[]> => catalogueVersions(store).list(id);

/** Stores a new version with the next number; the unique (id, version) index settles races. */
export async function addVersion(
  store: Store,
  catalogue: Catalogue,
  by: string,
  status: VersionStatus = 'submitted',
  now = new Date(),
  /** The version number to store (a submission's, named in its audit entry); default: the next one. */
  planned?: number,
): Promise<CatalogueVersion> {
  const last = planned !== undefined ? [] : await store.find(CATALOGUE_VERSIONS, {
    filter: eq('id', catalogue.id),
    sort: [{ field: 'version', direction: 'desc' }],
    projection: ['version'],
    limit: 1,
  });
  const version = planned ?? (last.length ? Number(last[0].version) + 1 : 1);
  const stored: CatalogueVersion = {
    id: catalogue.id,
    version,
    status,
    catalogue,
    submittedBy: by,
    submittedAt: now.toISOString(),
    reviewedBy: null,
    reviewComment: null,
    reviewedAt: null,
    publishedAt: null,
  };
  const { catalogue: _parsed, ...fields } = stored;
  await store.insert(CATALOGUE_VERSIONS, [{ ...fields, document: JSON.stringify(catalogue), carries: carriesOf(catalogue), summary: summaryOf(catalogue) }]);
  return stored;
}

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

/**
 * An id names one department's catalogue for good, in any case (SPEC §9; docs/workflow.md): the oldest
 * version stored under `id`, or under an id equal to it ignoring case, that `compiler` did not compile,
 * or null when `compiler` may use the id. Another department's catalogue cannot take it over.
 */
export async function otherOwner(versions: CatalogueVersions, id: string, compiler: string): Promise<CatalogueVersion | null> {
  for (const spelled of await versions.spellings(id)) {
    const owner = (await versions.list(spelled)).find((v) => v.catalogue.compiler !== compiler);
    if (owner) return owner;
  }
  return null;
}

/** The refusal of an id taken by `owner` (otherOwner), naming the id as first written. */
export const takenIdMessage = (owner: CatalogueVersion): string =>
  claimedIdMessage({ id: owner.id, compiler: owner.catalogue.compiler, title: owner.catalogue.title });

/** The refusal of an id whose holder the submitter may not see (drafts, or a claim not stored yet): the id as it wrote it. */
export const unnamedTakenMessage = (id: string): string => `Catalogue id ${id} is already used by another department's catalogue; choose another id.`;

/** Who holds a catalogue id: its spelling as first written, its department, the title it was claimed with. */
export interface IdClaim {
  id: string;
  compiler: string;
  title: string;
}

/**
 * Claims `catalogue`'s id, in any case, for its compiler; returns the claim in force: this one, or one
 * made before in any case, whose department and spelling the caller compares with its own. otherOwner
 * reads the versions, so two first submissions of one new id in two cases at once (two departments, two
 * gateways) could both pass it; the claim's unique key lets one through. Claimed once the document is
 * found valid, before its audit entry and its version: a claim whose version was never stored (the audit
 * log was unavailable, the process died) keeps the id for the department that tried. A store written
 * before claims has none for its catalogues; the next version of each claims its id, after otherOwner
 * has checked the versions.
 */
export async function claimCatalogueId(store: Store, catalogue: Catalogue): Promise<IdClaim> {
  await store.ensureIndex(CATALOGUE_IDS, { fields: ['key'], unique: true });
  const mine: IdClaim = { id: catalogue.id, compiler: catalogue.compiler, title: catalogue.title };
  const idKey = catalogueIdKey(catalogue.id);
  try {
    await store.insert(CATALOGUE_IDS, [{ key: idKey, ...mine }]);
    return mine;
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
    const [held] = await store.find(CATALOGUE_IDS, { filter: eq('key', idKey), limit: 1 });
    if (!held) throw err;
    return { id: String(held.id), compiler: String(held.compiler), title: String(held.title) };
  }
}

/** The refusal of an id claimed by another department (claimCatalogueId), as otherOwner's. */
export const claimedIdMessage = (held: IdClaim): string =>
  `Catalogue id ${held.id} is already used by ${held.compiler}'s catalogue "${held.title}"; choose another id.`;
