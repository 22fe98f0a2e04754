// Reading and validating a set of catalogue files together: what `catalogue validate`, `catalogue import`
// and the demo setup share.
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { DocumentInvalidError, prefixProblems, type Problem } from './problems.ts';
import { readDocuments } from './read/files.ts';
import { validateCatalogues } from './validate.ts';

/** One document read from a file; `label` names it in messages (`FILE`, or `FILE (document 2)`). */
export interface CatalogueSource {
  file: string;
  label: string;
  doc: unknown;
}

/** What became of one document (or of a file that could not be read), in file order. */
export interface CatalogueEntry {
  label: string;
  /** Absent when the file could not be read. */
  source?: CatalogueSource;
  catalogue?: Catalogue;
  /** Unprefixed; a syntax error's path is `FILE:LINE:COL`. */
  problems: Problem[];
}

export interface CatalogueFilesReport {
  entries: CatalogueEntry[];
  /** Every problem, each path prefixed with its document's label: `FILE: path`. */
  problems: Problem[];
  /** The validated catalogues, in order, when there is no problem at all. */
  catalogues?: Catalogue[];
}

/**
 * Reads every document of every file and validates them together against the platform and the catalogues
 * in effect (`published`; a document replaces the published catalogue of its id).
 */
export function validateCatalogueFiles(
  files: readonly string[],
  platform: Platform,
  published: readonly Catalogue[],
): CatalogueFilesReport {
  const entries: CatalogueEntry[] = [];
  for (const file of files) {
    try {
      const docs = readDocuments(file);
      if (docs.length === 0) entries.push({ label: file, problems: [{ path: '', message: 'holds no catalogue' }] });
      docs.forEach((doc, i) => {
        const label = docs.length > 1 ? `${file} (document ${i + 1})` : file;
        entries.push({ label, source: { file, label, doc }, problems: [] });
      });
    } catch (err) {
      if (!(err instanceof DocumentInvalidError)) throw err;
      entries.push({ label: file, problems: err.problems });
    }
  }
  const documents = entries.filter((e) => e.source);
  const results = validateCatalogues(
    documents.map((e) => e.source!.doc),
    platform,
    published,
    documents.map((e) => e.label),
  );
  documents.forEach((e, i) => Object.assign(e, results[i]));
  const problems = entries.flatMap((e) => prefixProblems(e.label, e.problems));
  return problems.length ? { entries, problems } : { entries, problems, catalogues: entries.map((e) => e.catalogue!) };
}

