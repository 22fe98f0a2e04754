// The checks of a submission and a publication that are pure CPU work over the catalogues: parsing a
// submitted document's text, validating a
// catalogue against the platform and the catalogues in effect, and generating the data SDL of a set of
// catalogues to find type names that clash with the platform's own schema. At the platform's bounds
// (src/catalogue/limits.ts) they take hundreds of milliseconds, so the workflow runs them on a worker
// thread (off-thread.ts) and the gateway's event loop keeps answering meanwhile.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { validateCatalogue, type CatalogueResult } from '../catalogue/validate.ts';
import { buildSchemaModel } from '../generate/model.ts';
import { generateDataSDL } from '../generate/sdl.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { PLATFORM_SDL_FILE } from '../model/platform-sdl.ts';
import { parseCatalogueText } from './document.ts';
import { WorkflowError } from './errors.ts';

export type CheckTask =
  | { kind: 'parse'; text: string }
  | { kind: 'validate'; doc: unknown; platform: Platform; others: readonly Catalogue[] }
  | { kind: 'clashes'; platform: Platform; catalogues: Catalogue[] };

/** A parsed document, or why it is refused (a WorkflowError does not cross threads: its parts do). */
export type ParseAnswer = { doc: unknown } | { refused: { message: string; problems: WorkflowError['problems'] } };

export type CheckAnswer<T extends CheckTask> = T extends { kind: 'parse' } ? ParseAnswer : T extends { kind: 'validate' } ? CatalogueResult : string[];

/** Names of the types an SDL document defines (not those it extends). */
function definedTypes(sdl: string): Set<string> {
  return new Set(parse(sdl, { noLocation: true }).definitions.flatMap((d) => ('name' in d && d.name && !d.kind.endsWith('_EXTENSION') ? [d.name.value] : [])));
}

let platformTypes: Set<string> | null = null;

/** Runs a check where it is called (the worker calls it, and so does the workflow without a worker). */
export function runCheck<T extends CheckTask>(task: T): CheckAnswer<T> {
  if (task.kind === 'parse') {
    try {
      return { doc: parseCatalogueText(task.text) } as CheckAnswer<T>;
    } catch (err) {
      if (err instanceof WorkflowError) return { refused: { message: err.message, problems: err.problems } } as CheckAnswer<T>;
      throw err;
    }
  }
  if (task.kind === 'validate') return validateCatalogue(task.doc, task.platform, task.others) as CheckAnswer<T>;
  platformTypes ??= definedTypes(readFileSync(PLATFORM_SDL_FILE, 'utf8'));
  const own = platformTypes;
  return [...definedTypes(generateDataSDL(buildSchemaModel(task.platform, task.catalogues)))].filter((t) => own.has(t)) as CheckAnswer<T>;
}
