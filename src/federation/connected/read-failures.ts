// Namespace reads that failed, in the gateway's log (ConnectedPlatforms' forwarding, forward.ts).
import type { ConnectedPlatform } from '../../model/platform.ts';
import type { ConnectedOptions } from './options.ts';

/** A namespace read's failure of one kind is logged at most once in this time (readFailed). */
const READ_FAILURE_LOG_MS = 60_000;

export class ReadFailures {
  /** When each platform's namespace reads last logged a failure of each kind (readFailed). */
  private readonly readFailures = new Map<string, number>();

  constructor(private readonly log: ConnectedOptions['log']) {}

  /**
   * A namespace read that failed (no answer in time, a redirect, a refusal, an error without a known
   * code), in the log for the operator, with the url: the schema poll says only what the schema ask
   * met, and a platform whose schema answers while its reads fail looked well. A warning at most once a
   * minute per platform and kind of failure; every caller is told (PLATFORM_UNAVAILABLE, or the error).
   */
  readFailed(c: ConnectedPlatform, kind: string, reason: string): void {
    const key = `${c.region}|${kind}`;
    const now = Date.now();
    const last = this.readFailures.get(key);
    if (last !== undefined && now - last < READ_FAILURE_LOG_MS) return;
    this.readFailures.set(key, now);
    this.log?.('warn', 'connected platform request failed', { platform: c.region, namespace: c.namespace, reason });
  }
}
