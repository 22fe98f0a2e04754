// The one grammar of decimal values (SPEC §4), shared by the importer (src/records/validate.ts) and the
// Decimal scalar (src/generate/scalars.ts), so that what imports can also be used as a filter value and
// the other way round: an optional sign, digits, and optionally a point followed by digits ("450.10",
// "-3", "+0.5"). No exponent ("1e3"), no bare point (".5", "5."), no thousands separator, no spaces.
// A JSON or GraphQL number is taken as it is when finite.
export const DECIMAL_GRAMMAR = /^[+-]?\d+(\.\d+)?$/;

export const DECIMAL_EXPECTED = 'a decimal number (digits with an optional sign and fraction, e.g. "1234.50"; no exponent)';

/** The value of a decimal written as text or given as a number, or undefined when it is not one. */
export function readDecimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL_GRAMMAR.test(value)) return Number(value);
  return undefined;
}
