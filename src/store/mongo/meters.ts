// Meters of the MongoDB store (port.ts, Store.meter): one findOneAndUpdate with an update pipeline a step,
// on a collection with a unique key and a TTL index.

import { checkMeterStep, StoreUnavailableError, type MeterReading, type Store } from '../port.ts';
import type { Connection } from './connection.ts';
import { isDuplicateKey } from './errors.ts';

/** The `meter` of a store on `conn`. */
export function metersOf({ coll, run }: Connection): Store['meter'] {
  /** Meter collections whose indexes exist: the key (unique, so that two first steps cannot both insert) and a TTL. */
  const meterIndexes = new Map<string, Promise<unknown>>();
  const meterIndexesOf = (collection: string): Promise<unknown> => {
    let ready = meterIndexes.get(collection);
    if (!ready) {
      ready = Promise.all([
        coll(collection).createIndex({ key: 1 }, { unique: true }),
        coll(collection).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }),
      ]).catch((error: unknown) => {
        meterIndexes.delete(collection);
        throw error;
      });
      meterIndexes.set(collection, ready);
    }
    return ready;
  };

  return async function meter(collection, step): Promise<MeterReading> {
    checkMeterStep(step);
    // One findOneAndUpdate with an update pipeline: MongoDB applies it to the document atomically.
    // `expiresAt` is a Date so that the TTL index removes rows; an expired row not yet removed reads as 0.
    const now = new Date(step.now);
    const live = { $and: [{ $eq: [{ $type: '$level' }, 'double'] }, { $gt: ['$expiresAt', now] }] };
    const drained = {
      $cond: [live, { $max: [0, { $subtract: ['$level', { $multiply: [step.drainPerMs, { $max: [0, { $subtract: [step.now, '$at'] }] }] }] }] }, 0],
    };
    const pipeline = [
      { $set: { _drained: { $toDouble: drained } } },
      { $set: { taken: { $or: [{ $lte: [step.amount, 0] }, { $lte: [{ $add: ['$_drained', step.amount] }, step.capacity] }] } } },
      {
        $set: {
          level: { $toDouble: { $cond: ['$taken', { $max: [0, { $add: ['$_drained', step.amount] }] }, '$_drained'] } },
          at: { $cond: [live, { $max: ['$at', step.now] }, step.now] }, // a clock behind the last step's never counts time twice
        },
      },
      // From the row's time (the later of the last step's and this one's), as SQLite does: a step from a
      // clock behind does not shorten the row's life.
      { $set: { expiresAt: { $add: [new Date(0), '$at', step.ttlMs] } } },
      { $unset: '_drained' },
    ];
    await run(`meter in ${collection}`, () => meterIndexesOf(collection));
    const once = () =>
      coll(collection).findOneAndUpdate({ key: step.key }, pipeline, { upsert: true, returnDocument: 'after', projection: { _id: 0, taken: 1, level: 1 } });
    const doc = await run(`meter in ${collection}`, async () => {
      try {
        return await once();
      } catch (error) {
        // Two first steps on one key: both upsert, the unique index refuses one; it now finds the row.
        if (isDuplicateKey(error)) return once();
        throw error;
      }
    });
    if (!doc) throw new StoreUnavailableError(`meter in ${collection}: MongoDB returned no document`);
    return { taken: doc.taken === true, level: Number(doc.level) };
  };
}
