// The grants in force for a resource whose item runs are marked (item-since.ts): a grant covers an item
// when it was decided on the item's catalogue at the version its run starts or a later one.
import type { Catalogue, Resource } from '../../model/catalogue.ts';
import type { Grant } from '../grant-model.ts';

/** A catalogue version, by the catalogue's id as stored and its number: what a grant is decided on. */
export interface Decision {
  catalogue: string;
  version: number;
}

export interface ItemRuns {
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

export const runs = new WeakMap<Resource, ItemRuns>();

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
    // (it opens nothing: no field reads it; row-scope.ts counts no rows for it). A resource carrying items without runs (a version's, marked
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
