// A grant as the views show it (grant list, the grants query): its items set aside, or not published.
import type { Catalogue } from '../../model/catalogue.ts';
import type { Grant } from '../grant-model.ts';
import { grantsInForce } from './in-force.ts';

/** Why a view names a grant's items as set aside (grant list, the grants query, their docs). */
export const SET_ASIDE_REASON =
  'the grant was given before a version of the catalogue dropped them and published them again, and does not cover what is published under those names now';

/**
 * Why a view shows a grant as giving nothing because its resource is published by no catalogue in effect
 * (a version dropped it, or its catalogue was withdrawn): grant list, the grants query, their docs.
 */
export const NOT_PUBLISHED_REASON =
  'its resource is published by no catalogue in effect (a version dropped it or its catalogue was withdrawn), so it gives nothing now; published again, the resource is not covered by this grant, which was decided before it left';

/**
 * Why a view names a grant's items as set aside because the resource no longer publishes them (a version
 * dropped them and none published them again): the access decision gives nothing of them (row-scope.ts
 * grantsGiving), so the views do not list them as covered either.
 */
export const DROPPED_REASON =
  'its resource no longer publishes them (a version of the catalogue dropped them and none published them again), so it gives nothing of them now';

/** A grant as the views of grants show it (`grant list`, the `grants` query), against the catalogues in effect. */
export interface GrantShown<G extends Grant> {
  /** The grant with its items (and those unmasked) as in force: the items set aside left out. */
  grant: G;
  /** The items it names that are set aside (see above), in its own order; empty for most grants. */
  setAside: string[];
  /** Those of setAside that its resource no longer publishes (DROPPED_REASON); the others were published again. */
  dropped: string[];
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
    if (!r) return { grant: { ...g, items: [], unmasked: [] }, setAside: [...g.items], dropped: [], inForce: false, notPublished: true };
    const published = new Set(r.items.map((i) => i.name));
    const [kept] = grantsInForce(r, [g]);
    const items = (kept?.items ?? []).filter((i) => published.has(i));
    const setAside = g.items.filter((i) => !items.includes(i));
    if (!setAside.length) return { grant: g, setAside, dropped: [], inForce: true, notPublished: false };
    const unmasked = (kept?.unmasked ?? []).filter((i) => published.has(i));
    const dropped = setAside.filter((i) => !published.has(i));
    return { grant: { ...g, items, unmasked }, setAside, dropped, inForce: items.length > 0, notPublished: false };
  };
}

/** Why `shown`'s items are set aside, as the views say it after naming them; '' when none is. */
export function setAsideReason(shown: GrantShown<Grant>): string {
  if (shown.notPublished) return NOT_PUBLISHED_REASON;
  const again = shown.setAside.filter((i) => !shown.dropped.includes(i));
  if (!shown.dropped.length) return again.length ? SET_ASIDE_REASON : '';
  if (!again.length) return DROPPED_REASON;
  return `${shown.dropped.join(', ')}: ${DROPPED_REASON}; ${again.join(', ')}: ${SET_ASIDE_REASON}`;
}
