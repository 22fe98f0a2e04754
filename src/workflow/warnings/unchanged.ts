// UNCHANGED: the document is the same catalogue as the latest version of its id.
import { catalogueIdKey, type Catalogue } from '../../model/catalogue.ts';
import type { SubmissionWarning } from './warning.ts';

/** What JSON prints for a value that is not printed as itself: a date's text, NaN and Infinity as null. */
function asJson(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return (v as { toJSON(): unknown }).toJSON();
  return v;
}

/**
 * Whether two parsed values are the same JSON whatever their objects' key order: what comparing them
 * printed with sorted keys would say, without printing. A catalogue at the bounds is a megabyte of
 * JSON; printing both copies sorted held the event loop 40-80 ms at each submission of one (a CPU profile
 * of big-schema's publications), and a submission that changed something usually differs early.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  a = asJson(a);
  b = asJson(b);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON prints a missing or undefined element as null.
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // JSON leaves out a member whose value is undefined (or a function: parsed documents hold none).
  let members = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue;
    if (!Object.hasOwn(y, key) || !sameJson(x[key], y[key])) return false;
    members++;
  }
  for (const key in y) if (Object.hasOwn(y, key) && y[key] !== undefined) members--;
  return members === 0;
}

/**
 * UNCHANGED when `next` (the validated document) is the same catalogue as `latest`, the latest stored
 * version of its id: both are parsed catalogues, compared with their keys in order (the document's key
 * order and spacing do not count) and the id ignoring case (a version is stored under the id as first written).
 */
export function unchangedSince(latest: { version: number; status: string; catalogue: Catalogue } | undefined, next: Catalogue): SubmissionWarning[] {
  if (!latest) return [];
  if (!sameJson({ ...latest.catalogue, id: catalogueIdKey(latest.catalogue.id) }, { ...next, id: catalogueIdKey(next.id) })) return [];
  return [{
    kind: 'UNCHANGED',
    path: '',
    version: latest.version,
    status: latest.status,
    message: `The document is the same catalogue as ${latest.catalogue.id} v${latest.version} (${latest.status}): it is stored as a new version all the same, repeating v${latest.version}.`,
  }];
}
