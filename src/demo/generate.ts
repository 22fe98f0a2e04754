// The demo data set's generator, split by domain into src/demo/generate/ (records.ts assembles it):
// this path is kept for the tests and benchmarks that import it.
export { generateDemoRecords } from './generate/records.ts';
export { Rng } from './generate/rng.ts';
