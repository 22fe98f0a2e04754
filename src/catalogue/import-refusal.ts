// The audit entry of a refused `catalogue import` (SPEC §10, §11): documents refused before anything was
// stored (a problem of the files, a catalogue id or code that stays another department's, the platform
// file of another region than the store's). Refused grant commands, data imports and workflow actions were
// on record; a refused import was not, so a supervisor never saw that someone tried to import another
// department's catalogue, or another region's, into the store. One `refused` entry, as the operator's:
// the files by name and by their keyed document hash (src/audit/document-hash.ts: equal files give equal
// hashes, and confirming a guess of a file's text needs the platform's key), and why, as a count of
// problems per file, never the problems' own words: those quote the files (a value written in a pattern,
// a key of a records file given by mistake, a YAML line).
import { readFileSync } from 'node:fs';
import { deriveDocumentKey, keyedDocumentHash } from '../audit/document-hash.ts';
import { keyedAsTheLog } from '../audit/chain-key.ts';
import { recordedDetail } from '../audit/entry.ts';
import { appendAudit } from '../audit/log.ts';
import { CATALOGUE_IMPORT_ACTION } from '../audit/actions.ts';
import { platformSecret } from '../identity/secret.ts';
import type { Store } from '../store/port.ts';
import type { Problem } from './problems.ts';

export interface RefusedImport {
  files: readonly string[];
  publish: boolean;
  /** Who imports (default the operator) and the request id the import's entries share. */
  by?: string;
  requestId: string;
}

/** The files as the entry names them: each with its keyed hash (`unreadable` for one that cannot be read). */
function filesHashed(key: Uint8Array, files: readonly string[]): string[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return `${file} (unreadable)`;
    }
    return `${file} (${keyedDocumentHash(key, text)})`;
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Why, without the problems' words: `what` (the step that refused them) and how many problems each file
 * had, from the problems' paths (each starts with its file: prefixProblems, or `FILE:LINE:COL`).
 */
export function problemsWhy(what: string, files: readonly string[], problems: readonly Problem[]): string {
  const perFile = files
    .map((f) => [f, problems.filter((p) => p.path === f || p.path.startsWith(`${f}:`) || p.path.startsWith(`${f} (`)).length] as const)
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${f}: ${n}`);
  return `${what}: ${plural(problems.length, 'problem')}${perFile.length ? ` (${perFile.join(', ')})` : ''}, not recorded as they may quote the files (catalogue validate lists them)`;
}

/** Why, for the platform file of another region than the store's: the refusal's first part, not its advice. */
function otherRegionWhy(message: string): string {
  const end = message.indexOf('; nothing was done');
  return `the platform file is of another region than the store's: ${end < 0 ? message : message.slice(0, end)}`;
}

/**
 * Records a refusal for the platform file of another region than the store's (`message`: the refusal,
 * platformMismatch's): only when this process keys entries as the store's log is keyed (keyedAsTheLog). The
 * store of another region is another platform's: its gateways may key its log with a GOVGRAPH_JWT_SECRET
 * this process lacks, or this process may hold the other platform's; an entry under another key broke its
 * chain, and with neither, a secret was made in it. Not known (an empty log): not written either.
 */
export async function auditOtherRegionRefusal(store: Store, refused: RefusedImport, message: string): Promise<void> {
  let keyed: boolean;
  try {
    keyed = await keyedAsTheLog(store);
  } catch {
    return; // the store could not be read: the refusal stands all the same
  }
  if (keyed) await auditRefusedImport(store, refused, otherRegionWhy(message));
}

/** Records the refusal; best effort, as the refusal stands whether or not it could be recorded. */
export async function auditRefusedImport(store: Store, refused: RefusedImport, why: string): Promise<void> {
  try {
    const key = deriveDocumentKey(await platformSecret(store));
    const what = refused.publish ? 'import and publication' : 'import';
    await appendAudit(store, {
      requestId: refused.requestId,
      department: null,
      user: refused.by ?? 'operator',
      purpose: null,
      operationName: null,
      documentHash: null,
      kind: 'operator',
      action: CATALOGUE_IMPORT_ACTION,
      resources: [],
      outcome: 'refused',
      // The reason first: a cut (MAX_DETAIL) takes the end of a long list of files, not why.
      detail: recordedDetail(`${what} refused: ${why}; files: ${filesHashed(key, refused.files).join(', ')}`),
    });
  } catch {
    // The store or the log could not take it: the operator is told the refusal all the same.
  }
}
