// Meters of the embedded store (port.ts, Store.meter): one row a key, a level that drains with time,
// stepped in one write.

import { checkMeterStep, type MeterOptions, type MeterReading, type MeterStep } from '../port.ts';
import type { Connection } from './connection.ts';
import { expr, indexName, quoteId, table, valueSql } from './sql.ts';

/** The `meter` of a store on `conn`. */
export function metersOf(conn: Connection) {
  const { db, prepare, write, lockWaitMs } = conn;
  /** Meter collections whose key index exists, and how many steps since their last sweep of expired rows. */
  const meters = new Map<string, number>();
  const METER_SWEEP_EVERY = 1000;

  async function meterStep(collection: string, step: MeterStep, options?: MeterOptions): Promise<MeterReading> {
    checkMeterStep(step);
    const steps = meters.get(collection); // undefined: the key index may not exist yet
    const reading = await write(`meter in ${collection}`, collection, () => {
      const t = table(collection);
      if (steps === undefined) db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${quoteId(indexName(collection, ['key']))} ON ${t} (${expr('key')})`);
      if ((steps ?? 0) % METER_SWEEP_EVERY === 0) prepare(`DELETE FROM ${t} WHERE ${expr('expiresAt')} <= ?`).run(step.now);
      const key = valueSql(step.key);
      const found = prepare(`SELECT id, doc FROM ${t} WHERE ${expr('key')} = ${key.sql}`).get(...key.params) as { id: number; doc: string } | undefined;
      const row = found ? (JSON.parse(found.doc) as { level: number; at: number; expiresAt: number }) : undefined;
      const live = row !== undefined && row.expiresAt > step.now;
      const drained = live ? Math.max(0, row.level - step.drainPerMs * Math.max(0, step.now - row.at)) : 0;
      const taken = step.amount <= 0 || drained + step.amount <= step.capacity;
      const level = taken ? Math.max(0, drained + step.amount) : drained;
      // A step from a clock behind the last one's never counts time twice.
      const at = live ? Math.max(row.at, step.now) : step.now;
      const doc = JSON.stringify({ key: step.key, level, at, expiresAt: Math.max(at, step.now) + step.ttlMs });
      if (found) prepare(`UPDATE ${t} SET doc = ? WHERE id = ?`).run(doc, found.id);
      else prepare(`INSERT INTO ${t} (doc) VALUES (?)`).run(doc);
      return { taken, level };
    }, Math.min(options?.waitMs ?? lockWaitMs, lockWaitMs));
    meters.set(collection, (steps ?? 0) + 1);
    return reading;
  }

  return meterStep;
}
