// The store fields a selection needs: the selected items, the items behind selected links, and the key.
// Items the requester may not read are left out: their values are never read from the store, so nothing
// downstream can leak them. The items read are recorded in the request's decisions, for the audit log.
import type { FieldNode } from 'graphql';
import type { AccessContext } from '../../src/access/context.ts';
import type { ResourceModel } from '../../src/generate/model.ts';

export function projectionFor(model: ResourceModel, selected: Map<string, FieldNode[]>, access: AccessContext): string[] {
  const fields = new Set<string>([model.resource.key]);
  const readable = (item: string) => access.peekItem(model, item).allowed && access.item(model, item).allowed;
  for (const name of selected.keys()) if (model.items.has(name) && readable(name)) fields.add(name);
  for (const link of model.links) if (selected.has(link.field) && readable(link.item.name)) fields.add(link.item.name);
  return [...fields];
}
