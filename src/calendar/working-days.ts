// Working-day deadlines (SPEC §9, Art. 10): a catalogue revision is due 15 working days after
// `revision.since`, a sharing decision 10 working days after the request.
//
// Decisions:
// - Dates are 'YYYY-MM-DD' strings, 0000-01-01 to 9999-12-31; a malformed or impossible date is a
//   RangeError (a bug upstream, since the platform file and documents are validated before they get
//   here), and so is a deadline after 9999-12-31 (validation refuses a revision whose due date is).
// - A working day is a Monday–Friday that is not in `platform.holidays`. Weekends are never working
//   days, so a weekend make-up working day (调休) is not one: the platform file cannot express it.
// - "Due N working days after D" is the N-th working day strictly after D. D itself never counts, even
//   when it is a working day; when D is a weekend or holiday, counting starts at the next working day.
// - "Today" is the platform's local date in Asia/Shanghai (UTC+08:00, no daylight saving since 1991),
//   computed with a fixed offset so the result does not depend on the host's time zone or ICU data.
//   A deadline is overdue from the day after the due date: work done on the due date is on time.

const PLATFORM_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

export const REVISION_DUE_WORKING_DAYS = 15;
export const DECISION_DUE_WORKING_DAYS = 10;

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface WorkingDayCalendar {
  isWorkingDay(date: string): boolean;
  /** The n-th working day strictly after `start` (n = 0 gives `start` itself). */
  addWorkingDays(start: string, n: number): string;
  /** True when the platform's local date at `now` is after `due`. */
  isOverdue(due: string, now: Date): boolean;
}

/** Days since the epoch of a 'YYYY-MM-DD' date; RangeError when it is not a real date. */
function dayNumber(date: string): number {
  const m = DATE_PATTERN.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0 to 99 as 1900 to 1999.
  const ms = new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (ms / DAY_MS > LAST_DAY || formatDay(ms / DAY_MS) !== date) throw new RangeError(`no such date: ${date}`);
  return ms / DAY_MS;
}

/** The last day YYYY-MM-DD writes, 9999-12-31 (what comes after it has a year of five digits). */
export const LAST_DATE = '9999-12-31';
const LAST_DAY = new Date(0).setUTCFullYear(9999, 11, 31) / DAY_MS;

function formatDay(day: number): string {
  if (day > LAST_DAY) throw new RangeError(`falls after ${LAST_DATE}, the last date written YYYY-MM-DD`);
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The platform's local date (Asia/Shanghai) at an instant, as 'YYYY-MM-DD'. */
export function platformDate(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return new Date(ms + PLATFORM_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

export function workingDayCalendar(holidays: readonly string[]): WorkingDayCalendar {
  const holidayDays = new Set(holidays.map(dayNumber));

  // 1970-01-01 (day 0) was a Thursday: day % 7 is 2 for Saturday and 3 for Sunday.
  const isWorking = (day: number): boolean => {
    const weekday = ((day % 7) + 7) % 7;
    return weekday !== 2 && weekday !== 3 && !holidayDays.has(day);
  };

  return {
    isWorkingDay: (date) => isWorking(dayNumber(date)),

    addWorkingDays(start, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
      let day = dayNumber(start);
      for (let left = n; left > 0; ) {
        day += 1;
        if (isWorking(day)) left -= 1;
      }
      return formatDay(day);
    },

    isOverdue: (due, now) => dayNumber(platformDate(now)) > dayNumber(due),
  };
}
