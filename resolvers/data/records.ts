import type { ResourceModel } from '../../src/generate/model.ts';
import type { RequestContext } from '../../src/server/context.ts';

/** Counts the records a request returns per resource, for the audit log. */
export function noteRecords(ctx: RequestContext, model: ResourceModel, n: number): void {
  ctx.records.set(model.resource.code, (ctx.records.get(model.resource.code) ?? 0) + n);
}
