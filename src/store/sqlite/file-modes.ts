// Whether other users of the machine may read the embedded store. The store keeps the platform secret
// (`_settings`, key `jwt-secret`) and every department's records: whoever reads govgraph.sqlite (or its
// -wal, which holds the recent writes) can sign a token of any department and role. A store the store
// makes is 0600 in a 0700 folder (data-folder.ts), but one put in place by hand keeps the mode it got:
// `cp backup data/govgraph.sqlite` under the usual umask 022 into a folder made with `mkdir data` is
// readable by every user, and the gateway started on it said nothing.

import { statSync } from 'node:fs';
import path from 'node:path';
import { STORE_FILES } from './data-folder.ts';

const octal = (mode: number) => '0' + (mode & 0o777).toString(8);

/** A path as a POSIX shell reads it back: as is when it holds only safe characters, else single-quoted. */
const shellWord = (p: string) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);

/**
 * The store's files that users other than their owner may read through the data folder (a file's group
 * or other read bit, with the folder's search bit for the same users), as one sentence; null when none.
 */
export function storeReadableByOthers(dataDir: string): string | null {
  let folder: number;
  try {
    folder = statSync(dataDir).mode;
  } catch {
    return null;
  }
  const exposed: string[] = [];
  for (const name of STORE_FILES) {
    let mode: number;
    try {
      mode = statSync(path.join(dataDir, name)).mode;
    } catch {
      continue; // no -wal or -shm (yet)
    }
    const byGroup = (mode & 0o040) !== 0 && (folder & 0o010) !== 0;
    const byOthers = (mode & 0o004) !== 0 && (folder & 0o001) !== 0;
    if (byGroup || byOthers) exposed.push(`${path.join(dataDir, name)} (${octal(mode)}${byOthers ? ', every user' : ', its group'})`);
  }
  if (exposed.length === 0) return null;
  // The folder as the files' paths write it (`./data` is `data`, as in docs/operations.md).
  const shown = path.join(dataDir, '.');
  return (
    `other users of this machine may read the store, which holds the platform secret and every department's records: ` +
    `${exposed.join(', ')} in the folder ${shown} (${octal(folder)}); ` +
    // The commands as an operator pastes them: a folder such as `/srv/gov data` quoted, the * outside the quotes.
    `chmod 600 ${shellWord(shown)}/govgraph.sqlite* (or chmod 700 ${shellWord(shown)}), as the store makes them`
  );
}
