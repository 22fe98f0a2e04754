// What a ConnectedPlatforms is made with (platforms.ts): the gateway's log, a department's view, and the
// bounds of schema builds it shares with the views extendFor makes.
import type { LRUCache } from 'lru-cache';
import type { Department } from '../../model/platform.ts';
import type { Built } from '../connected-schema.ts';
import type { BuildBudget } from '../schema-rebuilds.ts';

export interface ConnectedOptions {
  pollMs?: number;
  /** A problem (`warn`) or its end (`info`), for the gateway's log. */
  log?: (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void;
  /** Ask each platform for its schema as this department of ours sees it (`schema print --dept`), not its whole data schema. */
  view?: Department;
  /** The time in which a build is given back to a platform's bucket (REBUILD_INTERVAL_MS). */
  rebuildIntervalMs?: number;
  /** The builds a platform's bucket holds (REBUILD_BURST). */
  rebuildBurst?: number;
  /** Texts built before, by `region|hash`, to take instead of building them again (extendFor's views share the gateway's). */
  built?: LRUCache<string, Built>;
  /**
   * The build time of view texts, shared by extendFor's views (BuildBudget): a text not built before
   * is built only while the platform's budget lasts; until then the view lacks that namespace (made
   * again once the platform has answered a poll since).
   */
  viewBuilds?: BuildBudget;
  /** The burst of this gateway's BuildBudget for its views (VIEW_BUILD_BURST_MS). */
  viewBuildBurstMs?: number;
}
