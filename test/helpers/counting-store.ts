// A Store that counts the calls made through it, to assert how many reads a query costs, and how many
// rows each read returned (`rows`, by call: a read's size, as a store sends it to the gateway).
import type { Store } from '../../src/store/port.ts';

export type CountingStore = Store & { calls: string[]; rows: number[]; reset(): void };

export function countingStore(inner: Store): CountingStore {
  const calls: string[] = [];
  const rows: number[] = [];
  const wrapped = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'calls') return calls;
      if (prop === 'rows') return rows;
      if (prop === 'reset') return () => (calls.splice(0), rows.splice(0));
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(`${String(prop)} ${String(args[0])}`);
        const at = rows.push(NaN) - 1;
        const result = v.apply(target, args);
        if (result instanceof Promise) void result.then((r) => Array.isArray(r) && (rows[at] = r.length), () => undefined);
        return result;
      };
    },
  });
  return wrapped as CountingStore;
}
