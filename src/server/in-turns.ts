// Asynchronous work over a list, `atOnce` items at a time, the results in the list's order. For the start's
// reads of every resource (record-places.ts): on MongoDB each read is a network round trip, and 2,000
// resources read one after another waited about 4 s (two round trips a resource at 1 ms) before the
// gateway said it had started. No library: the gateway depends on none that does this, and it is a few lines.

/**
 * `work` on every item, at most `atOnce` running at a time, each started as one before it ends; the results
 * in the items' order. A `work` that rejects rejects the whole (the others already started run to their
 * end, none is started after); callers that want every item's outcome catch inside `work`.
 */
export async function inTurns<T, R>(items: readonly T[], atOnce: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(atOnce, items.length)) }, worker));
  return results;
}
