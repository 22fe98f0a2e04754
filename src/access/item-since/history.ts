// The item runs, worked out from the publication history of the catalogues (item-since.ts) and marked on
// the Resource objects of a build, one history a store.
import type { Catalogue, Resource } from '../../model/catalogue.ts';
import { codeKey } from '../../catalogue/codes.ts';
import { CATALOGUE_VERSIONS, versionOf } from '../../catalogue/repository/rows.ts';
import { and, eq, type Store } from '../../store/port.ts';
import { type Decision, type ItemRuns, runs } from './in-force.ts';

/** What one version published: resource code key → its item names. Versions never change what they carry. */
type Carried = Map<string, Set<string>>;

/** A version ever in effect, as mark reads it. */
interface Head {
  id: string;
  version: number;
  status: string;
  /** Its publication and the end of its time in effect (ms): for grants that did not record their decision. */
  at: number;
  left: number;
}

/**
 * Reads the store's publication history and marks the resources of `catalogues` (the catalogues in
 * effect, as a build holds them) with their items' runs. Keeps what each version carries (it never
 * changes): a refresh reads the versions' small `carries` field (repository/rows.ts) with their heads and parses
 * only the versions it has not seen. Take the store's one (itemHistoryOf) rather than a new one.
 */
export class ItemHistory {
  private readonly carried = new Map<string, Carried>();

  constructor(private readonly store: Store) {}

  /**
   * What a version carries, from its `carries` field; a version stored before the field existed has its
   * document read and parsed (once per process).
   */
  private async carriedBy(id: string, version: number, carries: unknown): Promise<Carried | null> {
    const key = `${id}@${version}`;
    const known = this.carried.get(key);
    if (known) return known;
    let c: Carried;
    if (typeof carries === 'string') {
      const by = JSON.parse(carries) as Record<string, string[]>;
      c = new Map(Object.entries(by).map(([code, names]) => [codeKey(code), new Set(names)]));
    } else {
      const [row] = await this.store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', id), eq('version', version)), projection: ['document'], limit: 1 });
      if (!row) return null;
      const doc = JSON.parse(String(row.document)) as Catalogue;
      c = new Map(doc.resources.map((r) => [codeKey(r.code), new Set(r.items.map((i) => i.name))]));
    }
    this.carried.set(key, c);
    return c;
  }

  async mark(catalogues: readonly Catalogue[]): Promise<void> {
    for (const [r, t] of await this.runsOf(catalogues)) runs.set(r, t);
  }

  /**
   * Per resource of `catalogues` (the catalogues in effect, as read from the store), since when each of
   * its items has been published without a break: item name → the publication time (ms) of the version
   * its run starts at (see above). Marks nothing. Times, not counts, as they compare publications of
   * different catalogues: for the submission warnings' "who provided a data element first" (warnings.ts,
   * repeatedCollection), which only words a warning. A resource whose catalogue has no history (not read
   * from the store, or never published) is not in the answer.
   */
  async itemsSince(catalogues: readonly Catalogue[]): Promise<Map<Resource, ReadonlyMap<string, number>>> {
    return new Map([...(await this.runsOf(catalogues))].map(([r, t]) => [r, t.since]));
  }

