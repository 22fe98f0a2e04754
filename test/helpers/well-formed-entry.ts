// A read's audit entry whose client-chosen texts hold a given text (half of a surrogate pair, in the tests
// of the audit log's well-formed writing: audit-well-formed, store-contract). Ningxia codes of no fixture.
import type { NewAuditEntry } from '../../src/audit/entry.ts';

export const entryQuoting = (text: string): NewAuditEntry => ({
  requestId: 'req-nx-1', department: '640000-MZ', user: `clerk ${text}`, purpose: `relief${text}`, operationName: `Relief${text}`, documentHash: null,
  kind: 'read', action: null, outcome: 'error',
  detail: `BAD_USER_INPUT at ningxia.reliefs.${text}: "${text}"`,
  resources: [{ resource: '640000-MZ-00007', provider: '640000-MZ', items: [`name${text}`], denied: [{ item: 'income', code: `NOT_SHARED${text}` }], masked: [], records: 0, filtered: [text], ordered: [], counted: false }],
});
