// RATE_LIMITED refusals and the audit log (SPEC §10, §13): a refused request reads nothing, so the audit
// log gets the first refusal of a bucket (who was refused, when, by which limit) and not the ones after it
// until the bucket has a token again; every refusal is still counted in the metrics. On a platform of its
// own (test/fixtures/sichuan), one gateway: 50 refusals write one entry per bucket, and the chain verifies.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { rateLimited } from '../src/limits/refusals.ts';
import { RateRefusalEntries } from '../src/limits/rate-entries.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan/platform.yaml');

describe('a gateway whose users and departments go over their rates', () => {
  let gw: TestGateway;
  const rate = { perUser: { requests: 2, perMs: 60_000 }, perDepartment: { requests: 6, perMs: 60_000 } };
  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: PLATFORM, rates: true, limits: { rate } });
  }, 60_000);
  afterAll(() => gw?.close());

  const rateEntries = async (): Promise<AuditEntry[]> =>
    (await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow).filter((e) => e.detail?.startsWith('RATE_LIMITED'));
  const denials = async () => Number(/^govgraph_denials_total\{code="RATE_LIMITED",resource="-"\} (\d+)$/m.exec(await (await fetch(`${gw.gateway.url}/metrics`)).text())?.[1] ?? 0);

  it('writes the first of 50 refusals of a user, counts them all, and the chain verifies', async () => {
    const token = await gw.token('510000-GA', [], 'wang');
    const statuses: number[] = [];
    for (let i = 0; i < 52; i++) statuses.push((await gw.query('{ me { user } }', { token })).status);
    expect(statuses).toEqual([200, 200, ...Array(50).fill(429)]);
    const entries = await rateEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'read', outcome: 'refused', department: '510000-GA', user: 'wang', resources: [] });
    expect(entries[0].detail).toMatch(/^RATE_LIMITED: User wang of 510000-GA has sent more than 2 requests per 60 s \(limits\.rate\.perUser\)\. Try again after (\S+) \(in \d+ s\); further refusals of this bucket until \1 are counted in the metrics, not written here$/);
    expect(await denials()).toBe(50);
    expect(await verifyAuditChain(gw.store)).toMatchObject({ ok: true });
  });

  it("writes a department's bucket once for all its users, apart from each user's own", async () => {
    const before = (await rateEntries()).length;
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const res = await gw.query('{ me { user } }', { token: await gw.token('510000-WJW', [], `user${i % 10}`) });
      if (res.status === 429) refused++;
    }
    expect(refused).toBe(54);
    const entries = (await rateEntries()).slice(before);
    // Six users took the department's six tokens, one each: each of them and the department, once.
    expect(entries.filter((e) => e.detail!.includes('(limits.rate.perDepartment)')).map((e) => e.department)).toEqual(['510000-WJW']);
    expect(entries.length).toBeLessThanOrEqual(1 + 10);
    expect(await verifyAuditChain(gw.store)).toMatchObject({ ok: true });
  });
  it('writes one entry for refusals of a bucket that arrive together (found by the §13 walk: 4 entries on 2 instances)', async () => {
    // The user's 2 tokens, then 20 requests at once: each found no entry written yet and wrote its own.
    const token = await gw.token('510100-ZJ', [], 'li');
    const before = (await rateEntries()).length;
    const denied = await denials();
    for (let i = 0; i < 2; i++) expect((await gw.query('{ me { user } }', { token })).status).toBe(200);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => gw.query('{ me { user } }', { token }).then((r) => r.status)));
    expect(statuses).toEqual(Array(20).fill(429));
    const entries = (await rateEntries()).slice(before);
    expect(entries.map((e) => [e.department, e.user])).toEqual([['510100-ZJ', 'li']]);
    expect((await denials()) - denied).toBe(20);
    expect(await verifyAuditChain(gw.store)).toMatchObject({ ok: true });
  });
});

