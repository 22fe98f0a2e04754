// Another program's MongoDB database where the store should be: refused as the embedded store refuses
// another program's SQLite file (test/cli-foreign-database.test.ts), before anything is written to it.
// The first part needs no server (a database as the driver answers); the second runs with MONGODB_URI.
import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { NoMongoStoreError, refuseForeignMongoDatabase, STORE_MARKER } from '../src/store/mongo-foreign.ts';
import { openMongoStore } from '../src/store/mongo.ts';
import { StoreUnavailableError } from '../src/store/port.ts';

/** A database holding `names`, answering listCollections and createCollection as the driver does. */
function database(names: string[], databaseName = 'hainan_permits'): Pick<Db, 'databaseName' | 'listCollections' | 'createCollection'> & { names: string[] } {
  const db = {
    databaseName,
    names: [...names],
    listCollections: () => ({ toArray: async () => db.names.map((name) => ({ name, type: 'collection' })) }),
    createCollection: async (name: string) => {
      if (db.names.includes(name)) throw Object.assign(new Error(`Collection ${databaseName}.${name} already exists.`), { code: 48 });
      db.names.push(name);
    },
  };
  return db as never;
}

describe("another program's MongoDB database", () => {
  it('is refused, naming the database and its collections, and nothing is made in it', async () => {
    const db = database(['permits', 'inspectors', 'system.views']);
    const refusal = refuseForeignMongoDatabase(db);
    await expect(refusal).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(refusal).rejects.toThrow(/^MongoDB database hainan_permits is another program's \(its collections: inspectors, permits\), not a govgraph store; nothing was written to it/);
    expect(db.names).toEqual(['permits', 'inspectors', 'system.views']);
  });

  it('names five collections and how many there are', async () => {
    const db = database(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
    await expect(refuseForeignMongoDatabase(db)).rejects.toThrow('(its collections: a1, a2, a3, a4, a5, ... (7 collections))');
  });

  it('an empty database (MongoDB\'s own collections aside) becomes a store, and opens again with resources in it', async () => {
    const db = database(['system.profile']);
    await refuseForeignMongoDatabase(db);
    expect(db.names).toContain(STORE_MARKER);
    db.names.push('r_460000_permits');
    await expect(refuseForeignMongoDatabase(db)).resolves.toBeUndefined();
  });

  it('a store made before the marker (its audit log, settings, catalogues) opens, and a second process making the marker first is no failure', async () => {
    for (const own of ['_audit', '_settings', '_catalogue_versions', '_govgraph_once']) {
      await expect(refuseForeignMongoDatabase(database([own, 'r_460000_permits']))).resolves.toBeUndefined();
    }
    const raced = database([]);
    const list = raced.listCollections; // lists nothing, and another process makes the marker meanwhile
    raced.listCollections = (() => ({ toArray: async () => { const seen = await list({}).toArray(); raced.names.push(STORE_MARKER); return seen; } })) as never;
    await expect(refuseForeignMongoDatabase(raced)).resolves.toBeUndefined();
  });
});

describe('an empty MongoDB database where a store was expected', () => {
  // Every command but `catalogue import` and `serve --demo` opens its store `existing` (src/cli/options.ts):
  // in an empty database it made a store (the marker, a new secret, its audit entry), as the embedded store's
  // commands did in a data folder without a store file before they were refused.
  it('is refused, naming the database, and nothing is made in it', async () => {
    const db = database(['system.views'], 'ningxia_gov');
    const refusal = refuseForeignMongoDatabase(db, true);
    await expect(refusal).rejects.toBeInstanceOf(NoMongoStoreError);
    await expect(refusal).rejects.toThrow(/^MongoDB database ningxia_gov holds no govgraph store; nothing was made in it/);
    expect(db.names).toEqual(['system.views']);
  });

  it('a store, even one holding only its marker, opens; another program\'s database is refused as such', async () => {
    await expect(refuseForeignMongoDatabase(database([STORE_MARKER]), true)).resolves.toBeUndefined();
    await expect(refuseForeignMongoDatabase(database(['_audit', 'r_640000_permits']), true)).resolves.toBeUndefined();
    await expect(refuseForeignMongoDatabase(database(['permits']), true)).rejects.toThrow("is another program's");
  });
});

describe.runIf(Boolean(process.env.MONGODB_URI))('another program\'s MongoDB database, on a server', () => {
  it('openMongoStore refuses it and writes nothing to it', async () => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(process.env.MONGODB_URI!);
    const dbName = `other_program_${process.pid}_${Date.now()}`;
    try {
      await client.db(dbName).collection('permits').insertOne({ no: 'HN-1' });
      await expect(openMongoStore(process.env.MONGODB_URI!, dbName)).rejects.toThrow(`MongoDB database ${dbName} is another program's (its collections: permits)`);
      expect((await client.db(dbName).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).toEqual(['permits']);
      const empty = `${dbName}_new`;
      await expect(openMongoStore(process.env.MONGODB_URI!, empty, { existing: true })).rejects.toBeInstanceOf(NoMongoStoreError);
      expect(await client.db(empty).listCollections({}, { nameOnly: true }).toArray()).toEqual([]);
      await (await openMongoStore(process.env.MONGODB_URI!, empty)).close();
      await (await openMongoStore(process.env.MONGODB_URI!, empty, { existing: true })).close();
      await (await openMongoStore(process.env.MONGODB_URI!, empty)).close();
      await client.db(empty).dropDatabase();
    } finally {
      await client.db(dbName).dropDatabase();
      await client.close();
    }
  });
});
