// How a department's figures that take no purpose (a submission's warnings: the stored records lacking an
// item a version makes required, those holding an enum value it takes away) may count by an item (SPEC §6).
// Such a count is a figure about the item's values: given only as the department's own reads show them.
// Without a purpose, the access table denies every item but the provider's (row 4), so the decision is
// asked for each purpose the platform lists, as the reads could state it; the figure's rows are those of
// decideFigureRows (what all its grants reach), and each must be a row some purpose reads the item on.
import { decide, HARD_NO, type AccessQuery } from './decide.ts';
import type { EffectiveItem } from './effective-share.ts';
import { decideFigureRows, decideRows, type RowScope } from './row-scope.ts';

/** How a reader's figures may count by an item: in clear, as read masked, or not at all (null). */
export type FigureRead = 'clear' | 'masked' | null;

export interface FigureItemQuery extends Omit<AccessQuery, 'purpose' | 'item'> {
  item: EffectiveItem;
  /** The purpose codes of the platform: those a read may state. */
  purposes: readonly string[];
}

/**
 * 'clear' when, over every row of the figure, the department reads the item unmasked for some purpose;
 * 'masked' when it reads it there, masked for some of them; null when some row of the figure is one it
 * does not read the item on (not shared with it, or a grant it does not hold), or it reads it nowhere.
 */
export function decideFigureItem(q: FigureItemQuery): FigureRead {
  const unstated = decide({ ...q, purpose: null });
  if (unstated.allowed) return unstated.mask === null ? 'clear' : 'masked'; // its provider (row 0)
  if (HARD_NO.has(unstated.code)) return null;
  const figure = decideFigureRows({ ...q, purpose: null });
  const reads: { rows: RowScope | null; clear: boolean }[] = [];
  for (const purpose of q.purposes) {
    const d = decide({ ...q, purpose });
    if (d.allowed) reads.push({ rows: decideRows({ ...q, purpose }), clear: d.mask === null });
  }
  // A decision holds for every row its purpose shows (decide.ts, rows 6 and 7): a row of the figure is
  // read when it lies within the rows of a purpose the item is read for.
  const cover = (some: typeof reads) => some.length > 0
    && (figure === null || figure.prefixes.every((f) => some.some((r) => r.rows === null || r.rows.prefixes.some((p) => f.startsWith(p)))));
  return cover(reads.filter((r) => r.clear)) ? 'clear' : cover(reads) ? 'masked' : null;
}
