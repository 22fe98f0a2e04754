// Another program's MongoDB database where the store should be (MONGODB_URI naming that program's
// database, or none and another program using `govgraph`): as the embedded store refuses another program's
// SQLite file (sqlite/database.ts, refuseForeignDatabase), the MongoDB store refuses a database whose collections
// are none of govgraph's, before anything is written to it. Without this, `catalogue import` stored a
// platform's catalogues, secret and audit log among that program's collections, and a resource whose
// source.collection had that program's name read (or a data import replaced) its documents.
import type { Db } from 'mongodb';
import { StoreUnavailableError } from './port.ts';

/** Made in an empty database at the store's first open: a database holding it is a govgraph store. */
export const STORE_MARKER = '_govgraph_store';

/**
 * Collections every store made before STORE_MARKER holds at least one of: any command that writes
 * writes an audit entry (`_audit`, keyed by the secret in `_settings`); catalogues are `_catalogue_versions`.
 * Names beginning `_govgraph` (the marker, claimOnce's keys) are govgraph's as well.
 */
const OLDER_STORE_COLLECTIONS = new Set(['_audit', '_settings', '_catalogue_versions', '_catalogue_ids', '_grants']);

const isGovgraphCollection = (name: string) => name.startsWith('_govgraph') || OLDER_STORE_COLLECTIONS.has(name);

/** MongoDB's own collections (`system.views`, `system.profile`, `system.js`) say nothing of who uses the database. */
const isSystemCollection = (name: string) => name.startsWith('system.');

/** NamespaceExists: a second process made the marker first (servers before 7.0 refuse a second create). */
const NAMESPACE_EXISTS = 48;

/**
 * An empty database where a command that makes no store expected one (every command but `catalogue import`
 * and `serve --demo`): a URI naming the wrong database, or a store not made yet. Such a command made a store
 * there (its marker, a new secret, the command's audit entry), as the embedded store's commands did before
 * they refused a missing store file (src/cli/options.ts, openCommandStore).
 */
export class NoMongoStoreError extends StoreUnavailableError {
  constructor(databaseName: string) {
    super(
      `MongoDB database ${databaseName} holds no govgraph store; nothing was made in it: name the store's database in the URI's path (mongodb://HOST/DATABASE), or make a store with govgraph catalogue import`,
    );
  }
}

/**
 * Refuses `db` when it holds collections and none of them is govgraph's; marks an empty database as a
 * store (two processes opening it at once both get through: the second create is NamespaceExists), or,
 * with `existing`, refuses it (NoMongoStoreError) and makes nothing.
 */
export async function refuseForeignMongoDatabase(db: Pick<Db, 'databaseName' | 'listCollections' | 'createCollection'>, existing = false): Promise<void> {
  const listed = await db.listCollections({}, { nameOnly: true, authorizedCollections: true }).toArray();
  const names = listed.map((c) => c.name).filter((name) => !isSystemCollection(name)).sort();
  if (names.some(isGovgraphCollection)) return;
  if (names.length === 0 && existing) throw new NoMongoStoreError(db.databaseName);
  if (names.length > 0) {
    const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, ... (${names.length} collections)` : '');
    throw new StoreUnavailableError(
      `MongoDB database ${db.databaseName} is another program's (its collections: ${shown}), not a govgraph store; nothing was written to it: name the store's database in the URI's path (mongodb://HOST/DATABASE), or an empty database to make one in`,
    );
  }
  try {
    await db.createCollection(STORE_MARKER);
  } catch (error) {
    if ((error as { code?: unknown }).code !== NAMESPACE_EXISTS) throw error;
  }
}
