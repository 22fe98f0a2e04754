// Grants in the store (collection `_grants`, SPEC §9, §11): added by the operator (`govgraph grant`) or
// by the sharing workflow, listed, revoked. A revoked or expired grant stops working on the next
// request: the gateway reads a department's grants again after every change (src/access/grant-cache.ts).
// Whether a grant may be made at all, grant-problems.ts says; newGrant asks it before anything is written.
//
// Rows are flat scalars: `items`, `purposes` and `unmasked` are kept as JSON arrays in strings; only
// grants/rows.ts knows it.
//
// The parts, in grants/: the grant as stored (rows.ts), its errors (errors.ts), adding one (adding.ts),
// reading them (listing.ts) and revoking one (revoking.ts). This path is kept for the tests and benchmarks
// that import it.
export type { Grant } from './grant-model.ts';
export type { GrantInput } from './grant-problems.ts';
export { GrantInputError, GrantNotFoundError } from './grants/errors.ts';
export { ensureGrantIndexes, GRANTS } from './grants/rows.ts';
export { addGrant, newGrant, storeGrant } from './grants/adding.ts';
export { activeGrantsFor, getGrant, listGrants } from './grants/listing.ts';
export { revokeGrant, revokeGrantOnce } from './grants/revoking.ts';
