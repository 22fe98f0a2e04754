// Catalogue versions in the store (SPEC §9), split into src/catalogue/repository/ (rows, versions,
// add-version, publication, ids): this path is kept for the tests and benchmarks that import it.
export { addVersion } from './repository/add-version.ts';
export { claimCatalogueId } from './repository/ids.ts';
export { markPublished, type PublicationRecord } from './repository/publication.ts';
export { CATALOGUE_VERSIONS, ensureCatalogueIndexes, resourceCountOf, wholeDocument, type CatalogueVersion } from './repository/rows.ts';
export { catalogueVersions, listVersions, publishedCatalogues, publishedVersions } from './repository/versions.ts';
