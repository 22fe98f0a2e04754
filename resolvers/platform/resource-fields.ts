// The fields of a published resource as a department sees it: its items, their share settings and its access.
import { departmentByCode } from '../../src/model/platform.ts';
import { shareView } from '../../src/workflow/resource-info.ts';
import type { Resolvers } from './types.generated.ts';
import { counted } from './counted-lists.ts';

export const resourceFields: Pick<Resolvers, 'ResourceInfo' | 'ItemInfo' | 'ShareInfo'> = {
  ResourceInfo: {
    code: (r) => r.resource.code,
    name: (r) => r.resource.name,
    summary: (r) => r.resource.summary ?? null,
    provider: (r) => r.resource.provider,
    providerName: (r, _a, ctx) => departmentByCode(ctx.platform, r.resource.provider)?.name ?? null,
    catalogue: (r) => r.catalogue.id,
    updateCycle: (r) => r.resource.updateCycle ?? null,
    graphqlType: (r) => r.resource.graphql.type,
    listField: (r) => r.resource.graphql.list,
    lookupField: (r) => r.resource.graphql.byKey,
    items: (r, _a, ctx, info) => counted(ctx, info, r.items),
  },

  ItemInfo: {
    name: (i) => i.item.name,
    title: (i) => i.item.item.title ?? null,
    type: (i) => i.item.item.type,
    sensitivity: (i) => i.item.sensitivity,
    mask: (i) => i.item.mask,
    element: (i) => i.item.item.element ?? null,
    share: (i) => shareView(i.resource, i.item.share, i.item.item),
    yourAccess: (i) =>
      i.access.allowed
        ? { allowed: true, code: null, message: null, mask: i.access.mask }
        : { allowed: false, code: i.access.code, message: i.access.message, mask: null },
  },

  ShareInfo: {
    type: (s) => s.type as 'unconditional' | 'conditional' | 'none',
  },
};
