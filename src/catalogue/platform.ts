// The platform file (SPEC §3): JSON Schema, then the checks of checks/platform.ts; defaults filled in.
import { deadlinesOf, type Platform } from '../model/platform.ts';
import { platformChecks } from './checks/platform.ts';
import { schemaProblems } from './json-schema.ts';
import { DocumentInvalidError, type Problem } from './problems.ts';
import { readDocument } from './read.ts';

export function validatePlatform(doc: unknown): { platform?: Platform; problems: Problem[] } {
  const problems = schemaProblems('platform.schema.json', doc);
  if (problems.length) return { problems };
  const platform = withDefaults(doc as Platform);
  for (const check of platformChecks) problems.push(...check(platform));
  return problems.length ? { problems } : { platform, problems };
}

function withDefaults(doc: Platform): Platform {
  const p = structuredClone(doc);
  p.platform.holidays ??= [];
  p.connected ??= [];
  p.deadlines = deadlinesOf(p);
  return p;
}

/** Reads and validates a platform file; DocumentInvalidError lists every problem. */
export function loadPlatform(file: string): Platform {
  const { platform, problems } = validatePlatform(readDocument(file));
  if (!platform) throw new DocumentInvalidError(problems, file);
  return platform;
}
