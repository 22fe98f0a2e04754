// A file a person names (a command's argument or option, a variable) before anything reads or writes it:
// what is wrong with it, said in words. Each reader used to meet the file system's own error: a folder
// given for a file ended as `EISDIR: illegal operation on a directory, read` (catalogue submit), or as an
// unhandled stream error with its stack (data import of a folder named x.jsonl, --rejects naming a folder).
// The catalogue reader, the record import, the checkpoint file and the commands ask this one check; the
// caller puts the name in front (`FILE: a folder, not a file`) and may add what to do instead.
//
// A pipe or a device is read as a file: `catalogue validate <(curl ...)` is a use, not a mistake.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';

export const FOLDER_NOT_FILE = 'a folder, not a file';

/** The reason an operation on a named path failed, in words, for the codes a person can act on. */
export function fileFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR': // a path through a file (a.yaml/b.yaml) names nothing either
      return 'no such file';
    case 'EISDIR':
      return FOLDER_NOT_FILE;
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'ELOOP':
      return 'cannot be read (a loop of symbolic links)';
    case 'ENAMETOOLONG':
      return 'cannot be read (the name is too long)';
    default:
      return `cannot be read (${code ?? (err as Error | undefined)?.message ?? String(err)})`;
  }
}

/** Why `path` cannot be read as a file, or null when it can (as far as one can tell before reading it). */
export function unreadableFile(path: string): string | null {
  try {
    if (statSync(path).isDirectory()) return FOLDER_NOT_FILE;
    accessSync(path, constants.R_OK);
    return null;
  } catch (err) {
    return fileFailure(err);
  }
}

/** Why a file cannot be written at `path` (made or replaced), or null when it can. */
export function unwritableFile(path: string): string | null {
  try {
    if (statSync(path).isDirectory()) return FOLDER_NOT_FILE;
    accessSync(path, constants.W_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return 'cannot be written (permission denied)';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return fileFailure(err).replace('cannot be read', 'cannot be written');
  }
  // Not there yet (or under a file): its folder must be one to make it in.
  const folder = dirname(path);
  try {
    if (!statSync(folder).isDirectory()) return `cannot be made: ${folder} is not a folder`;
    accessSync(folder, constants.W_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `cannot be made: there is no folder ${folder}`;
    return code === 'EACCES' || code === 'EPERM' ? `cannot be made in ${folder} (permission denied)` : `cannot be made (${code ?? String(err)})`;
  }
}
