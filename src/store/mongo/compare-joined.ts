// `compareJoined` of the MongoDB store (port.ts): one aggregation on the server.

import type { Document } from 'mongodb';
import type { JoinSide, Store, Value } from '../port.ts';
import type { Connection } from './connection.ts';
import { fromBson } from './documents.ts';
import { checkCount, checkField, toMongoFilter } from './filters.ts';

/** The BSON types a number is written as (toDocument), and a boolean: converted to a double. */
const NUMBER_TYPES = ['double', 'int', 'long', 'decimal', 'bool'];
/**
 * The instants that have a day on the platform's calendar as SQLite's date() gives it: written with a year
 * of four digits (from 0000-01-01T00:00:00Z), their day at UTC+08:00 too (before 9999-12-31T16:00:00Z).
 * SQLite's date() gives null outside; MongoDB's $dateToString fails the whole aggregation on a year past
 * 9999 (error 18537, "date component was outside the supported range of 0-9999"): a datetime of
 * 9999-12-31T23:59:59Z (a common "no end") made every consistency report of the pair STORE_UNAVAILABLE.
 */
const FIRST_DAY = new Date('0000-01-01T00:00:00Z');
const PAST_LAST_DAY = new Date('+010000-01-01T00:00:00+08:00');

/**
 * A side's compared value (JoinSide.compareAs), as SQLite's compareJoined computes it. As stored (null for
 * a missing field). `number`: a number as a double, and a boolean as 1 or 0 (what SQLite reads JSON's true
 * and false as); any other value as stored: a text ("2.50" left by an older version of the item) is no
 * number on SQLite, and `$convert` took it for one. `day`: a datetime (an ISO text) as its date at
 * UTC+08:00; null when it is none or has no day on the calendar (FIRST_DAY, PAST_LAST_DAY).
 */
export function comparedValue(path: string, side: Pick<JoinSide, 'compareAs'>): Document {
  if (side.compareAs === 'number') {
    const number = { $convert: { input: path, to: 'double', onError: path } };
    return { $cond: [{ $in: [{ $type: path }, NUMBER_TYPES] }, number, { $ifNull: [path, null] }] };
  }
  if (side.compareAs === 'day') {
    const date = { $convert: { input: path, to: 'date', onError: null, onNull: null } };
    const onCalendar = { $and: [{ $gte: ['$$d', FIRST_DAY] }, { $lt: ['$$d', PAST_LAST_DAY] }] };
    const day = { $dateToString: { date: '$$d', format: '%Y-%m-%d', timezone: '+08:00' } };
    return { $let: { vars: { d: date }, in: { $cond: [onCalendar, day, null] } } };
  }
  return { $ifNull: [path, null] };
}

/** The `compareJoined` of a store on `conn`. */
export function joinedComparisonOf({ coll, run }: Connection): Store['compareJoined'] {
  return async function compareJoined(left, right, sample, options) {
    checkCount('sample', sample);
    const [lo, lf, ro, rf] = [checkField(left.on), checkField(left.field), checkField(right.on), checkField(right.field)];
    const place = left.sampleOrder === undefined ? {} : { p: `$${checkField(left.sampleOrder)}` };
    // $lookup with a sub-pipeline on the right's join field (served by its index), then one $facet
    // counting the pairs and listing the first differing keys; the server streams the left side.
    const pipeline: Document[] = [
      { $match: left.filter ? { $and: [{ [lo]: { $ne: null } }, toMongoFilter(left.filter)] } : { [lo]: { $ne: null } } },
      { $project: { k: `$${lo}`, ...place, v: comparedValue(`$${lf}`, left) } }, // _id kept: the sample's order, after p
      { $lookup: { from: right.collection, localField: 'k', foreignField: ro, as: 'r', pipeline: [...(right.filter ? [{ $match: toMongoFilter(right.filter) }] : []), { $project: { _id: 0, v: comparedValue(`$${rf}`, right) } }] } },
      { $unwind: '$r' },
      { $project: { k: 1, p: 1, d: { $ne: ['$v', '$r.v'] } } },
      {
        $facet: {
          totals: [{ $group: { _id: null, compared: { $sum: 1 }, differing: { $sum: { $cond: ['$d', 1, 0] } } } }],
          // By the left rows' places ($min ignores a missing one: null, first, as SQLite's min()), then the
          // order they were stored in (_id), not key order: see JoinComparison.
          sample: [{ $match: { d: true } }, { $group: { _id: '$k', p: { $min: '$p' }, o: { $min: '$_id' } } }, { $sort: { p: 1, o: 1 } }, { $limit: Math.max(sample, 1) }],
        },
      },
    ];
    const [out] = await run(`compare ${left.collection} with ${right.collection}`, () =>
      // The request's signal ends the aggregation (the driver's Abortable option, as find and count take it).
      coll(left.collection).aggregate(pipeline, { allowDiskUse: true, ...(options?.signal ? { signal: options.signal } : {}) }).toArray(),
    );
    const totals = (out?.totals as Document[] | undefined)?.[0];
    return {
      compared: totals?.compared ?? 0,
      differing: totals?.differing ?? 0,
      sampleKeys: sample === 0 ? [] : ((out?.sample as Document[] | undefined) ?? []).map((d) => fromBson(d._id) as Value),
    };
  };
}

/**
 * The `caseOnlyKeys` of a store on `conn` (port.ts): one aggregation. Each side's rows whose join value is
 * a text that no row of the other side holds as written (a $lookup on the other side's join field, served
 * by its index, one row enough), upper-cased ($toUpper folds ASCII letters, as SQLite's upper()), the left
 * side's and, through $unionWith, the right side's; the upper-cased texts found on both sides counted.
 */
export function caseOnlyKeysOf({ coll, run }: Connection): Store['caseOnlyKeys'] {
  return async function caseOnlyKeys(left, right, options) {
    const [lo, ro] = [checkField(left.on), checkField(right.on)];
    const lone = (on: string, filter: JoinSide['filter'], other: JoinSide, otherOn: string, side: string): Document[] => [
      { $match: filter ? { $and: [{ [on]: { $type: 'string' } }, toMongoFilter(filter)] } : { [on]: { $type: 'string' } } },
      { $lookup: { from: other.collection, localField: on, foreignField: otherOn, as: 'm', pipeline: [...(other.filter ? [{ $match: toMongoFilter(other.filter) }] : []), { $limit: 1 }, { $project: { _id: 1 } }] } },
      { $match: { m: { $size: 0 } } },
      { $project: { _id: 0, u: { $toUpper: `$${on}` }, s: side } },
    ];
    const pipeline: Document[] = [
      ...lone(lo, left.filter, right, ro, 'l'),
      { $unionWith: { coll: right.collection, pipeline: lone(ro, right.filter, left, lo, 'r') } },
      { $group: { _id: '$u', sides: { $addToSet: '$s' } } },
      { $match: { 'sides.1': { $exists: true } } },
      { $count: 'n' },
    ];
    const [out] = await run(`compare the keys of ${left.collection} with ${right.collection}`, () =>
      coll(left.collection).aggregate(pipeline, { allowDiskUse: true, ...(options?.signal ? { signal: options.signal } : {}) }).toArray(),
    );
    return (out?.n as number | undefined) ?? 0;
  };
}
