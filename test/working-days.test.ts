// The working-day calendar (issue 4, point 5). 2026-10-01 is a Thursday; the platform's National Day
// holidays here are Thursday 1 to Wednesday 7 October.
import { describe, expect, it } from 'vitest';
import {
  DECISION_DUE_WORKING_DAYS,
  REVISION_DUE_WORKING_DAYS,
  platformDate,
  workingDayCalendar,
} from '../src/calendar/working-days.ts';

const OCTOBER = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'];
const calendar = workingDayCalendar(OCTOBER);
const plain = workingDayCalendar([]);

describe('isWorkingDay', () => {
  it('is false on weekends and holidays, true on other weekdays', () => {
    const days = ['2026-09-25', '2026-09-26', '2026-09-27', '2026-09-28', '2026-10-01', '2026-10-05', '2026-10-08', '2026-10-10'];
    expect(days.map((d) => [d, calendar.isWorkingDay(d)])).toEqual([
      ['2026-09-25', true], // Friday
      ['2026-09-26', false], // Saturday
      ['2026-09-27', false], // Sunday
      ['2026-09-28', true], // Monday
      ['2026-10-01', false], // holiday (Thursday)
      ['2026-10-05', false], // holiday (Monday)
      ['2026-10-08', true], // Thursday after the holidays
      ['2026-10-10', false], // Saturday: a make-up working day cannot be expressed, weekends never work
    ]);
  });
});

describe('addWorkingDays', () => {
  it('counts working days strictly after the start, skipping weekends and holidays', () => {
    expect(calendar.addWorkingDays('2026-09-25', 0)).toBe('2026-09-25');
    expect(calendar.addWorkingDays('2026-09-25', 1)).toBe('2026-09-28'); // over a weekend
    expect(calendar.addWorkingDays('2026-09-25', 3)).toBe('2026-09-30');
    expect(calendar.addWorkingDays('2026-09-25', 4)).toBe('2026-10-08'); // over the holidays
    expect(calendar.addWorkingDays('2026-09-25', 6)).toBe('2026-10-12');
  });

  it('puts a revision since 2026-09-25 due on 2026-10-23, a week later than without the holidays', () => {
    expect(calendar.addWorkingDays('2026-09-25', REVISION_DUE_WORKING_DAYS)).toBe('2026-10-23');
    expect(plain.addWorkingDays('2026-09-25', REVISION_DUE_WORKING_DAYS)).toBe('2026-10-16');
  });

  it('starts counting at the next working day when the start is a weekend or holiday', () => {
    expect(calendar.addWorkingDays('2026-09-26', DECISION_DUE_WORKING_DAYS)).toBe('2026-10-16');
    expect(calendar.addWorkingDays('2026-10-01', 1)).toBe('2026-10-08');
  });

  it('crosses a year end', () => {
    expect(plain.addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(workingDayCalendar(['2027-01-01']).addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('refuses bad dates and negative counts', () => {
    expect(() => calendar.addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('26-10-01', 1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-10-01', -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-10-01', 1.5)).toThrow(RangeError);
    expect(() => workingDayCalendar(['2026-13-01'])).toThrow(RangeError);
  });
});

describe('isOverdue and the platform date (Asia/Shanghai)', () => {
  it('takes the local date in UTC+8', () => {
    expect(platformDate(new Date('2026-10-23T15:59:59.999Z'))).toBe('2026-10-23');
    expect(platformDate(new Date('2026-10-23T16:00:00.000Z'))).toBe('2026-10-24');
    expect(platformDate('2026-10-22T20:00:00+00:00')).toBe('2026-10-23');
  });

  it('is overdue from the first local day after the due date', () => {
    expect(calendar.isOverdue('2026-10-23', new Date('2026-10-22T23:00:00Z'))).toBe(false);
    expect(calendar.isOverdue('2026-10-23', new Date('2026-10-23T15:59:59Z'))).toBe(false); // 23:59:59 in Changsha
    expect(calendar.isOverdue('2026-10-23', new Date('2026-10-23T16:00:00Z'))).toBe(true); // 00:00 on the 24th
    expect(calendar.isOverdue('2026-10-23', new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });
});

// `catalogue list` shows a revision as met on the day it was published, or as late when that day (on the
// platform's calendar) was after the due date: "met" on a publication seven weeks late misled supervisors.
const SINCE = { since: '2026-09-23' };
describe('the REVISION cell of catalogue list', () => {
  it('due, overdue, met on time, published late', async () => {
    const { revisionCell } = await import('../src/cli/catalogue-workflow.ts');
    expect(revisionCell({ revision: SINCE, dueDate: '2026-10-14', overdue: false, publishedAt: null })).toBe('due 2026-10-14');
    expect(revisionCell({ revision: SINCE, dueDate: '2026-10-14', overdue: true, publishedAt: null })).toBe('OVERDUE, due 2026-10-14');
    expect(revisionCell({ revision: SINCE, dueDate: '2026-10-14', overdue: false, publishedAt: '2026-10-14T15:59:00.000Z' })).toBe('met 2026-10-14');
    expect(revisionCell({ revision: SINCE, dueDate: '2026-10-14', overdue: false, publishedAt: '2026-10-14T16:01:00.000Z' })).toBe('late 2026-10-15 (due 2026-10-14)');
    expect(revisionCell({ revision: SINCE, dueDate: '2026-10-14', overdue: false, publishedAt: '2026-12-02T06:00:00.000Z' })).toBe('late 2026-12-02 (due 2026-10-14)');
  });

  // A revision whose `since` was still to come when a version carrying it was published: not "met" (a
  // supervisor read it as a change answered), but early, with the day the change was to come.
  it('published before its since: early, naming since and the due date', async () => {
    const { revisionCell } = await import('../src/cli/catalogue-workflow.ts');
    expect(revisionCell({ revision: SINCE, dueDate: '2026-10-14', overdue: false, publishedAt: '2026-09-22T15:59:00.000Z' })).toBe('early 2026-09-22 (since 2026-09-23, due 2026-10-14)');
    // The platform's day: 16:00 UTC on the 22nd is the 23rd at UTC+08:00, the day of since itself.
    expect(revisionCell({ revision: SINCE, dueDate: '2026-10-14', overdue: false, publishedAt: '2026-09-22T16:00:00.000Z' })).toBe('met 2026-09-23');
  });
});
