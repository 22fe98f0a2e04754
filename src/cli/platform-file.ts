// The platform file must be a file (SPEC §11). A folder in its place (`--platform ./config`, or
// GOVGRAPH_PLATFORM naming one) reached the reader as `cannot be read: EISDIR: illegal operation on a
// directory, read`. Checked before any command does anything, naming where the path came from, in the
// shape of data-folder.ts: `--platform: /x is a folder, not a platform file`. A file that is missing or
// cannot be read is left to the reader, which says so.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { setting } from '../model/settings.ts';
import { UserError } from './options.ts';

/** Where the platform file came from, as the message names it. */
function source(cmd: Command, file: string): string {
  if (cmd.getOptionValueSource('platform') === 'cli') return '--platform';
  return setting('GOVGRAPH_PLATFORM') === file ? 'GOVGRAPH_PLATFORM' : 'the default platform file';
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // not there, or not to be looked at: the reader says why
  }
}

/** Refuses a platform file that is a folder, naming the option or variable. Runs before every command's action (main.ts). */
export function refusePlatformNotAFile(cmd: Command): void {
  if (!cmd.options.some((o) => o.long === '--platform')) return;
  const { platform } = cmd.opts<{ platform?: string }>();
  if (typeof platform !== 'string' || !isFolder(platform)) return;
  throw new UserError(`${source(cmd, platform)}: ${platform} is a folder, not a platform file; name the platform's YAML or JSON file (such as platform.yaml)`);
}
