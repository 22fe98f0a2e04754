// The platforms this one is connected to (SPEC §12), seen from the connecting side: ConnectedPlatforms, in
// connected/platforms.ts with its parts (namespaces.ts, department-views.ts, read-failures.ts,
// options.ts). This path is kept for the tests and benchmarks that import it.
export { MAX_SCHEMA_BYTES, SCHEMA_PATH } from './connected-schema.ts';
export { ConnectedPlatforms } from './connected/platforms.ts';
export { DEPARTMENT_VIEWS_KEPT } from './connected/department-views.ts';
