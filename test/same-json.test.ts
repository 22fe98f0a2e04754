// sameJson (src/workflow/warnings/unchanged.ts) says what comparing two values printed as JSON with
// sorted keys says, without printing them: checked against that printing on random parsed values, with
// their keys shuffled, and on the edges JSON prints alike (undefined members, holes, NaN, -0, dates).
import { describe, expect, it } from 'vitest';
import { sameJson } from '../src/workflow/warnings/unchanged.ts';

/** The comparison sameJson replaced: both printed with every object's keys in order. */
const printed = (v: unknown) => JSON.stringify(v, (_k, x: unknown) =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);
const oracle = (a: unknown, b: unknown) => printed(a) === printed(b);

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];

function value(depth: number): unknown {
  const r = random();
  if (depth > 3 || r < 0.35) return pick<unknown>(['a', 'b', '', 0, 1, -0, 2.5, true, false, null, undefined, Number.NaN]);
  if (r < 0.6) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(['id', 'name', 'items', 'x']), value(depth + 1)]));
}
/** The same value with every object's keys in another order. */
function shuffled(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shuffled);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).sort(() => random() - 0.5).map(([k, x]) => [k, shuffled(x)]));
}
/** The value changed in one place, maybe. */
function nudged(v: unknown): unknown {
  if (random() < 0.3) return value(2);
  if (Array.isArray(v)) return v.length ? v.map((x, i) => (i === 0 ? nudged(x) : x)) : [value(3)];
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length ? Object.fromEntries(entries.map(([k, x], i) => [k, i === 0 ? nudged(x) : x])) : { extra: 1 };
  }
  return value(3);
}

describe('sameJson', () => {
  it('agrees with comparing the values printed with sorted keys, on 3,000 random pairs', () => {
    let same = 0;
    for (let i = 0; i < 3000; i++) {
      const a = value(0);
      const b = i % 2 ? shuffled(a) : nudged(shuffled(a));
      expect(sameJson(a, b), `${printed(a)} vs ${printed(b)}`).toBe(oracle(a, b));
      if (oracle(a, b)) same++;
    }
    expect(same).toBeGreaterThan(1000); // both answers were tried often
    expect(same).toBeLessThan(2900);
  });

  it('treats what JSON prints alike as alike', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([undefined, 1], [null, 1])).toBe(true);
    expect(sameJson({ a: Number.NaN }, { a: Number.NaN })).toBe(true);
    expect(sameJson({ a: 0 }, { a: -0 })).toBe(true);
    expect(sameJson({ d: new Date('2026-01-02T00:00:00Z') }, { d: '2026-01-02T00:00:00.000Z' })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameJson({}, [])).toBe(false);
    expect(sameJson({ a: null }, {})).toBe(false);
  });
});
