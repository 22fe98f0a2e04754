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
});
