// Catalogue versions as one action reads them (CatalogueVersions), and the catalogues in effect.

import { catalogueIdKey, type Catalogue } from '../../model/catalogue.ts';
import { and, eq, type FindQuery, type Row, type Store } from '../../store/port.ts';
import { CATALOGUE_VERSIONS, type CatalogueVersion, type ListedVersion, fromRow, type VersionHead, HEAD_FIELDS, LISTED_FIELDS, listedOf, headOf, byIdThenVersion, EVER_PUBLISHED } from './rows.ts';

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
   * all; between reads the store gives the loop its turns (src/store/sqlite/). A version gone meanwhile
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
