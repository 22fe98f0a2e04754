// The MongoDB store's connection (store.ts): the client, the database and whether the deployment runs
// transactions, with the operations every part of the store runs its driver calls through.

import { MongoClient, type ClientSession, type Collection, type Db, type Document } from 'mongodb';
import { StoreUnavailableError } from '../port.ts';
import { refuseForeignMongoDatabase } from '../mongo-foreign.ts';
import { translate } from './errors.ts';

const DEFAULT_DB = 'govgraph';

/** The database named in the URI path (`mongodb://host/name?...`), if any. */
export function databaseFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(uri);
  return match && match[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * The client of `uri`, not connected, reading from the primary whatever the URI says. Every reader of the
 * store must see each write that returned, made by any instance (port.ts; a revocation counts at once,
 * SPEC §9): with `readPreference=secondaryPreferred` in the URI (to spread reads), a gateway read a grant's
 * revocation mark, the audit log's newest entry and the catalogues in effect from a secondary behind the
 * primary, and a revoked grant kept answering for as long as that secondary lagged. A URI asking for
 * `maxStalenessSeconds` is refused by the driver (it cannot go with the primary), one asking for `w=0` here.
 */
export function mongoClient(uri: string): MongoClient {
  // Tags the URI names are dropped too: a primary read preference carrying them is one mongos may refuse.
  const client = new MongoClient(uri, { readPreference: 'primary', readPreferenceTags: [] });
  // Unacknowledged writes never report a duplicate key, which the store's rules stand on: a forwarded
  // token's claim (claimOnce) would be taken twice, two audit entries take one number. Refused, not connected.
  if (client.options.writeConcern?.w === 0) {
    throw new Error('w=0 (unacknowledged writes) cannot keep a store: a duplicate key would go unseen; leave w out or write w=majority');
  }
  return client;
}

/**
 * Whether the deployment that answered `hello` runs multi-document transactions: a replica set member
 * (`setName`) or a mongos (`msg: 'isdbgrid'`); a standalone server refuses them ("Transaction numbers are
 * only allowed on a replica set member or mongos").
 */
export const runsTransactions = (hello: Document): boolean => typeof hello.setName === 'string' || hello.msg === 'isdbgrid';

/**
 * What an operator must know of a standalone server, said when a gateway starts on one (Store.warning):
 * the store then writes without transactions (docs/operations.md, "Transactions and a standalone server"),
 * which one instance can live with and several cannot. Before, nothing said it: a second gateway on the
 * same standalone server ran, and its audit chain could break, the docs being the only place it was said.
 */
export function standaloneWarning(databaseName: string): string {
  return (
    `the MongoDB server of database ${databaseName} is a standalone server, which runs no transactions: ` +
    'writes of several rows are undone by hand when they fail (a reader may see them half made meanwhile), ' +
    'and several gateway instances on it can break the audit chain; run one instance only, or make the server a replica set (even of one member)'
  );
}

/**
 * How long opening the store waits for a server of the URI to answer, when the URI does not say
 * (`serverSelectionTimeoutMS`, which then bounds this wait too). The driver's own default, 30 s, bounds every
 * operation's wait for a primary, and stays so (a replica set's election takes about 12 s); at the start it
 * had a gateway or command wait 30 s (45 s measured under load) without a word when nothing answered there:
 * a URI with the wrong port or host, a server down, a firewall dropping the packets.
 */
export const FIRST_ANSWER_MS = 10_000;

/**
 * Connects `client`, giving up once no server of `uri` answered within FIRST_ANSWER_MS (or the URI's
 * serverSelectionTimeoutMS), in words naming the hosts (never the URI, which may hold a password) and the
 * last reason the driver's monitor met (`connect ECONNREFUSED ...`), instead of the driver's wait.
 */
async function firstAnswer(client: MongoClient, uri: string): Promise<void> {
  const named = /[?&]serverSelectionTimeoutMS=/i.test(uri);
  const waitMs = named ? client.options.serverSelectionTimeoutMS : FIRST_ANSWER_MS;
  let lastFailure: string | undefined;
  const heard = (event: { failure: Error }) => (lastFailure = event.failure.message);
  client.on('serverHeartbeatFailed', heard);
  let timer: NodeJS.Timeout | undefined;
  const connecting = client.connect();
  connecting.catch(() => undefined); // closed below when the wait ends first
  try {
    await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const reason = lastFailure ?? 'nothing answered MongoDB\'s hello (the connection is still being tried, or was taken by something that does not speak MongoDB)';
          // Read when the wait ends: a `mongodb+srv://` URI's hosts are the driver's once its SRV record answered.
          const hosts = client.options.hosts.map(String).join(',') || client.options.srvHost;
          const how = named ? 'serverSelectionTimeoutMS of the URI' : 'serverSelectionTimeoutMS=N in the URI waits longer';
          reject(new Error(`no server of ${hosts} answered within ${waitMs / 1000} s (${how}): ${reason}`));
        }, waitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    client.off('serverHeartbeatFailed', heard);
  }
}

