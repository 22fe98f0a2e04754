// The item formats of SPEC §4 as a list of named checks that one loop applies (see validateRecord).
import type { ItemFormat } from '../model/catalogue.ts';
import { isValidCreditCode } from './credit-code.ts';
import { isValidEmail } from './email.ts';
import { isValidIdCard } from './idcard.ts';
import { isValidPhone } from './phone.ts';

export interface Format {
  name: ItemFormat;
  check(value: string): boolean;
  /** What a valid value is, for messages: `"123" is not <describe>`. */
  describe: string;
  /** The characters every valid value has, where the format fixes them (an item's `length` must allow them). */
  characters?: number;
}

export const FORMATS: readonly Format[] = [
  { name: 'idcard', check: (v) => isValidIdCard(v), describe: 'a valid ID number (18 characters, GB 11643 check digit)', characters: 18 },
  { name: 'credit-code', check: isValidCreditCode, describe: 'a valid unified social credit code (18 characters, GB 32100 check character)', characters: 18 },
  { name: 'phone', check: isValidPhone, describe: 'a mainland mobile number (11 digits, 1[3-9]...)', characters: 11 },
  { name: 'email', check: isValidEmail, describe: 'an e-mail address' },
];

export const FORMAT_BY_NAME: ReadonlyMap<ItemFormat, Format> = new Map(FORMATS.map((f) => [f.name, f]));

export function formatOf(name: ItemFormat): Format {
  const f = FORMAT_BY_NAME.get(name);
  if (!f) throw new Error(`unknown item format "${name}"`);
  return f;
}

export { idCardCheckDigit, idCardSpelling, idCardSpellings, isValidIdCard } from './idcard.ts';
export { creditCodeCheckChar, isValidCreditCode, CREDIT_CODE_CHARSET } from './credit-code.ts';
export { isValidPhone } from './phone.ts';
export { isValidEmail } from './email.ts';
export { isRealDate } from './calendar.ts';
