// The store fields a selection needs: the selected items, the items behind selected links, and the key.
import type { FieldNode } from 'graphql';
import type { ResourceModel } from '../../src/generate/model.ts';

export function projectionFor(model: ResourceModel, selected: Map<string, FieldNode[]>): string[] {
  const fields = new Set<string>([model.resource.key]);
  for (const name of selected.keys()) if (model.items.has(name)) fields.add(name);
  for (const link of model.links) if (selected.has(link.field)) fields.add(link.item.name);
  return [...fields];
}
