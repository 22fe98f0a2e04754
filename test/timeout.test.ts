// limits.timeoutMs (SPEC §13) through a real gateway: a query whose store read is slower than the limit is
// answered at the limit with QUERY_TOO_COMPLEX and no data, while /healthz and other requests go on; its
// audit entry says it was stopped and returned nothing, and the read that ends later adds nothing.
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import type { Store } from '../src/store/port.ts';
import { Deadlines } from '../src/limits/timeout.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const TIMEOUT_MS = 600;
const SLOW_READ_MS = 4000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads of resource collections (not the platform's `_` ones) take SLOW_READ_MS while `slow.on`. */
const slow = { on: false, started: 0, ended: 0 };
function slowStore(inner: Store): Store {
  return new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'find' && prop !== 'count') return value.bind(target);
      return async (collection: string, ...rest: unknown[]) => {
        if (slow.on && !collection.startsWith('_')) {
          slow.started++;
          await sleep(SLOW_READ_MS);
          slow.ended++;
        }
        return value.call(target, collection, ...rest);
      };
    },
  });
}

describe('limits.timeoutMs', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ limits: { timeoutMs: TIMEOUT_MS }, wrapStore: slowStore });
  }, 60_000);
  afterAll(() => gw?.close());

  const LIST = '{ marketRegulation { enterpriseRegistrations(first: 5) { nodes { creditCode name } totalCount } } }';
  const lastEntry = async () => {
    const rows = await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
    return fromRow(rows[0]);
  };

  it('answers a query that runs over with QUERY_TOO_COMPLEX at the limit, not when its read ends; /healthz answers meanwhile', async () => {
    slow.on = true;
    const started = Date.now();
    const answer = gw.query(LIST, { dept: '430000-SCJG' }).then((res) => ({ res, ms: Date.now() - started }));
    const health: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      expect((await fetch(`${gw.gateway.url}/healthz`)).status).toBe(200);
      health.push(Date.now() - t);
      await sleep(100);
    }
    const { res, ms } = await answer;
    slow.on = false;
    expect(slow.started).toBeGreaterThan(0);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(ms).toBeLessThan(SLOW_READ_MS - 1000);
    // /healthz never waits for the held read (a generous bound: the suite runs files side by side on 2 cores).
    expect(Math.max(...health)).toBeLessThan(SLOW_READ_MS / 2);
    expect(res.status).toBe(200);
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'timeoutMs', bound: TIMEOUT_MS });
    expect(res.errors![0].message).toMatch(/^The request did not finish within the limit timeoutMs = 600 ms and was stopped after \d+ ms; no data is returned\./);

    // The audit entry: the resource the query read, nothing returned, the outcome and why.
    const entry = await lastEntry();
    expect(entry).toMatchObject({ kind: 'read', department: '430000-SCJG', outcome: 'error' });
    expect(entry.detail).toMatch(/^stopped at limits\.timeoutMs = 600 ms after \d+ ms \(QUERY_TOO_COMPLEX\): no data returned$/);
    expect(entry.resources.map((r) => [r.resource, r.records])).toEqual([['430000-SCJG-00001', 0]]);

    // When the abandoned reads end, nothing more is written for that request.
    while (slow.ended < slow.started) await sleep(100);
    await sleep(200);
    expect((await lastEntry()).seq).toBe(entry.seq);
  }, 20_000);

  it('serves the same query in time once the store answers again', async () => {
    const res = await gw.query(LIST, { dept: '430000-SCJG' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.marketRegulation.enterpriseRegistrations.totalCount).toBe(0);
    expect((await lastEntry()).outcome).toBe('allowed');
  });
});

