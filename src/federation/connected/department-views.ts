// Each department's view of the namespaces (ConnectedPlatforms.extendFor): kept per local view and
// department until a connected schema changes, and made again once a platform it lacks has answered.
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Department } from '../../model/platform.ts';
import type { ConnectedStatuses } from '../connected-status.ts';

/**
 * Departments whose view (extendFor) is kept per local view, the least recently asked dropped first. A
 * forwarded department is named by the platform that forwards it, any code within its region: without a
 * bound each new code left a stitched schema behind for as long as the publication stayed in effect.
 */
export const DEPARTMENT_VIEWS_KEPT = 256;

/** A department's view of the namespaces (extendFor): the platforms that did not answer when it was made. */
export interface DepartmentView {
  schema: Promise<GraphQLSchema>;
  startedAt: number;
  lacking: string[];
}

export class DepartmentViews {
  /** The department views of `extendFor`, by the local view each extends and the department. */
  private views = new WeakMap<GraphQLSchema, LRUCache<string, DepartmentView>>();

  constructor(private readonly statuses: ConnectedStatuses) {}

  /** The view of `local` kept for `dept`, or the one `make` makes now (it notes what the view lacks). */
  viewFor(local: GraphQLSchema, dept: Department, make: (made: DepartmentView) => Promise<GraphQLSchema>): Promise<GraphQLSchema> {
    // By department too: departments that see the same of this platform may see different things there.
    let byDept = this.views.get(local);
    if (!byDept) this.views.set(local, (byDept = new LRUCache({ max: DEPARTMENT_VIEWS_KEPT })));
    const views = byDept;
    const key = `${dept.code}|${dept.level}|${dept.region}`;
    const kept = views.get(key);
    if (kept && !this.answeredSince(kept)) return kept.schema;
    const made: DepartmentView = { startedAt: Date.now(), lacking: [], schema: Promise.resolve(local) };
    made.schema = make(made);
    made.schema.catch(() => views.get(key) === made && views.delete(key));
    views.set(key, made);
    return made.schema;
  }

  /** How many departments' views of `local` are kept (tests). */
  kept(local: GraphQLSchema): number {
    return this.views.get(local)?.size ?? 0;
  }

  /** A connected schema changed: every view is made again when next asked. */
  forget(): void {
    this.views = new WeakMap();
  }

  /** Whether a platform the view lacks has answered a poll since the view was started. */
  private answeredSince(view: DepartmentView): boolean {
    return view.lacking.some((region) => {
      const s = this.statuses.get(region);
      return !!s && s.reachable && s.lastError === null && s.checkedAt !== null && Date.parse(s.checkedAt) > view.startedAt;
    });
  }
}
