// Where the demo platform's documents live, whatever the working directory.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../demo');
export const DEMO_PLATFORM_FILE = join(DEMO_DIR, 'platform.yaml');
export const DEMO_CATALOGUES_DIR = join(DEMO_DIR, 'catalogues');

/** The demo catalogue files, in name order. */
export function demoCatalogueFiles(): string[] {
  return readdirSync(DEMO_CATALOGUES_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(DEMO_CATALOGUES_DIR, f));
}
