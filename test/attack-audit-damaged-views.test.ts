// One audit entry altered or damaged in the store (SPEC §10, §8), as someone with write access to the
// store would leave it: `resources` that is not JSON, a time, outcome or kind that is none, a seq that is
// not a number. `audit verify` names it; the log's views must still serve every other entry to every
// reader (a supervisor looks into it there), showing the damaged one as an entry that cannot be read,
// with plain words and nothing of its resources, never an internal error for the whole page, nor an
// empty log (a seq stored as a string sorted after every number and emptied every view), nor a log that
// can no longer be written (that seq taken as the tail stopped every later entry: AUDIT_UNAVAILABLE).
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { eq, type Row } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
});
afterAll(() => gw?.close());

let target: Row;
beforeEach(async () => {
  const r = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 2) { nodes { creditCode } } } }`, { dept: '430000-RST', purpose: 'employment-services' });
  expect(r.errors).toBeUndefined();
  [target] = await gw.store.find('_audit', { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
});
afterEach(async () => {
  // Put back as it was, for the next case (with what was written after it).
  await gw.store.delete('_audit', eq('requestId', String(target.requestId)));
  await gw.store.delete('_audit', { kind: 'compare', field: 'seq', op: 'gte', value: Number(target.seq) });
  await gw.store.insert('_audit', [target]);
});

const LOG = `{ auditLog(first: 50) { totalCount nodes { seq time department outcome detail resources { resource } } } }`;
type Node = { seq: number; time: string; department: string; outcome: string; detail: string | null; resources: unknown[] };
async function seenBy(dept: string, roles: ('supervisor')[] = []) {
  const r = await gw.query(LOG, { token: await gw.token(dept, roles, 'reader') });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.auditLog as { totalCount: number; nodes: Node[] };
}
const READERS: [string, ('supervisor')[]][] = [['430000-ZWB', ['supervisor']], ['430000-RST', []], ['430000-SCJG', []]];

it.each([
  ['resources that is not JSON', { resources: '{"x":' }, /Unexpected end of JSON input|JSON/],
  ['a time that is none', { time: 'garbage' }, /time "garbage" is not a time/],
  ['an outcome that is none', { outcome: 'garbage' }, /outcome "garbage" is not an outcome/],
  ['a kind that is none', { kind: 'garbage' }, /kind "garbage" is not a kind of entry/],
])('an entry with %s is shown as one that cannot be read; the rest of the log is served', async (_name, change, reason) => {
  await gw.store.update('_audit', eq('seq', target.seq), change);
  for (const [dept, roles] of READERS) {
    const log = await seenBy(dept, roles);
    const node = log.nodes.find((n) => n.seq === target.seq)!;
    expect(node, dept).toMatchObject({ outcome: 'ERROR', resources: [], department: '430000-RST' });
    expect(node.detail).toMatch(/^This entry cannot be read as stored \(.*\): it was altered or damaged in the store\. `govgraph audit verify`/);
    expect(node.detail).toMatch(reason);
  }
  expect((await seenBy('430000-ZWB', ['supervisor'])).nodes.length).toBeGreaterThan(1);
  // The usage figures leave it out rather than fail.
  const usage = await gw.query(`{ usage(from: "2000-01-01", to: "2099-12-31") { resources { resource requests } } }`, { token: await gw.token('430000-SCJG', [], 'reader') });
  expect(usage.errors, JSON.stringify(usage.errors)).toBeUndefined();
});

it('an entry whose seq was made a string does not empty the log for every reader', async () => {
  const before = await seenBy('430000-ZWB', ['supervisor']);
  await gw.store.update('_audit', eq('seq', target.seq), { seq: 'x' });
  const after = await seenBy('430000-ZWB', ['supervisor']);
  expect(after.totalCount).toBe(before.totalCount - 1);
  expect(after.nodes.map((n) => n.seq)).toEqual(before.nodes.map((n) => n.seq).filter((s) => s !== target.seq));
  // Nor stops the log: the next read is written after the newest whole-number entry and answered.
  const read = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 1) { nodes { creditCode } } } }`, { dept: '430000-RST', purpose: 'employment-services' });
  expect(read.errors, JSON.stringify(read.errors)).toBeUndefined();
  expect((await seenBy('430000-ZWB', ['supervisor'])).totalCount).toBeGreaterThan(after.totalCount);
  const v = await gw.query(`{ verifyAuditChain { ok } }`, { token: await gw.token('430000-ZWB', ['supervisor'], 'reader') });
  expect(v.data!.verifyAuditChain.ok).toBe(false);
});
