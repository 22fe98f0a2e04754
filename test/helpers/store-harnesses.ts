// The stores a test of a store-port feature runs on: the embedded store always, and MongoDB (through the
// official driver) when MONGODB_URI is set, each a fresh store its cleanup removes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/port.ts';
import { openMongoStore } from '../../src/store/mongo.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

export interface StoreHarness {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** `[name, harness]` pairs for describe.each; `name` prefixes the temporary folder and the MongoDB database. */
export function storeHarnesses(name: string): [string, () => StoreHarness][] {
  const harnesses: [string, () => StoreHarness][] = [['SQLite', () => {
    const dir = mkdtempSync(join(tmpdir(), `govgraph-${name}-`));
    return { open: () => openSqliteStore(join(dir, 'data')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
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
      };
    }]);
  }
  return harnesses;
}
