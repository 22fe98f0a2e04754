// The operator's bootstrap (SPEC §11 `catalogue import`): stores, and with publish publishes, catalogues
// without the review workflow. All documents are validated together first; one problem refuses them all.
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { DocumentInvalidError, prefixProblems, type Problem } from './problems.ts';
import { readDocuments } from './read.ts';
import { validateCatalogues } from './validate.ts';
import { addVersion, ensureCatalogueIndexes, markPublished, publishedCatalogues, type CatalogueVersion } from './repository.ts';
import { ensureResourceIndexes } from './indexes.ts';

export interface ImportedCatalogue {
  file: string;
  version: CatalogueVersion;
}

export async function importCatalogueFiles(
  store: Store,
  platform: Platform,
  files: string[],
  opts: { publish: boolean; by?: string },
): Promise<ImportedCatalogue[]> {
  const docs: { file: string; doc: unknown }[] = [];
  const readProblems: Problem[] = [];
  for (const file of files) {
    try {
      for (const doc of readDocuments(file)) docs.push({ file, doc });
    } catch (err) {
      if (err instanceof DocumentInvalidError) readProblems.push(...prefixProblems(file, err.problems));
      else throw err;
    }
  }
  if (readProblems.length) throw new DocumentInvalidError(readProblems);
  const published = await publishedCatalogues(store);
  const results = validateCatalogues(docs.map((d) => d.doc), platform, published);
  const problems = results.flatMap((r, i) => prefixProblems(docs[i].file, r.problems));
  if (problems.length) throw new DocumentInvalidError(problems);
  return storeCatalogues(store, results.map((r, i) => ({ file: docs[i].file, catalogue: r.catalogue! })), opts);
}

async function storeCatalogues(
  store: Store,
  catalogues: { file: string; catalogue: Catalogue }[],
  opts: { publish: boolean; by?: string },
): Promise<ImportedCatalogue[]> {
  await ensureCatalogueIndexes(store);
  const out: ImportedCatalogue[] = [];
  for (const { file, catalogue } of catalogues) {
    const version = await addVersion(store, catalogue, opts.by ?? 'operator', 'approved');
    if (opts.publish) {
      for (const resource of catalogue.resources) await ensureResourceIndexes(store, resource);
      await markPublished(store, catalogue.id, version.version);
      version.status = 'published';
    }
    out.push({ file, version });
  }
  return out;
}
