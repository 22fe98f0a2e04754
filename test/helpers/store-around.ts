// A store whose one method runs through `around` (to count its calls, slow them, or hold them), every
// other method the store's own: what tests of time limits and cancellation wrap a gateway's store with.
import type { Store } from '../../src/store/port.ts';

export function aroundMethod<K extends keyof Store>(
  inner: Store,
  method: K,
  around: (args: unknown[], call: () => Promise<unknown>) => Promise<unknown>,
): Store {
  return new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== method) return value.bind(target);
      return (...args: unknown[]) => around(args, () => value.apply(target, args));
    },
  });
}
