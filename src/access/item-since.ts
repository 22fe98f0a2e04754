// A grant is given for the items of a resource as they are published when it is given (SPEC §9: the
// approver decides on the catalogue in effect). A later version may drop an item, or the resource, and a
// version after it may bring the name back, for the same data or for other data (a `notes` item that was
// remarks becomes criminal-record notes). The grants given before the name left are not grants for what
// came back: the approver never decided on it, and the submission told the holders they lose it
// (warnings.ts, BREAKS_GRANT "their holders lose it"). So each item of a published resource has the time
// since which it has been in effect without a break (`since`): the publication of the oldest version of
// its catalogue from which on every version published carried it, with no withdrawal in between. A grant
// made before that time does not cover the item, in reads and unmasking (decide.ts) and in the rows it
// reaches (row-scope.ts); a grant none of whose items is still covered is not held for the resource. An
// item whose run starts with its first publication ever keeps every grant (none can be older than it).
// Publications are timed by the clocks of the processes that make them: an item's time is never earlier
// than a version, in any catalogue, that dropped it before (so a process whose clock is behind cannot date
// a return before the departure), and "first publication" is told by the versions, not by their times.
//
// The times are attached to the Resource objects of a build (the schema holder marks them before it
// installs the build), so a request decides on the schema it runs on and its own times: the second
// gateway on a store computes the same ones from the same history. Resources without times (a build no
// holder installed, the workflow's own reads of the catalogues) keep every grant as it is.
import type { Catalogue, Resource } from '../model/catalogue.ts';
import { codeKey } from '../catalogue/codes.ts';
import { CATALOGUE_VERSIONS } from '../catalogue/repository.ts';
import { and, eq, type Store } from '../store/port.ts';
import type { Grant } from './grant-model.ts';

interface ItemTimes {
  /** Item name → since when (ms) it has been in effect without a break. */
  items: ReadonlyMap<string, number>;
  /** The latest of them: a grant made at or after it is in force whole. */
  latest: number;
}

const times = new WeakMap<Resource, ItemTimes>();

/** Since when `item` of this resource (of a build) has been in effect without a break; undefined: not known. */
export function itemSince(resource: Resource, item: string): number | undefined {
  return times.get(resource)?.items.get(item);
}

/** The time from which a grant covers every item of this resource (of a marked build); undefined: not known. */
export function inForceWholeFrom(resource: Resource): number | undefined {
  return times.get(resource)?.latest;
}

/**
 * The grants as they are in force for this resource: a grant for it made before an item it names came
 * back (see above) no longer names that item (nor unmasks it); one naming none any more is left out.
 * Grants for other resources are kept as they are.
 */
export function grantsInForce<G extends Grant>(resource: Resource, grants: readonly G[]): readonly G[] {
  const t = times.get(resource);
  if (!t || !grants.length) return grants;
  // Every access decision asks it, for each item of a request (decide.ts, row-scope.ts), with the same list
  // of grants (a request's, which nothing changes): the answer is kept per list and resource times.
  let known = answers.get(grants);
  const kept = known?.get(t);
  if (kept?.code === resource.code) return kept.grants as readonly G[];
  const answer = inForce(resource, t, grants);
  if (!known) answers.set(grants, (known = new WeakMap()));
  known.set(t, { code: resource.code, grants: answer });
  return answer;
}

/** grantsInForce's answers: grants list → the resource's times → the resource's code and the grants in force. */
const answers = new WeakMap<readonly Grant[], WeakMap<ItemTimes, { code: string; grants: readonly Grant[] }>>();

function inForce<G extends Grant>(resource: Resource, t: ItemTimes, grants: readonly G[]): readonly G[] {
  const code = resource.code;
  let changed = false;
  const out: G[] = [];
  for (const g of grants) {
    if (g.resource !== code) {
      out.push(g);
      continue;
    }
    const made = Date.parse(g.createdAt);
    if (!(made < t.latest)) {
      out.push(g);
      continue;
    }
    // Only what the resource publishes is set aside: an item it does not carry (a version dropped it and
    // none published it again) stays named as it is, as in a grant of a resource no item came back to
    // (it opens nothing: no field reads it). A resource carrying items without times (a version's, timed
    // like the build's: timedLike) has those set aside.
    const current = (name: string) => {
      const since = t.items.get(name);
      return since !== undefined ? made >= since : !resource.items.some((i) => i.name === name);
    };
    const items = g.items.filter(current);
    changed = true;
    if (items.length) out.push({ ...g, items, unmasked: g.unmasked.filter(current) });
  }
  return changed ? out : grants;
}

