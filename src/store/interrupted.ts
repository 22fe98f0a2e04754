// Work on a store stopped in order by Ctrl-C (SIGINT) or SIGTERM (src/cli/interrupt.ts): long commands
// (`catalogue import --publish`, `catalogue publish`, `data import`) check their AbortSignal between
// their steps and before each change, and throw this, so that what they hold (the publication lock, a
// store's unit of records) is given back and their audit entry says `not done`, rather than the process
// dying with the lock held for STALE_MS and the log saying `attempted` only.

/** The reason a command's signal is aborted with; commands print the message without a stack trace. */
export class InterruptedError extends Error {
  readonly userFacing = true;
  constructor(readonly signal: string) {
    super(`interrupted by ${signal} before its next change; run it again`);
    this.name = 'InterruptedError';
  }
}