  private async runsOf(catalogues: readonly Catalogue[]): Promise<Map<Resource, ItemRuns>> {
    const out = new Map<Resource, ItemRuns>();
    // Every version ever published with what it carries, in two finds of four fields each: the SQLite
    // store extracts up to four fields in SQL, past that it parses each whole row (the document with it)
    // in JavaScript, which took 80 ms at 500 resources x 20 versions, in one hold of the event loop.
    const everPublished = { kind: 'in' as const, field: 'status', values: ['published', 'superseded', 'withdrawn'] };
    const heads = await this.store.find(CATALOGUE_VERSIONS, { filter: everPublished, projection: ['id', 'version', 'status', 'publishedAt'] });
    const more = await this.store.find(CATALOGUE_VERSIONS, { filter: everPublished, projection: ['id', 'version', 'withdrawnAt', 'carries'] });
    const byKey = new Map(more.map((r) => [`${String(r.id)}@${Number(r.version)}`, r]));
    const rows = heads.map((h) => ({ ...byKey.get(`${String(h.id)}@${Number(h.version)}`), ...h }));
    // By the id as stored, as the versions in effect are read (publishedVersions): a submission or import
    // in another case is stored under the id as first written, and two ids equal but for case are two
    // catalogues only in a store written before ids were compared ignoring case, where both may be in
    // effect; one's versions are not the other's history (their numbers would interleave).
    const byCatalogue = new Map<string, Head[]>();
    const carried = new Map<string, Carried | null>();
    for (const h of rows) {
      // A version superseded by a newer publication that came first was never in effect: no publishedAt.
      if (h.publishedAt == null) continue;
      const id = String(h.id);
      const version = Number(h.version);
      carried.set(`${id}@${version}`, await this.carriedBy(id, version, h.carries));
      const at = Date.parse(String(h.publishedAt));
      // A withdrawal's own time (kept since withdrawals record it; before, its publication's).
      const left = h.withdrawnAt == null ? NaN : Date.parse(String(h.withdrawnAt));
      let list = byCatalogue.get(id);
      if (!list) byCatalogue.set(id, (list = []));
      list.push({ id, version, status: String(h.status), at, left: left > at ? left : at });
    }
    for (const list of byCatalogue.values()) list.sort((a, b) => b.version - a.version); // newest first
    const carries = (v: Head) => carried.get(`${v.id}@${v.version}`);

    // Grants stored before grants recorded the version they were decided on: the only place times remain.
    // Such a grant is taken as decided on the version, among the catalogues carrying its resource, in
    // effect when it was made (the latest published by then and not withdrawn by then); made before any
    // (a clock behind), on the first version of the catalogue carrying the resource now.
    const decidedAt = (code: string, catalogue: string) => (made: number): Decision | undefined => {
      let found: Head | undefined;
      for (const list of byCatalogue.values()) {
        const v = list.find((h) => h.at <= made);
        if (!v || (v.status === 'withdrawn' && v.left <= made) || !carries(v)?.has(code)) continue;
        if (!found || v.at > found.at) found = v;
      }
      if (found) return { catalogue: found.id, version: found.version };
      const first = byCatalogue.get(catalogue)?.at(-1);
      return first && { catalogue, version: first.version };
    };

    for (const catalogue of catalogues) {
      // The version the catalogue was read as (repository/rows.ts, versionOf); else the one in effect now.
      const read = versionOf(catalogue);
      const id = read?.id ?? catalogue.id;
      const versions = byCatalogue.get(id) ?? [];
      const current = read ? versions.findIndex((v) => v.version === read.version) : versions.findIndex((v) => v.status === 'published');
      if (current < 0) continue;
      // Each item's run back from the version in effect: it ends at a version that did not carry it, or at
      // a withdrawal (nothing was in effect after it until the next publication).
      const from = new Map<string, Map<string, number>>(); // the oldest version of each item's run
      for (const r of catalogue.resources) from.set(codeKey(r.code), new Map(r.items.map((i) => [i.name, versions[current].version])));
      const running = new Map([...from].map(([code, items]) => [code, new Set(items.keys())]));
      // A version in effect older than one withdrawn was published after that withdrawal, out of the order
      // of numbers (a store written before publishCatalogue refused it): what came before it in numbers is
      // not what was in effect before it, so its items' runs start at it.
      const outOfOrder = versions.slice(0, current).some((v) => v.status === 'withdrawn');
      for (let i = outOfOrder ? versions.length : current + 1; i < versions.length; i++) {
        const v = versions[i];
        if (v.status === 'withdrawn') break;
        const had = carries(v);
        if (!had) break;
        let any = false;
        for (const [code, names] of running) {
          const items = had.get(code);
          for (const name of [...names]) {
            if (items?.has(name)) {
              from.get(code)!.set(name, v.version);
              any = true;
            } else names.delete(name);
          }
        }
        if (!any) break;
      }
      const publishedAt = new Map(versions.map((v) => [v.version, v.at]));
      for (const r of catalogue.resources) {
        const code = codeKey(r.code);
        const items = from.get(code)!;
        const since = new Map([...items].map(([name, version]) => [name, publishedAt.get(version)!]));
        out.set(r, { catalogue: id, items, latest: Math.max(...items.values()), since, decidedAt: decidedAt(code, id) });
      }
    }
    return out;
  }
}

const histories = new WeakMap<Store, ItemHistory>();

/**
 * The store's ItemHistory, one per store in the process: the schema holder, the submission warnings (once
 * per version a query lists) and `grant list` share what it parsed.
 */
export function itemHistoryOf(store: Store): ItemHistory {
  let h = histories.get(store);
  if (!h) histories.set(store, (h = new ItemHistory(store)));
  return h;
}
