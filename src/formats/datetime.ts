// The one grammar of date-times (SPEC §4), shared by the importer and the DateTime scalar: ISO 8601 with
// a date, hours and minutes, optional seconds and fraction (up to 9 digits), and an offset (`Z`,
// `+08:00` or `+0800`). The date must exist and the time must be a real time of day. The value kept is
// the UTC instant as `Date.toISOString()` writes it, so that string order is time order.
import { isRealDate } from './calendar.ts';

export const DATETIME_GRAMMAR = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export const DATETIME_EXPECTED = 'a date and time (ISO 8601 with an offset, e.g. 2026-03-01T09:30:00+08:00)';

/** The UTC ISO string of a date-time, or undefined when the value is not one. */
export function readDateTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATETIME_GRAMMAR.exec(value);
  if (!m || !isRealDate(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return undefined;
  // Already as toISOString writes it (a real date, a real time of day, milliseconds, UTC): kept as it is.
  if (value.length === 24 && value.charCodeAt(19) === 0x2e /* . */ && m[5] === 'Z') return value;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}
