// When the audit log cannot be written (a full disk, found filling a data folder's file system under a
// running gateway), every request that reads data gets AUDIT_UNAVAILABLE, which says nothing of the cause.
// The gateway's log says it: one line at error with the store's reason as the failure starts (not one per
// request), another when the reason changes, and one when the log is written again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

let failure: string | null = null;
function failingAudit(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.insert = async (collection, rows) => {
    if (failure && collection === AUDIT_COLLECTION) throw new Error(failure);
    return inner.insert(collection, rows);
  };
  return store;
}

const lines: Record<string, unknown>[] = [];
let gw: TestGateway;
beforeAll(async () => {
  const sink = lineSink((l) => lines.push(JSON.parse(l)));
  gw = await startTestGateway({ demo: true, wrapStore: failingAudit, gateway: { logger: createLogger(sink, 'info') } });
});
afterAll(() => gw?.close());

const READ = '{ civilAffairs { minimumLivingAllowances(first: 1) { nodes { caseNo } } } }';
const read = () => gw.query(READ, { dept: '430000-MZ', purpose: 'social-assistance' });
const auditLines = () => lines.filter((l) => l.event === 'audit-log').map(({ level, available, reason, msg }) => ({ level, available, reason, msg }));

describe('the audit log cannot be written', () => {
  it('is logged with its reason once as it starts, again when the reason changes, and once when it ends', async () => {
    expect((await read()).errors).toBeUndefined();
    failure = 'database or disk is full';
    for (let i = 0; i < 3; i++) expect((await read()).errors?.[0].extensions?.code).toBe('AUDIT_UNAVAILABLE');
    failure = 'attempt to write a readonly database';
    expect((await read()).errors?.[0].extensions?.code).toBe('AUDIT_UNAVAILABLE');
    failure = null;
    expect((await read()).errors).toBeUndefined();
    expect((await read()).errors).toBeUndefined();
    const cannot = 'audit log: cannot be written; requests that read data get AUDIT_UNAVAILABLE';
    expect(auditLines()).toEqual([
      { level: 50, available: false, reason: 'The audit log cannot be written: database or disk is full', msg: cannot },
      { level: 50, available: false, reason: 'The audit log cannot be written: attempt to write a readonly database', msg: cannot },
      { level: 30, available: true, reason: undefined, msg: 'audit log: written again' },
    ]);
  });
});
