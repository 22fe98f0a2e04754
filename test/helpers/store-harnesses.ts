// The stores a test of a store-port feature runs on: the embedded store always, and MongoDB (through the
// official driver) when MONGODB_URI is set, each a fresh store its cleanup removes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, Store } from '../../src/store/port.ts';
import { openMongoStore } from '../../src/store/mongo.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

export interface StoreHarness {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
  /**
   * Writes documents as another program would, not through the port: on MongoDB with the `_id` each names
   * (a text, a number, an object: mongoimport, a copy by script); the embedded store, whose row ids are its
   * own, takes them through the port without it.
   */
  insertForeign?(collection: string, docs: ({ _id: unknown } & Record<string, unknown>)[]): Promise<void>;
}

/** `[name, harness]` pairs for describe.each; `name` prefixes the temporary folder and the MongoDB database. */
export function storeHarnesses(name: string): [string, () => StoreHarness][] {
  const harnesses: [string, () => StoreHarness][] = [['SQLite', () => {
    const dir = mkdtempSync(join(tmpdir(), `govgraph-${name}-`));
    const path = join(dir, 'data');
    return {
      open: () => openSqliteStore(path),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      insertForeign: async (collection, docs) => {
        const store = await openSqliteStore(path);
        try {
          await store.insert(collection, docs.map(({ _id, ...row }) => row as Row));
        } finally {
          await store.close();
        }
      },
    };
  }]];
  const uri = process.env.MONGODB_URI;
  if (uri) {
    harnesses.push(['MongoDB', () => {
      const db = `govgraph_${name.replaceAll('-', '_')}_${process.pid}_${Date.now()}`;
      return {
        open: () => openMongoStore(uri, db),
        cleanup: async () => {
          const { MongoClient } = await import('mongodb');
          const client = new MongoClient(uri);
          await client.db(db).dropDatabase();
          await client.close();
        },
        insertForeign: async (collection, docs) => {
          const { MongoClient } = await import('mongodb');
          const client = new MongoClient(uri);
          try {
            await client.db(db).collection(collection).insertMany(docs as never[]);
          } finally {
            await client.close();
          }
        },
      };
    }]);
  }
  return harnesses;
}