/**
 * grantsInForce for grants of several resources, each against its resource among `catalogues` (a build's,
 * whose resources carry their items' times): for the workflow's own decisions on a request (an objection,
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
 * A resource of a catalogue version read from the store (it carries no times), timed as the resource of
 * the same code among `catalogues` (a build's) times its items: a copy, so a view of a version decides on
 * the grants as in force; an item the build's resource does not carry has no time (a grant older than the
 * build's latest time does not cover it). The resource itself when the build has no timed resource of its code.
 */
export function timedLike(resource: Resource, catalogues: readonly Catalogue[]): Resource {
  if (times.has(resource)) return resource;
  for (const c of catalogues) {
    for (const r of c.resources) {
      const t = r.code === resource.code ? times.get(r) : undefined;
      if (!t) continue;
      const copy = { ...resource };
      times.set(copy, t);
      return copy;
    }
  }
  return resource;
}

/** Why a view names a grant's items as set aside (grant list, the grants query, their docs). */
export const SET_ASIDE_REASON =
  'the grant was given before a version of the catalogue dropped them and published them again, and does not cover what is published under those names now';

/** A grant as the views of grants show it (`grant list`, the `grants` query), against the catalogues in effect. */
export interface GrantShown<G extends Grant> {
  /** The grant with its items (and those unmasked) as in force: the items set aside left out. */
  grant: G;
  /** The items it names that are set aside (see above), in its own order; empty for most grants. */
  setAside: string[];
  /** False when every item it names is set aside: it is no longer held for the resource. */
  inForce: boolean;
}

/**
 * For the views of grants: each grant as in force against its resource among `catalogues` (whose resources
 * carry their items' times: a build's, or catalogues ItemHistory marked), with the items set aside named
 * rather than dropped. The access decision does not use it (it uses grantsInForce); a grant whose resource
 * is not among `catalogues`, or carries no times, is shown as it is.
 */
export function grantShownAmong(catalogues: readonly Catalogue[]): <G extends Grant>(g: G) => GrantShown<G> {
  const byCode = new Map(catalogues.flatMap((c) => c.resources.map((r) => [r.code, r] as const)));
  return <G extends Grant>(g: G): GrantShown<G> => {
    const r = byCode.get(g.resource);
    const [kept] = r ? grantsInForce(r, [g]) : [g];
    const items = kept?.items ?? [];
    const setAside = g.items.filter((i) => !items.includes(i));
    if (!setAside.length) return { grant: g, setAside, inForce: true };
    return { grant: { ...g, items, unmasked: kept?.unmasked ?? [] }, setAside, inForce: kept !== undefined };
  };
}

/** What one version published: resource code key → its item names. Versions never change their document. */
type Carried = Map<string, Set<string>>;

/**
 * Reads the store's publication history and marks the resources of `catalogues` (the catalogues in
 * effect, as a build holds them) with their items' times. Keeps what it parsed: a version's document
 * never changes, so each refresh parses only the versions published since. Take the store's one (itemHistoryOf) rather than a new one: a new
 * one reads and parses every version ever published again.
 */
export class ItemHistory {
  private readonly carried = new Map<string, Carried>();

  constructor(private readonly store: Store) {}

  private async carriedBy(id: string, version: number): Promise<Carried | null> {
    const key = `${id}@${version}`;
    const known = this.carried.get(key);
    if (known) return known;
    const [row] = await this.store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', id), eq('version', version)), projection: ['document'], limit: 1 });
    if (!row) return null;
    const doc = JSON.parse(String(row.document)) as Catalogue;
    const c: Carried = new Map(doc.resources.map((r) => [codeKey(r.code), new Set(r.items.map((i) => i.name))]));
    this.carried.set(key, c);
    return c;
  }

