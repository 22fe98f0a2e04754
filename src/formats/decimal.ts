// Exact decimals (SPEC §4): the one grammar of decimal values, shared by the importer
// (src/records/validate.ts), the Decimal scalar (src/generate/scalars.ts) and keyset cursors, and the
// value both stores keep, so that what imports can also be used as a filter value and the other way round.
//
// Text: an optional sign, digits, and optionally a point followed by digits ("450.10", "-3", "+0.5").
// No exponent ("1e3"), no bare point (".5", "5."), no thousands separator, no spaces. At most
// MAX_DECIMAL_DIGITS digits besides leading zeros of the integer part: MongoDB's Decimal128 holds 34
// significant digits, and both stores keep the same values. The text kept is the one written, with its
// scale ("450.10" stays "450.10", "-0.00" stays "-0.00"); only a leading "+" and leading zeros of the
// integer part go ("+007.50" is "7.50"), as Decimal128 cannot keep them.
//
// JSON and GraphQL numbers: a number has no scale (450.10 written as a JSON number is read as 450.1 by any
// JSON reader, trailing zeros lost), and a number with more than 15 significant digits may already have
// lost digits to a double on the way in ("12345678901234567.89" as a number is 12345678901234568). So a
// number is taken as its shortest text (450.1) when that text has at most MAX_NUMBER_DIGITS significant
// digits, and refused otherwise: write such values as strings.
//
// Value: two decimals are equal when their values are ("450.1" = "450.10", "0" = "-0.00"); `orderKey` is
// a string whose code-point order is the order of values and which is the same for equal values, for the
// embedded store's comparisons, sorts, indexes and cursors.

export const DECIMAL_GRAMMAR = /^[+-]?\d+(\.\d+)?$/;
/** Digits a decimal may have besides leading zeros of its integer part (MongoDB Decimal128's precision). */
export const MAX_DECIMAL_DIGITS = 34;
/** Significant digits of a number (JSON, GraphQL variables) taken as a decimal: every double holds 15. */
export const MAX_NUMBER_DIGITS = 15;
/** Text longer than this is not read at all (leading zeros included). */
const MAX_TEXT_LENGTH = 200;

export const DECIMAL_EXPECTED =
  'a decimal number (digits with an optional sign and fraction, e.g. "1234.50"; no exponent; at most 34 digits)';
const NUMBER_EXPECTED =
  'a decimal written as a string: a number with more than 15 significant digits may already have lost digits';

/** A decimal value with its text (its digits and scale). `String(d)` and `JSON.stringify(d)` give the text. */
export class Decimal {
  #key: string | undefined;
  private constructor(readonly text: string) {}

  /** A decimal from text a store wrote (canonical and checked when it was written). */
  static fromStored(text: string): Decimal {
    return new Decimal(text);
  }

  /** The canonical text of `text` when it is in the grammar and within the bounds. */
  static parse(text: string): Decimal | undefined {
    if (text.length > MAX_TEXT_LENGTH || !DECIMAL_GRAMMAR.test(text)) return undefined;
    const negative = text.startsWith('-');
    const unsigned = text.replace(/^[+-]/, '');
    const point = unsigned.indexOf('.');
    const integer = (point < 0 ? unsigned : unsigned.slice(0, point)).replace(/^0+(?=\d)/, '');
    const fraction = point < 0 ? '' : unsigned.slice(point + 1);
    if ((integer === '0' ? 0 : integer.length) + fraction.length > MAX_DECIMAL_DIGITS) return undefined;
    return new Decimal(`${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`);
  }

  /** Order-preserving key: equal for equal values; see `decimalOrderKey`. */
  get orderKey(): string {
    return (this.#key ??= decimalOrderKey(this.text));
  }

  equals(other: Decimal): boolean {
    return this.orderKey === other.orderKey;
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }
}

/**
 * A number of a JSON text written with more significant digits than MAX_NUMBER_DIGITS, as the reader of JSON
 * Lines gives it (src/records/read.ts): `value` is what JSON.parse made of it, `text` what was written.
 * JSON.parse rounds `1.0000000000000000001` to 1, whose shortest text has one digit, so only the written
 * text shows that digits were lost on the way in. A decimal refuses it; other types take `value`.
 */
export class WrittenNumber {
  constructor(
    readonly text: string,
    readonly value: number,
  ) {}

