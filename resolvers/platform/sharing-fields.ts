// The fields of a sharing request and of a grant, as shown against the build the request runs on.
import { getGrant } from '../../src/access/grants/listing.ts';
import { isGrantActive } from '../../src/access/grant-model.ts';
import { shownNames } from '../../src/model/input-bounds.ts';
import { readStore, type RequestContext } from '../request.ts';
import { findPublishedResource } from '../../src/workflow/resource-info.ts';
import { getSharingRequest, requestDeadline, seesRequest } from '../../src/workflow/sharing.ts';
import { grantShownAmong, setAsideReason, type GrantShown } from '../../src/access/item-since/shown.ts';
import type { Grant } from '../../src/access/grant-model.ts';
import { envOf } from './context.ts';
import type { Resolvers } from './types.generated.ts';
import { counted } from './counted-lists.ts';
import { providerIn } from './reads.ts';

export const sharingFields: Pick<Resolvers, 'SharingRequest' | 'Grant'> = {
  SharingRequest: {
    // A list from before the input bounds is shown cut (shownNames); the request keeps it whole.
    // Up to 200 entries each (input-bounds.ts): counted once read, as the list holding the request is.
    items: (r, _a, ctx, info) => counted(ctx, info, shownNames(r.items)),
    purposes: (r, _a, ctx, info) => counted(ctx, info, shownNames(r.purposes)),
    resourceName: (r, _a, ctx) => findPublishedResource(ctx.published, r.resource)?.resource.name ?? null,
    dueDate: (r, _a, ctx) => requestDeadline(envOf(ctx), r).dueDate,
    overdue: (r, _a, ctx) => requestDeadline(envOf(ctx), r).overdue,
    late: (r, _a, ctx) => requestDeadline(envOf(ctx), r).late,
    grant: async (r, _a, ctx) => {
      if (!r.grantId) return null;
      return getGrant(readStore(ctx), r.grantId);
    },
  },

  Grant: {
    // As shown only: access is decided on the grant's whole lists, read apart from this view. Its items
    // as in force against the build the request runs on (item-since.ts): those set aside are named in
    // setAside, not listed as covered.
    // Each list of names up to 200 entries (input-bounds.ts): counted once read, as the grants are.
    items: (g, _a, ctx, info) => counted(ctx, info, shownNames(shownGrant(ctx, g).grant.items)),
    setAside: (g, _a, ctx, info) => counted(ctx, info, shownNames(shownGrant(ctx, g).setAside)),
    setAsideNote: (g, _a, ctx) => {
      const shown = shownGrant(ctx, g);
      if (!shown.setAside.length) return null;
      const named = shown.inForce ? shown.setAside.join(', ') : `every item it names (${shown.setAside.join(', ')}), so it covers nothing`;
      // Only items published again can be requested again; one dropped, or a resource gone, cannot.
      const again = !shown.notPublished && shown.setAside.some((i) => !shown.dropped.includes(i));
      return `Set aside: ${named}; ${setAsideReason(shown)}.${again ? " Request them again from the resource's provider." : ''}`;
    },
    purposes: (g, _a, ctx, info) => counted(ctx, info, shownNames(g.purposes)),
    unmasked: (g, _a, ctx, info) => counted(ctx, info, shownNames(shownGrant(ctx, g).grant.unmasked)),
    rows: (g, _a, ctx, info) => (g.rows ? counted(ctx, info, shownNames(g.rows)) : null),
    // As stored with the grant (a code's provider is its first publication's for good), else as published.
    provider: (g, _a, ctx) => g.provider ?? providerIn(ctx, g.resource),
    active: (g, _a, ctx) => isGrantActive(g, ctx.now) && shownGrant(ctx, g).inForce,
    request: async (g, _a, ctx) => {
      if (!g.requestId) return null;
      const r = await getSharingRequest(readStore(ctx), g.requestId);
      return r && seesRequest(envOf(ctx), { dept: ctx.identity.dept.code, roles: ctx.identity.roles }, r) ? r : null;
    },
  },
};

const shownPerRequest = new WeakMap<RequestContext, { show: ReturnType<typeof grantShownAmong>; shown: WeakMap<Grant, GrantShown<Grant>> }>();

/** A grant as in force against the request's build (its resources carry their items' times), once per request and grant. */
export function shownGrant(ctx: RequestContext, g: Grant): GrantShown<Grant> {
  let per = shownPerRequest.get(ctx);
  if (!per) shownPerRequest.set(ctx, (per = { show: grantShownAmong(ctx.published), shown: new WeakMap() }));
  let shown = per.shown.get(g);
  if (!shown) per.shown.set(g, (shown = per.show(g)));
  return shown;
}
