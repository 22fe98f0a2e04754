// A store whose reads (find, count, findByValues) first await `hold(collection)`: tests count reads and
// hold them for a while, so that a client can leave while a query is reading (test/cancel.test.ts,
// test/connected-cancel.test.ts).
import type { Store } from '../../src/store/port.ts';

export function withHeldReads(inner: Store, hold: (collection: string, options?: unknown) => Promise<void> | void): Store {
  return new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'find' && prop !== 'count' && prop !== 'findByValues') return value.bind(target);
      return async (collection: string, ...rest: unknown[]) => {
        await hold(collection, rest[0]);
        return value.call(target, collection, ...rest);
      };
    },
  });
}
