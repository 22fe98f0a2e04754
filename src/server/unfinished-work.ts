// The work a store holds unfinished, as `govgraph platform status` tells the operator (src/cli/platform.ts):
// resources whose records have no place in a masked key's list yet (record-places.ts), and data imports
// whose `attempted` audit entry no outcome follows (src/workflow/unfinished-imports.ts). Before, the first
// was told only by a gateway's log line (`"event":"record-places","unfinished":{...}`, level 40) and the
// second only by `audit verify`'s notes: an operator paged at night who asked `platform status` heard of
// neither. Read from the store, so it says what every process left, not what one gateway saw; the store's
// reason a gateway could not place them (another process's lock, mostly) is in that gateway's log.
import { RECORD_ORDER_FIELD, type Catalogue } from '../model/catalogue.ts';
import { eq, type Store } from '../store/port.ts';
import { unfinishedImports, type UnfinishedImport } from '../workflow/unfinished-imports.ts';
import { unfinishedOperations } from '../workflow/unfinished-operations.ts';
import { collectionsOf, resourcesToPlace, RETRY_PLACING_MS } from './record-places.ts';
import { importAgain, NOTHING_HALF_WRITTEN } from './unfinished-at-start.ts';

export interface UnplacedResource {
  code: string;
  /** Its records without a place (counted through the place index where there is one, the whole collection otherwise). */
  unplaced: number;
  /** Whether the index on the place is missing (a release before places published the resource). */
  unindexed: boolean;
}

export interface UnfinishedWork {
  /** Resources of the catalogues in effect with records to place, in the catalogues' order. */
  unplaced: UnplacedResource[];
  /** Resources whose reads failed, with the store's message. */
  unread: Record<string, string>;
  /** Data imports with no outcome, and no later import of their resource that wrote its records, oldest first. */
  imports: UnfinishedImport[];
  /**
   * Data imports with no outcome of resources the catalogues in effect no longer hold (withdrawn, or left
   * out of a newer version): nothing can finish them (an import into it is refused), so they are counted
   * like the other changes, not unfinished resources, and `audit verify` names them.
   */
  importsOfWithdrawn: number;
  /** Other changes the audit log names as attempted with no outcome (catalogue imports, publications, ...): `audit verify` names them. */
  otherChanges: number;
}

export async function unfinishedWork(store: Store, catalogues: readonly Catalogue[]): Promise<UnfinishedWork> {
  const unread: Record<string, string> = {};
  const toPlace = await resourcesToPlace(store, collectionsOf(catalogues, new Set()), unread);
  const unplaced: UnplacedResource[] = [];
  for (const r of toPlace) {
    const count = await store.count(r.collection, eq(RECORD_ORDER_FIELD, null));
    // Unindexed says only that the index is missing: a resource whose records all have a place is not unfinished.
    if (count > 0) unplaced.push({ code: r.code, unplaced: count, unindexed: r.unindexed });
  }
  const inEffect = new Set(catalogues.flatMap((c) => c.resources.map((r) => r.code)));
  const open = (await unfinishedImports(store)).filter((u) => u.laterDone === undefined);
  // A withdrawn resource's import kept `platform status` at exit 1 for good, telling to import again a
  // file the import command then refused (no published resource).
  const imports = open.filter((u) => inEffect.has(u.resource));
  const otherChanges = (await unfinishedOperations(store)).length;
  return { unplaced, unread, imports, importsOfWithdrawn: open.length - imports.length, otherChanges };
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The lines `platform status` prints: two per unfinished work of a resource (what and why; how to finish it); none when nothing is. */
export function unfinishedWorkSaid(work: UnfinishedWork): string[] {
  const lines: string[] = [];
  for (const r of work.unplaced) {
    lines.push(
      `  ${r.code}: ${plural(r.unplaced, 'record')} without a place in its masked key's list (stored by a release before places, or written into the store other than by an import)` +
        `${r.unindexed ? ', and no index on the place' : ''}; a reader who sees its key masked gets them first, in the order stored`,
      `    to finish: start a gateway (\`govgraph serve\`): it places them as it starts, /readyz saying \`record-places\` meanwhile; a running one tries again every ${RETRY_PLACING_MS / 1000} s, ` +
        'and its log\'s `"event":"record-places"` warning (level 40) says why it could not (mostly another process holding the store\'s lock: a long import); ' +
        'the next `govgraph data import` of the resource places them too',
    );
  }
  for (const [code, reason] of Object.entries(work.unread)) {
    lines.push(`  ${code}: whether its records all have a place could not be read: ${reason}; ask again once the store answers`);
  }
  for (const u of work.imports) {
    lines.push(
      `  ${u.resource}: entry #${u.seq} (${u.time}, ${u.user ?? 'no user'}): ${u.detail}, and no outcome follows it: stopped before it ended (kill -9, the machine going down), ` +
        `still running, or its outcome not recorded; ${NOTHING_HALF_WRITTEN}`,
      // The same step as the gateway's log at its start (unfinished-at-start.ts), the file named as the entry names it.
      `    to finish: make sure it is not running (\`ps\`, on every machine that runs commands on this store), then import the same file again (\`${importAgain(u)}\`)`,
    );
  }
  if (work.importsOfWithdrawn > 0) {
    lines.push(`  audit log: ${plural(work.importsOfWithdrawn, 'data import')} of a resource no longer published attempted with no outcome (nothing to finish: the resource is withdrawn): \`govgraph audit verify\` names each`);
  }
  if (work.otherChanges > 0) {
    lines.push(`  audit log: ${plural(work.otherChanges, 'other change')} (catalogue import, publication, key rotation, platform adoption) attempted with no outcome: \`govgraph audit verify\` names each and what to check`);
  }
  return lines;
}

/** Whether any resource is unfinished (the other changes only counted, as `audit verify` notes them whatever came after). */
export const anyUnfinished = (work: UnfinishedWork): boolean =>
  work.unplaced.length > 0 || Object.keys(work.unread).length > 0 || work.imports.length > 0;
