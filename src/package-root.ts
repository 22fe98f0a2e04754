// The package's root folder (where package.json is), the same from the sources (src/…, run through tsx or
// vitest) and from the build (dist/src/…): files read at run time (schema/, demo/, dist/graphiql/) are
// found from here, never relative to the module that reads them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. `packagePath('schema', 'platform.graphql')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
