// Bounds on the size of catalogues and of the platform (issue 9 point 3), refused with CATALOGUE_INVALID.
// Within them, validating a catalogue is linear in its size (on a worker thread), and the schema of the
// largest platform is built in steps that never hold the event loop for long (src/server/steps.ts;
// docs/benchmarks.md, "Big catalogues", measures both). The first two are also in
// schema/catalogue.schema.json (`maxItems`), which editors use; a test keeps the two equal.

/** Resources in one catalogue document. */
export const MAX_CATALOGUE_RESOURCES = 500;
/** Items of one resource. */
export const MAX_RESOURCE_ITEMS = 200;
/** Resources of every catalogue in effect together: what one gateway schema holds. */
export const MAX_PLATFORM_RESOURCES = 2000;
