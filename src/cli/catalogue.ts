// `govgraph catalogue ...` (SPEC §11): validate catalogue documents against the platform.
import type { Command } from 'commander';
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { loadPlatform } from '../catalogue/platform.ts';
import { DocumentInvalidError, formatProblem, prefixProblems, type Problem } from '../catalogue/problems.ts';
import { readDocuments } from '../catalogue/read.ts';
import { validateCatalogues } from '../catalogue/validate.ts';
import { withCommonOptions, type CommonOptions } from './options.ts';

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
  );
  documents.forEach((e, i) => Object.assign(e, results[i]));
  const problems = entries.flatMap((e) => prefixProblems(e.label, e.problems));
  return problems.length ? { entries, problems } : { entries, problems, catalogues: entries.map((e) => e.catalogue!) };
}

/** Loads the platform file; its problems are printed as `FILE: path: message` and the command fails. */
export function loadPlatformOrReport(file: string, write: (line: string) => void = console.error): Platform | undefined {
  try {
    return loadPlatform(file);
  } catch (err) {
    if (!(err instanceof DocumentInvalidError)) throw err;
    for (const p of prefixProblems(file, err.problems)) write(formatProblem(p));
    process.exitCode = 1;
    return undefined;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function registerCatalogueCommands(program: Command): void {
  const catalogue = program.command('catalogue').description('catalogue documents (SPEC §4)');

  withCommonOptions(
    catalogue
      .command('validate')
      .description('validate catalogue documents (YAML or JSON) together against the platform; exit 1 on any problem')
      .argument('<files...>', 'catalogue documents; a YAML file may hold several (---)'),
  ).action((files: string[], opts: CommonOptions) => {
    const platform = loadPlatformOrReport(opts.platform, console.log);
    if (!platform) return;
    // Validated against no published catalogues for now; with a reachable store, pass the catalogues in
    // effect (publishedCatalogues) so that codes, names and links are checked platform-wide.
    const report = validateCatalogueFiles(files, platform, []);
    for (const e of report.entries) {
      if (e.catalogue) console.log(`${e.label}: ok (${plural(e.catalogue.resources.length, 'resource')})`);
      for (const p of prefixProblems(e.label, e.problems)) console.log(formatProblem(p));
    }
    if (report.problems.length) process.exitCode = 1;
  });

  // `catalogue import FILE... [--publish]` is registered here (by its owner), on `catalogue`, using
  // validateCatalogueFiles / loadPlatformOrReport above.
}
