// A value of an item as an access decision lets its reader see it (SPEC §6): denied, nothing; allowed
// with a mask, masked; allowed, as it is. The platform's views that show a record's values outside a data
// read (an objection's key and proposed value, the consistency report's keys) answer with it, so that
// they show a reader no more than its own read of the record would.
import { itemMask } from '../formats/masks.ts';
import type { AccessQuery, Decision } from './decide.ts';

/** A department reading such a view, with its purpose and grants, as it reads the data. */
export type DataReader = Omit<AccessQuery, 'resource' | 'item'>;

export function seenValue(decision: Decision, value: string, item: { type: string; values?: readonly string[] }): string | null {
  if (!decision.allowed) return null;
  return decision.mask === null ? value : itemMask(decision.mask, item)(value);
}
