// Working-day deadlines of the workflow (SPEC §9, Art. 10): a catalogue revision is due 15 working days
// after `revision.since`, a sharing decision 10 working days after the request. Pure functions of the
// platform's calendar and a given instant, so tests fix the dates.
import {
  DECISION_DUE_WORKING_DAYS,
  REVISION_DUE_WORKING_DAYS,
  platformDate,
  workingDayCalendar,
} from '../calendar/working-days.ts';
import type { ListedVersion } from '../catalogue/repository/rows.ts';
import type { Revision } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';

export type RevisionTrigger = Revision['trigger'];

export interface Deadline {
  dueDate: string;
  overdue: boolean;
}

const calendars = new WeakMap<Platform, ReturnType<typeof workingDayCalendar>>();

function calendar(platform: Platform) {
  let c = calendars.get(platform);
  if (!c) calendars.set(platform, (c = workingDayCalendar(platform.platform.holidays)));
  return c;
}

export function revisionDueDate(platform: Platform, revision: Revision): string {
  return calendar(platform).addWorkingDays(revision.since, REVISION_DUE_WORKING_DAYS);
}

/** Two versions carry the same revision when trigger and date agree. */
const sameRevision = (a: Revision, b: Revision | undefined) => !!b && a.trigger === b.trigger && a.since === b.since;

export interface RevisionState extends Deadline {
  revision: Revision;
  /** When a version carrying the revision was first published; null while none is. */
  publishedAt: string | null;
}

/**
 * The revision a catalogue owes: the one of its newest version that carries one. It is met once a
 * version carrying it is published (even late); until then it is overdue after its due date.
 * `versions` are one catalogue's versions in any order.
 */
export function revisionState(platform: Platform, versions: readonly ListedVersion[], now: Date): RevisionState | null {
  const newest = [...versions].sort((a, b) => b.version - a.version).find((v) => v.catalogue.revision);
  if (!newest) return null;
  const revision = newest.catalogue.revision!;
  const dueDate = revisionDueDate(platform, revision);
  const published = versions
    .filter((v) => v.publishedAt && sameRevision(revision, v.catalogue.revision))
    .map((v) => v.publishedAt!)
    .sort();
  const publishedAt = published[0] ?? null;
  return { revision, dueDate, publishedAt, overdue: publishedAt === null && calendar(platform).isOverdue(dueDate, now) };
}

/** A sharing request made at `requestedAt` (ISO instant) is to be decided by this platform date. */
export function decisionDueDate(platform: Platform, requestedAt: string): string {
  return calendar(platform).addWorkingDays(platformDate(requestedAt), DECISION_DUE_WORKING_DAYS);
}

/** The decision deadline; overdue only while the request is undecided. */
export function decisionDeadline(platform: Platform, requestedAt: string, pending: boolean, now: Date): Deadline {
  const dueDate = decisionDueDate(platform, requestedAt);
  return { dueDate, overdue: pending && calendar(platform).isOverdue(dueDate, now) };
}

/**
 * The deadline of an answer due `days` working days after `at` (ISO instant): objections and demands
 * (SPEC §14, `deadlines` of the platform file); overdue only while still unanswered.
 */
export function answerDeadline(platform: Platform, at: string, days: number, unanswered: boolean, now: Date): Deadline {
  const dueDate = calendar(platform).addWorkingDays(platformDate(at), days);
  return { dueDate, overdue: unanswered && calendar(platform).isOverdue(dueDate, now) };
}
