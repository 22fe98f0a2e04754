// Warnings on a submitted catalogue (SPEC §9): they do not refuse it, they tell the compiler and the
// auditor what the version would do.
// - REPEATED_COLLECTION (Art. 11.3): an item whose data `element` another department's published
//   resource already provides, and provided first or before this item's resource carried it; the
//   resource and item to use instead are named.
// - BREAKS_GRANT: an active grant names an item that the version would no longer let its holder read
//   (the item or resource is gone, or the access decision for the grant's purposes would now deny it),
//   or has rows that the version's row scope would no longer read as the grant was given (dropped, or on
//   another item).
//   The decision is the access table's own (`decide`), not a restatement of it.
// - BREAKING_CHANGE (SPEC §14): what the version removes, renames, retypes or shares more tightly than
//   the version in effect, with the departments whose audited reads of the last 90 days used it.
// - OTHER_PROVIDER: a resource of another provider than the compiler, new to the catalogue (a basic or
//   subject catalogue gathering several providers' resources): once published, its code and records are
//   that provider's for good, and this catalogue may never widen its share settings nor publish it again
//   once it drops it (src/catalogue/codes.ts). The compiler sets them first: the auditor checks the
//   provider agrees.
// - UNCHANGED: the document is the same catalogue as the latest version of its id, whatever that version's
//   status (parsed: key order and spacing do not count). It is stored all the same as a new version (SPEC
//   §9); the compiler is told which version it repeats. Told at submission only.
//
// One warning a file, in warnings/: the warnings' shape (warning.ts), breaking-changes.ts,
// other-providers.ts, repeated-collection.ts, broken-grants.ts, unchanged.ts. This path is kept for the
// tests that import it.
export { breakingChanges } from './warnings/breaking-changes.ts';
export { repeatedCollection } from './warnings/repeated-collection.ts';
export { brokenGrants } from './warnings/broken-grants.ts';
