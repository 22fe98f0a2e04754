// Compiled item patterns were kept for good, one per distinct pattern: catalogue validation compiles every
// pattern of a submitted draft on the gateway's checks thread, a refused draft's too, so drafts naming new
// patterns grew that thread's memory without end (found by the soak walk, §13/§15).
import { describe, expect, it } from 'vitest';
import { departmentPattern, DEPARTMENT_PATTERNS_KEPT, keptDepartmentPatterns } from '../src/catalogue/pattern.ts';
import { compiledPattern, keptPatterns, PATTERN_CHARS_KEPT, PATTERNS_KEPT } from '../src/records/validate.ts';

describe('compiled patterns', () => {
  it(`are kept at most ${PATTERNS_KEPT}, and still compiled right once forgotten`, () => {
    for (let i = 0; i < PATTERNS_KEPT + 500; i++) expect(compiledPattern(`^GZ${i}[0-9]{4}$`).test(`GZ${i}1234`)).toBe(true);
    expect(keptPatterns()).toBe(PATTERNS_KEPT);
    expect(compiledPattern('^GZ0[0-9]{4}$').test('GZ01234')).toBe(true);
    expect(compiledPattern('^GZ0[0-9]{4}$').test('GZ0123')).toBe(false);
  });

  it(`keep at most ${PATTERN_CHARS_KEPT} characters of pattern text`, () => {
    const long = (i: number) => `^(?:${'ab'.repeat(50_000)}|${i})$`;
    for (let i = 0; i < 40; i++) compiledPattern(long(i));
    // 100,000 characters each: ten fit in a mebicharacter, not forty.
    expect(keptPatterns()).toBe(Math.floor(PATTERN_CHARS_KEPT / long(0).length));
  });

  it(`of share scopes (department globs) are kept at most ${DEPARTMENT_PATTERNS_KEPT}`, () => {
    for (let i = 0; i < DEPARTMENT_PATTERNS_KEPT + 500; i++) expect(departmentPattern(`5201${i}*`).test(`5201${i}-GA`)).toBe(true);
    expect(keptDepartmentPatterns()).toBe(DEPARTMENT_PATTERNS_KEPT);
    expect(departmentPattern('52010*').test('520109-GA')).toBe(true);
  });
});
