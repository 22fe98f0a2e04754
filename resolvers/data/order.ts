// The order records come in when a request names none (SPEC §5: key order), as the requester may see it:
// by the key when they read it unmasked; otherwise by the place drawn at random for each record when it
// was written (RECORD_ORDER_FIELD), then the row order, since the order of a key the requester may not read,
// or reads masked, would tell of its values (a masked ID number's hidden birth date). A list's ties
// (./list.ts) and the record a link to a non-key item picks among several (./links.ts) follow it.
import type { ResourceModel } from '../../src/generate/model.ts';
import { RECORD_ORDER_FIELD } from '../../src/model/catalogue.ts';
import { ROW_ORDER, type Row, type SortKey } from '../../src/store/port.ts';
import type { RequestContext } from '../request.ts';

/** The sort key of a record's random place (model/catalogue.ts), before the row order. */
export const PLACE: SortKey = { field: RECORD_ORDER_FIELD, direction: 'asc' };

/** The field that breaks ties for the requester: the key when they read it unmasked, else ROW_ORDER (after PLACE). */
export function tieField(ctx: RequestContext, model: ResourceModel): string {
  const key = ctx.access.peekItem(model, model.resource.key);
  return key.allowed && key.mask === null ? model.resource.key : ROW_ORDER;
}

/** The order of `model`'s records for the requester when none is asked for. */
export function readerOrder(ctx: RequestContext, model: ResourceModel): SortKey[] {
  const tie = tieField(ctx, model);
  return tie === ROW_ORDER ? [PLACE, { field: ROW_ORDER, direction: 'asc' }] : [{ field: tie, direction: 'asc' }];
}

/** Drops the place and row order read for the order (they are never part of an answer). */
export function withoutOrderFields(rows: Row[]): void {
  for (const row of rows) {
    delete row[ROW_ORDER];
    delete row[RECORD_ORDER_FIELD];
  }
}
