// What the audit log learns of a request's reads (SPEC §10), noted by the data resolvers.
import type { ResourceModel } from '../../src/generate/model.ts';
import type { RequestContext } from '../request.ts';

/** Counts the records a request returns per resource, for the audit log. */
export function noteRecords(ctx: RequestContext, model: ResourceModel, n: number): void {
  ctx.records.set(model.resource.code, (ctx.records.get(model.resource.code) ?? 0) + n);
}

/**
 * Notes, before the store is asked, that the request reads this resource's data, and which items it
 * filters and orders by (names only). Whatever the read returns (rows, only a count or a cursor,
 * nothing at all), the request then has an audit entry, and no response leaves without it. Refused
 * with REQUEST_CANCELLED, before it is noted, once the request is cancelled.
 */
export function noteRead(ctx: RequestContext, model: ResourceModel, use: { filtered?: Iterable<string>; ordered?: Iterable<string>; counted?: boolean }): void {
  // A read refused after its request was cancelled is not on record (src/limits/cancel.ts).
  ctx.cancel?.check();
  const code = model.resource.code;
  let read = ctx.reads.get(code);
  if (!read) ctx.reads.set(code, (read = { provider: model.provider.code, filtered: new Set(), ordered: new Set(), counted: false }));
  for (const item of use.filtered ?? []) read.filtered.add(item);
  for (const item of use.ordered ?? []) read.ordered.add(item);
  if (use.counted) read.counted = true;
}
