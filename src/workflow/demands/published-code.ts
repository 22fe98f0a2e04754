// A fulfilled demand names the code as published (SPEC §14). A promise may write the code in another case
// (codes compare in lower case: 330300-abc-00003 is kept by the publication of 330300-ABC-00003), and the
// demand kept the promise's spelling once FULFILLED, a code no catalogue publishes, beside a fulfilDemand
// entry and a `catalogue import` line naming the published one. fulfilDemands now stores the published
// spelling; a demand fulfilled before it is answered with it here, from the codes its fulfilling version
// carries (a version's codes never change once published, so each is read once per process and store).
import { carriedCodes } from '../../catalogue/code-history.ts';
import { codeKey } from '../../catalogue/codes.ts';
import { CATALOGUE_VERSIONS } from '../../catalogue/repository/rows.ts';
import { and, eq, type Store } from '../../store/port.ts';
import type { Demand } from './rows.ts';

/** The versions' codes kept per store, `id@version` → codes; at most VERSIONS_KEPT, the oldest dropped first. */
const carried = new WeakMap<Store, Map<string, Promise<string[]>>>();
const VERSIONS_KEPT = 500;

/** The codes the version `id@version` carries (none when the store has no such version). */
function codesOf(store: Store, fulfilledBy: string): Promise<string[]> {
  let kept = carried.get(store);
  if (!kept) carried.set(store, (kept = new Map()));
  const known = kept.get(fulfilledBy);
  if (known) return known;
  const at = fulfilledBy.lastIndexOf('@');
  const [id, version] = [fulfilledBy.slice(0, at), Number(fulfilledBy.slice(at + 1))];
  const codes = store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', id), eq('version', version)), projection: ['id', 'version', 'carries'], limit: 1 })
    .then(([row]) => (row ? carriedCodes(store, row) : []));
  // A failed read is not kept: the next list asks again.
  codes.catch(() => kept.get(fulfilledBy) === codes && kept.delete(fulfilledBy));
  if (kept.size >= VERSIONS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(fulfilledBy, codes);
  return codes;
}

/** The demands, each fulfilled one naming its resource as the version that fulfilled it publishes it. */
export async function withPublishedCodes(store: Store, demands: Demand[]): Promise<Demand[]> {
  return Promise.all(demands.map(async (d) => {
    if (d.status !== 'fulfilled' || d.resource === null || d.fulfilledBy === null || !d.fulfilledBy.includes('@')) return d;
    const key = codeKey(d.resource);
    const published = (await codesOf(store, d.fulfilledBy)).find((c) => codeKey(c) === key);
    return published === undefined || published === d.resource ? d : { ...d, resource: published };
  }));
}
