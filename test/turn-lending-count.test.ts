// The turns a department's queries lend while they wait on connected platforms (src/server/deadline.ts,
// TurnLending) are bounded (DepartmentTurns.lend: at most concurrentPerDepartment at once), so that its
// reads in flight to connected platforms stay within twice the bound. A query of two namespaces, one
// answering at once and one slow, stopped counting as lent at the first answer, while it still waited on
// the slow one, queued for its turn back: each such query let the next one lend too, and a department
// under one turn had any number of queries with reads in flight (and of answers held, waiting for turns).
import { describe, expect, it } from 'vitest';
import { Cancellation } from '../src/limits/cancel.ts';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { DepartmentTurns, TAKEN, waitsOnlyAway } from '../src/limits/turns.ts';
import { TurnLending, type LentTurn } from '../src/server/deadline.ts';

const KEY = '450000-SLT';
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A query of two namespaces (fast, slow) that took its turn at once and sent both reads, each lending. */
function startAway(turns: DepartmentTurns): { fast: LentTurn; slow: LentTurn; lending: TurnLending } {
  const lending = new TurnLending(turns, KEY);
  return { lending, fast: lending.lend(), slow: lending.lend() };
}

describe('turns lent by queries of two namespaces', () => {
  it('a query waiting on its slow namespace still counts as lent after its fast one answered', async () => {
    const turns = new DepartmentTurns(1);
    const inFlight = new Set<string>();
    expect(turns.take(KEY)).toBe(TAKEN);
    const q1 = startAway(turns);
    inFlight.add('q1');
    // Another query (the department's own data) takes the turn q1 lent; more queries queue behind it.
    expect(turns.take(KEY)).toBe(TAKEN);
    const queued = Array.from({ length: 5 }, (_, i) => ({ name: `q${i + 2}`, turn: turns.take(KEY) as Promise<void> }));
    // q1's fast namespace answers: it queues for its turn back, its slow read still under way.
    void q1.fast.back();
    turns.release(KEY); // the own-data query ends
    for (const q of queued) {
      // Each queued query whose turn comes sends its two reads and lends its turn if it may; its fast
      // namespace answers before the next query's reads go (a busy event loop, a platform next door).
      const started = await Promise.race([q.turn.then(() => true), flush().then(() => false)]);
      if (!started) break;
      const it = startAway(turns);
      inFlight.add(q.name);
      void it.fast.back();
      await flush();
    }
    // Queries with a read in flight: those lent, and those holding the one turn.
    expect(inFlight.size).toBeLessThanOrEqual(2 * turns.perDepartment);
  });

  it('a query cancelled while it waits for its turn back stops counting as lent at its end, and takes no turn', async () => {
    const turns = new DepartmentTurns(1);
    const cancel = new Cancellation();
    cancel.arm();
    expect(turns.take(KEY)).toBe(TAKEN);
    const lending = new TurnLending(turns, KEY, cancel);
    const fast = lending.lend();
    expect(turns.take(KEY)).toBe(TAKEN); // another query runs in the lent turn
    const back = fast.back();
    cancel.cancel('client-closed');
    await expect(back).rejects.toThrow();
    lending.end(); // its work over (inTurn): holding no turn, it gives none back
    expect(lending.holding).toBe(false);
    turns.release(KEY);
    expect(turns.load(KEY)).toEqual({ running: 0, waiting: 0 });
    // Nothing counted as lent: the next query lends its turn at once.
    expect(turns.take(KEY)).toBe(TAKEN);
    expect(new TurnLending(turns, KEY).lend() && turns.load(KEY)).toEqual({ running: 0, waiting: 0 });
  });

  it('a query taking back its lent turn is served before the queries still to start', async () => {
    const turns = new DepartmentTurns(1);
    const order: string[] = [];
    expect(turns.take(KEY)).toBe(TAKEN);
    const lending = new TurnLending(turns, KEY);
    const fast = lending.lend();
    expect(turns.take(KEY)).toBe(TAKEN); // a query of the department's own data, in the lent turn
    const fresh = (turns.take(KEY) as Promise<void>).then(() => order.push('new query'));
    const back = fast.back().then(() => order.push('turn taken back'));
    turns.release(KEY); // the own-data query ends
    await flush();
    expect(order).toEqual(['turn taken back']);
    expect(lending.holding).toBe(true);
    turns.release(KEY);
    await Promise.all([back, fresh]);
    expect(order).toEqual(['turn taken back', 'new query']);
  });
});


describe('which queries lend (waitsOnlyAway)', () => {
  const away = (text: string) => {
    const document = parse(text);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return waitsOnlyAway(document, operation, new Set(['city', 'county']));
  };
  it('own data hidden in a fragment, an inline fragment, or a fragment spread twice keeps the turn', () => {
    expect(away('{ city { a } county { b } me { user } }')).toBe(true);
    expect(away('{ city { a } ...F } fragment F on Query { county { b } ...G } fragment G on Query { landParcels { c } }')).toBe(false);
    expect(away('{ ... on Query { city { a } ... @include(if: true) { auditLog { totalCount } } } }')).toBe(false);
    expect(away('{ ...F ...F } fragment F on Query { city { a } own: landParcels { c } }')).toBe(false);
    expect(away('{ county: city { a } }')).toBe(true); // an alias is not the field
    expect(away('{ city: landParcels { c } }')).toBe(false);
  });
});
