// fillNulls of the embedded store (port.ts): a read of whether any row lacks the field, then each page in one
// immediate transaction that reads the page's rows and sets each with one prepared statement. Within the
// transaction no other process writes, so a row read without a value is still without one when set; the
// statement's own `IS NULL` keeps that true should the page ever be read outside it.
import { fillPageSize, filledValue, type Store } from '../port.ts';
import type { Connection } from './connection.ts';
import { checkCollection, expr, table } from './sql.ts';

export function fillNullsOf({ prepare, read, write }: Connection): Store['fillNulls'] {
  return async (collection, field, draw, options) => {
    const pageSize = fillPageSize(collection, options);
    checkCollection(collection);
    const value = expr(field); // checks the field's name
    const what = `fillNulls on ${collection}`;
    // Through the index [field, ...] when there is one (nulls first): one step of it when nothing is left.
    const unfilled = `SELECT id FROM ${table(collection)} WHERE ${value} IS NULL LIMIT ?`;
    const fill = `UPDATE ${table(collection)} SET doc = json_set(doc, '$.${field}', json(?)) WHERE id = ? AND ${value} IS NULL`;
    let filled = 0;
    for (;;) {
      // A read first: every start but the first finds nothing, and takes no write lock (nor makes a table).
      const any = await read(what, [], () => prepare(unfilled).all(1));
      if (any.length === 0) return filled;
      const page = await write(what, collection, () => {
        const ids = (prepare(unfilled).all(pageSize) as { id: number }[]).map((r) => r.id);
        const set = prepare(fill);
        let changed = 0;
        for (const id of ids) changed += set.run(JSON.stringify(filledValue(field, draw())), id).changes;
        return { read: ids.length, changed };
      });
      filled += page.changed;
      if (page.read < pageSize) return filled;
    }
  };
}