// One timer watches every request of a gateway (src/limits/timeout.ts): each is answered at its own
// deadline or with its own result, whichever comes first, whatever the others do.
describe('Deadlines', () => {
  const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  it('answers each request with its result or at its own deadline', async () => {
    // When each is answered is read against timers set beside it (`mark`), not on the clock: timers fire
    // in the order they are due however late a loaded machine runs them, and a timer's promises settle
    // before the next timer runs. Only the lower bounds are read on the clock (never earlier). A stall of
    // the event loop of up to 1.8 s still passes; then the first deadline's timer finds both past.
    const deadlines = new Deadlines(200);
    const events: string[] = [];
    const t0 = Date.now();
    const mark = (ms: number, name: string) => setTimeout(() => events.push(name), ms - (Date.now() - t0));
    const timed = (name: string, p: Promise<unknown>) => p.then((r) => (events.push(name), { r, ms: Date.now() - t0 }));
    const work = <T>(name: string, value: T) => later(4000, value).then((v) => (events.push(name), v));
    const works: Promise<ExecutionResult>[] = [work('early work ended', { data: { a: 1 } }), work('late work ended', { data: { c: 3 } })];
    const slowEarly = timed('early answered', deadlines.within(works[0], t0)); // deadline t0 + 200
    const fast = timed('fast answered', deadlines.within(later(50, { data: { b: 2 } }), t0 + 100));
    const slowLate = timed('late answered', deadlines.within(works[1], t0 + 1800)); // deadline t0 + 2000
    mark(1000, 'between the deadlines');
    mark(3000, 'between the later deadline and the end of the work');
    const failing = deadlines.within(Promise.reject(new Error('store down')), t0);
    await expect(failing).rejects.toThrow('store down');
    expect(await fast).toMatchObject({ r: { data: { b: 2 } } });
    const early = await slowEarly;
    expect(early.r).toMatchObject({ data: null, errors: [{ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'timeoutMs', bound: 200 } }] });
    expect(early.ms).toBeGreaterThanOrEqual(200);
    const late = await slowLate;
    expect(late.r).toMatchObject({ data: null, errors: [{ extensions: { limit: 'timeoutMs' } }] });
    expect(late.ms).toBeGreaterThanOrEqual(2000);
    expect(deadlines.size).toBe(0);
    await Promise.all(works);
    // Each at its own deadline: the early one not at the later deadline, neither at the end of its work.
    expect(events).toEqual([
      'fast answered', 'early answered', 'between the deadlines', 'late answered',
      'between the later deadline and the end of the work', 'early work ended', 'late work ended',
    ]);
  });

  it('answers work that ends past its deadline, holding the event loop so that the timer had no turn, as the timer would have', async () => {
    // A query whose reads of the embedded store run on its own connection (synchronous) never lets the
    // timer fire; the same query read on reader threads is cut: both must answer alike
    // (test/reader-threads-answers.test.ts). It answered with its data.
    const deadlines = new Deadlines(20);
    const hold = <T>(ms: number, value: () => T) => Promise.resolve().then(() => {
      const end = Date.now() + ms;
      while (Date.now() < end); // the event loop held, as by a synchronous read
      return value();
    });
    const t0 = Date.now();
    expect(await deadlines.within(hold(60, () => ({ data: { a: 1 } })), t0)).toMatchObject({
      data: null, errors: [{ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'timeoutMs', bound: 20 } }],
    });
    // A failure past the deadline too: the timer would have answered first.
    expect(await deadlines.within(hold(60, () => { throw new Error('store down'); }), Date.now())).toMatchObject({ data: null, errors: [{ extensions: { limit: 'timeoutMs' } }] });
    // Within the deadline, the work's own result.
    expect(await deadlines.within(hold(1, () => ({ data: { b: 2 } })), Date.now())).toEqual({ data: { b: 2 } });
    expect(deadlines.size).toBe(0);
  });

  it('answers work that ends at its deadline, and stops it only past it (found by the §13 walk)', async () => {
    // A clock of its own: the work ends when the test says, at the millisecond it says.
    let clock = 1_000_000;
    const deadlines = new Deadlines(5, () => clock);
    let end!: (r: ExecutionResult) => void;
    const atLimit = deadlines.within(new Promise<ExecutionResult>((r) => (end = r)), clock);
    clock += 5;
    end({ data: { a: 1 } });
    expect(await atLimit).toEqual({ data: { a: 1 } });
    const past = deadlines.within(new Promise<ExecutionResult>((r) => (end = r)), clock);
    clock += 6;
    end({ data: { b: 2 } });
    expect(await past).toMatchObject({ data: null, errors: [{ extensions: { limit: 'timeoutMs', figure: 6, bound: 5 } }] });
    // The timer too: a sweep at the deadline leaves the request running; the next one stops it past it.
    const running = deadlines.within(new Promise<ExecutionResult>(() => undefined), clock);
    clock += 5;
    (deadlines as unknown as { sweep(): void }).sweep();
    expect(deadlines.size).toBe(1);
    clock += 1;
    (deadlines as unknown as { sweep(): void }).sweep();
    expect(await running).toMatchObject({ data: null, errors: [{ extensions: { figure: 6, bound: 5 } }] });
  });

  it('serves a request that started before the one the timer waits for at its own deadline', async () => {
    // Read against a timer set between the two deadlines, as above, not on the clock.
    const deadlines = new Deadlines(300);
    const events: string[] = [];
    const t0 = Date.now();
    const first = deadlines.within(later(3000, { data: {} }), t0 + 1700).then(() => events.push('first answered')); // arms the timer for t0 + 2000
    const earlier = deadlines.within(later(3000, { data: {} }), t0).then(() => events.push('earlier answered')); // due at t0 + 300
    setTimeout(() => events.push('between the deadlines'), 1000 - (Date.now() - t0));
    await Promise.all([earlier, first]);
    expect(events).toEqual(['earlier answered', 'between the deadlines', 'first answered']);
  });
});
