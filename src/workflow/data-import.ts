// The audit entries of `govgraph data import` (SPEC §10, §11): the operator's change of a resource's data,
// recorded as its catalogue import is, so that a supervisor (every entry) and the resource's provider
// (entries about its resources) see that the data of a resource was written, by whom, with which command,
// and how many records, never a value (no key, no problem message: those quote the file's records).
//
// Two entries, as a publication writes (workflow.md, The audit trail): `data import of FILE into CODE
// attempted` before anything is written (it cannot be written: no import, AuditUnavailableError), and once
// the import has ended, `done` with its counts, or `— entry #N not done: refused ...` (nothing written) or
// `— entry #N failed: ...`. The records are committed as one unit by the store (both adapters), and the
// entries go to the log's chain as every entry does, so the chain verifies. A crash between the two (the
// process killed while it writes or commits) leaves the `attempted` entry alone: the log then says the
// data of the resource may have been written, never that it was when it was not, and no record is ever
// written without an entry before it. The resource's records tell which (the import is all-or-nothing).
import { appendAudit } from '../audit/log.ts';
import { recordedDetail, type AuditOutcome } from '../audit/entry.ts';
import type { Resource } from '../model/catalogue.ts';
import { checkImportFiles } from '../records/import/files.ts';
import { importRecords } from '../records/import/records.ts';
import type { ImportOptions, ImportSummary } from '../records/import/options.ts';
import { RecordFileError } from '../records/read/file.ts';
import { StoreUnavailableError, type Store } from '../store/port.ts';
import { InterruptedError } from '../store/interrupted.ts';
import { concerning, undone } from './audit.ts';

export const DATA_IMPORT_ACTION = 'data import';

export interface Importer {
  /** Who runs the command (the operator's name in the entries) and the id the entries share. */
  user: string;
  requestId: string;
}

export interface AuditedImport {
  summary: ImportSummary;
  /** False when the records were written but the `done` entry could not be (the `attempted` one stands). */
  doneRecorded: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How long a refused import tries to record its outcome while another process holds the write lock. */
const OUTCOME_LOCK_WAIT_MS = 60_000;

/** A refusal of the embedded store's write lock, held by another process past the store's wait. */
const lockedOut = (err: unknown): boolean =>
  err instanceof StoreUnavailableError && String((err.cause as { code?: unknown } | undefined)?.code ?? '').startsWith('SQLITE_BUSY');

/** Runs `write` (each try waits the store's own bound) until it succeeds or `ms` have passed; whether it did. */
async function retried(write: () => Promise<unknown>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await write();
      return true;
    } catch {
      if (Date.now() >= until) return false;
    }
  }
}

/** The import of `file` into `resource`, with its entries before and after. */
export async function auditedImport(
  env: { store: Store },
  importer: Importer,
  resource: Resource,
  file: string,
  options: ImportOptions = {},
): Promise<AuditedImport> {
  const what = `data import of ${file} into ${resource.code}`;
  const entry = (outcome: AuditOutcome, detail: string) => appendAudit(env.store, {
    requestId: importer.requestId, department: null, user: importer.user, purpose: null,
    operationName: null, documentHash: null, kind: 'operator', action: DATA_IMPORT_ACTION,
    resources: [concerning(resource.code, resource.provider)], outcome, detail: recordedDetail(detail),
  });
  checkImportFiles(file, options); // a path that names no file to read is no import, and no entry
  const attempted = await entry('ok', `${what} attempted (${options.skipInvalid ? '--skip-invalid: the valid records' : 'all or nothing'})`);
  let summary: ImportSummary;
  try {
    summary = await importRecords(env.store, resource, file, options);
  } catch (err) {
    // Nothing was written (the store's unit is undone); the message names the file or the store, no record.
    // Interrupted (Ctrl-C, SIGTERM) before the store committed: not done, as a refusal is; so is an import
    // that waited in vain for the write lock another process holds (another import of the file's size).
    const locked = lockedOut(err);
    const refused = err instanceof RecordFileError || err instanceof InterruptedError || locked;
    const outcome = refused ? 'refused' : 'error';
    const how = refused ? 'not done' : 'failed';
    const write = () => entry(outcome, `${what} — ${undone(attempted.seq, how)}: ${(err as Error).message}`);
    // The outcome needs the lock that was not had: waited for longer, or `attempted` would stand alone and
    // `audit verify` name the import as one stopped midway whose records may have been written.
    const recorded = await retried(write, locked ? OUTCOME_LOCK_WAIT_MS : 0);
    if (!locked) throw err;
    throw new StoreUnavailableError(
      `${(err as Error).message}: another process holds the store's write lock (another data import, a publication); ` +
        `nothing was written to ${resource.code}; import the file again once it has ended` +
        (recorded ? '' : ` (the audit log could not record this either: its entry #${attempted.seq}, attempted, stands alone, and audit verify names it in a note)`),
      { cause: err },
    );
  }
  const read = `${plural(summary.records, 'record')} read`;
  if (summary.refused) {
    const where = summary.headerRefused ? ' in the header, no record read' : summary.noRecordRead ? ', no record read' : ` in ${summary.rejected} of ${read}`;
    await entry('refused', `${what} — ${undone(attempted.seq, 'not done')}: refused, ${plural(summary.problemCount, 'problem')}${where}; nothing written`)
      .catch(() => undefined);
    return { summary, doneRecorded: true };
  }
  const rejected = summary.rejected ? `, ${summary.rejected} rejected` : '';
  // The records are committed: a failure to record it now must not report the import as failed.
  const doneRecorded = await entry('ok', `${what} done (entry #${attempted.seq}): ${plural(summary.written, 'record')} written (${summary.inserted} new, ${summary.updated} updated) of ${read}${rejected}`)
    .then(() => true, () => false);
  return { summary, doneRecorded };
}
