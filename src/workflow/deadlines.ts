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
  /** Still unanswered (undecided) after the due date, now. */
  overdue: boolean;
  /** Answered (decided) on a platform day after the due date: false while unanswered (see overdue). */
  late: boolean;
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

export interface RevisionState extends Omit<Deadline, 'dueDate'> {
  revision: Revision;
  /**
   * Null when no date YYYY-MM-DD writes is 15 working days after `since` (after 9999-12-31): a version
   * an older release stored before validation refused it. It is then neither overdue nor late, and
   * `unwritable` says why, so that one such document does not fail every department's list.
   */
  dueDate: string | null;
  unwritable?: string;
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
  const publishedAt = firstPublished(versions, revision);
  let dueDate: string;
  try {
    dueDate = revisionDueDate(platform, revision);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { revision, dueDate: null, publishedAt, overdue: false, late: false, unwritable: `revision since ${JSON.stringify(revision.since)} has no due date: ${err.message}` };
  }
  return { revision, dueDate, publishedAt, overdue: publishedAt === null && calendar(platform).isOverdue(dueDate, now), late: answeredLate(publishedAt, dueDate) };
}

/** When a version carrying `revision` was first published; null while none is. */
function firstPublished(versions: readonly ListedVersion[], revision: Revision): string | null {
  const published = versions
    .filter((v) => v.publishedAt && sameRevision(revision, v.catalogue.revision))
    .map((v) => v.publishedAt!)
    .sort();
  return published[0] ?? null;
}

/** A sharing request made at `requestedAt` (ISO instant) is to be decided by this platform date. */
export function decisionDueDate(platform: Platform, requestedAt: string): string {
  return calendar(platform).addWorkingDays(platformDate(requestedAt), DECISION_DUE_WORKING_DAYS);
}

/**
 * Whether an answer or decision made at `at` (a UTC instant; null while there is none) came late: on a day
 * of the platform's calendar (China time) after the due date. Work done on the due date is on time, at
 * 23:59 in Beijing too, which is 15:59 UTC; from 16:00 UTC it is the next day there. The one test of
 * lateness: the lists of the commands and the `late` fields of the GraphQL types read it from a Deadline.
 */
export function answeredLate(at: string | null, dueDate: string): boolean {
  return at !== null && platformDate(at) > dueDate;
}

/** The decision deadline; overdue only while the request is undecided (`decidedAt` null while it is). */
export function decisionDeadline(platform: Platform, requestedAt: string, pending: boolean, decidedAt: string | null, now: Date): Deadline {
  const dueDate = decisionDueDate(platform, requestedAt);
  return { dueDate, overdue: pending && calendar(platform).isOverdue(dueDate, now), late: answeredLate(decidedAt, dueDate) };
}

/**
 * The deadline of an answer due `days` working days after `at` (ISO instant): objections and demands
 * (SPEC §14, `deadlines` of the platform file); overdue only while still unanswered, late when answered
 * (`answeredAt`) after it.
 */
export function answerDeadline(platform: Platform, at: string, days: number, unanswered: boolean, answeredAt: string | null, now: Date): Deadline {
  const dueDate = calendar(platform).addWorkingDays(platformDate(at), days);
  return { dueDate, overdue: unanswered && calendar(platform).isOverdue(dueDate, now), late: answeredLate(answeredAt, dueDate) };
}
