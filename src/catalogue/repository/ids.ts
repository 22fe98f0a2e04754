// Catalogue ids, held by one department for good in any case: who holds one, the claim that settles two
// first submissions at once, and the refusals that name the holder.

import { catalogueIdKey, type Catalogue } from '../../model/catalogue.ts';
import { DuplicateKeyError, eq, type Store } from '../../store/port.ts';
import type { CatalogueVersion } from './rows.ts';
import type { CatalogueVersions } from './versions.ts';

/** One row per catalogue id ignoring case (catalogueIdKey), naming the department that holds it. */
const CATALOGUE_IDS = '_catalogue_ids';

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
interface IdClaim {
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
