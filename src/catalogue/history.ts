// What the store's history says against a catalogue, beside what validation says against the catalogues
// in effect: its resource codes against every version ever published (codes.ts: a code belongs to its
// provider for good) and its collections against their bindings (collections.ts). Read-only; submission,
// publication, `catalogue import` and `catalogue validate` (with a store) refuse a catalogue with any.
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { codeProblems } from './codes.ts';
import { collectionProblems } from './collections.ts';
import type { Problem } from './problems.ts';
import { catalogueVersions, type CatalogueVersions } from './repository/versions.ts';

/** `versions`: the action's reader, when it has read (or will read) the versions anyway. */
export async function historyProblems(
  store: Store,
  platform: Platform,
  catalogue: Catalogue,
  versions: CatalogueVersions = catalogueVersions(store),
): Promise<Problem[]> {
  return [...(await codeProblems(platform, catalogue, versions)), ...(await collectionProblems(store, catalogue, versions))];
}
