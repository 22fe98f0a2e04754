// What a department developer needs to know of a published resource before reading or requesting it:
// its share settings, and per item what the caller would get with its purpose (the access decision
// itself, with the caller's grants).
import { decide, type Decision } from '../access/decide.ts';
import { effectiveItems, resourceShare, type EffectiveItem, type EffectiveShare } from '../access/effective-share.ts';
import type { Grant } from '../access/grant-model.ts';
import { grantsInForce } from '../access/item-since/in-force.ts';
import { grantsGiving } from '../access/row-scope.ts';
import { carriedCodes, documentResources } from '../catalogue/code-history.ts';
import { codeKey } from '../catalogue/codes.ts';
import { CATALOGUE_VERSIONS } from '../catalogue/repository/rows.ts';
import { listVersions } from '../catalogue/repository/versions.ts';
import type { Catalogue, Resource } from '../model/catalogue.ts';
import { and, eq, type Row, type Store } from '../store/port.ts';
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
    // As the decision holds them (item-since.ts, row-scope.ts): a grant none of whose items is still covered
    // (set aside, or no longer published) is not held.
    granted: grantsInForce(resource, grantsGiving(resource, viewer.grants)).some((g) => g.resource === resource.code),
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
  return carriedCode(store, code);
}

const EVER_PUBLISHED = { kind: 'in' as const, field: 'status', values: ['published', 'superseded', 'withdrawn'] };

/**
 * The code as the first version ever published (by id, then number) that carries it spells it, from the
 * versions' small `carries` field (repository/rows.ts: code → item names), which the store reads without their
 * documents; a version stored before the field existed is read whole. Any department may name any code in a
 * filter, so a code no catalogue in effect publishes (a withdrawn resource's, a mistyped one) is not found by
 * reading and parsing every version ever published (500 versions: ~230 ms at each alias).
 */
async function carriedCode(store: Store, code: string): Promise<string | null> {
  const key = codeKey(code.trim());
  const rows = await store.find(CATALOGUE_VERSIONS, {
    filter: EVER_PUBLISHED,
    projection: ['id', 'version', 'carries'],
    sort: [{ field: 'id', direction: 'asc' }, { field: 'version', direction: 'asc' }],
  });
  for (const row of rows) {
    const codes = await carriedCodes(store, row);
    const found = codes.find((c) => codeKey(c) === key);
    if (found !== undefined) return found;
  }
  return null;
}

/**
 * Each code's resource as the last version ever published that carried it had it (in any case), or null:
 * for what outlives a resource no longer published (an objection's key, masked as its key item's reads
 * masked it: objections/viewing.ts). Found from one read of the versions' `carries`, newest first, then
 * each version that has one of them read whole once.
 */
export async function lastPublishedResources(store: Store, codes: Iterable<string>): Promise<Map<string, Resource | null>> {
  const found = new Map<string, Resource | null>();
  const wanted = new Map<string, string[]>(); // code key -> the codes asked (in any case)
  for (const code of codes) {
    found.set(code, null);
    const key = codeKey(code.trim());
    wanted.set(key, [...(wanted.get(key) ?? []), code]);
  }
  if (wanted.size === 0) return found;
  const rows = await store.find(CATALOGUE_VERSIONS, { filter: EVER_PUBLISHED, projection: ['id', 'version', 'carries', 'publishedAt'] });
  const at = (r: Row) => (typeof r.publishedAt === 'string' ? r.publishedAt : '');
  for (const row of rows.sort((a, b) => (at(a) < at(b) ? 1 : at(a) > at(b) ? -1 : 0))) {
    if (wanted.size === 0) break;
    const codesOfRow = await carriedCodes(store, row);
    const here = codesOfRow.map(codeKey).filter((k) => wanted.has(k));
    if (here.length === 0) continue;
    const [whole] = await store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', row.id), eq('version', row.version)), projection: ['document'], limit: 1 });
    const resources = documentResources(whole);
    for (const key of here) {
      const resource = resources.find((r) => codeKey(r.code) === key);
      if (!resource) continue;
      for (const code of wanted.get(key)!) found.set(code, resource);
      wanted.delete(key);
    }
  }
  return found;
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
