// fillNulls of the MongoDB store (port.ts): each page the ids of rows without the field, then one unordered
// bulk write of one updateOne a row, each matching only while the row's field is still null (`{ field: null }`
// matches a missing field too), so that a row another process filled between the read and the write keeps
// its value. No transaction: each row's update is atomic on its own, and a page cut short is filled by the
// next call.
import { fillPageSize, filledValue, type Store } from '../port.ts';
import type { Connection } from './connection.ts';
import { toBson } from './documents.ts';
import { checkField } from './filters.ts';

export function fillNullsOf({ coll, run }: Connection): Store['fillNulls'] {
  return async (collection, field, draw, options) => {
    const pageSize = fillPageSize(collection, options);
    checkField(field);
    const what = `fillNulls on ${collection}`;
    let filled = 0;
    for (;;) {
      const page = await run(what, () => coll(collection).find({ [field]: null }, { projection: { _id: 1 }, limit: pageSize }).toArray());
      if (page.length === 0) return filled;
      const operations = page.map(({ _id }) => ({
        updateOne: { filter: { _id, [field]: null }, update: { $set: { [field]: toBson(filledValue(field, draw())) } } },
      }));
      const result = await run(what, () => coll(collection).bulkWrite(operations, { ordered: false }));
      filled += result.matchedCount;
      if (page.length < pageSize) return filled;
    }
  };
}