  async mark(catalogues: readonly Catalogue[]): Promise<void> {
    const heads = (await this.store.find(CATALOGUE_VERSIONS, {
      filter: { kind: 'in', field: 'status', values: ['published', 'superseded', 'withdrawn'] },
      projection: ['id', 'version', 'status', 'publishedAt', 'withdrawnAt'],
    }))
      // A version superseded by a newer publication that came first was never in effect: no publishedAt.
      .filter((h) => h.publishedAt != null)
      .map((h) => {
        const at = Date.parse(String(h.publishedAt));
        // A withdrawal's own time (kept since withdrawals record it; before, its publication's).
        const left = h.withdrawnAt == null ? NaN : Date.parse(String(h.withdrawnAt));
        return { id: String(h.id), version: Number(h.version), status: String(h.status), at, left: left > at ? left : at };
      });
    // By the id as stored, as the versions in effect are read (publishedVersions): a submission or import
    // in another case is stored under the id as first written, and two ids equal but for case are two
    // catalogues only in a store written before ids were compared ignoring case, where both may be in
    // effect; one's versions are not the other's history (their numbers would interleave).
    const byCatalogue = new Map<string, typeof heads>();
    for (const h of heads) {
      const k = h.id;
      let list = byCatalogue.get(k);
      if (!list) byCatalogue.set(k, (list = []));
      list.push(h);
    }
    // A catalogue's versions are published in the order of their numbers (an older one is never published
    // after a newer: workflow/catalogues.ts, markPublished), but each publication is timed by its own
    // process's clock. A version's time is no earlier than an older version's: a publication by a process
    // whose clock is behind would otherwise date an item's return before the version that dropped it, and
    // the grants given before the drop would cover what came back.
    for (const list of byCatalogue.values()) {
      list.sort((a, b) => a.version - b.version);
      // Strictly later: a grant made on an older version, recorded at that version's time (grants.ts,
      // newGrant), is older than the next.
      for (let i = 1; i < list.length; i++) list[i].at = Math.max(list[i].at, list[i - 1].left + 1, list[i - 1].at + 1);
    }
    const { carriers, dropped } = await this.itemHistory(byCatalogue);
    for (const catalogue of catalogues) {
      const versions = [...(byCatalogue.get(catalogue.id) ?? [])].sort((a, b) => b.version - a.version);
      const current = versions.findIndex((v) => v.status === 'published');
      if (current < 0) continue;
      // Each item's run back from the version in effect: it ends at a version that did not carry it, or at
      // a withdrawal (nothing was in effect after it until the next publication).
      const open = new Map<string, Map<string, number>>();
      const from = new Map<string, Map<string, number>>(); // the oldest version of each item's run
      for (const r of catalogue.resources) {
        open.set(codeKey(r.code), new Map(r.items.map((i) => [i.name, versions[current].at])));
        from.set(codeKey(r.code), new Map(r.items.map((i) => [i.name, versions[current].version])));
      }
      const running = new Map([...open].map(([code, items]) => [code, new Set(items.keys())]));
      for (let i = current + 1; i < versions.length; i++) {
        const v = versions[i];
        if (v.status === 'withdrawn') break;
        const carried = await this.carriedBy(v.id, v.version);
        if (!carried) break;
        let any = false;
        for (const [code, names] of running) {
          const had = carried.get(code);
          for (const name of [...names]) {
            if (had?.has(name)) {
              open.get(code)!.set(name, v.at);
              from.get(code)!.set(name, v.version);
              any = true;
            } else names.delete(name);
          }
        }
        if (!any) break;
      }
      for (const r of catalogue.resources) {
        const code = codeKey(r.code);
        const items = open.get(code)!;
        for (const [name, since] of items) {
          const key = `${code}\0${name}`;
          const first = from.get(code)!.get(name)!;
          // An item no version outside its run ever carried has nothing earlier to tell apart: no grant
          // could name it before (grants name published items only), so it keeps every grant, and a grant
          // made right after the publication by a process whose clock is a little behind is not set aside.
          // Told by the versions, not by their times, which each publishing process's clock gives.
          const outside = [...(carriers.get(key) ?? [])].some((c) => c.id !== catalogue.id || c.version < first);
          // Otherwise no earlier than the latest version that dropped it, in any catalogue: the item left
          // before its run began (a code is in one catalogue in effect at a time), whatever the clock of the
          // process that published the run's first version (another catalogue's times are not in step).
          items.set(name, outside ? Math.max(since, dropped.get(key) ?? -Infinity) : 0);
        }
        times.set(r, { items, latest: Math.max(...items.values()) });
      }
    }
  }

  /**
   * From every version ever published, oldest first in each catalogue: which versions carried each item
   * (`code key NUL name`), and the time of the latest version that dropped it (a version of a catalogue
   * not carrying what the version before carried, or a withdrawal of a version carrying it, at the time
   * the withdrawal recorded, or for one withdrawn before withdrawals recorded it, its publication's).
   */
  private async itemHistory(byCatalogue: ReadonlyMap<string, readonly { id: string; version: number; status: string; at: number; left: number }[]>) {
    const carriers = new Map<string, { id: string; version: number }[]>();
    const dropped = new Map<string, number>();
    const drop = (key: string, at: number) => dropped.set(key, Math.max(dropped.get(key) ?? -Infinity, at));
    for (const list of byCatalogue.values()) {
      let before = new Set<string>();
      for (const v of list) {
        const carried = await this.carriedBy(v.id, v.version);
        const now = new Set<string>();
        for (const [code, names] of carried ?? []) {
          for (const name of names) {
            const key = `${code}\0${name}`;
            now.add(key);
            let list = carriers.get(key);
            if (!list) carriers.set(key, (list = []));
            list.push({ id: v.id, version: v.version });
          }
        }
        for (const key of before) if (!now.has(key)) drop(key, v.at);
        if (v.status === 'withdrawn') {
          for (const key of now) drop(key, Math.max(v.at, v.left));
          before = new Set();
        } else before = now;
      }
    }
    return { carriers, dropped };
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
