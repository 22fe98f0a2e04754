// The fields of a data demand.
import { demandDeadline } from '../../src/workflow/demands/rows.ts';
import { envOf } from './context.ts';
import type { Resolvers } from './types.generated.ts';
import { counted } from './counted-lists.ts';

export const demandFields: Pick<Resolvers, 'Demand'> = {
  Demand: {
    // The lists of names bounded by the input bounds, counted once read as the lists holding them are (unpaged.ts).
    items: (d, _a, ctx, info) => counted(ctx, info, d.items),
    purposes: (d, _a, ctx, info) => counted(ctx, info, d.purposes),
    dueDate: (d, _a, ctx) => demandDeadline(envOf(ctx), d).dueDate,
    overdue: (d, _a, ctx) => demandDeadline(envOf(ctx), d).overdue,
    late: (d, _a, ctx) => demandDeadline(envOf(ctx), d).late,
  },
};
