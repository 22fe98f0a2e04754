// How often a connected platform's schema is parsed and stitched here (SPEC §12). A listed platform
// that serves a different schema at every poll (a new field, any text under MAX_SCHEMA_BYTES) would
// have it parsed and stitched on the event loop every 3 s, about 15 s at 8 MiB: every caller of this
// gateway waits meanwhile. So each platform has a bucket of builds: REBUILD_BURST of them at once, one
// more each REBUILD_INTERVAL_MS. An honest platform's publications are built at the poll that sees them
// (SPEC §12 asks for them within 10 s: a fixed minute between two builds showed the second of two
// publications within a minute up to a minute late); a platform changing its schema at every poll has
// its burst built, then one change a minute, the namespace answering from its last good schema
// meanwhile. Failed builds count as builds: they cost the same. The first schema put in effect does not
// (ConnectedPlatforms): a publication right after this gateway started shows at once too.

/** The time in which one build is given back to a platform's bucket. */
export const REBUILD_INTERVAL_MS = 60_000;

/** The builds a platform's bucket holds: publications made in a row, each shown within the poll. */
export const REBUILD_BURST = 5;

/**
 * The wait after a build is also at least this many times what the build took: a schema that takes
 * 15 s to build holds the event loop at most a twentieth of the time (every 5 minutes), whatever is
 * left in its bucket.
 */
export const REBUILD_COST_FACTOR = 20;

interface Wait {
  /** Builds left in the bucket at `at` (a fraction: refilled continuously). */
  builds: number;
  /** When `builds` was counted (ms since the epoch). */
  at: number;
  /** No build before this time (ms since the epoch): REBUILD_COST_FACTOR times the last build. */
  notBefore: number;
  /** Changes seen and not built since the last build. */
  skipped: number;
}

export class SchemaRebuilds {
  private readonly waits = new Map<string, Wait>();

  constructor(
    private readonly intervalMs = REBUILD_INTERVAL_MS,
    private readonly burst = REBUILD_BURST,
  ) {}

  private level(wait: Wait, now: number): number {
    return Math.min(this.burst, wait.builds + (now - wait.at) / this.intervalMs);
  }

  /** When the platform may build next (ms since the epoch). */
  private dueAt(wait: Wait, now: number): number {
    const refilled = this.level(wait, now) >= 1 ? now : wait.at + (1 - wait.builds) * this.intervalMs;
    return Math.max(refilled, wait.notBefore);
  }

  /** Whether a changed schema of the platform may be built now. */
  due(region: string, now = Date.now()): boolean {
    const wait = this.waits.get(region);
    return !wait || now >= this.dueAt(wait, now);
  }

  /** A change not built now; true for the first one since the last build (to log it once). */
  skip(region: string): boolean {
    const wait = this.waits.get(region);
    if (!wait) return false;
    return ++wait.skipped === 1;
  }

  /** When the platform's next build may start, as an ISO time, or null when at once. */
  nextAt(region: string, now = Date.now()): string | null {
    const wait = this.waits.get(region);
    return wait === undefined ? null : new Date(Math.max(now, this.dueAt(wait, now))).toISOString();
  }

  /** A build that took `tookMs`, ended now: takes one from the platform's bucket; returns the changes it skipped. */
  built(region: string, tookMs: number, now = Date.now()): number {
    const wait = this.waits.get(region);
    const skipped = wait?.skipped ?? 0;
    const level = wait ? this.level(wait, now) : this.burst;
    this.waits.set(region, { builds: level - 1, at: now, notBefore: now + REBUILD_COST_FACTOR * tookMs, skipped: 0 });
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
