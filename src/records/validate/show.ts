// A value as the problems of a record show it.
import { WrittenNumber } from '../../formats/decimal.ts';

/** A value as it appears in messages: JSON, cut short when long. */
export function show(value: unknown): string {
  if (value instanceof WrittenNumber) return value.text.length > 80 ? value.text.slice(0, 77) + '...' : value.text;
  // JSON.parse reads a number past a double's range (1e400) as Infinity, which JSON.stringify writes null.
  if (typeof value === 'number' && !Number.isFinite(value)) return `a number past a double's range (${value < 0 ? 'below -' : 'over '}1.8e308)`;
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
