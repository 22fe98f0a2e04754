// Per-request memo of access decisions. The decision for an item does not depend on the row, so it is
// taken once per request and item, however many rows a page has; rules, resolvers (masks) and the audit
// log all read the same memo.
import type { Resource } from '../model/catalogue.ts';
import type { Department } from '../model/platform.ts';
import { decide, decideResource, type Decision } from './decide.ts';
import { effectiveItems } from './effective-share.ts';
import type { Grant } from './grant-model.ts';
import { decideRows, type RowScope } from './row-scope.ts';

/** A resource as a request meets it: the resource and its provider (the generator's ResourceModel is one). */
export interface ResourceModel {
  resource: Resource;
  provider: Department;
}

/** The item under which a decision about the resource as a whole is recorded. */
export const WHOLE_RESOURCE = '*';

export interface AccessContext {
  /** The decision for an item, recorded as taken (the item is read or refused in this request). */
  item(model: ResourceModel, item: string): Decision;
  /** The same decision, not recorded: for looking ahead at what the rules will answer. */
  peekItem(model: ResourceModel, item: string): Decision;
  resource(model: ResourceModel): Decision;
  /** Records the resource's own decision as taken (a read refused whole), under the item `*`. */
  refuseResource(model: ResourceModel): Decision;
  /** The rows the request sees of the resource (SPEC §6 row scope); null = every row. */
  rows(model: ResourceModel): RowScope | null;
  /** The provider of each resource this request asked about, by resource code (from the build it ran on). */
  providerOf(code: string): string | undefined;
  /** Every item decision taken in this request, by resource code. */
  taken(): Map<string, Map<string, Decision>>;
}

/**
 * The decisions of one access profile, shared by every request with that profile (the decisions depend on
 * nothing else: grants are immutable but for revocation, and a revoked or expired grant leaves the
 * profile). Kept per resource object, so a publication's new objects start afresh.
 */
export interface ProfileDecisions {
  items: WeakMap<Resource, Map<string, Decision>>;
  resources: WeakMap<Resource, Decision>;
  rows: WeakMap<Resource, RowScope | null>;
}

export const profileDecisions = (): ProfileDecisions => ({ items: new WeakMap(), resources: new WeakMap(), rows: new WeakMap() });

/**
 * What the decisions of a request depend on besides the schema (two requests with the same profile get
 * the same decisions): the department (its code, level and region, and the platform that forwarded it: a
 * forwarded department is described by its token and holds no grant), the purpose and the active grants.
 */
export function accessProfile(q: { requester: Department; purpose: string | null; grants: readonly Grant[] }): string {
  return [q.requester.code, q.requester.level, q.requester.region, q.requester.via ?? '', q.purpose ?? '', ...q.grants.map((g) => g.id).sort()].join('|');
}

/**
 * A request's access context. `shared`: the decisions of its profile already taken by other requests
 * (the caller keeps them by `accessProfile`); by default the request's own.
 */
export function createAccessContext(
  q: { requester: Department; purpose: string | null; grants: readonly Grant[]; now: Date },
  shared: ProfileDecisions = profileDecisions(),
): AccessContext {
  const providers = new Map<string, string>();
  const items = new Map<string, Map<string, Decision>>();
  const peekItem = (model: ResourceModel, name: string): Decision => {
    providers.set(model.resource.code, model.provider.code);
    let byItem = shared.items.get(model.resource);
    if (!byItem) shared.items.set(model.resource, (byItem = new Map()));
    let d = byItem.get(name);
    if (!d) {
      const item = effectiveItems(model.resource).get(name);
      if (!item) throw new Error(`no item ${name} in ${model.resource.code}`);
      byItem.set(name, (d = decide({ ...q, resource: model.resource, item })));
    }
    return d;
  };
  const resource = (model: ResourceModel): Decision => {
    providers.set(model.resource.code, model.provider.code);
    let d = shared.resources.get(model.resource);
    if (!d) shared.resources.set(model.resource, (d = decideResource({ ...q, resource: model.resource })));
    return d;
  };
  return {
    resource,
    peekItem,
    item(model, name) {
      const d = peekItem(model, name);
      let byItem = items.get(model.resource.code);
      if (!byItem) items.set(model.resource.code, (byItem = new Map()));
      byItem.set(name, d);
      return d;
    },
    providerOf: (code) => providers.get(code),
    refuseResource(model) {
      const d = resource(model);
      let byItem = items.get(model.resource.code);
      if (!byItem) items.set(model.resource.code, (byItem = new Map()));
      byItem.set(WHOLE_RESOURCE, d);
      return d;
    },
    rows(model) {
      let r = shared.rows.get(model.resource);
      if (r === undefined) shared.rows.set(model.resource, (r = decideRows({ ...q, resource: model.resource })));
      return r;
    },
    taken: () => items,
  };
}
