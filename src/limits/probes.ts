// Masked probes (issue 8): every value a request compares with an item masked for its department counts
// toward a quota per department and resource: `limits.maskedProbes.perHour` in each clock hour and
// `perDay` in each platform day (UTC+08:00, as the usage report's days). Counted with the store's atomic
// meter (Store.meter), so the quota holds across every instance on one store. Past it, RATE_LIMITED saying
// when the window resets. The day's counts and refusals stay 400 days for the usage report. A step waits
// METER_WAIT_MS at most for another process's write lock (a long `data import`), then the request fails
// closed (STORE_UNAVAILABLE): a quota against probing is not counted in memory, and the request's audit
// entry could not be written anyway.
import type { GraphQLError } from 'graphql';
import type { Limits } from '../model/platform.ts';
import { and, type Store } from '../store/port.ts';
import { METER_WAIT_MS } from './rates.ts';
import { rateLimited } from './refusals.ts';

export const MASKED_PROBES = '_masked_probes';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PLATFORM_OFFSET = 8 * HOUR; // the platform's calendar, as src/workflow/usage.ts
const KEEP_DAYS = 400 * DAY;

interface Windows {
  hour: string;
  hourEnds: number;
  day: string;
  dayEnds: number;
}

function windowsAt(now: number): Windows {
  const hourStart = Math.floor(now / HOUR) * HOUR;
  const dayStart = Math.floor((now + PLATFORM_OFFSET) / DAY) * DAY - PLATFORM_OFFSET;
  return {
    hour: new Date(hourStart).toISOString().slice(0, 13),
    hourEnds: hourStart + HOUR,
    day: new Date(dayStart + PLATFORM_OFFSET).toISOString().slice(0, 10),
    dayEnds: dayStart + DAY,
  };
}

const counter = (key: string, amount: number, capacity: number, now: number, ttlMs: number) => ({ key, amount, capacity, drainPerMs: 0, now, ttlMs });
const SHORT = { waitMs: METER_WAIT_MS };

/**
 * Counts the masked values of one request (by resource code) for department `dept`; a RATE_LIMITED error
 * when a resource's hour or day is full (its values are then not counted, the refusal is). `unmaskable`:
 * the resources of which a compared item could be unmasked by a grant, which the refusal then names as
 * what lifts the quota; of the others it says that no grant does (src/access/unmasking.ts).
 */
export async function takeProbes(
  store: Store,
  quota: Limits['maskedProbes'],
  dept: string,
  values: ReadonlyMap<string, number>,
  unmaskable: ReadonlySet<string>,
  now = Date.now(),
): Promise<GraphQLError | null> {
  const w = windowsAt(now);
  for (const [resource, n] of values) {
    if (n <= 0) continue;
    const lifting = unmaskable.has(resource)
      ? 'A grant that unmasks the item lifts it.'
      : 'No grant lifts it: the items compared are shared unconditionally, masked for every department but their provider.';
    const who = `${dept}|${resource}`;
    const hourKey = `h|${w.hour}|${who}`;
    const hour = await store.meter(MASKED_PROBES, counter(hourKey, n, quota.perHour, now, 2 * HOUR), SHORT);
    let refusal: GraphQLError | null = null;
    if (!hour.taken) {
      refusal = rateLimited(
        `Department ${dept} has compared items of ${resource} that are masked for it with ${hour.level} values this hour, and this request compares ${n} more; the quota is ${quota.perHour} an hour and ${quota.perDay} a day (limits.maskedProbes). ${lifting}`,
        w.hourEnds - now,
        { resource, quota: 'perHour' },
      );
    } else {
      const day = await store.meter(MASKED_PROBES, counter(`d|${w.day}|${who}`, n, quota.perDay, now, KEEP_DAYS), SHORT);
      if (!day.taken) {
        await store.meter(MASKED_PROBES, counter(hourKey, -n, quota.perHour, now, 2 * HOUR), SHORT);
        refusal = rateLimited(
          `Department ${dept} has compared items of ${resource} that are masked for it with ${day.level} values today (${w.day}, UTC+08:00), and this request compares ${n} more; the quota is ${quota.perDay} a day (limits.maskedProbes). ${lifting}`,
          w.dayEnds - now,
          { resource, quota: 'perDay' },
        );
      }
    }
    if (refusal) {
      await store.meter(MASKED_PROBES, counter(`r|${w.day}|${who}`, 1, Number.MAX_SAFE_INTEGER, now, KEEP_DAYS), SHORT);
      return refusal;
    }
  }
  return null;
}

export interface ProbeUsage {
  department: string;
  /**
   * The region of the connected platform that forwarded the department's requests; null for this platform's
   * own department. The quota is the department's at that platform (counterKey: `530100-MZJ@530100`), kept
   * apart from this platform's department of the same code; the report names them apart the same way, as
   * the usage figures and the audit log do, not by a code joined with `@` that no department has.
   */
  via: string | null;
  resource: string;
  day: string;
  /** Values compared with masked items that were counted (not refused). */
  values: number;
  /** Requests refused for the quota. */
  refused: number;
}

/** Probes and refusals per department, resource and platform day, for days from..to (YYYY-MM-DD, inclusive). */
export async function probeUsage(store: Store, from: string, to: string): Promise<ProbeUsage[]> {
  const range = (kind: string) =>
    and({ kind: 'compare', field: 'key', op: 'gte', value: `${kind}|${from}` }, { kind: 'compare', field: 'key', op: 'lt', value: `${kind}|${to}|~` });
  const rows = [
    ...(await store.find(MASKED_PROBES, { filter: range('d'), projection: ['key', 'level'] })),
    ...(await store.find(MASKED_PROBES, { filter: range('r'), projection: ['key', 'level'] })),
  ];
  const byKey = new Map<string, ProbeUsage>();
  for (const row of rows) {
    const [kind, day, who, resource] = String(row.key).split('|');
    const id = `${day}|${who}|${resource}`;
    let u = byKey.get(id);
    if (!u) byKey.set(id, (u = { ...probingDepartment(who), resource, day, values: 0, refused: 0 }));
    if (kind === 'd') u.values = Number(row.level);
    else u.refused = Number(row.level);
  }
  return [...byKey.values()].sort((a, b) =>
    a.day.localeCompare(b.day) || a.department.localeCompare(b.department) || (a.via ?? '').localeCompare(b.via ?? '') || a.resource.localeCompare(b.resource));
}

/**
 * The department a counter's key names (takeProbes, counterKey): `CODE@REGION` for a department of a
 * connected platform, whose codes hold no `@` (src/identity/forwarded.ts DEPARTMENT_CODE), nor do this
 * platform's (schema/platform.schema.json).
 */
function probingDepartment(who: string): { department: string; via: string | null } {
  const at = who.lastIndexOf('@');
  return at < 0 ? { department: who, via: null } : { department: who.slice(0, at), via: who.slice(at + 1) };
}
