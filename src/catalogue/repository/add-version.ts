// A new catalogue version stored (a submission, an import): its document, summary and what it carries.

import type { Catalogue } from '../../model/catalogue.ts';
import { eq, type Store } from '../../store/port.ts';
import { CATALOGUE_VERSIONS, type VersionStatus, type CatalogueVersion, summaryOf, carriesOf } from './rows.ts';

/** Stores a new version with the next number; the unique (id, version) index settles races. */
export async function addVersion(
  store: Store,
  catalogue: Catalogue,
  by: string,
  status: VersionStatus = 'submitted',
  now = new Date(),
  /** The version number to store (a submission's, named in its audit entry); default: the next one. */
  planned?: number,
): Promise<CatalogueVersion> {
  const last = planned !== undefined ? [] : await store.find(CATALOGUE_VERSIONS, {
    filter: eq('id', catalogue.id),
    sort: [{ field: 'version', direction: 'desc' }],
    projection: ['version'],
    limit: 1,
  });
  const version = planned ?? (last.length ? Number(last[0].version) + 1 : 1);
  const stored: CatalogueVersion = {
    id: catalogue.id,
    version,
    status,
    catalogue,
    submittedBy: by,
    submittedAt: now.toISOString(),
    reviewedBy: null,
    reviewComment: null,
    reviewedAt: null,
    publishedAt: null,
  };
  const { catalogue: _parsed, ...fields } = stored;
  await store.insert(CATALOGUE_VERSIONS, [{ ...fields, document: JSON.stringify(catalogue), carries: carriesOf(catalogue), summary: summaryOf(catalogue) }]);
  return stored;
}
