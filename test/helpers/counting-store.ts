// A Store that counts the calls made through it, to assert how many reads a query costs.
import type { Store } from '../../src/store/port.ts';

export type CountingStore = Store & { calls: string[]; reset(): void };

export function countingStore(inner: Store): CountingStore {
  const calls: string[] = [];
  const wrapped = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'calls') return calls;
      if (prop === 'reset') return () => calls.splice(0);
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(`${String(prop)} ${String(args[0])}`);
        return v.apply(target, args);
      };
    },
  });
  return wrapped as CountingStore;
}
