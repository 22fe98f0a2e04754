// UNCHANGED: the document is the same catalogue as the latest version of its id.
import { catalogueIdKey, type Catalogue } from '../../model/catalogue.ts';
import type { SubmissionWarning } from './warning.ts';

/** A value as JSON text with every object's keys in order: two parsed documents compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

/**
 * UNCHANGED when `next` (the validated document) is the same catalogue as `latest`, the latest stored
 * version of its id: both are parsed catalogues, compared with their keys in order (the document's key
 * order and spacing do not count) and the id ignoring case (a version is stored under the id as first written).
 */
export function unchangedSince(latest: { version: number; status: string; catalogue: Catalogue } | undefined, next: Catalogue): SubmissionWarning[] {
  if (!latest) return [];
  const same = (c: Catalogue) => canonical({ ...c, id: catalogueIdKey(c.id) });
  if (same(latest.catalogue) !== same(next)) return [];
  return [{
    kind: 'UNCHANGED',
    path: '',
    version: latest.version,
    status: latest.status,
    message: `The document is the same catalogue as ${latest.catalogue.id} v${latest.version} (${latest.status}): it is stored as a new version all the same, repeating v${latest.version}.`,
  }];
}
