// The audit log's indexes made when the gateway starts (src/audit/log.ts ensureAuditIndexes), not by the
// first request's entry: a release that adds one (the (action, seq) index, December 2026) makes it over the
// whole log, about 2 s per million entries on the embedded store, holding its write lock. Made at the start,
// on a thread of its own (src/store/sqlite/index-thread.ts; MongoDB builds on the server), /healthz answers
// meanwhile, and /readyz says 503 `audit-indexes` so that the load balancer sends no request whose entry
// would wait for it. One that cannot be made now (another process holds the lock, a full disk) is tried
// again each second; the requests' entries would fail the same way meanwhile.
import type { Logger } from 'pino';
import { auditIndexesMissing, ensureAuditIndexes } from '../audit/log.ts';
import type { Store } from '../store/port.ts';

/** A build that took longer than this is said in the log (one that found every index made takes milliseconds). */
const SAID_AFTER_MS = 500;
const RETRY_MS = 1000;

export interface AuditLayout {
  /** Whether the indexes are still being made. */
  readonly pending: boolean;
  stop(): void;
}

/**
 * Starts making the audit log's indexes; `pending` is true until they are made when one is missing (asked
 * before the gateway says ready, so that a store that has them all is ready at once).
 */
export async function layOutAuditLog(store: Store, logger: Pick<Logger, 'info' | 'warn'>): Promise<AuditLayout> {
  let pending = await auditIndexesMissing(store).catch(() => true);
  if (!pending) return { pending: false, stop() {} }; // every index made: the entries' own ensureAuditIndexes reads that
  let stopped = false;
  let said: string | null = null; // the last reason logged: a reason said once, again only when it changes
  let retry: NodeJS.Timeout | undefined;
  const started = performance.now();
  const attempt = (): void => {
    ensureAuditIndexes(store).then(
      () => {
        pending = false;
        const ms = Math.round(performance.now() - started);
        if (ms >= SAID_AFTER_MS) logger.info({ event: 'audit-indexes', ms }, `audit log: its indexes made in ${ms} ms; ready`);
      },
      (err: unknown) => {
        if (stopped) return;
        const reason = err instanceof Error ? err.message : String(err);
        if (reason !== said) logger.warn({ event: 'audit-indexes', reason }, 'audit log: its indexes cannot be made now; trying again in a second (not ready meanwhile)');
        said = reason;
        retry = setTimeout(attempt, RETRY_MS);
        retry.unref();
      },
    );
  };
  attempt();
  return {
    get pending() {
      return pending;
    },
    stop() {
      stopped = true;
      clearTimeout(retry);
    },
  };
}
