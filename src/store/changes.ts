// Change notices of one store connection: the adapters wrap their writes with `announceWrites`, so that
// code in the same process keeping something read from the store (the gateway's grants) forgets it on the
// next request after a write. Other processes' writes are not seen here: they are polled for.
import type { Store } from './port.ts';

const WRITES = ['insert', 'upsert', 'upsertAll', 'update', 'fillNulls', 'delete', 'dropCollection'] as const;

/** Wraps the store's writes in place and gives it `watch`; returns the same object. */
export function announceWrites<S extends Omit<Store, 'watch'>>(store: S): S & Pick<Store, 'watch'> {
  const listeners = new Set<(collection: string) => void>();
  const s = store as unknown as Record<string, unknown>;
  for (const name of WRITES) {
    const write = s[name] as (collection: string, ...rest: unknown[]) => Promise<unknown>;
    s[name] = async (collection: string, ...rest: unknown[]) => {
      try {
        return await write.call(store, collection, ...rest);
      } finally {
        // Also after a failed write: it may have written part before failing (a MongoDB without transactions).
        for (const l of listeners) l(collection);
      }
    };
  }
  s.watch = (listener: (collection: string) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  return store as S & Pick<Store, 'watch'>;
}
