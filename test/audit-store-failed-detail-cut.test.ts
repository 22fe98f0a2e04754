// A read whose store failed is audited with `STORE_UNAVAILABLE at <path>: ...` for each field that failed
// (be7e05e). The paths are the client's aliases: a document of many long aliases, all failing, must not
// write an entry longer than every other detail may be (MAX_DETAIL, cut as refusals are), nor hold more
// than the path and our own message (found by review8).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, MAX_DETAIL } from '../src/audit/entry.ts';
import { eq, StoreUnavailableError } from '../src/store/port.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { startGuangxiTax } from './helpers/guangxi-tax.ts';
import { aroundMethod } from './helpers/store-around.ts';

let gw: TestGateway;
let close: (() => Promise<void>) | undefined;
beforeAll(async () => {
  let failing = false;
  ({ gw, close } = await startGuangxiTax(['PAY000000001,450102199001017777,13912345678,500.25'], (s) => aroundMethod(s, 'find', (args, call) =>
    // The records' reads fail once the payments are imported, with a message naming a file on disk.
    (failing && String(args[0]).startsWith('r_') ? Promise.reject(new StoreUnavailableError('SQLITE_IOERR: disk I/O error at /srv/govgraph/data/govgraph.sqlite')) : call()))));
  failing = true;
}, 30_000);
afterAll(() => close?.());

it('cuts the detail of 30 failed aliases to MAX_DETAIL, naming no file', async () => {
  const aliases = Array.from({ length: 30 }, (_, i) => `payments_of_the_second_quarter_for_the_relief_review_of_the_county_civil_affairs_bureau_number_${i}`);
  const r = await gw.query(`{ gxTax { ${aliases.map((a) => `${a}: taxPayments(first: 1) { nodes { paymentNo } }`).join(' ')} } }`, {
    dept: '450100-MZJ', purpose: 'tax-check', headers: { 'x-request-id': 'gx-down-many' },
  });
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(Array(30).fill('STORE_UNAVAILABLE'));
  // As stored (auditLog's view cuts an older entry's long detail itself, noting the cut).
  const [entry] = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', 'gx-down-many') })).map(fromRow);
  expect(entry.outcome).toBe('error');
  expect(entry.detail!.startsWith(`STORE_UNAVAILABLE at gxTax.${aliases[0]}: The data store is unavailable; try again shortly.`)).toBe(true);
  expect(entry.detail).not.toContain('/srv/govgraph');
  expect([...entry.detail!].length).toBeLessThanOrEqual(MAX_DETAIL);
  expect(entry.detail!.endsWith('…')).toBe(true);
});
