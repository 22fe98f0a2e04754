// The MongoDB store (SPEC §11), split into src/store/mongo/ (store.ts assembles it): this path is kept for
// the tests that import it.
export { comparedValue } from './mongo/compare-joined.ts';
export { databaseFromUri, mongoClient, runsTransactions, standaloneWarning } from './mongo/connection.ts';
export { fromBson, toBson, toDocument, toSetDocument } from './mongo/documents.ts';
export { translate } from './mongo/errors.ts';
export { toMongoFilter, toMongoSort } from './mongo/filters.ts';
export { indexOptions } from './mongo/indexes.ts';
export { findOptions } from './mongo/reads.ts';
export { openMongoStore } from './mongo/store.ts';
export { restoreFields } from './mongo/writes.ts';
