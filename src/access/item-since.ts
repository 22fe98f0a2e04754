// A grant is decided on the items of a resource as one version of its catalogue publishes them (SPEC §9).
// A later version may drop an item, or the resource, and a version after it bring the name back, for the
// same data or for other data (a `notes` item that was remarks becomes criminal-record notes). The grants
// decided before the name left are not grants for what came back: the approver never saw it, and the
// submission told the holders they lose it (warnings.ts, BREAKS_GRANT "their holders lose it"). Such a
// grant does not cover the item, in reads and unmasking (decide.ts) and in the rows it reaches
// (row-scope.ts); a grant none of whose items is still covered is not held for the resource.
//
// Publications are counted, not timed: each process's clock is its own, and no hardening of times made
// "decided before the name came back" hold whatever the clocks of the processes that publish and approve.
// A grant records the catalogue version it was decided on (grants.ts, newGrant), version numbers are
// given in order by the store, and each item of a marked resource starts its run at a version: the oldest
// of its catalogue from which on every version published carried it, with no withdrawal in between. A
// grant covers the item when it was decided on that catalogue at that version or a later one; one decided
// on another catalogue (the resource moved) covers nothing here. Grants stored before grants recorded
// their version are the one place times remain (ItemRuns.decidedAt).
//
// The runs are attached to the Resource objects of a build (the schema holder marks them before it
// installs the build), so a request decides on the schema it runs on: the second gateway on a store
// computes the same ones from the same history. Resources not marked (a build no holder installed, the
// workflow's own reads of the catalogues) keep every grant as it is.
import type { Catalogue, Resource } from '../model/catalogue.ts';
import { codeKey } from '../catalogue/codes.ts';
import { CATALOGUE_VERSIONS, versionOf } from '../catalogue/repository/rows.ts';
import { and, eq, type Store } from '../store/port.ts';
import type { Grant } from './grant-model.ts';

/** A catalogue version, by the catalogue's id as stored and its number: what a grant is decided on. */
export interface Decision {
  catalogue: string;
  version: number;
}

interface ItemRuns {
  /** The catalogue carrying the resource, by its id as stored. */
  catalogue: string;
  /** Item name → the version of `catalogue` its run starts at. */
  items: ReadonlyMap<string, number>;
  /** The latest of them: a grant decided on `catalogue` at or after it is in force whole. */
  latest: number;
  /** Item name → the publication time (ms) of the version its run starts at (itemsSince). */
  since: ReadonlyMap<string, number>;
  /**
   * The decision of a grant stored before grants recorded it, from its creation time (ms): the version of
   * the catalogue carrying the resource in effect then (see decidedAt in mark).
   */
  decidedAt(made: number): Decision | undefined;
}

const runs = new WeakMap<Resource, ItemRuns>();

/** The catalogue version a grant was decided on: as it records it, or for a grant stored before it did, from its time. */
function decisionOf(g: Grant, t: ItemRuns): Decision | undefined {
  if (g.decidedOnCatalogue != null && g.decidedOnVersion != null) return { catalogue: g.decidedOnCatalogue, version: g.decidedOnVersion };
  return t.decidedAt(Date.parse(g.createdAt));
}

/**
 * The grants as they are in force for this resource: a grant for it made before an item it names came
 * back (see above) no longer names that item (nor unmasks it); one naming none any more is left out.
 * Grants for other resources are kept as they are.
 */
export function grantsInForce<G extends Grant>(resource: Resource, grants: readonly G[]): readonly G[] {
  const t = runs.get(resource);
  if (!t || !grants.length) return grants;
  // Every access decision asks it, for each item of a request (decide.ts, row-scope.ts), with the same list
  // of grants (a request's, which nothing changes): the answer is kept per list and resource runs.
  let known = answers.get(grants);
  const kept = known?.get(t);
  if (kept?.code === resource.code) return kept.grants as readonly G[];
  const answer = inForce(resource, t, grants);
  if (!known) answers.set(grants, (known = new WeakMap()));
  known.set(t, { code: resource.code, grants: answer });
  return answer;
}

/** grantsInForce's answers: grants list → the resource's runs → the resource's code and the grants in force. */
const answers = new WeakMap<readonly Grant[], WeakMap<ItemRuns, { code: string; grants: readonly Grant[] }>>();

