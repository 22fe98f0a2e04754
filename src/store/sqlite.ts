// The embedded store (SPEC §11), split into src/store/sqlite/ (store.ts assembles it): this path is kept
// for the tests and benchmarks that import it.
export { openFailureHint } from './sqlite/data-folder.ts';
export { SQLITE_FILE, WAL_CHECKPOINT_PAGES } from './sqlite/database.ts';
export { DEFAULT_LOCK_WAIT_MS, openSqliteStore, storesLeftUnclosed, type SqliteStore } from './sqlite/store.ts';