describe('RateRefusalEntries', () => {
  const who = { dept: '510000-GA', user: 'wang' };
  const refusal = (limit: string, inMs: number, at: number) => {
    const r = rateLimited('Over.', inMs, { limit });
    // resetsAt as the clock `at` would have made it.
    return new GraphQLError(r.message, { extensions: { ...r.extensions, resetsAt: new Date(at + inMs).toISOString() } });
  };

  /** As the gateway asks: folded, else written (and noted so). */
  const written = (entries: RateRefusalEntries, r: GraphQLError, w: typeof who, now: number) => {
    if (entries.folded(r, w, now)) return false;
    entries.wrote(r, w, now);
    return true;
  };

  it('writes the first refusal of a bucket, none after until it resets, then the first again', () => {
    const entries = new RateRefusalEntries();
    const t = Date.parse('2026-01-01T00:00:00Z');
    expect(written(entries, refusal('perUser', 2_000, t), who, t)).toBe(true);
    expect(written(entries, refusal('perUser', 1_500, t + 500), who, t + 500)).toBe(false);
    // Another bucket of the same user is its own.
    expect(written(entries, refusal('perDepartment', 3_000, t + 500), who, t + 500)).toBe(true);
    expect(written(entries, refusal('perUser', 100, t + 1_900), who, t + 1_900)).toBe(false);
    expect(written(entries, refusal('perUser', 2_000, t + 2_000), who, t + 2_000)).toBe(true);
    // Other refusals are always written.
    expect(entries.folded(new GraphQLError('x', { extensions: { code: 'DOCUMENT_NOT_TRUSTED' } }), who, t + 2_001)).toBe(false);
  });

  it('folds nothing into a refusal whose entry was not written', () => {
    const entries = new RateRefusalEntries();
    const t = Date.now();
    // The first refusal's entry failed (AUDIT_UNAVAILABLE): `wrote` was not called, the next is written.
    expect(entries.folded(refusal('perUser', 60_000, t), who, t)).toBe(false);
    expect(entries.folded(refusal('perUser', 60_000, t), who, t + 10)).toBe(false);
  });

  it('keeps a bounded number of buckets', () => {
    const entries = new RateRefusalEntries(3);
    const t = Date.now();
    for (let i = 0; i < 5; i++) expect(written(entries, refusal('perUser', 60_000, t), { dept: 'D', user: `u${i}` }, t)).toBe(true);
    // The oldest were forgotten (an entry more for them, never one fewer); the newest is remembered.
    expect(written(entries, refusal('perUser', 60_000, t), { dept: 'D', user: 'u4' }, t)).toBe(false);
    expect(written(entries, refusal('perUser', 60_000, t), { dept: 'D', user: 'u0' }, t)).toBe(true);
  });

  it('writes one entry at a time per bucket: refusals meanwhile wait and are folded, or unwritten when it failed', async () => {
    const entries = new RateRefusalEntries();
    const t = Date.now();
    let writes = 0;
    let release!: (answer: GraphQLError) => void;
    const first = refusal('perUser', 60_000, t);
    const slow = () => { writes++; return new Promise<GraphQLError>((r) => (release = r)); };
    const answers = [entries.entry(first, who, slow, t), entries.entry(refusal('perUser', 60_000, t), who, slow, t + 1), entries.entry(refusal('perUser', 60_000, t), who, slow, t + 2)];
    release(first);
    expect(await Promise.all(answers)).toEqual([first, 'folded', 'folded']);
    expect(writes).toBe(1);
    // Another user's bucket: its own entry. A write that fails leaves the waiters unwritten, and the next refusal is written.
    const other = { dept: '510000-GA', user: 'zhang' };
    const failing = refusal('perUser', 60_000, t);
    const unavailable = new GraphQLError('down', { extensions: { code: 'AUDIT_UNAVAILABLE' } });
    const waiting = [entries.entry(failing, other, slow, t), entries.entry(refusal('perUser', 60_000, t), other, slow, t)];
    release(unavailable);
    expect(await Promise.all(waiting)).toEqual([unavailable, 'unwritten']);
    const next = refusal('perUser', 60_000, t);
    expect(await entries.entry(next, other, async () => next, t + 5)).toBe(next);
    expect(writes).toBe(2);
  });

  it('does not fold into an entry still being written a refusal after the bucket refilled (found by the review)', async () => {
    // The first refusal's bucket had a token again 100 ms later, and was emptied again, while its entry was
    // still being written (a store waiting for its lock): that refusal is another emptying, written for itself.
    const entries = new RateRefusalEntries();
    const t = Date.now();
    let release!: (answer: GraphQLError) => void;
    const first = refusal('perUser', 100, t);
    const later = refusal('perUser', 100, t + 150);
    const writing = entries.entry(first, who, () => new Promise<GraphQLError>((r) => (release = r)), t);
    const meanwhile = entries.entry(refusal('perUser', 50, t + 50), who, async () => { throw new Error('not written: folded'); }, t + 50);
    let laterWritten = false;
    const own = entries.entry(later, who, async () => { laterWritten = true; return later; }, t + 150);
    release(first);
    expect(await Promise.all([writing, meanwhile, own])).toEqual([first, 'folded', later]);
    expect(laterWritten).toBe(true);
    // The later entry's quiet holds: a refusal before its reset is folded into it, even after the first's was noted.
    expect(entries.folded(refusal('perUser', 10, t + 200), who, t + 200)).toBe(true);
  });
});
