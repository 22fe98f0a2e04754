// Indexes a resource's collection needs: the key, unique (lookups, upserts, key order), and every
// item that can be filtered or ordered by (text items are long prose and are not indexed), and the records'
// places in a masked key's list, then the row order (the order that list follows: resolvers/data/list.ts),
// so that its first page is a walk of that index on both adapters.
import type { Resource } from '../model/catalogue.ts';
import { collectionOf, RECORD_ORDER_FIELD } from '../model/catalogue.ts';
import { ROW_ORDER, type Store } from '../store/port.ts';

export async function ensureResourceIndexes(store: Store, resource: Resource): Promise<void> {
  const collection = collectionOf(resource);
  await store.ensureIndex(collection, { fields: [resource.key], unique: true });
  await store.ensureIndex(collection, { fields: [RECORD_ORDER_FIELD, ROW_ORDER] });
  for (const item of resource.items) {
    if (item.name !== resource.key && item.type !== 'text') await store.ensureIndex(collection, { fields: [item.name] });
  }
}
