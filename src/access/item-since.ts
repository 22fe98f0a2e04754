// A grant is decided on the items of a resource as one version of its catalogue publishes them (SPEC §9).
// A later version may drop an item, or the resource, and a version after it bring the name back, for the
// same data or for other data (a `notes` item that was remarks becomes criminal-record notes). The grants
// decided before the name left are not grants for what came back: the approver never saw it, and the
// submission told the holders they lose it (warnings.ts, BREAKS_GRANT "their holders lose it"). Such a
// grant does not cover the item, in reads and unmasking (decide.ts) and in the rows it reaches
// (row-scope.ts); a grant none of whose items is still covered is not held for the resource.
//
// Publications are counted, not timed: each process's clock is its own, and no hardening of times made
// "decided before the name came back" hold whatever the clocks of the processes that publish and approve.
// A grant records the catalogue version it was decided on (grants.ts, newGrant), version numbers are
// given in order by the store, and each item of a marked resource starts its run at a version: the oldest
// of its catalogue from which on every version published carried it, with no withdrawal in between. A
// grant covers the item when it was decided on that catalogue at that version or a later one; one decided
// on another catalogue (the resource moved) covers nothing here. Grants stored before grants recorded
// their version are the one place times remain (ItemRuns.decidedAt).
//
// The runs are attached to the Resource objects of a build (the schema holder marks them before it
// installs the build), so a request decides on the schema it runs on: the second gateway on a store
// computes the same ones from the same history. Resources not marked (a build no holder installed, the
// workflow's own reads of the catalogues) keep every grant as it is.
//
// The parts, in item-since/: the grants in force for a marked resource (in-force.ts), a grant as the views
// show it (shown.ts), the runs worked out from the publication history (history.ts). This path is kept for
// the tests, benchmarks and server files that import it.
export { grantsInForce } from './item-since/in-force.ts';
export { ItemHistory, itemHistoryOf } from './item-since/history.ts';
