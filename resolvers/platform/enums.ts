// GraphQL enum values (SCREAMING_CASE) → the values the code keeps (the catalogue's and the store's
// spelling). Given to the executable schema as enum resolvers, and to codegen.ts.
export const ENUM_VALUES = {
  CatalogueStatus: {
    SUBMITTED: 'submitted', APPROVED: 'approved', REJECTED: 'rejected',
    PUBLISHED: 'published', SUPERSEDED: 'superseded', WITHDRAWN: 'withdrawn',
  },
  CatalogueKind: { BASIC: 'basic', SUBJECT: 'subject', DEPARTMENTAL: 'departmental' },
  RevisionTrigger: { LAW_REVISION: 'law-revision', FUNCTION_CHANGE: 'function-change', ROUTINE: 'routine' },
  ReviewDecision: { APPROVE: 'approve', REJECT: 'reject' },
  ShareType: { UNCONDITIONAL: 'unconditional', CONDITIONAL: 'conditional', NONE: 'none' },
  SharingRequestStatus: { PENDING: 'pending', APPROVED: 'approved', REJECTED: 'rejected' },
  SharingSide: { REQUESTER: 'requester', PROVIDER: 'provider' },
  SharingDecision: { APPROVE: 'approve', REJECT: 'reject' },
  BreakingChange: { REMOVED: 'removed', RENAMED: 'renamed', RETYPED: 'retyped', TIGHTENED: 'tightened' },
  ObjectionStatus: { OPEN: 'open', CONFIRMED: 'confirmed', REJECTED: 'rejected', CORRECTED: 'corrected' },
  ObjectionDecision: { CONFIRM: 'confirm', REJECT: 'reject' },
  DemandStatus: { OPEN: 'open', WILL_CATALOGUE: 'will-catalogue', CANNOT_SHARE: 'cannot-share', FULFILLED: 'fulfilled' },
  DemandDecision: { WILL_CATALOGUE: 'will-catalogue', CANNOT_SHARE: 'cannot-share' },
  AuditKind: { READ: 'read', WORKFLOW: 'workflow', OPERATOR: 'operator' },
  AuditOutcome: { ALLOWED: 'allowed', PARTIAL: 'partial', DENIED: 'denied', ERROR: 'error', OK: 'ok', REFUSED: 'refused' },
} as const;
