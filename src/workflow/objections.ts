// Objections (SPEC §14, Art. 11: 校核纠错): a department that reads an item and believes a record wrong
// raises an objection; the provider's approver confirms or rejects it within the platform's
// `deadlines.objectionDays` working days; a confirmed objection becomes CORRECTED by itself when a data
// import changes that record's item.
//
// The parts, one concern a file, in objections/: the objection as stored (record.ts), the record's key
// (keys.ts), what its item held (fingerprints.ts), raising (raising.ts), answering (answering.ts),
// corrections by data import (corrections.ts), what a viewer sees (viewing.ts), the lists (listing.ts).
export { OBJECTIONS, STANDING, ensureObjectionIndexes, getObjection, objectionDeadline } from './objections/record.ts';
export type { Objection, ObjectionStatus } from './objections/record.ts';
export { raiseObjection } from './objections/raising.ts';
export type { ObjectionInput } from './objections/raising.ts';
export { answerObjection } from './objections/answering.ts';
export type { ObjectionDecision } from './objections/answering.ts';
export { confirmedObjections, importCorrecting } from './objections/corrections.ts';
export { objectionSeenBy, objectionsSeenBy, recordsInRows, seesObjection } from './objections/viewing.ts';
export type { ObjectionViewer } from './objections/viewing.ts';
export { listObjections, standingObjections } from './objections/listing.ts';
