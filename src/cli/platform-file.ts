// The platform file must be a file to read (SPEC §11). A folder in its place (`--platform ./config`, or
// GOVGRAPH_PLATFORM naming one) reached the reader as `cannot be read: EISDIR: illegal operation on a
// directory, read`, and a missing one was noticed only by the commands that read it (`grant list
// --platform typo.yaml` answered as if from the intended platform). Checked before any command does
// anything, through the check every file argument takes (file-argument.ts), naming where the path came
// from: `--platform: /x: a folder, not a file; name the platform's YAML or JSON file`.
import type { Command } from 'commander';
import { setting } from '../model/settings.ts';
import { requireReadableFile } from './file-argument.ts';

/** Where the platform file came from, as the message names it. */
function source(cmd: Command, file: string): string {
  if (cmd.getOptionValueSource('platform') === 'cli') return '--platform';
  return setting('GOVGRAPH_PLATFORM') === file ? 'GOVGRAPH_PLATFORM' : 'the default platform file';
}

/** Refuses a platform file that is missing, a folder or unreadable, naming the option or variable. Runs before every command's action (main.ts). */
export function refusePlatformNotAFile(cmd: Command): void {
  if (!cmd.options.some((o) => o.long === '--platform')) return;
  const { platform } = cmd.opts<{ platform?: string }>();
  if (typeof platform !== 'string' || platform === '') return; // an empty name is refused with its own message
  requireReadableFile(platform, `${source(cmd, platform)}: ${platform}`, "name the platform's YAML or JSON file (such as platform.yaml)");
}
