// The checks of a submission and a publication that are pure CPU work over the catalogues: parsing and
// validating a submitted document against the platform and the catalogues in effect, validating a stored
// version again before it is published, and generating the data SDL of a set of catalogues to find type
// names that clash with the platform's own schema. At the platform's bounds (src/catalogue/limits.ts)
// they take hundreds of milliseconds, so the workflow runs them on a worker thread (off-thread.ts) and
// the gateway's event loop keeps answering meanwhile. What comes back is what the workflow uses, no more:
// each answer is parsed on the event loop, and a catalogue at the bounds is a megabyte of JSON.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { validateCatalogue, type CatalogueResult } from '../catalogue/validate.ts';
import type { Problem } from '../catalogue/problems.ts';
import { buildSchemaModel } from '../generate/model.ts';
import { generateDataSDL } from '../generate/sdl.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { PLATFORM_SDL_FILE } from '../model/platform-sdl.ts';
import { parseCatalogueText } from './document.ts';
import { MAX_CATALOGUE_RESOURCES } from '../catalogue/limits.ts';
import { WorkflowError } from './errors.ts';

export type CheckTask =
  /** A submitted document (its text, or the value) parsed and validated. */
  | { kind: 'submission'; document: unknown; platform: Platform; others: readonly Catalogue[]; source?: string }
  /** The problems of a stored version against the catalogues in effect now (none: it may be published). */
  | { kind: 'recheck'; catalogue: Catalogue; platform: Platform; others: readonly Catalogue[] }
  | { kind: 'clashes'; platform: Platform; catalogues: Catalogue[] };

/**
 * A submitted document checked: refused when it does not parse (a WorkflowError does not cross threads:
 * its parts do); else the id and compiler it claims (strings, or null), which the workflow checks before
 * the validation's result, and that result.
 */
export type SubmissionAnswer =
  | { refused: { message: string; problems: WorkflowError['problems'] } }
  | { claims: { id: string | null; compiler: string | null; codes: string[] }; result: CatalogueResult };

export type CheckAnswer<T extends CheckTask> = T extends { kind: 'submission' }
  ? SubmissionAnswer
  : T extends { kind: 'recheck' }
    ? Problem[]
    : string[];

/** Names of the types an SDL document defines (not those it extends). */
function definedTypes(sdl: string): Set<string> {
  return new Set(parse(sdl, { noLocation: true }).definitions.flatMap((d) => ('name' in d && d.name && !d.kind.endsWith('_EXTENSION') ? [d.name.value] : [])));
}

let platformTypes: Set<string> | null = null;

function checkSubmission(document: unknown, platform: Platform, others: readonly Catalogue[], source?: string): SubmissionAnswer {
  let doc: unknown;
  try {
    doc = typeof document === 'string' ? parseCatalogueText(document, source) : document;
  } catch (err) {
    if (err instanceof WorkflowError) return { refused: { message: err.message, problems: err.problems } };
    throw err;
  }
  const claimed = (field: 'id' | 'compiler') => {
    const value = (doc as Record<string, unknown> | null)?.[field];
    return typeof value === 'string' ? value : null;
  };
  return { claims: { id: claimed('id'), compiler: claimed('compiler'), codes: claimedCodes(doc) }, result: validateCatalogue(doc, platform, others) };
}

const RESOURCE_CODE = /^[0-9]{6}-[A-Za-z0-9]+-[0-9A-Za-z]+$/;

/**
 * The resource codes a document writes, as written: those of the form of a code (anything else names no
 * resource), each once, at most as many as a catalogue may carry. A refused submission names the resources
 * they are (submitting.ts), so that a department whose code a document tried to take sees the attempt.
 */
function claimedCodes(doc: unknown): string[] {
  const resources = (doc as Record<string, unknown> | null)?.resources;
  if (!Array.isArray(resources)) return [];
  const codes = new Set<string>();
  for (const r of resources) {
    const code = (r as Record<string, unknown> | null)?.code;
    if (typeof code === 'string' && code.length <= 128 && RESOURCE_CODE.test(code)) codes.add(code);
    if (codes.size === MAX_CATALOGUE_RESOURCES) break;
  }
  return [...codes];
}

/** Runs a check where it is called (the worker calls it, and so does the workflow without a worker). */
export function runCheck<T extends CheckTask>(task: T): CheckAnswer<T> {
  if (task.kind === 'submission') return checkSubmission(task.document, task.platform, task.others, task.source) as CheckAnswer<T>;
  if (task.kind === 'recheck') return validateCatalogue(task.catalogue, task.platform, task.others).problems as CheckAnswer<T>;
  platformTypes ??= definedTypes(readFileSync(PLATFORM_SDL_FILE, 'utf8'));
  const own = platformTypes;
  return [...definedTypes(generateDataSDL(buildSchemaModel(task.platform, task.catalogues)))].filter((t) => own.has(t)) as CheckAnswer<T>;
}
