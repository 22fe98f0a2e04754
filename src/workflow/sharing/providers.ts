// Which department provides a resource a request or grant names: the one publishing it now, or, for a
// grant outliving its resource, the one that last published it.
import { findPublishedResource } from '../resource-info.ts';
import { CATALOGUE_VERSIONS } from '../../catalogue/repository/rows.ts';
import { catalogueVersions } from '../../catalogue/repository/versions.ts';
import { codeKey } from '../../catalogue/codes.ts';
import type { Catalogue, Resource } from '../../model/catalogue.ts';
import type { Store } from '../../store/port.ts';

export function findResource(catalogues: readonly Catalogue[], code: string): Resource | undefined {
  return findPublishedResource(catalogues, code)?.resource;
}

/** The providing department of a resource, published or once published (for grants outliving it). */
export async function providerOf(store: Store, code: string): Promise<string | null> {
  return providerLookup(store)(code);
}

/**
 * providerOf for many codes (one request's grants): the versions in effect are read whole once, and for a
 * code none of them publishes, the newest version (by id, then number) carrying it is found from the
 * versions' small `carries` field (repository/rows.ts), read once, and only that version is read whole. Each
 * such code read and parsed every version of every catalogue, at every grant of it in a list: a grant
 * whose resource no version carries any more (nothing gives it a provider) did so at every list.
 */
export function providerLookup(store: Store): (code: string) => Promise<string | null> {
  const versions = catalogueVersions(store);
  let published: Promise<Catalogue[]> | undefined;
  let carriers: Promise<Map<string, { id: string; version: number }>> | undefined;
  const answers = new Map<string, Promise<string | null>>();
  async function lookUp(code: string): Promise<string | null> {
    const r = findResource(await (published ??= versions.published().then((vs) => vs.map((v) => v.catalogue))), code);
    if (r) return r.provider;
    const carrier = (await (carriers ??= newestCarriers(store))).get(codeKey(code.trim()));
    const v = carrier && (await versions.get(carrier.id, carrier.version));
    return (v && findResource([v.catalogue], code)?.provider) ?? null;
  }
  return (code) => {
    let answer = answers.get(code);
    if (!answer) answers.set(code, (answer = lookUp(code)));
    return answer;
  };
}

/** By code key, the newest version (by id, then number, any status) carrying the code, from what each version carries. */
async function newestCarriers(store: Store): Promise<Map<string, { id: string; version: number }>> {
  const out = new Map<string, { id: string; version: number }>();
  const rows = await store.find(CATALOGUE_VERSIONS, {
    projection: ['id', 'version', 'carries'],
    sort: [{ field: 'id', direction: 'desc' }, { field: 'version', direction: 'desc' }],
  });
  for (const row of rows) {
    const at = { id: String(row.id), version: Number(row.version) };
    // A version stored before versions kept what they carry: its document's codes.
    const codes = typeof row.carries === 'string'
      ? Object.keys(JSON.parse(row.carries) as Record<string, unknown>)
      : ((await catalogueVersions(store).get(at.id, at.version))?.catalogue.resources.map((r) => r.code) ?? []);
    for (const c of codes) if (!out.has(codeKey(c))) out.set(codeKey(c), at);
  }
  return out;
}
