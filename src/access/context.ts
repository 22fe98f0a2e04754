// Per-request memo of access decisions. The decision for an item does not depend on the row, so it is
// taken once per request and item, however many rows a page has; rules, resolvers (masks) and the audit
// log all read the same memo.
import type { Department } from '../model/platform.ts';
import type { ResourceModel } from '../generate/model.ts';
import { decide, decideResource, type Decision } from './decide.ts';
import { effectiveItems } from './effective-share.ts';
import type { Grant } from './grant-model.ts';

export interface AccessContext {
  item(model: ResourceModel, item: string): Decision;
  resource(model: ResourceModel): Decision;
  /** Every item decision taken in this request, by resource code. */
  taken(): Map<string, Map<string, Decision>>;
}

export function createAccessContext(q: { requester: Department; purpose: string | null; grants: readonly Grant[]; now: Date }): AccessContext {
  const items = new Map<string, Map<string, Decision>>();
  const resources = new Map<string, Decision>();
  return {
    item(model, name) {
      let byItem = items.get(model.resource.code);
      if (!byItem) items.set(model.resource.code, (byItem = new Map()));
      let d = byItem.get(name);
      if (!d) {
        const item = effectiveItems(model.resource).get(name);
        if (!item) throw new Error(`no item ${name} in ${model.resource.code}`);
        d = decide({ ...q, resource: model.resource, item });
        byItem.set(name, d);
      }
      return d;
    },
    resource(model) {
      let d = resources.get(model.resource.code);
      if (!d) resources.set(model.resource.code, (d = decideResource({ ...q, resource: model.resource })));
      return d;
    },
    taken: () => items,
  };
}
