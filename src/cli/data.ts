// `govgraph data import --resource CODE FILE [--skip-invalid] [--rejects FILE]` (SPEC §11): loads JSON Lines
// or CSV records into a published resource, all-or-nothing unless --skip-invalid. A progress bar on a
// terminal; a summary line with the time taken and the rate. Exit 0 when every record was written, 1 when
// the file was refused, 3 when --skip-invalid wrote the valid records and rejected others.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Resource } from '../model/catalogue.ts';
import { publishedCatalogues } from '../catalogue/repository/versions.ts';
import { formatDuration, formatRate, placingNote, summaryLine } from '../records/import/summary.ts';
import { defaultRejectsFile } from '../records/import/files.ts';
import type { ImportProgress, ImportSummary } from '../records/import/options.ts';
import { interruption } from './interrupt.ts';
import { importCorrecting, type Objection } from '../workflow/objections.ts';
import { findPublishedResource as findIn } from '../workflow/resource-info.ts';
import { OPERATOR } from './grant.ts';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/port.ts';
import { terminalText } from './terminal.ts';
import { announce, openCommandStore, requireShownCode, UserError, withCommonOptions, type CommonOptions } from './options.ts';

interface ImportCommandOptions extends CommonOptions {
  resource: string;
  skipInvalid?: boolean;
  rejects?: string;
}

/** The published resource with this code, or a UserError listing the codes there are. */
export async function findPublishedResource(store: Store, code: string): Promise<Resource> {
  requireShownCode('--resource', code);
  const catalogues = await publishedCatalogues(store);
  if (catalogues.length === 0) {
    throw new UserError('no catalogue is published yet; publish one first (govgraph catalogue import FILE... --publish)');
  }
  const found = findIn(catalogues, code); // codes ignore case, as the workflow's lookups
  if (!found) {
    const known = catalogues.flatMap((c) => c.resources.map((r) => r.code)).sort();
    throw new UserError(`no published resource ${code}; published resources are: ${known.join(', ')}`);
  }
  return found.resource;
}

/** A progress bar on stderr over the bytes of the file, with the rate, the elapsed time and the ETA. */
function progressBar(): { update(p: ImportProgress): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: 'importing |{bar}| {percentage}% | {records} records | {rate} | {elapsed} elapsed | ETA {eta_formatted}',
      hideCursor: true,
      stream: process.stderr,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { records: p.records.toLocaleString('en-US'), rate: formatRate(p.records, p.elapsedMs), elapsed: formatDuration(p.elapsedMs) };
      if (!started) {
        bar.start(Math.max(p.totalBytes, 1), 0, payload);
        started = true;
      }
      bar.update(p.bytesRead, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Prints a summary: the problems of a refused import on stderr, the summary line on stdout. */
export function reportImport(s: ImportSummary, out: (line: string) => void, err: (line: string) => void): void {
  if (s.refused) {
    for (const p of s.problems) err(p);
    if (s.problemCount > s.problems.length) err(`... and ${s.problemCount - s.problems.length} more problems`);
  }
  (s.refused ? err : out)(summaryLine(s));
  if (s.refused && !s.stoppedReading) err(nextStep(s));
  // Committed all the same: a warning on stderr, the exit status the import's.
  const placing = placingNote(s);
  if (placing) err(`govgraph: ${placing}`);
}

/**
 * What the operator does about a file refused for its records: the refusal said what was wrong and that
 * nothing was written, not that --skip-invalid writes the valid records (a file whose reading stopped is
 * refused with it too, so it is not offered then).
 */
function nextStep(s: ImportSummary): string {
  const valid = s.records - s.rejected;
  const again = 'fix the records on the lines above and import the file again';
  if (valid === 0) return `${again}: none of its records is valid`;
  return `${again}, or import it with --skip-invalid to write its ${valid} valid record${valid === 1 ? '' : 's'} now and put the ${s.rejected} refused, with their problems, in ${defaultRejectsFile(s.file)} (--rejects FILE names another; exit status 3)`;
}

/** The exit code of an import that wrote the valid records and rejected others (--skip-invalid). */
export const EXIT_REJECTED = 3;

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('records of published resources');
  withCommonOptions(
    data
      .command('import')
      .description('import JSON Lines (.jsonl, .ndjson, .json) or CSV records into a resource, upserting by its key')
      .argument('<file>', 'records to import')
      .requiredOption('--resource <code>', 'the code of a published resource (an unknown code is answered with the published ones)')
      .option('--skip-invalid', 'write the valid records and put the rejects in a file, instead of refusing the whole file (exit code 3 when any was rejected)')
      .option('--rejects <file>', 'where --skip-invalid writes the rejects (default FILE.rejects.jsonl)'),
  ).action(async (file: string, opts: ImportCommandOptions) => {
    // The records are checked against the resource as published in the store: the platform file is not read.
    announce(opts, { store: true });
    // Records go into a resource published in the store: where there is no store there is none, and the
    // import is refused without making one (it used to leave an empty store, with a new secret, behind).
    const store = await openCommandStore(opts);
    try {
      const resource = await findPublishedResource(store, opts.resource);
      const bar = process.stderr.isTTY ? progressBar() : undefined;
      let summary: ImportSummary;
      let corrected: Objection[] = [];
      let doneRecorded = true;
      try {
        const env = { store, now: new Date() };
        const done = await importCorrecting(env, { user: OPERATOR, requestId: randomUUID() }, resource, file, {
          skipInvalid: opts.skipInvalid === true,
          rejectsFile: opts.rejects,
          dataFolder: opts.mongodbUri ? undefined : opts.data,
          onProgress: bar?.update,
          signal: interruption(),
        });
        summary = done.summary;
        corrected = done.corrected;
        doneRecorded = done.doneRecorded;
      } finally {
        bar?.stop();
      }
      reportImport(summary, (l) => console.log(l), (l) => console.error(l));
      if (!doneRecorded) console.error('govgraph: the records were written, but the audit entry saying so could not be: the log holds the import as attempted only');
      for (const o of corrected) console.log(terminalText(`objection ${o.id} (${o.item} of ${JSON.stringify(o.key)}, raised by ${o.department}) is now CORRECTED`));
      // 1: refused, nothing written; 3: written, but --skip-invalid rejected records (the line says how many).
      if (summary.refused) process.exitCode = 1;
      else if (summary.rejected > 0) process.exitCode = EXIT_REJECTED;
    } finally {
      await store.close();
    }
  });
}
