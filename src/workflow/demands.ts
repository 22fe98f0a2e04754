// Demand (SPEC §14, 供需对接): a department that needs data no catalogue offers files a demand with a
// providing department; the provider's approver answers within the platform's `deadlines.demandDays`
// working days, promising a resource code (WILL_CATALOGUE) or declining on a basis (CANNOT_SHARE). A
// promise is FULFILLED by itself when a catalogue version publishing that resource code is published.
// Only the asked department keeps the promise: the code must not be in effect when it is promised (a
// demand is for data no catalogue offers), nor another department's (once published, a code is its
// provider's for good), and it is FULFILLED only by a publication that brings the code into effect as a
// resource the asked department provides; a republication of a code already in effect, or the code
// published as another department's resource, fulfils nothing. Nor does a code that was in effect at any
// moment after the demand was filed: withdrawing it, promising it and publishing it again offered the
// requester what the platform offered when it asked (src/catalogue/code-history.ts). Codes are compared in lower case, as
// everywhere (src/catalogue/codes.ts).
//
// Demands live in `_demands`, flat rows; `items` and `purposes` are JSON arrays in strings.
//
// The parts, one concern a file, in demands/: the demand as stored (rows.ts), filing (filing.ts),
// answering (answering.ts), marking kept promises FULFILLED (fulfilling.ts) and reading the demands
// (reading.ts). This path is kept for the tests that import it.
export { demandDeadline, DEMANDS, getDemand } from './demands/rows.ts';
export { requestData } from './demands/filing.ts';
export { answerDemand } from './demands/answering.ts';
export { fulfilDemands } from './demands/fulfilling.ts';
export { listDemands } from './demands/reading.ts';
