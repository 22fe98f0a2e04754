// An ID number's birth date is refused when it is in the future of the platform's calendar (Asia/Shanghai,
// UTC+08:00, as every date of the platform), not of UTC: from 00:00 to 08:00 in China the UTC date is still
// yesterday's, and a child born today (a Jiangsu ID, 320102 + today's date) was refused as born tomorrow.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FORMAT_BY_NAME, idCardCheckDigit, isValidIdCard } from '../src/formats/index.ts';

const bornOn = (yyyymmdd: string) => {
  const first17 = `320102${yyyymmdd}002`;
  return first17 + idCardCheckDigit(first17);
};

afterEach(() => vi.useRealTimers());

describe('an ID number born on the platform day', () => {
  // 2026-12-07 01:30 in Nanjing is 2026-12-06T17:30Z.
  const justAfterMidnight = new Date('2026-12-06T17:30:00Z');

  it('is valid at 01:30 China time on its birth day (an instant given)', () => {
    expect(isValidIdCard(bornOn('20261207'), justAfterMidnight)).toBe(true);
    expect(isValidIdCard(bornOn('20261208'), justAfterMidnight)).toBe(false); // tomorrow, in China too
  });

  it('is valid at 01:30 China time on its birth day (the clock, as data import checks the format)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(justAfterMidnight);
    const idcard = FORMAT_BY_NAME.get('idcard')!;
    expect(idcard.check(bornOn('20261207'))).toBe(true);
    expect(idcard.check(bornOn('20261208'))).toBe(false);
    // 23:59 in China on the day before: not born yet.
    vi.setSystemTime(new Date('2026-12-06T15:59:00Z'));
    expect(idcard.check(bornOn('20261207'))).toBe(false);
  });
});
