// What every catalogue check sees, and the shape of a check family. A family holds small named checks at
// three levels (the catalogue, each resource, each item); validate.ts applies every family's checks in
// one loop, in document order.
import { catalogueIdKey, type Catalogue, type Item, type Resource } from '../../model/catalogue.ts';
import type { Department, Platform } from '../../model/platform.ts';
import type { Problem } from '../problems.ts';

export interface ResourceRef {
  resource: Resource;
  /** Where it is, for messages: `resources[2]` in this catalogue, `catalogue "HN-SCJG"` elsewhere. */
  where: string;
  /** Index in this catalogue, or -1 when it belongs to another catalogue. */
  index: number;
}

export interface CheckContext {
  platform: Platform;
  catalogue: Catalogue;
  /** The other catalogues in effect (published ones and the rest of a batch), without this one's id. */
  others: Catalogue[];
  /** The version of this catalogue being replaced, if any. */
  replaced?: Catalogue;
  department(code: string): Department | undefined;
  purposeCodes: Set<string>;
  /** A resource by code: this catalogue's (first of that code) before the others'. */
  resource(code: string): ResourceRef | undefined;
  /**
   * Where a resource of that code stands in a document of the same batch that is refused before any
   * check (its file, or `document 1 of this batch`): not in effect, but a link to it is not a typo either.
   */
  refusedInBatch(code: string): string | undefined;
  /** The codes of the resources this catalogue and the others in effect hold, for otherCase's messages. */
  resourceCodes(): Iterable<string>;
}

export type CatalogueCheck = (ctx: CheckContext) => Iterable<Problem>;
/** `at` is the resource's path, `resources[i]`. */
export type ResourceCheck = (r: Resource, at: string, i: number, ctx: CheckContext) => Iterable<Problem>;
/** `at` is the item's path, `resources[i].items[j]`. */
export type ItemCheck = (item: Item, at: string, r: Resource, ctx: CheckContext) => Iterable<Problem>;

export interface CheckFamily {
  catalogue?: readonly CatalogueCheck[];
  resource?: readonly ResourceCheck[];
  item?: readonly ItemCheck[];
}

export function makeContext(
  platform: Platform,
  catalogue: Catalogue,
  others: readonly Catalogue[],
  refused: ReadonlyMap<string, string> = new Map(),
): CheckContext {
  // The version it replaces is the catalogue of its id in any case (ids are compared ignoring case).
  const id = catalogueIdKey(catalogue.id);
  const rest = others.filter((c) => catalogueIdKey(c.id) !== id);
  const departments = new Map(platform.departments.map((d) => [d.code, d]));
  const byCode = new Map<string, ResourceRef>();
  catalogue.resources.forEach((resource, index) => {
    if (!byCode.has(resource.code)) byCode.set(resource.code, { resource, where: `resources[${index}]`, index });
  });
  for (const c of rest) {
    for (const resource of c.resources) {
      if (!byCode.has(resource.code)) byCode.set(resource.code, { resource, where: `catalogue "${c.id}"`, index: -1 });
    }
  }
  return {
    platform,
    catalogue,
    others: rest,
    replaced: others.find((c) => catalogueIdKey(c.id) === id),
    department: (code) => departments.get(code),
    purposeCodes: new Set(platform.purposes.map((p) => p.code)),
    resource: (code) => byCode.get(code),
    refusedInBatch: (code) => refused.get(code),
    resourceCodes: () => byCode.keys(),
  };
}

/** Items whose values are strings: the only ones with a length, format or pattern. */
export const STRING_TYPES: readonly string[] = ['string', 'text'];
