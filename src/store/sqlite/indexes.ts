// Indexes of the embedded store (store.ts): expression indexes on `json_extract(doc, '$.field')`, recorded
// in `_govgraph_indexes` (which `listIndexes` reads); a partial one is `WHERE ... IS NOT NULL`.

import { DuplicateKeyError, StoreUnavailableError, uniqueIndexRefused, type IndexSpec, type Store } from '../port.ts';
import type { DocCache } from '../doc-cache.ts';
import type { Connection } from './connection.ts';
import { createTableSql } from './import.ts';
import { runIndexPlanOnThread, type IndexPlan } from './index-thread.ts';
import { isBusy, translate, whenUnlocked } from './locks.ts';
import { checkIndexFields, expr, indexName, orderExpr, quoteId, table } from './sql.ts';
import type { ThreadReads } from './thread-reads.ts';

/**
 * From this many rows a collection's index is made on a thread of its own (index-thread.ts): about 2 µs a
 * row (an audit entry; measured 0.4 s for 200,000), so 20 ms on the event loop below it, and a thread's start
 * (about 30 ms, on the thread) is not worth it.
 */
export const DEFAULT_INDEX_THREAD_ROWS = 10_000;

/** Makes an index; one refused over duplicate values is said in words (uniqueIndexRefused). */
async function writeIndex(collection: string, fields: string[], make: () => Promise<void>): Promise<void> {
  try {
    await make();
  } catch (error) {
    throw error instanceof DuplicateKeyError ? uniqueIndexRefused(collection, fields) : error;
  }
}

/** The index operations (and dropCollection) of a store on `conn`; `docs` and the read plans forget what they drop. */
export function indexingOf(
  conn: Connection,
  threads: ThreadReads,
  docs: DocCache | undefined,
  threadRows = DEFAULT_INDEX_THREAD_ROWS,
): Pick<Store, 'ensureIndex' | 'listIndexes' | 'dropCollection'> & { whenIdle(): Promise<void> | null } {
  const { db, file, lockWaitMs, prepare, read, write } = conn;
  /** The index threads' builds not yet ended. */
  const building = new Set<Promise<boolean>>();
  const { shortReads, sizes } = threads;
  /** The plan's transaction on the event loop's connection, inside `write` (as the index thread runs it). */
  const runIndexPlan = (plan: IndexPlan): void => {
    // Made meanwhile by another process, as asked: nothing to do.
    const now = prepare(plan.recorded).get(...plan.recordedParams) as { is_partial: number } | undefined;
    if (now !== undefined && (now.is_partial === 1) === plan.partial) return;
    for (const sql of plan.statements) db.exec(sql);
    prepare(plan.record).run(...plan.recordParams);
  };
  return {
    async ensureIndex(collection, index) {
      if (index.fields.length === 0) throw new Error(`ensureIndex on ${collection}: an index needs fields`);
      const unique = index.unique === true;
      const partial = index.partial === true;
      const fields = checkIndexFields(collection, index.fields, unique, partial);
      const name = indexName(collection, fields);
      const recorded = 'SELECT is_unique, is_partial FROM _govgraph_indexes WHERE collection = ? AND name = ?';
      type Recorded = { is_unique: number; is_partial: number } | undefined;
      const existing = (await read(`ensureIndex on ${collection}`, undefined, () => prepare(recorded).get(collection, name))) as Recorded;
      if (existing !== undefined && (existing.is_unique === 1) !== unique) {
        throw new Error(`ensureIndex on ${collection}: an index on ${fields.join(', ')} exists with unique=${existing.is_unique === 1}`);
      }
      if (existing?.is_partial === 1 && !partial) {
        throw new Error(`ensureIndex on ${collection}: an index on ${fields.join(', ')} exists with partial=true`);
      }
      // Recorded in the same write as it was made (and forgotten with its table): made. Without the write
      // lock, so that a process started while another holds it (a long import) finds its workflow lists'
      // indexes made, rather than waiting lockWaitMs at each list for nothing.
      if (existing !== undefined && (existing.is_partial === 1) === partial) return;
      shortReads.clear(); // a read's plan may change with the index
      const where = partial ? ` WHERE ${fields.map((f) => `${expr(f)} IS NOT NULL`).join(' AND ')}` : '';
      const plan: IndexPlan = {
        createTable: createTableSql(collection),
        recorded,
        recordedParams: [collection, name],
        partial,
        // An index an older release made over every row (not partial) is dropped and made partial in this one
        // transaction: no moment without it.
        statements: [
          ...(partial ? [`DROP INDEX IF EXISTS ${quoteId(name)}`] : []),
          `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteId(name)} ON ${table(collection)} (${fields.map(orderExpr).join(', ')})${where}`,
        ],
        record: `INSERT INTO _govgraph_indexes (collection, name, fields, is_unique, is_partial) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (collection, name) DO UPDATE SET is_partial = excluded.is_partial`,
        recordParams: [collection, name, JSON.stringify(fields), unique ? 1 : 0, partial ? 1 : 0],
      };
      const what = `ensureIndex on ${collection}`;
      const rows = (await read(what, 0, () => Number(prepare(`SELECT coalesce(max(id), 0) FROM ${table(collection)}`).pluck().get()))) as number;
      if (rows >= threadRows) {
        // Off the event loop (index-thread.ts): over a large collection the build holds it for seconds.
        await writeIndex(collection, fields, async () => {
          const build = runIndexPlanOnThread(file, lockWaitMs, plan);
          building.add(build);
          try {
            await build;
          } catch (error) {
            if (isBusy(error)) throw new StoreUnavailableError(`${what}: the database stayed locked by another process for ${lockWaitMs} ms`, { cause: error });
            throw translate(error, what);
          } finally {
            building.delete(build);
            docs?.forget(collection);
          }
        });
        return;
      }
      await writeIndex(collection, fields, () => write(what, collection, () => runIndexPlan(plan)));
    },

    /** When no index thread is writing, or null if none is: the store's close releases its descriptor of the file only then (store.ts). */
    whenIdle() {
      return building.size === 0 ? null : Promise.allSettled([...building]).then(() => undefined);
    },

    async listIndexes(collection) {
      const rows = (await read(`listIndexes on ${collection}`, [], () =>
        prepare('SELECT fields, is_unique, is_partial FROM _govgraph_indexes WHERE collection = ? ORDER BY rowid').all(collection),
      )) as { fields: string; is_unique: number; is_partial: number }[];
      return rows.map((r): IndexSpec => ({
        fields: JSON.parse(r.fields) as string[],
        unique: r.is_unique === 1,
        ...(r.is_partial === 1 ? { partial: true } : {}),
      }));
    },

    async dropCollection(collection) {
      try {
        await whenUnlocked(`dropCollection ${collection}`, lockWaitMs, () =>
          db.transaction(() => {
            docs?.forget(collection);
            shortReads.clear();
            sizes.delete(collection);
            db.exec(`DROP TABLE IF EXISTS ${table(collection)}`);
            prepare('DELETE FROM _govgraph_indexes WHERE collection = ?').run(collection);
          }).immediate(),
        );
      } catch (error) {
        throw translate(error, `dropCollection ${collection}`);
      }
    },
  };
}
