// Dates of the demo records: days drawn in a range, years added, ages, all against
// DEMO_REFERENCE_DATE rather than the clock.

import { daysInMonth } from '../../formats/calendar.ts';
import type { Rng } from './rng.ts';

/** The day the demo data is "as of": ages, expiries and statuses are computed against it, not the clock. */
export const DEMO_REFERENCE_DATE = '2026-11-01';

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isoDate(y: number, m: number, d: number): string {
  return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** A day in [from, to]; `from` itself when the range is empty. */
export function randomDate(rng: Rng, from: string, to: string): string {
  if (to <= from) return from;
  const a = Date.parse(from + 'T00:00:00Z');
  const b = Date.parse(to + 'T00:00:00Z');
  return new Date(a + rng.int(0, Math.round((b - a) / 86_400_000)) * 86_400_000).toISOString().slice(0, 10);
}

export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const m = Number(date.slice(5, 7));
  const d = Math.min(Number(date.slice(8, 10)), daysInMonth(y, m));
  return isoDate(y, m, d);
}

export function laterOf(a: string, b: string): string {
  return a > b ? a : b;
}

/** A moment on `date`, Beijing office hours, as the store keeps datetimes (UTC ISO). */
export function datetimeOn(rng: Rng, date: string): string {
  const t = Date.parse(`${date}T00:00:00+08:00`) + rng.int(8 * 3600, 18 * 3600) * 1000;
  return new Date(t).toISOString();
}

export function ageOn(birthDate: string, date: string): number {
  let age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (date.slice(5) < birthDate.slice(5)) age--;
  return age;
}
