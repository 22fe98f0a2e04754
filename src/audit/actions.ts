// The audit log's names of the actions written by more than one layer: the catalogue layer writes them
// (catalogue/import.ts, import-refusal.ts) or the workflow does (workflow/catalogues/publishing.ts), and
// `audit verify` pairs their attempts with their outcomes by them (workflow/unfinished-operations.ts).
// Written as literals in each place, a name renamed in one would silently stop the pairing.

/** `govgraph catalogue import` (with or without --publish), and its refusals. */
export const CATALOGUE_IMPORT_ACTION = 'catalogue import';

/** A catalogue's publication: the publishCatalogue mutation and `govgraph catalogue publish` (the mutation's name). */
export const PUBLISH_CATALOGUE_ACTION = 'publishCatalogue';
