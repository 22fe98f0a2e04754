// What `catalogue import` of a new version breaks for the departments reading the version in effect
// (SPEC §14). Submitted through the lifecycle, such a version carries BREAKING_CHANGE warnings for its
// compiler and auditor; imported by the operator, who bypasses that review, it said only `version 2
// published`, while the clients that read the removed item began to get GRAPHQL_VALIDATION_FAILED. The
// operator (who reads every warning whole, as the competent department's auditor does) now gets the same
// lines, with the departments whose reads of the last 90 days used what goes. Retyped items have their
// own lines (retypedLines), which say the records must be imported again.
import type { Catalogue } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';

/** The lines, a heading and one per breaking change other than a retyping; none for a first version. */
export async function importBreakingLines(store: Store, before: Catalogue | undefined, after: Catalogue, published: boolean, now = new Date()): Promise<string[]> {
  if (!before) return [];
  const { breakingChanges, READERS_DAYS } = await import('../workflow/warnings/breaking-changes.ts');
  const { itemReaders } = await import('../audit/usage.ts');
  const changes = breakingChanges(before, after, new Map()).filter((w) => w.kind === 'BREAKING_CHANGE' && w.change !== 'retyped');
  if (!changes.length) return [];
  // The audit log is read only for a version that breaks something (90 days of it, a resource at a time).
  const since = new Date(now.getTime() - READERS_DAYS * 24 * 60 * 60 * 1000).toISOString();
  // The import has stored (or published) the version by now: a failed read of the log (the store locked by
  // another process) must not turn it into a failed command; the lines go without the readers, and say why.
  let readers: Awaited<ReturnType<typeof itemReaders>> = new Map();
  let unread: string | null = null;
  try {
    readers = await itemReaders(store, before.resources.map((r) => r.code), since);
  } catch (err) {
    unread = `  (who read it in the last ${READERS_DAYS} days could not be read from the audit log: ${err instanceof Error ? err.message : String(err)}; govgraph usage shows it)`;
  }
  const warnings = breakingChanges(before, after, readers).filter((w) => w.kind === 'BREAKING_CHANGE' && w.change !== 'retyped');
  const heading = published
    ? "  breaks what the version in effect before offered: a client's operation reading what goes is refused from now on (GRAPHQL_VALIDATION_FAILED), and an item shared more tightly is denied to those it no longer reaches; tell the departments named"
    : '  would break, once published, what the version in effect offers: tell the departments named before you publish it';
  return [heading, ...warnings.map((w) => `  warning ${w.kind}${w.path ? ` ${w.path}` : ''}: ${w.message}`), ...(unread ? [unread] : [])];
}
