// When a resource code was in effect: the spans between each publication of a version carrying it and
// the end of that version (the next version of its catalogue published, or its withdrawal), from the
// versions' own fields. A demand's promise is kept only by a code that the platform did not offer since the
// demand was filed (src/workflow/demands.ts): withdrawing a resource in effect and publishing it again must
// not count as cataloguing data newly.
import type { Catalogue } from '../model/catalogue.ts';
import { and, eq, type Row, type Store } from '../store/port.ts';
import { codeKey } from './codes.ts';
import { CATALOGUE_VERSIONS } from './repository/rows.ts';

/** One version carrying the code, in effect from `from` to `to` (null: still in effect, or a superseded one's end unknown). */
export interface CodeSpan {
  id: string;
  version: number;
  from: string;
  to: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The spans in effect of the versions that carried `code` (compared as codes are), oldest first. */
export async function codeSpans(store: Store, code: string): Promise<CodeSpan[]> {
  const key = codeKey(code.trim());
  const rows = (await store.find(CATALOGUE_VERSIONS, {
    filter: { kind: 'in', field: 'status', values: ['published', 'superseded', 'withdrawn'] },
    projection: ['id', 'version', 'status', 'publishedAt', 'withdrawnAt', 'carries'],
  })).filter((r) => str(r.publishedAt) !== null);
  rows.sort((a, b) => (str(a.publishedAt)! < str(b.publishedAt)! ? -1 : str(a.publishedAt)! > str(b.publishedAt)! ? 1 : 0));
  const spans: CodeSpan[] = [];
  for (const [i, row] of rows.entries()) {
    if (!(await carriedCodes(store, row)).some((c) => codeKey(c) === key)) continue;
    // Its end: its withdrawal, else the next version of its catalogue published (which superseded it).
    const next = rows.slice(i + 1).find((r) => r.id === row.id);
    // A withdrawn version of an older store, which kept no withdrawnAt and has no later version, ends
    // where it is known to have been in effect, at its publication (as src/access/item-since.ts ends it):
    // taken as in effect up to now, it refused every later promise of its code for good.
    const from = str(row.publishedAt)!;
    const to = row.status === 'withdrawn' ? (str(row.withdrawnAt) ?? str(next?.publishedAt) ?? from) : row.status === 'superseded' ? str(next?.publishedAt) : null;
    spans.push({ id: String(row.id), version: Number(row.version), from, to });
  }
  return spans;
}

/**
 * The codes a version carries: from its `carries`, or its document for a version stored before it kept
 * them; none when it has neither (a row no catalogue import wrote: a version must not stop every reader).
 */
export async function carriedCodes(store: Store, row: Row): Promise<string[]> {
  if (typeof row.carries === 'string') return Object.keys(JSON.parse(row.carries) as Record<string, unknown>);
  const [whole] = await store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', row.id), eq('version', row.version)), projection: ['document'], limit: 1 });
  return documentResources(whole).map((r) => r.code);
}

/** The resources of a version row's `document` (none when it holds no catalogue). */
export function documentResources(row: Row | undefined): Catalogue['resources'] {
  const doc = typeof row?.document === 'string' ? (JSON.parse(row.document) as Catalogue | null) : null;
  return Array.isArray(doc?.resources) ? doc.resources : [];
}

/** The first span in effect at some moment from `from` up to `to` (ISO times; `to` null: up to now), or undefined. */
export function spanDuring(spans: readonly CodeSpan[], from: string, to: string | null = null): CodeSpan | undefined {
  return spans.find((s) => (to === null || s.from < to) && (s.to === null || s.to > from));
}
