// The text an audit entry's hash covers (src/audit/entry.ts): written by a fast path (issue 10) that must
// give the canonical JSON's text, byte for byte, for every entry; otherwise entries already stored would no
// longer verify, and new ones would not verify against the documented algorithm.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, entryFields, entryHash, entryJson, type AuditEntry, type AuditResource } from '../src/audit/entry.ts';
import { mulberry32 } from './helpers/random.ts';

type Fields = Omit<AuditEntry, 'hash'>;

const random = mulberry32;

// Text that JSON escapes, or that sorts and encodes unlike ASCII: quotes, backslashes, controls, line
// separators, letters outside ASCII, an astral letter and a lone surrogate.
const PIECES = ['a', 'Z', '0', '-', ' ', '"', '\\', '\n', '\u0001', '\u2028', 'é', '数据', '😀', '\ud800', '|', '@', ':'];

function entries(n: number, seed: number): Fields[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(PIECES)).join('');
  const maybe = () => (next() < 0.3 ? null : text());
  const list = () => Array.from({ length: Math.floor(next() * 4) }, text);
  const resource = (): AuditResource => ({
    resource: text(),
    provider: text(),
    items: list(),
    denied: Array.from({ length: Math.floor(next() * 3) }, () => ({ item: text(), code: pick(['NOT_SHARED', 'CONDITION_NOT_MET', text()]) })),
    masked: list(),
    records: pick([0, 1, 100, 2 ** 40, -0]),
    filtered: list(),
    ordered: list(),
    counted: next() < 0.5,
  });
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    time: new Date(1_700_000_000_000 + i * 997).toISOString(),
    requestId: text(),
    department: maybe(),
    user: maybe(),
    purpose: maybe(),
    ...(next() < 0.3 ? { via: text() } : {}),
    operationName: maybe(),
    documentHash: maybe(),
    kind: pick(['read', 'workflow', 'operator'] as const),
    action: maybe(),
    ...(next() < 0.3 ? { addressedTo: text() } : {}),
    resources: Array.from({ length: Math.floor(next() * 4) }, resource),
    outcome: pick(['allowed', 'partial', 'denied', 'error', 'ok', 'refused'] as const),
    detail: maybe(),
    prevHash: text(),
  }));
}

describe('the text an audit entry is hashed over', () => {
  it('is the canonical JSON of its fields, for entries of every shape the log writes', () => {
    const differing = entries(1000, 10)
      .map(entryFields)
      .filter((fields) => entryJson(fields) !== canonicalJson(fields));
    expect(differing).toEqual([]);
  });

  it('is the canonical JSON also for fields of a shape the log never writes (a row edited by hand)', () => {
    const [base] = entries(1, 11);
    const odd: unknown[] = [
      { ...base, resources: [{ ...base.resources[0], resource: 'R', provider: 'P', items: [{ b: 1, a: 2 }, 3, null] }] },
      { ...base, detail: { z: 1, a: [2, { y: true, b: null }] } },
      { ...base, user: 12.5, purpose: true },
    ];
    for (const e of odd) {
      const fields = entryFields(e as Fields);
      expect(entryJson(fields)).toBe(canonicalJson(fields));
    }
    // A number JSON cannot write is refused as the canonical walk refuses it.
    const nan = entryFields({ ...base, seq: Number.NaN });
    expect(() => entryJson(nan)).toThrow(TypeError);
    expect(() => canonicalJson(nan)).toThrow(TypeError);
  });

  it('gives the hash entries stored before had, under the documented algorithm', () => {
    const key = Buffer.alloc(32, 7);
    const entry: Fields = {
      seq: 41, time: '2026-12-03T14:00:00.000Z', requestId: 'req-1', department: '430100-MZ', user: 'clerk', purpose: 'social-assistance',
      via: '440000', operationName: 'Registrations', documentHash: 'ab'.repeat(32), kind: 'read', action: null,
      resources: [{ resource: 'R-2', provider: 'P-2', items: ['b', 'a'], denied: [{ item: 'wage', code: 'NOT_SHARED' }], masked: ['a'], records: 100, filtered: [], ordered: ['b'], counted: true }],
      outcome: 'partial', detail: 'NOT_SHARED: "wage" é\u2028', prevHash: '0'.repeat(64),
    };
    const documented = createHmac('sha256', key).update('govgraph-audit-v2\n').update(canonicalJson(entryFields(entry))).digest('hex');
    expect(entryHash(entry, key)).toBe(documented);
    // As computed by the code before the fast path (commit 274a2b1).
    expect(documented).toBe('3383c5c4550b602d6b27593a04efce4e4090162242380fc83efe4bcfc341e3ae');
  });
});
