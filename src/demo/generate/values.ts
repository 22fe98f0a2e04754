// Small values of the demo records: amounts, addresses, phone numbers, names and unique keys.

import { Decimal } from '../../formats/decimal.ts';
import type { Rng } from './rng.ts';
import { type County, SURNAMES, GIVEN_MALE, GIVEN_FEMALE, STREETS } from './vocabulary.ts';
import { pad } from './dates.ts';

export const round2 = (x: number) => Math.round(x * 100) / 100;
/** An amount of money for a decimal item: two places kept as text ("1710.00"), as a register writes it. */
export const money = (x: number): Decimal => Decimal.parse(x.toFixed(2))!;

export function address(rng: Rng, county: County): string {
  return `湖南省${county.city}${county.district}${rng.pick(STREETS)}${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(1, 6)}单元${rng.int(1, 33)}${pad(rng.int(1, 8), 2)}室`;
}

export function phone(rng: Rng): string {
  return '1' + rng.pick(['3', '5', '7', '8', '9']) + rng.digits(9);
}

export function personName(rng: Rng, gender: 'male' | 'female'): string {
  const given = gender === 'male' ? GIVEN_MALE : GIVEN_FEMALE;
  return rng.pick(SURNAMES) + rng.pick(given) + (rng.chance(0.7) ? rng.pick(given) : '');
}

/** Makes keys unique: draws again until `make` returns a value not seen. */
export function unique(seen: Set<string>, make: () => string): string {
  for (;;) {
    const v = make();
    if (!seen.has(v)) {
      seen.add(v);
      return v;
    }
  }
}

export function sequenceKey(prefix: string, i: number, width: number): string {
  return prefix + pad(i, width);
}
