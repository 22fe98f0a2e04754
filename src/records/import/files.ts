// The files of a data import: the records file read, the rejects file written (--skip-invalid).
import { realpathSync, statSync, type WriteStream } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { once } from 'node:events';
import { unreadableFile, unwritableFile } from '../../model/named-file.ts';
import { recordFileFormat, RecordFileError } from '../read/file.ts';
import type { ImportOptions } from './options.ts';

export function defaultRejectsFile(file: string): string {
  return `${file}.rejects.jsonl`;
}

export async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * The files of an import checked before anything is read or written (RecordFileError): a folder reached
 * the stream as an unhandled EISDIR with its stack, and with --skip-invalid a rejects file that cannot be
 * made only after the batches before the first reject were written. Also before the import's audit entry
 * (src/workflow/data-import.ts): a mistyped path, or a file of no record type, is no import.
 */
export function checkImportFiles(file: string, options: Pick<ImportOptions, 'skipInvalid' | 'rejectsFile' | 'dataFolder'> = {}): void {
  const unreadable = unreadableFile(file);
  if (unreadable) throw new RecordFileError(`${file}: ${unreadable}`);
  recordFileFormat(file); // a file of no record type (a.txt) is no import either
  const rejectsPath = options.rejectsFile ?? defaultRejectsFile(file);
  const unwritable = options.skipInvalid ? unwritableFile(rejectsPath) : null;
  if (unwritable) throw new RecordFileError(`rejects file ${rejectsPath}: ${unwritable}`);
  if (options.skipInvalid && sameFile(file, rejectsPath)) {
    throw new RecordFileError(`rejects file ${rejectsPath}: is the file being imported, which the rejects would replace; name another file (by default ${defaultRejectsFile(file)})`);
  }
  // Named by the operator only: the default, beside a records file kept there, names no file of the store.
  if (options.skipInvalid && options.rejectsFile !== undefined && options.dataFolder !== undefined && within(rejectsPath, options.dataFolder)) {
    throw new RecordFileError(`rejects file ${rejectsPath}: lies in the data folder ${options.dataFolder}, which holds the store (a rejects file there replaces its files); name a file outside it`);
  }
}

/** Whether `file` lies in `folder` (both as the file system resolves them: links followed). */
function within(file: string, folder: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return null;
    }
  };
  const home = real(folder);
  const parent = real(dirname(file));
  if (home === null || parent === null) return false;
  const path = relative(home, join(parent, basename(file)));
  return path === '' || (path.split(sep)[0] !== '..' && !isAbsolute(path));
}

/**
 * Whether two paths name one file (its spelling aside: `./a.jsonl`, a link to it). The rejects take their
 * file's name once the import has ended: `--rejects` naming the records file replaced the operator's
 * records with the rejected few, the valid ones then kept only in the store.
 */
function sameFile(a: string, b: string): boolean {
  const [x, y] = [statSync(a, { throwIfNoEntry: false }), statSync(b, { throwIfNoEntry: false })];
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}
