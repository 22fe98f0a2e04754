// Where the demo platform's documents live, whatever the working directory.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../package-root.ts';

export const DEMO_DIR = packagePath('demo');
export const DEMO_PLATFORM_FILE = join(DEMO_DIR, 'platform.yaml');
export const DEMO_CATALOGUES_DIR = join(DEMO_DIR, 'catalogues');

/** The demo catalogue files, in name order. */
export function demoCatalogueFiles(): string[] {
  return readdirSync(DEMO_CATALOGUES_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(DEMO_CATALOGUES_DIR, f));
}