  /** In a rejects file: the number as JSON.parse read it, as before it was marked. */
  toJSON(): number {
    return this.value;
  }
}

/** Significant digits of a JSON number token as written (its mantissa: `1.50e3` has 3). */
export function writtenSignificantDigits(token: string): number {
  return significantDigits(token.replace(/[eE].*$/, ''));
}

/** The decimal a value is (text in the grammar, or a number within MAX_NUMBER_DIGITS), or what is expected. */
export function checkDecimal(value: unknown): { value: Decimal } | { expected: string } {
  if (value instanceof Decimal) return { value };
  if (value instanceof WrittenNumber) return { expected: NUMBER_EXPECTED };
  if (typeof value === 'string') {
    const d = Decimal.parse(value);
    return d ? { value: d } : { expected: DECIMAL_EXPECTED };
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = plainNumberText(value);
    if (significantDigits(text) > MAX_NUMBER_DIGITS) return { expected: NUMBER_EXPECTED };
    const d = Decimal.parse(text);
    return d ? { value: d } : { expected: DECIMAL_EXPECTED };
  }
  return { expected: DECIMAL_EXPECTED };
}

/** The decimal a value is, or undefined (see checkDecimal for what is expected). */
export function readDecimal(value: unknown): Decimal | undefined {
  const checked = checkDecimal(value);
  return 'value' in checked ? checked.value : undefined;
}

/** A number's shortest text without an exponent: 1e-7 → "0.0000001", 1e21 → "1000000000000000000000". */
function plainNumberText(n: number): string {
  const text = Object.is(n, -0) ? '-0' : String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  return m ? plainFromScientific(m[1], m[2] + (m[3] ?? ''), Number(m[4]) - (m[3] ?? '').length) : text;
}

/** The plain text of sign, coefficient digits × 10^exponent, keeping every digit of the coefficient. */
function plainFromScientific(sign: string, digits: string, exponent: number): string {
  if (exponent >= 0) return sign + digits.replace(/^0+(?=\d)/, '') + '0'.repeat(exponent);
  const scale = -exponent;
  const padded = digits.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, padded.length - scale).replace(/^0+(?=\d)/, '')}.${padded.slice(padded.length - scale)}`;
}

/**
 * The plain text of a decimal in the scientific notation of the General Decimal Arithmetic
 * specification's to-scientific-string, which MongoDB's Decimal128 writes for small values ("1.0E-7" is
 * "0.00000010"; "450.10" stays "450.10").
 */
export function plainDecimalText(text: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?(?:E([+-]\d+))?$/i.exec(text);
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const sign = m[1] === '-' ? '-' : '';
  if (m[4] === undefined) return `${sign}${m[2]}${m[3] !== undefined ? `.${m[3]}` : ''}`;
  return plainFromScientific(sign, m[2] + (m[3] ?? ''), Number(m[4]) - (m[3] ?? '').length);
}

function significantDigits(text: string): number {
  return text.replace(/[-+.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/** Exponents of keys are written as 3 digits, offset by this; the grammar keeps them within ±MAX_DECIMAL_DIGITS. */
const EXPONENT_OFFSET = 500;

/**
 * An order-preserving key of a decimal's value (canonical text as `Decimal.parse` gives it): for any two
 * decimals a and b, a < b exactly when key(a) < key(b) in code-point order, and the keys are equal exactly
 * when the values are. With the value written as ±0.d1d2…dn × 10^E (d1 ≠ 0, dn ≠ 0):
 * zero (any sign or scale) is "B"; a positive value "C" + (E + 500, 3 digits) + d1…dn; a negative value
 * "A" + (499 - E, 3 digits) + the nines' complement of d1…dn + "~" (the "~", above every digit, makes a
 * longer complement, a larger magnitude, sort first: -0.451 < -0.45).
 */
export function decimalOrderKey(text: string): string {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const point = unsigned.indexOf('.');
  const integer = (point < 0 ? unsigned : unsigned.slice(0, point)).replace(/^0+/, '');
  const fraction = point < 0 ? '' : unsigned.slice(point + 1);
  const all = integer + fraction;
  const digits = all.replace(/^0+/, '').replace(/0+$/, '');
  if (digits === '') return 'B';
  const exponent = integer.length > 0 ? integer.length : -(all.length - all.replace(/^0+/, '').length);
  if (Math.abs(exponent) >= EXPONENT_OFFSET) throw new Error(`decimal out of range: ${text}`);
  if (!negative) return `C${String(exponent + EXPONENT_OFFSET).padStart(3, '0')}${digits}`;
  const complement = digits.replace(/\d/g, (d) => String(9 - Number(d)));
  return `A${String(EXPONENT_OFFSET - 1 - exponent).padStart(3, '0')}${complement}~`;
}
