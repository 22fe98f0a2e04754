// A command refused because another process held the embedded store's write lock past the store's wait
// (a long `data import` holds it from its first batch to its commit) said what happened, `The audit log
// cannot be written: insert into _audit: the database stayed locked by another process for 5000 ms`, but
// not what to do; an operator took it for a broken store. The line now says who holds what and that the
// command is to be run again. A message that already says so (data import's own refusal) is left alone.

/** Whether `err`, or an error it was caused by, is SQLite's refusal of a lock another process held. */
function lockedByAnother(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (String((e as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY')) return true;
  }
  return false;
}

/** What the refusal's line adds after its message: the next step, when the store's lock refused it. */
export function lockAdvice(err: unknown): string {
  if (!lockedByAnother(err) || (err as Error).message.includes('once it has ended')) return '';
  return "; another process holds the store's write lock (a long data import, mostly: `ps` shows it): run the command again once it has ended";
}
