// The files a command is given (src/model/named-file.ts says what is wrong with one), checked before the
// command opens the store or reads anything, so that a mistake is one line naming the argument, exit
// status 1, and nothing done: `govgraph: records/: a folder, not a file`.
import { unreadableFile, unwritableFile } from '../model/named-file.ts';
import { UserError } from './options.ts';

/**
 * Refuses a file to read that is not there, is a folder or cannot be read. `label` names the argument as
 * the person gave it (the path itself, or `--checkpoints FILE`); `hint` says what to give instead.
 */
export function requireReadableFile(file: string, label = file, hint?: string): void {
  const problem = unreadableFile(file);
  if (problem) throw new UserError(`${label}: ${problem}${hint ? `; ${hint}` : ''}`);
}

/** Refuses a file to write that is a folder, or whose folder is not there or not writable. */
export function requireWritableFile(file: string, label = file, hint?: string): void {
  const problem = unwritableFile(file);
  if (problem) throw new UserError(`${label}: ${problem}${hint ? `; ${hint}` : ''}`);
}
