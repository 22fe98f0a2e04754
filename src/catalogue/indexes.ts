// Indexes a resource's collection needs: the key, unique (lookups, upserts, key order), and every
// item that can be filtered or ordered by (text items are long prose and are not indexed).
import type { Resource } from '../model/catalogue.ts';
import { collectionOf } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';

export async function ensureResourceIndexes(store: Store, resource: Resource): Promise<void> {
  const collection = collectionOf(resource);
  await store.ensureIndex(collection, { fields: [resource.key], unique: true });
  for (const item of resource.items) {
    if (item.name !== resource.key && item.type !== 'text') await store.ensureIndex(collection, { fields: [item.name] });
  }
}
