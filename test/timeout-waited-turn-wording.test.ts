// The answer of a query stopped at timeoutMs while it waited for its department's turn. Found on a Fujian
// platform whose limits (test/fixtures/fujian-siming/limits.yaml) run one query of a department at once:
// it read "1 queries of its department running at once", and advised asking for fewer records of a query
// that never ran, where its department's other queries held the turn.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { timedOut } from '../src/limits/timeout.ts';

const limits = (parse(readFileSync(fileURLToPath(new URL('./fixtures/fujian-siming/limits.yaml', import.meta.url)), 'utf8')) as {
  limits: { timeoutMs: number; concurrentPerDepartment: number };
}).limits;

describe('a query stopped while it waited for its turn', () => {
  it('counts the queries that held the turns in the singular too, and advises sending fewer at once', () => {
    const message = timedOut(12, limits.timeoutMs, limits.concurrentPerDepartment).message;
    expect(message).toBe(
      'The request did not finish within the limit timeoutMs = 5 ms and was stopped after 12 ms; no data is returned. ' +
        'It never ran: it waited all that time for its turn, 1 query of its department running at once (limits.concurrentPerDepartment). ' +
        'Send fewer queries at once, or try again later.',
    );
    expect(timedOut(12, limits.timeoutMs, 3).message).toContain('3 queries of its department running at once');
  });

  it('keeps its advice on what a query asks for when it ran', () => {
    expect(timedOut(9, limits.timeoutMs).message).toBe(
      'The request did not finish within the limit timeoutMs = 5 ms and was stopped after 9 ms; no data is returned. Ask for fewer records, fewer links or a narrower filter, or try again later.',
    );
  });
});
