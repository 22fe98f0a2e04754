/** Polls `check` every 100 ms until it passes, and returns what it returned; after `ms`, its last failure is thrown. */
export async function eventually<T>(check: () => Promise<T>, ms = 45_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
