// Writes of the embedded store (store.ts): each in one immediate transaction of the store's connection
// (connection.ts), but `upsertAll` (data import), on a connection of its own (import.ts).

import { StoreUnavailableError, type Store, type UpsertResult } from '../port.ts';
import type { DocCache } from '../doc-cache.ts';
import type { Connection } from './connection.ts';
import { DECIMALS, DECIMALS_PATH, keyedDocs, stringifyRow } from './documents.ts';
import { createTableSql, importRows, upsertRows } from './import.ts';
import { checkCollection, checkField, compileFilter, table, type Param } from './sql.ts';
import { Decimal } from '../../formats/decimal.ts';

/**
 * The writes of a store on `conn`: `docs` forgets what they change; `fileGone` (StoreFileWatch.beforeWrite)
 * refuses audit entries into a store whose files were deleted or replaced; `count` is the store's (an update
 * that sets nothing counts the rows).
 */
export function writesOf(
  conn: Connection,
  docs: DocCache | undefined,
  fileGone: () => string | null,
  count: Store['count'],
): Pick<Store, 'insert' | 'upsert' | 'upsertAll' | 'update' | 'delete'> {
  const { db, file, lockWaitMs, prepare, read, write } = conn;
  return {
    async insert(collection, rows) {
      if (rows.length === 0) return;
      // An audit entry written into a store file deleted or replaced under the process (or through a
      // write-ahead log deleted under it, as a restore does) is lost at its next start: refused instead, so
      // requests get AUDIT_UNAVAILABLE and the log says why. One stat a batch (file-watch.ts).
      const gone = collection === '_audit' ? fileGone() : null;
      if (gone !== null) throw new StoreUnavailableError(`insert into ${collection}: ${gone}`);
      const docs = rows.map((row, i) => stringifyRow(row, collection, i));
      await write(`insert into ${collection}`, collection, () => {
        const insert = prepare(`INSERT INTO ${table(collection)} (doc) VALUES (?)`);
        for (const doc of docs) insert.run(doc);
      });
    },

    async upsert(collection, key, rows): Promise<UpsertResult> {
      checkField(key);
      const docs = keyedDocs(collection, key, rows);
      if (rows.length === 0) return { inserted: 0, updated: 0 };
      return write(`upsert into ${collection}`, collection, () => upsertRows(db, collection, key, rows, docs, new Map(), true));
    },

    async upsertAll(collection, key, batches, options) {
      checkField(key);
      checkCollection(collection);
      if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
      return importRows(file, lockWaitMs, collection, key, batches, options);
    },

    async update(collection, filter, set, mark) {
      const fields = Object.keys(set);
      if (fields.length === 0) return count(collection, filter);
      const markRows = mark ? [{ key: mark.key, value: mark.value }] : [];
      const markDocs = mark ? (checkCollection(mark.collection), keyedDocs(mark.collection, 'key', markRows)) : [];
      const where = compileFilter(filter);
      // Decimal fields set their keys here and their texts in `#decimals`; other fields drop any text they had.
      const params: Param[] = fields.map((f) => {
        const value = set[f] ?? null;
        return JSON.stringify(value instanceof Decimal ? value.orderKey : value);
      });
      let assigned = `json_set(doc, ${fields.map((f) => `'$.${checkField(f)}', json(?)`).join(', ')})`;
      if (fields.some((f) => set[f] instanceof Decimal)) {
        assigned = `json_set(${assigned}, ${DECIMALS_PATH}, json_patch(coalesce(doc -> ${DECIMALS_PATH}, '{}'), json(?)))`;
        params.push(JSON.stringify(Object.fromEntries(fields.map((f) => [f, set[f] instanceof Decimal ? set[f].text : null]))));
      } else {
        assigned = `json_remove(${assigned}, ${fields.map((f) => `'$."${DECIMALS}".${f}'`).join(', ')})`;
      }
      const sql = `UPDATE ${table(collection)} SET doc = ${assigned} WHERE ${where.sql}`;
      params.push(...where.params);
      if (mark) {
        // One immediate transaction for both: another process sees the rows changed and the mark together.
        return write(`update in ${collection}`, collection, () => {
          const changed = prepare(sql).run(...params).changes;
          if (changed > 0) {
            try {
              prepare(createTableSql(mark.collection)).run();
              upsertRows(db, mark.collection, 'key', markRows, markDocs, new Map(), true);
            } finally {
              docs?.forget(mark.collection);
            }
          }
          return changed;
        });
      }
      return read(`update in ${collection}`, 0, () => {
        try {
          return prepare(sql).run(...params).changes;
        } finally {
          docs?.forget(collection);
        }
      });
    },

    async delete(collection, filter) {
      const where = compileFilter(filter);
      const sql = `DELETE FROM ${table(collection)} WHERE ${where.sql}`;
      return read(`delete in ${collection}`, 0, () => {
        try {
          return prepare(sql).run(...where.params).changes;
        } finally {
          docs?.forget(collection);
        }
      });
    },
  };
}
