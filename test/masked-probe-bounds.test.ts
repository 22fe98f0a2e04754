// limits.maskedProbes: an hour's quota larger than the day's went unread (`perHour: 1000, perDay: 10`
// allowed 10 an hour). Refused, naming the key written and what to write, the defaults counting for a key
// not set.
import { describe, expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';

const qinghai = (maskedProbes: Record<string, number>) => ({
  platform: { region: '630000', level: 'province', name: 'Qinghai Data Sharing Platform', competentDepartment: '630000-SJJ' },
  purposes: [{ code: 'pasture-subsidy', name: 'Grassland subsidy review' }],
  departments: [{ code: '630000-SJJ', name: 'Qinghai Data Bureau', graphqlName: 'dataBureau', level: 'province', region: '630000' }],
  limits: { maskedProbes },
});

describe('limits.maskedProbes', () => {
  it('refuses an hour larger than the day, as written or against a default', () => {
    expect(validatePlatform(qinghai({ perHour: 1000, perDay: 10 })).problems).toEqual([
      { path: 'limits.maskedProbes.perHour', message: 'perHour (1000) is more than perDay (10), which would bound it instead; make perHour at most perDay' },
    ]);
    expect(validatePlatform(qinghai({ perHour: 1000 })).problems).toEqual([
      { path: 'limits.maskedProbes.perHour', message: 'perHour (1000) is more than perDay (500, the default), which would bound it instead; make perHour at most 500, or set perDay to at least 1000' },
    ]);
    expect(validatePlatform(qinghai({ perDay: 50 })).problems).toEqual([
      { path: 'limits.maskedProbes.perDay', message: 'perHour (100, the default) is more than perDay (50), which would bound it instead; set perHour to at most 50 too, or make perDay at least 100' },
    ]);
  });

  it('takes bounds that nest, an `in` larger than the hour included (the quota refuses it)', () => {
    for (const bounds of [{}, { perHour: 500 }, { perHour: 7, perDay: 7 }, { maxIn: 20, perHour: 3, perDay: 500 }, { perDay: 100_000 }] as Record<string, number>[]) {
      expect(validatePlatform(qinghai(bounds)).problems).toEqual([]);
    }
  });
});
