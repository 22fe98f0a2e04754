// The fields of the audit log's entries and of the usage report (read from the audit log).
import type { Resolvers } from './types.generated.ts';
import { counted } from './counted-lists.ts';

export const auditFields: Pick<Resolvers, 'UsageReport' | 'ResourceUsage' | 'AuditEntry' | 'AuditResource'> = {
  // A usage report's lists grow with the resources read and the departments reading or probing them,
  // a department and resource for each day of the period: counted once read, as the Query's lists are.
  UsageReport: {
    resources: (u, _a, ctx, info) => counted(ctx, info, u.resources),
    maskedProbes: (u, _a, ctx, info) => counted(ctx, info, u.maskedProbes),
  },

  ResourceUsage: {
    byRequester: (r, _a, ctx, info) => counted(ctx, info, r.byRequester),
  },

  // A publication's or import's entry names every resource of its catalogues (up to 500 each), each with
  // the items it denied: counted once read, as the Query's lists are.
  AuditEntry: {
    resources: (e, _a, ctx, info) => counted(ctx, info, e.resources),
  },

  AuditResource: {
    denied: (r, _a, ctx, info) => counted(ctx, info, r.denied),
  },
};
