// Reads of the MongoDB store (store.ts): rows never carry `_id` (projection `{ _id: 0 }`); ROW_ORDER is
// `_id` itself, sorted by, compared with and projected as its hex string.

import type { Document } from 'mongodb';
import { ROW_ORDER, type FindQuery, type Filter, type Store } from '../port.ts';
import type { Connection } from './connection.ts';
import { projectRows } from './documents.ts';
import { checkCount, checkField, toMongoFilter, toMongoSort } from './filters.ts';

/**
 * The driver's options of a `find` (limit, skip and projection checked or built by the caller). A sorted
 * read may sort without an index (a listing of grants, objections or requests by date, read whole; a page
 * ordered by an item no index serves): MongoDB 5.0 holds such a sort in 100 MB of memory and otherwise fails
 * the read ("Sort exceeded memory limit ..., but did not opt in to external sorting"), which the embedded
 * store answers; `allowDiskUse` lets it sort on disk, as 6.0 and later do by default (allowDiskUseByDefault).
 */
export function findOptions(query: Pick<FindQuery, 'sort' | 'skip' | 'limit' | 'signal'>): Document {
  const options: Document = {};
  if (query.sort && query.sort.length > 0) {
    options.sort = toMongoSort(query.sort);
    options.allowDiskUse = true;
  }
  if (query.skip) options.skip = query.skip;
  if (query.limit !== undefined) options.limit = query.limit;
  if (query.signal) options.signal = query.signal;
  return options;
}

/** The fields of a projection, each checked, each once, and MongoDB's projection of them. */
function projectionOf(projection: string[] | undefined): { fields?: string[]; mongoProjection: Document } {
  const fields = projection === undefined ? undefined : [...new Set(projection.map((f) => (f === ROW_ORDER ? f : checkField(f))))];
  const mongoProjection: Document = { _id: 0 };
  for (const field of fields ?? []) mongoProjection[field] = 1; // ROW_ORDER: `_id: 1`
  return { fields, mongoProjection };
}

/** The reads of a store on `conn`. */
export function readsOf({ coll, run }: Connection): Pick<Store, 'find' | 'count' | 'findByValues'> {
  const find = async (collection: string, filter: Filter | undefined, projection?: string[], options: Document = {}) => {
    const { fields, mongoProjection } = projectionOf(projection);
    const docs = await run(`find in ${collection}`, () =>
      coll(collection).find(toMongoFilter(filter), { projection: mongoProjection, ...options }).toArray(),
    );
    return projectRows(docs, fields);
  };

  /**
   * The rows of `query.firstOf`: of those holding each value, the first in the sort (ROW_ORDER without
   * one), picked by the server, which then sends one document per value.
   */
  const findFirstOf = async (collection: string, query: FindQuery & { firstOf: string }) => {
    const { fields, mongoProjection } = projectionOf(query.projection);
    const sort = toMongoSort(query.sort && query.sort.length > 0 ? query.sort : [{ field: ROW_ORDER, direction: 'asc' }]);
    const pipeline: Document[] = [
      { $match: toMongoFilter(query.filter) },
      { $sort: sort },
      { $group: { _id: `$${checkField(query.firstOf)}`, first: { $first: '$$ROOT' } } },
      { $replaceRoot: { newRoot: '$first' } },
      { $sort: sort },
    ];
    if (query.skip) pipeline.push({ $skip: query.skip });
    if (query.limit !== undefined) pipeline.push({ $limit: query.limit });
    pipeline.push({ $project: mongoProjection });
    const docs = await run(`find in ${collection}`, () => coll(collection).aggregate(pipeline, { allowDiskUse: true, ...(query.signal ? { signal: query.signal } : {}) }).toArray());
    return projectRows(docs, fields);
  };

  return {
    async find(collection, query) {
      checkCount('limit', query.limit);
      checkCount('skip', query.skip);
      if (query.limit === 0) return [];
      if (query.firstOf !== undefined) return findFirstOf(collection, { ...query, firstOf: query.firstOf });
      return find(collection, query.filter, query.projection, findOptions(query));
    },

    async count(collection, filter, options) {
      const signal = options?.signal;
      return run(`count in ${collection}`, () => coll(collection).countDocuments(toMongoFilter(filter), signal ? { signal } : {}));
    },

    async findByValues(collection, field, values, projection, options) {
      if (values.length === 0) return [];
      return find(collection, { kind: 'in', field, values }, projection, options?.signal ? { signal: options.signal } : {});
    },
  };
}
