// What every step of the catalogue lifecycle (submit, review, publish, withdraw) says of a version: its
// label, the resources its audit entry concerns, and the version it acts on in the status it needs.
import type { CatalogueVersion, VersionStatus } from '../../catalogue/repository/rows.ts';
import type { CatalogueVersions } from '../../catalogue/repository/versions.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { concerning } from '../audit.ts';
import { conflict, notFound } from '../errors.ts';

export const resourcesOf = (c: Catalogue) => c.resources.map((r) => concerning(r.code, r.provider));
export const label = (v: { id: string; version: number }) => `${v.id} v${v.version}`;

export async function currentVersion(versions: CatalogueVersions, id: string, version: number): Promise<CatalogueVersion> {
  const v = await versions.get(id, version);
  if (!v) throw notFound(`Catalogue ${id} has no version ${version}.`);
  return v;
}

export function requireStatus(v: CatalogueVersion, wanted: VersionStatus, doing: string): void {
  if (v.status !== wanted) throw conflict(`${label(v)} is ${v.status}; only a version that is ${wanted} can be ${doing}.`);
}
