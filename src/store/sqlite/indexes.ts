// Indexes of the embedded store (store.ts): expression indexes on `json_extract(doc, '$.field')`, recorded
// in `_govgraph_indexes` (which `listIndexes` reads); a partial one is `WHERE ... IS NOT NULL`.

import { DuplicateKeyError, uniqueIndexRefused, type IndexSpec, type Store } from '../port.ts';
import type { DocCache } from '../doc-cache.ts';
import type { Connection } from './connection.ts';
import { translate, whenUnlocked } from './locks.ts';
import { checkField, expr, indexName, quoteId, table } from './sql.ts';
import type { ThreadReads } from './thread-reads.ts';

/** Makes an index; one refused over duplicate values is said in words (uniqueIndexRefused). */
async function writeIndex(collection: string, fields: string[], make: () => Promise<void>): Promise<void> {
  try {
    await make();
  } catch (error) {
    throw error instanceof DuplicateKeyError ? uniqueIndexRefused(collection, fields) : error;
  }
}

/** The index operations (and dropCollection) of a store on `conn`; `docs` and the read plans forget what they drop. */
export function indexingOf(conn: Connection, threads: ThreadReads, docs: DocCache | undefined): Pick<Store, 'ensureIndex' | 'listIndexes' | 'dropCollection'> {
  const { db, lockWaitMs, prepare, read, write } = conn;
  const { shortReads, sizes } = threads;
  return {
    async ensureIndex(collection, index) {
      if (index.fields.length === 0) throw new Error(`ensureIndex on ${collection}: an index needs fields`);
      const fields = index.fields.map(checkField);
      const unique = index.unique === true;
      const partial = index.partial === true;
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
      await writeIndex(collection, fields, () => write(`ensureIndex on ${collection}`, collection, () => {
        // Made meanwhile by another process, as asked: nothing to do. An index an older release made over
        // every row (not partial) is dropped and made partial in this one transaction: no moment without it.
        const now = prepare(recorded).get(collection, name) as Recorded;
        if (now !== undefined && (now.is_partial === 1) === partial) return;
        if (partial) db.exec(`DROP INDEX IF EXISTS ${quoteId(name)}`);
        const where = partial ? ` WHERE ${fields.map((f) => `${expr(f)} IS NOT NULL`).join(' AND ')}` : '';
        db.exec(
          `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteId(name)} ON ${table(collection)} (${fields.map(expr).join(', ')})${where}`,
        );
        prepare(
          `INSERT INTO _govgraph_indexes (collection, name, fields, is_unique, is_partial) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (collection, name) DO UPDATE SET is_partial = excluded.is_partial`,
        ).run(collection, name, JSON.stringify(fields), unique ? 1 : 0, partial ? 1 : 0);
      }));
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
