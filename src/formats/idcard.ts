// GB 11643 citizen identity numbers: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence
// (odd for men, even for women) and a check character computed over the first 17 digits (ISO 7064
// MOD 11-2), which is '0'-'9' or 'X'.
import { isRealDate } from './calendar.ts';
import { platformDate } from '../calendar/working-days.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** First two digits of the region code: the provinces, autonomous regions and municipalities. */
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
]);

/**
 * Today's date on the platform's calendar (Asia/Shanghai, UTC+08:00, as every date of the platform),
 * worked out again only when the clock leaves the day it was for. The UTC date refused, from 00:00 to
 * 08:00 in China, the ID number of a child born that day as born in the future.
 */
let todayCache = { date: '', from: 0, until: 0 };
function platformToday(): string {
  const now = Date.now();
  if (now < todayCache.from || now >= todayCache.until) {
    const date = platformDate(new Date(now));
    const from = Date.parse(`${date}T00:00:00+08:00`);
    todayCache = { date, from, until: from + 86_400_000 };
  }
  return todayCache.date;
}

/** The check character of an ID number given its first 17 digits. Throws on anything else. */
export function idCardCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`expected 17 digits, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * An 18-character ID number: a known province prefix, a real birth date not after today (the platform's
 * date, UTC+08:00: `today` is an instant) and not before 1800, and the right check character (an
 * upper-case 'X', as GB 11643 writes it; the importer and the read arguments turn a lower-case 'x' into
 * it first, idCardSpelling, so that stored values have one spelling).
 */
export function isValidIdCard(s: string, today?: Date): boolean {
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  if (!PROVINCE_PREFIXES.has(s.slice(0, 2))) return false;
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  if (!isRealDate(birth) || birth < '1800-01-01' || birth > (today ? platformDate(today) : platformToday())) return false;
  return idCardCheckDigit(s.slice(0, 17)) === s[17];
}

const LOWER_X = /^\d{17}x$/;
const EITHER_X = /^\d{17}[xX]$/;

/**
 * The spelling GB 11643 gives an ID number: a check character written 'x' (as departments' files often
 * hold it) is 'X'. Anything else is returned as it is (the format check then judges it).
 */
export function idCardSpelling(value: string): string {
  return LOWER_X.test(value) ? value.slice(0, 17) + 'X' : value;
}

/**
 * The values a read by an ID number looks for: both spellings of an 'X' check character, so that a row
 * stored with 'x' before the importer wrote 'X' (an item that took the idcard format later) is found by
 * either; the canonical spelling first.
 */
export function idCardSpellings(value: string): string[] {
  if (!EITHER_X.test(value)) return [value];
  const first17 = value.slice(0, 17);
  return [first17 + 'X', first17 + 'x'];
}
