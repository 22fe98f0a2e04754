// The data folder must be a folder (SPEC §11). A file in its place, or on the way to it, reached SQLite's
// open as mkdir's `EEXIST: file already exists, mkdir '/x/y'` (serve --demo, catalogue import) or as `no
// store at /x/y/govgraph.sqlite`, as if the folder only lacked a store; a folder named govgraph.sqlite in it
// as `unable to open database file`. Checked before any command does anything, naming where the path came
// from: `--data: /x/y is a file, not a folder`.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { setting } from '../model/settings.ts';
import { UserError, sqliteFile } from './options.ts';

/** What the path is, or null when nothing is there (or it cannot be looked at: the store's open says why). */
function statOf(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The first thing on the way to `dir`, or `dir` itself, that is there and is not a folder. */
function notAFolder(dir: string): string | null {
  for (let path = resolve(dir); ; path = dirname(path)) {
    const found = statOf(path);
    if (found) return found.isDirectory() ? null : path;
    if (dirname(path) === path) return null;
  }
}

function what(path: string): string {
  const found = statOf(path);
  if (found?.isCharacterDevice() || found?.isBlockDevice()) return 'a device';
  if (found?.isSocket()) return 'a socket';
  return found?.isFIFO() ? 'a pipe' : 'a file';
}

/**
 * The first folder on the way to `dir`, or `dir` itself, this user may not enter (EACCES), or null. A
 * data folder of another user with mode 700 hid its store: `no store at …` told the operator to make one.
 */
function closedFolder(dir: string): string | null {
  const folders: string[] = [];
  for (let path = resolve(dir); ; path = dirname(path)) {
    folders.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const folder of folders) {
    try {
      accessSync(folder, constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES') return folder;
      return null; // not there: the command says there is no store
    }
  }
  return null;
}

/** Where the data folder came from, as the message names it. */
function source(cmd: Command, dir: string): string {
  if (cmd.getOptionValueSource('data') === 'cli') return '--data';
  return setting('GOVGRAPH_DATA_DIR') === dir ? 'GOVGRAPH_DATA_DIR' : 'the default data folder';
}

/**
 * Refuses a data folder that is a file (or lies under one), one this user may not open, and a store file
 * that is a folder, naming the
 * option or variable. Runs before every command's action that takes --data (main.ts); with a MongoDB URI
 * --data is not used, so not checked.
 */
export function refuseDataFolderNotAFolder(cmd: Command): void {
  if (!cmd.options.some((o) => o.long === '--data')) return;
  const { data, mongodbUri } = cmd.opts<{ data?: string; mongodbUri?: string }>();
  if (mongodbUri || typeof data !== 'string') return;
  const at = `${source(cmd, data)}: ${data}`;
  const blocking = notAFolder(data);
  if (blocking === resolve(data)) throw new UserError(`${at} is ${what(blocking)}, not a folder; name the folder of the store (it holds govgraph.sqlite)`);
  if (blocking) throw new UserError(`${at}: ${blocking} is ${what(blocking)}, not a folder; name the folder of the store (it holds govgraph.sqlite)`);
  const closed = closedFolder(data);
  if (closed) {
    throw new UserError(
      `${at}: this user may not open the folder ${closed} (permission denied); ` +
        'run the command as the user that owns the data folder, or give this user access to it',
    );
  }
  const file = sqliteFile(data);
  if (statOf(file)?.isDirectory()) throw new UserError(`${at}: ${file} is a folder; the store is a file of that name (SQLite's)`);
}