function inForce<G extends Grant>(resource: Resource, t: ItemRuns, grants: readonly G[]): readonly G[] {
  const code = resource.code;
  let changed = false;
  const out: G[] = [];
  for (const g of grants) {
    if (g.resource !== code) {
      out.push(g);
      continue;
    }
    const d = decisionOf(g, t);
    const version = d?.catalogue === t.catalogue ? d.version : -Infinity; // another catalogue's: covers nothing here
    if (version >= t.latest) {
      out.push(g);
      continue;
    }
    // Only what the resource publishes is set aside: an item it does not carry (a version dropped it and
    // none published it again) stays named as it is, as in a grant of a resource no item came back to
    // (it opens nothing: no field reads it). A resource carrying items without runs (a version's, marked
    // like the build's: runsLike) has those set aside.
    const current = (name: string) => {
      const start = t.items.get(name);
      return start !== undefined ? version >= start : !resource.items.some((i) => i.name === name);
    };
    const items = g.items.filter(current);
    changed = true;
    if (items.length) out.push({ ...g, items, unmasked: g.unmasked.filter(current) });
  }
  return changed ? out : grants;
}

/**
 * grantsInForce for grants of several resources, each against its resource among `catalogues` (a build's,
 * whose resources carry their items' runs): for the workflow's own decisions on a request (an objection,
 * a consistency report), which read the catalogues from the store.
 */
export function grantsInForceAmong<G extends Grant>(catalogues: readonly Catalogue[], grants: readonly G[]): readonly G[] {
  if (!grants.length) return grants;
  const byCode = new Map(catalogues.flatMap((c) => c.resources.map((r) => [r.code, r] as const)));
  return grants.flatMap((g) => {
    const r = byCode.get(g.resource);
    return r ? grantsInForce(r, [g]) : [g];
  });
}

/**
 * A resource of a catalogue version read from the store (not marked), marked as the resource of the same
 * code among `catalogues` (a build's) is: a copy, so a view of a version decides on the grants as in force;
 * an item the build's resource does not carry has no run (only a grant decided on the build's latest run
 * start or later covers it). The resource itself when the build has no marked resource of its code.
 */
export function runsLike(resource: Resource, catalogues: readonly Catalogue[]): Resource {
  if (runs.has(resource)) return resource;
  for (const c of catalogues) {
    for (const r of c.resources) {
      const t = r.code === resource.code ? runs.get(r) : undefined;
      if (!t) continue;
      const copy = { ...resource };
      runs.set(copy, t);
      return copy;
    }
  }
  return resource;
}

/** Why a view names a grant's items as set aside (grant list, the grants query, their docs). */
export const SET_ASIDE_REASON =
  'the grant was given before a version of the catalogue dropped them and published them again, and does not cover what is published under those names now';

/**
 * Why a view shows a grant as giving nothing because its resource is published by no catalogue in effect
 * (a version dropped it, or its catalogue was withdrawn): grant list, the grants query, their docs.
 */
export const NOT_PUBLISHED_REASON =
  'its resource is published by no catalogue in effect (a version dropped it or its catalogue was withdrawn), so it gives nothing now; published again, the resource is not covered by this grant, which was decided before it left';

/** A grant as the views of grants show it (`grant list`, the `grants` query), against the catalogues in effect. */
export interface GrantShown<G extends Grant> {
  /** The grant with its items (and those unmasked) as in force: the items set aside left out. */
  grant: G;
  /** The items it names that are set aside (see above), in its own order; empty for most grants. */
  setAside: string[];
  /** False when every item it names is set aside: it is no longer held for the resource. */
  inForce: boolean;
  /**
   * True when no catalogue in effect publishes its resource: it gives nothing (every item it names is
   * set aside, and inForce is false), whatever it names.
   */
  notPublished: boolean;
}

/**
 * For the views of grants: each grant as in force against its resource among `catalogues` (the catalogues
 * in effect, whose resources carry their items' runs: a build's, or catalogues ItemHistory marked), with
 * the items set aside named rather than dropped. A grant whose resource none of `catalogues` publishes
 * (under its code as published, as the access decision matches it: grantCovers) gives nothing now: shown
 * with every item set aside, not in force, `notPublished`; published again later, its resource's runs
 * decide it as any other's (a grant decided before the resource left does not cover what came back). The
 * access decision does not use it (it uses grantsInForce); a grant of a resource not marked is shown as it is.
 */
export function grantShownAmong(catalogues: readonly Catalogue[]): <G extends Grant>(g: G) => GrantShown<G> {
  const byCode = new Map(catalogues.flatMap((c) => c.resources.map((r) => [r.code, r] as const)));
  return <G extends Grant>(g: G): GrantShown<G> => {
    const r = byCode.get(g.resource);
    if (!r) return { grant: { ...g, items: [], unmasked: [] }, setAside: [...g.items], inForce: false, notPublished: true };
    const [kept] = grantsInForce(r, [g]);
    const items = kept?.items ?? [];
    const setAside = g.items.filter((i) => !items.includes(i));
    if (!setAside.length) return { grant: g, setAside, inForce: true, notPublished: false };
    return { grant: { ...g, items, unmasked: kept?.unmasked ?? [] }, setAside, inForce: kept !== undefined, notPublished: false };
  };
}

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
