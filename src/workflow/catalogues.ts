// The catalogue lifecycle (SPEC §9): submitted → approved | rejected → published → superseded |
// withdrawn. Exactly one version of a catalogue is in effect (published). Each action checks the role
// and that the actor's department owns what it acts on, writes its audit entry, then changes the store.
//
// The parts, one concern a file, in catalogues/: what each step says of a version (lifecycle.ts),
// submitting (submitting.ts) and a submission's warnings (submission-warnings.ts), reviewing
// (reviewing.ts), publishing (publishing.ts), withdrawing (withdrawing.ts), what a change to the
// catalogues in effect needs (in-effect.ts), who sees which versions (visibility.ts), the lists (listing.ts).
export { parseCatalogueText } from './document.ts';
export type { SchemaService } from './catalogues/in-effect.ts';
export { submitCatalogue } from './catalogues/submitting.ts';
export type { Submission } from './catalogues/submitting.ts';
export { submissionWarnings, warningReads } from './catalogues/submission-warnings.ts';
export type { WarningReads } from './catalogues/submission-warnings.ts';
export { reviewCatalogue } from './catalogues/reviewing.ts';
export type { ReviewDecision } from './catalogues/reviewing.ts';
export { publishCatalogue } from './catalogues/publishing.ts';
export { withdrawCatalogue } from './catalogues/withdrawing.ts';
export { seesDrafts } from './catalogues/visibility.ts';
export { listCatalogues } from './catalogues/listing.ts';
export type { CatalogueView, ListedCatalogue } from './catalogues/listing.ts';
