// How often a connected platform's schema is parsed and stitched here (SPEC §12). A listed platform
// that serves a different schema at every poll (a new field, any text under MAX_SCHEMA_BYTES) would
// have it parsed and stitched on the event loop every 3 s, about 15 s at 8 MiB: every caller of this
// gateway waits meanwhile. A platform's first change after a quiet period is built at once (a
// publication shows within the poll, as SPEC §12's 10 s ask); a change after that waits until the
// platform's wait is over, the namespace answering from its last good schema meanwhile. Failed builds
// count as builds: they cost the same. The first schema put in effect does not (ConnectedPlatforms):
// a publication right after this gateway started shows at once too.

/** The least time between two builds of a platform's schema. */
export const REBUILD_INTERVAL_MS = 60_000;

/**
 * The wait after a build is also at least this many times what the build took: a schema that takes
 * 15 s to build holds the event loop at most a twentieth of the time (every 5 minutes), one of 50 ms
 * still every minute.
 */
export const REBUILD_COST_FACTOR = 20;

interface Wait {
  /** When the next build may start (ms since the epoch). */
  until: number;
  /** Changes seen and not built since the last build. */
  skipped: number;
}

export class SchemaRebuilds {
  private readonly waits = new Map<string, Wait>();

  constructor(private readonly intervalMs = REBUILD_INTERVAL_MS) {}

  /** Whether a changed schema of the platform may be built now. */
  due(region: string, now = Date.now()): boolean {
    return now >= (this.waits.get(region)?.until ?? 0);
  }

  /** A change not built now; true for the first one since the last build (to log it once). */
  skip(region: string): boolean {
    const wait = this.waits.get(region);
    if (!wait) return false;
    return ++wait.skipped === 1;
  }

  /** When the platform's next build may start, as an ISO time, or null when at once. */
  nextAt(region: string): string | null {
    const until = this.waits.get(region)?.until;
    return until === undefined ? null : new Date(until).toISOString();
  }

  /** A build that took `tookMs`, ended now: starts the platform's wait; returns the changes it skipped. */
  built(region: string, tookMs: number, now = Date.now()): number {
    const skipped = this.waits.get(region)?.skipped ?? 0;
    this.waits.set(region, { until: now + Math.max(this.intervalMs, REBUILD_COST_FACTOR * tookMs), skipped: 0 });
    return skipped;
  }
}

/** The build time a platform's department views may spend at once (BuildBudget). */
export const VIEW_BUILD_BURST_MS = 2000;

/**
 * The time a connected platform's department view texts may cost this gateway (extendFor in
 * connected.ts): views are built on demand, one per distinct text, so a platform answering each view ask
 * with a text not seen before had every department's introspection hold the event loop for the build
 * (15 to 20 s for 1.5 MB of types). A bucket of build time per platform: a burst of VIEW_BUILD_BURST_MS
 * (an honest platform's views build in tens of milliseconds, many departments' at once), refilled at a
 * REBUILD_COST_FACTOR-th of the time passing; a build is made while the bucket is not empty, and what it
 * took is taken out of it, so a 16 s build is followed by about 5 minutes without one.
 */
export class BuildBudget {
  private readonly levels = new Map<string, { ms: number; at: number }>();

  constructor(private readonly burstMs = VIEW_BUILD_BURST_MS) {}

  private level(region: string, now: number): number {
    const l = this.levels.get(region);
    return l ? Math.min(this.burstMs, l.ms + (now - l.at) / REBUILD_COST_FACTOR) : this.burstMs;
  }

  /** Whether a text of the platform may be built now. */
  due(region: string, now = Date.now()): boolean {
    return this.level(region, now) > 0;
  }

  /** When the platform's next build may start, as an ISO time. */
  nextAt(region: string, now = Date.now()): string {
    const level = this.level(region, now);
    return new Date(level > 0 ? now : now - level * REBUILD_COST_FACTOR).toISOString();
  }

  /** A build that took `tookMs`, ended now. */
  built(region: string, tookMs: number, now = Date.now()): void {
    this.levels.set(region, { ms: this.level(region, now) - tookMs, at: now });
  }
}
