// What a department developer needs to know of a published resource before reading or requesting it:
// its share settings, and per item what the caller would get with its purpose (the access decision
// itself, with the caller's grants).
import { decide, type Decision } from '../access/decide.ts';
import { effectiveItems, resourceShare, type EffectiveItem, type EffectiveShare } from '../access/effective-share.ts';
import type { Grant } from '../access/grant-model.ts';
import { grantsInForce } from '../access/item-since.ts';
import { codeKey } from '../catalogue/codes.ts';
import { listVersions } from '../catalogue/repository.ts';
import type { Catalogue, Resource } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';
import type { Department } from '../model/platform.ts';

export interface ShareView {
  type: string;
  conditions: string | null;
  basis: string | null;
  methods: string[];
  scope: { purposes: string[] | null; departments: string[] | null; levels: string[] | null };
}

export interface ItemView {
  resource: Resource;
  item: EffectiveItem;
  access: Decision;
}

export interface ResourceView {
  resource: Resource;
  catalogue: Catalogue;
  share: ShareView;
  items: ItemView[];
  granted: boolean;
}

/** The effective share in the schema's shape; `departments` are the resource's patterns, then the item's. */
export function shareView(resource: Resource, share: EffectiveShare, own?: Resource['items'][number]): ShareView {
  const patterns = [...(resource.share.scope?.departments ?? []), ...(own?.share?.scope?.departments ?? [])];
  return {
    type: share.type,
    conditions: own?.share?.conditions ?? resource.share.conditions ?? null,
    basis: own?.share?.basis ?? resource.share.basis ?? null,
    methods: [...share.methods],
    scope: {
      purposes: share.purposes ? [...share.purposes] : null,
      departments: patterns.length ? patterns : null,
      levels: share.levels ? [...share.levels] : null,
    },
  };
}

export function resourceView(
  catalogue: Catalogue,
  resource: Resource,
  viewer: { requester: Department; purpose: string | null; grants: readonly Grant[]; now: Date },
): ResourceView {
  const items = [...effectiveItems(resource).values()].map((item) => ({
    resource,
    item,
    access: decide({ ...viewer, resource, item }),
  }));
  return {
    resource,
    catalogue,
    share: shareView(resource, resourceShare(resource)),
    items,
    // As the decision holds them (item-since.ts): a grant none of whose items is still covered is not held.
    granted: grantsInForce(resource, viewer.grants).some((g) => g.resource === resource.code),
  };
}

/**
 * A code as its resource was published, whatever its case: by the catalogues in effect (`catalogues`), or
 * by a version no longer in effect (a resource withdrawn or dropped); as given when it never was. Filters
 * by resource use it: grants, requests, objections and audit entries keep the code as published, and
 * outlive the resource (a code in another case found nothing once its resource had left the platform).
 */
export async function publishedCode(store: Store, catalogues: readonly Catalogue[], code: string): Promise<string> {
  return (await everPublishedCode(store, catalogues, code)) ?? code;
}

/** As publishedCode, but null when no resource of that code (in any case) was ever published on the platform. */
export async function everPublishedCode(store: Store, catalogues: readonly Catalogue[], code: string): Promise<string | null> {
  const inEffect = findPublishedResource(catalogues, code);
  if (inEffect) return inEffect.resource.code;
  return findPublishedResource(await everPublishedCatalogues(store), code)?.resource.code ?? null;
}

/** Every catalogue version ever published: in effect, superseded or withdrawn (not drafts or refused ones). */
export async function everPublishedCatalogues(store: Store): Promise<Catalogue[]> {
  const once = (await listVersions(store)).filter((v) => v.status === 'published' || v.status === 'superseded' || v.status === 'withdrawn');
  return once.map((v) => v.catalogue);
}

export function findPublishedResource(catalogues: readonly Catalogue[], code: string): { catalogue: Catalogue; resource: Resource } | null {
  // Codes ignore case, as everywhere (codes.ts): an attempt written in another case is the resource's,
  // and its provider sees it in the audit log.
  const key = codeKey(code.trim());
  for (const catalogue of catalogues) for (const resource of catalogue.resources) if (codeKey(resource.code) === key) return { catalogue, resource };
  return null;
}
