// Conditional sharing (SPEC §9): a department requests a conditional resource, an approver of the
// providing department decides within 10 working days; an approval creates the grant the access rules
// use (src/access/grants.ts), `revokeGrant` ends one at once.
//
// The parts, one concern a file, in sharing/: the request as stored (requests.ts), asking (asking.ts),
// deciding (deciding.ts), revoking a grant (revoking.ts), reading the requests (listing.ts), and the
// provider of a resource (providers.ts).
export { SHARING_REQUESTS, getSharingRequest, requestDeadline } from './sharing/requests.ts';
export type { RequestStatus, SharingRequest } from './sharing/requests.ts';
export { providerLookup, providerOf } from './sharing/providers.ts';
export { requestProblems, requestSharing } from './sharing/asking.ts';
export type { SharingRequestInput } from './sharing/asking.ts';
export { decideSharingRequest } from './sharing/deciding.ts';
export type { DecisionInput, SharingDecision } from './sharing/deciding.ts';
export { revokeGrant } from './sharing/revoking.ts';
export { listSharingRequests, seesRequest } from './sharing/listing.ts';
export type { SharingSide } from './sharing/listing.ts';
