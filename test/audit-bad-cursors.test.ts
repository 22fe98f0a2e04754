// A list read refused for its `after` cursor (not sealed here, sealed for another resource or another
// orderBy) or for a negative `first` answers BAD_USER_INPUT and returns nothing. Its audit entry must say
// so, as the entry of a `first` over the page maximum does: outcome `refused`, the refusal in its detail,
// without the cursor or figure sent. It was written `allowed` with no detail: a supervisor read a request
// that failed as one that was answered (found by the audit walk, on a Guangxi platform of its own).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { startGuangxiTax } from './helpers/guangxi-tax.ts';

const CITY = { dept: '450100-MZJ', purpose: 'tax-check' };
const SUPERVISOR = '450000-DSJ';

let gw: TestGateway;
let close: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ gw, close } = await startGuangxiTax(['PAY000000001,450102199001017777,13912345678,500.25', 'PAY000000002,450103198502023333,13812345678,80.00']));
}, 30_000);
afterAll(() => close?.());

const LOG = `query($id: String!) { auditLog(filter: { requestId: $id }, first: 5) {
  nodes { outcome detail resources { resource items records denied { item code } } } } }`;

async function entryOf(requestId: string) {
  const r = await gw.query(LOG, { token: await gw.token(SUPERVISOR, ['supervisor']), variables: { id: requestId } });
  expect(r.errors).toBeUndefined();
  return r.data!.auditLog.nodes as { outcome: string; detail: string | null; resources: unknown[] }[];
}

async function listed(requestId: string, args: string, variables: Record<string, unknown> = {}) {
  const declared = [args.includes('$after') && '$after: String', args.includes('$first') && '$first: Int'].filter(Boolean).join(', ');
  return gw.query(`query${declared ? `(${declared})` : ''} { gxTax { taxPayments(${args}) { nodes { paymentNo } pageInfo { endCursor } } } }`, {
    ...CITY, variables, headers: { 'x-request-id': requestId },
  });
}

describe('a list read refused for its cursor or page size', () => {
  it('is written refused, the refusal in the detail, not the cursor sent', async () => {
    const sent = 'LEAKCURSOR-not-sealed-here';
    const r = await listed('gx-cursor-1', 'first: 1, after: $after', { after: sent });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const [entry] = await entryOf('gx-cursor-1');
    expect(entry.outcome).toBe('REFUSED');
    expect(entry.detail).toBe('BAD_USER_INPUT: The `after` cursor is not one this platform gave out; pass the endCursor of a previous page.');
    expect(entry.resources).toEqual([{ resource: '450000-SWJ-00003', items: [], records: 0, denied: [] }]);
    expect(JSON.stringify(entry)).not.toContain(sent);
  });

  it('for another orderBy, refused likewise', async () => {
    const first = await listed('gx-cursor-2a', 'first: 1, orderBy: [{ field: amount }]');
    const cursor = first.data!.gxTax.taxPayments.pageInfo.endCursor as string;
    const r = await listed('gx-cursor-2', 'first: 1, after: $after', { after: cursor });
    expect(r.errors?.[0].message).toMatch(/different orderBy/);
    const [entry] = await entryOf('gx-cursor-2');
    expect(entry.outcome).toBe('REFUSED');
    expect(entry.detail).toMatch(/^BAD_USER_INPUT: The `after` cursor was made for a different orderBy/);
  });

  it('a negative first, refused without the figure sent', async () => {
    const r = await listed('gx-first-1', 'first: $first', { first: -7 });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const [entry] = await entryOf('gx-first-1');
    expect(entry.outcome).toBe('REFUSED');
    expect(entry.detail).toBe('BAD_USER_INPUT: first must be 0 or more.');
  });

  it('a good cursor reads on, allowed', async () => {
    const first = await listed('gx-cursor-3a', 'first: 1');
    const r = await listed('gx-cursor-3', 'first: 1, after: $after', { after: first.data!.gxTax.taxPayments.pageInfo.endCursor });
    expect(r.errors).toBeUndefined();
    expect(r.data!.gxTax.taxPayments.nodes).toEqual([{ paymentNo: 'PAY000000002' }]);
    const [entry] = await entryOf('gx-cursor-3');
    expect(entry.outcome).toBe('ALLOWED');
    expect(entry.detail).toBeNull();
  });
});
