// The fields of an objection, as listed and as a record carries it.
import { findPublishedResource } from '../../src/workflow/resource-info.ts';
import { objectionDeadline } from '../../src/workflow/objections.ts';
import { envOf } from './context.ts';
import type { Resolvers } from './types.generated.ts';

export const objectionFields: Pick<Resolvers, 'Objection' | 'RecordObjection'> = {
  Objection: {
    resourceName: (o, _a, ctx) => findPublishedResource(ctx.published, o.resource)?.resource.name ?? null,
    key: (o) => String(o.key),
    raisedBy: (o) => o.department,
    raisedByUser: (o) => o.raisedBy,
    dueDate: (o, _a, ctx) => objectionDeadline(envOf(ctx), o).dueDate,
    overdue: (o, _a, ctx) => objectionDeadline(envOf(ctx), o).overdue,
    late: (o, _a, ctx) => objectionDeadline(envOf(ctx), o).late,
  },

  RecordObjection: {
    dueDate: (o, _a, ctx) => objectionDeadline(envOf(ctx), o).dueDate,
  },
};
