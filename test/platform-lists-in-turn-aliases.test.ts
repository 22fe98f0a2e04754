// Review of the platform lists read in turn (resolvers/platform/counted-lists.ts inTurn): aliases sharing one read
// must never answer a list cut at another alias's bound as whole, nor a list of another filter; a list
// whose read fails must not hold up the lists after it. A platform of its own (test/fixtures/sichuan):
// 100 demands, half open, filed by the police for the health commission.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMANDS } from '../src/workflow/demands.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan/platform.yaml');
const SUPERVISOR = { dept: '510000-DSJ', roles: ['supervisor' as const] };
const POLICE = { dept: '510000-GA' };
const DEMANDED = 100;

async function gatewayWith(maxCost: number): Promise<TestGateway> {
  const gw = await startTestGateway({ platformFile: PLATFORM, limits: { maxCost } });
  await gw.store.insert(DEMANDS, Array.from({ length: DEMANDED }, (_, i) => ({
    id: `demand-${String(i).padStart(3, '0')}`, title: `Vehicle owners ${i}`, description: 'For traffic cases', items: JSON.stringify(['owner']),
    purposes: JSON.stringify(['tax-audit']), provider: '510000-WJW', requester: '510000-GA', requestedBy: 'chen', requestedAt: '2026-12-01T02:00:00.000Z',
    status: i % 2 ? 'open' : 'cannot-share', answeredBy: null, answeredAt: null, basis: null, resource: null, fulfilledAt: null, fulfilledBy: null,
  })));
  return gw;
}

/** Every list answered holds every entry it names: none is a cut read shown whole. */
function wholeOrRefused(data: Record<string, unknown> | null | undefined, expected: Record<string, number>): void {
  for (const [alias, n] of Object.entries(expected)) {
    const list = data?.[alias] as unknown[] | null | undefined;
    if (list != null) expect(list, alias).toHaveLength(n);
  }
}

describe('aliases of one list with different selections, near maxCost', () => {
  // Bounds around what `small` alone may hold (1 + 100 × 1) and what `big` alone may (1 + 100 × 4).
  for (const maxCost of [120, 150, 230, 260, 300, 420, 520, 700]) {
    it(`answer whole or refuse (maxCost ${maxCost})`, async () => {
      const gw = await gatewayWith(maxCost);
      try {
        for (const [who, q] of [[SUPERVISOR, undefined], [POLICE, undefined]] as const) {
          void q;
          for (const doc of [
            '{ big: demands { id title description status } small: demands { id } }',
            '{ small: demands { id } big: demands { id title description status } }',
            '{ small: demands { id } open: demands(status: OPEN) { id title } }',
          ]) {
            const res = await gw.query(doc, who);
            wholeOrRefused(res.data as Record<string, unknown>, { big: DEMANDED, small: DEMANDED, open: DEMANDED / 2 });
            if (res.errors) expect(res.errors.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
          }
        }
      } finally {
        await gw.close();
      }
    }, 60_000);
  }
});

describe('lists in turn', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await gatewayWith(10_000); }, 60_000);
  afterAll(() => gw?.close());

  it('a list whose read fails does not hold up the lists after it: the request is answered', async () => {
    // demands is non-null: the refusal empties the answer; what matters is that it comes, naming `a`.
    const res = await gw.query('{ a: demands(id: "") { id } b: demands(status: OPEN) { id } c: objections { id } }', SUPERVISOR);
    expect(res.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['BAD_USER_INPUT', ['a']]]);
  });

  it('a variable and a literal are told apart, as are the directives', async () => {
    const res = await gw.query(
      'query($s: DemandStatus, $skip: Boolean!) { v: demands(status: $s) { id status } l: demands(status: OPEN) { id status } s: demands @skip(if: $skip) { id } }',
      { ...SUPERVISOR, variables: { s: 'CANNOT_SHARE', skip: true } },
    );
    expect(res.errors).toBeUndefined();
    const data = res.data as { v: { status: string }[]; l: { status: string }[] };
    expect(data.v.every((d) => d.status === 'CANNOT_SHARE')).toBe(true);
    expect(data.l.every((d) => d.status === 'OPEN')).toBe(true);
    expect(data).not.toHaveProperty('s');
  });

  it('aliases of one list as two departments read it (two requests) each see their own', async () => {
    const police = await gw.query('{ a: demands { id } b: demands { id } }', POLICE);
    const health = await gw.query('{ a: demands { id } b: demands { id } }', { dept: '510000-WJW' });
    const other = await gw.query('{ a: demands { id } b: demands { id } }', { dept: '510000-DSJ' });
    expect((police.data as { a: unknown[] }).a).toHaveLength(DEMANDED);
    expect((health.data as { b: unknown[] }).b).toHaveLength(DEMANDED);
    expect((other.data as { a: unknown[]; b: unknown[] })).toEqual({ a: [], b: [] });
  });
});