/** The store's connection, as the parts of the store (mongo/*.ts) use it. */
export interface Connection {
  readonly client: MongoClient;
  readonly db: Db;
  /** Whether the deployment runs transactions (a replica set or a sharded cluster). */
  readonly transactions: boolean;
  /** The collection of that name (a name that is not a non-empty string is refused). */
  coll(name: string): Collection<Document>;
  /** Runs a driver operation, its errors translated (errors.ts). */
  run<T>(what: string, operation: () => Promise<T>): Promise<T>;
  /** Runs `write` in a transaction when supported, otherwise directly with `undo` on failure. */
  atomically<T>(what: string, write: (session?: ClientSession) => Promise<T>, undo: () => Promise<unknown>): Promise<T>;
}

/**
 * Connects to the database of `uri` (or `dbName`), refusing one of another program, and with `existing`
 * an empty one (mongo-foreign.ts).
 */
export async function connect(uri: string, dbName?: string, existing = false): Promise<Connection> {
  let client: MongoClient;
  try {
    client = mongoClient(uri);
  } catch (error) {
    throw new StoreUnavailableError(`not a MongoDB connection string: ${(error as Error).message}`, { cause: error });
  }
  let db: Db;
  let transactions: boolean;
  try {
    await firstAnswer(client, uri);
    db = client.db(dbName ?? databaseFromUri(uri) ?? DEFAULT_DB);
    const hello = await db.admin().command({ hello: 1 });
    transactions = runsTransactions(hello);
  } catch (error) {
    await client.close().catch(() => undefined);
    // The driver's socket to a server that took the connection and never answered outlives close() until
    // connectTimeoutMS (30 s): the command that gets this error exits at once (src/cli/main.ts).
    throw Object.assign(new StoreUnavailableError(`cannot connect to MongoDB: ${(error as Error).message}`, { cause: error }), { exitNow: true });
  }
  try {
    await refuseForeignMongoDatabase(db, existing);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw translate(error, `open the MongoDB database ${db.databaseName}`);
  }

  const coll = (name: string): Collection<Document> => {
    if (typeof name !== 'string' || name.length === 0) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
    return db.collection(name);
  };

  async function run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translate(error, what);
    }
  }

  /** Runs `write` in a transaction when supported, otherwise directly with `undo` on failure. */
  async function atomically<T>(
    what: string,
    write: (session?: ClientSession) => Promise<T>,
    undo: () => Promise<unknown>,
  ): Promise<T> {
    if (transactions) {
      return run(what, () => client.withSession((session) => session.withTransaction(() => write(session))));
    }
    try {
      return await write();
    } catch (error) {
      await undo().catch(() => undefined);
      throw translate(error, what);
    }
  }

  return { client, db, transactions, coll, run, atomically };
}
