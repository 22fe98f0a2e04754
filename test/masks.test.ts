import { describe, expect, it } from 'vitest';
import { MASKS, applyMask, effectiveMask, keptMask, maskOf } from '../src/formats/masks.ts';

describe('masks', () => {
  it('lists the five masks of the spec', () => {
    expect(MASKS.map((m) => m.name)).toEqual(['idcard', 'name', 'phone', 'partial', 'full']);
  });
  it.each([
    ['idcard', '11010519491231002X', '110105********002X'],
    ['idcard', '430102199003071234', '430102********1234'],
    ['name', '张伟', '张*'],
    ['name', '欧阳娜娜', '欧***'],
    ['name', 'Li Na', 'L****'],
    ['phone', '13812345678', '138****5678'],
    ['partial', '湖南省长沙市岳麓区', '湖*******区'],
    ['partial', '6222020200112233', '6**************3'],
    ['full', '三级', '**'],
    ['full', '12345.6', '*******'],
    ['partial', '𠀀ab𠀀', '𠀀**𠀀'], // a code point outside the BMP counts once
  ] as const)('%s(%s) = %s', (mask, value, expected) => {
    expect(applyMask(mask, value)).toBe(expected);
  });
  it('masks in full a value no longer than the kept parts', () => {
    expect(applyMask('name', '李')).toBe('*');
    expect(applyMask('partial', 'ab')).toBe('**');
    expect(applyMask('idcard', '1234567890')).toBe('**********');
    expect(applyMask('phone', '1234567')).toBe('*******');
    expect(applyMask('full', '')).toBe('');
  });
  it('a kept mask answers as the mask, for values seen again and past its bound', () => {
    for (const mask of MASKS) {
      const kept = keptMask(mask);
      expect(keptMask(maskOf(mask.name))).toBe(kept);
      // 50,000 distinct values (past two generations of 20,000), each asked twice, some with surrogate pairs,
      // some too long to be kept.
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 50_000; i += round + 1) {
          const value = i % 7 === 0 ? `𠀀${i}张` : i % 11 === 0 ? `湖南省长沙市${i}`.repeat(9) : `43010219${i}`;
          expect(kept(value)).toBe(applyMask(mask.name, value));
        }
      }
    }
  });
  it('a personal or secret item without a mask gets full', () => {
    expect(effectiveMask({ sensitivity: 'personal' })).toBe('full');
    expect(effectiveMask({ sensitivity: 'secret', mask: 'partial' })).toBe('partial');
    expect(effectiveMask({})).toBeUndefined();
  });
});
