// The doubts about a record reach the departments of a connected platform that read it (SPEC §14: every
// read of the record carries its standing objections in `_objections`, "so that every consumer sees the
// doubt"; §12: only the departments' data fields travel, and a forwarded request reads data and does
// nothing else). Raising, answering and listing objections are this platform's own departments' (platform
// fields and mutations, which are not stitched); `_objections` is part of the record, so a forwarded
// department's view keeps it and its RecordObjection type: a department of Guizhou reads, under `guiyang`,
// the objection a Guiyang department raised. Guizhou 520000 and its city Guiyang 520100 (test/fixtures/guizhou).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { startGuizhouPair } from './helpers/guizhou.ts';

let pair: Awaited<ReturnType<typeof startGuizhouPair>>;
let city: TestGateway;
let province: TestGateway;

beforeAll(async () => {
  pair = await startGuizhouPair('objections-forwarded', { homes: [{ homeNo: 'H1', qh: '520102', tenant: '王小明', rent: '300.00' }] });
  ({ city, province } = pair);
}, 60_000);

afterAll(() => pair?.close());

describe('objections and the departments of a connected platform', () => {
  it('a forwarded department reads the standing objections of the records it reads there, and its view shows the field', async () => {
    const raised = await city.query('mutation { raiseObjection(input: { resource: "520100-ZJJ-01", key: "H1", item: "rent", reason: "The rent was lowered in 2026", proposedValue: "200.00" }) { id status dueDate } }',
      { dept: '520102-ZJJ', roles: ['applicant'], purpose: 'poverty-relief' });
    expect(raised.errors).toBeUndefined();
    const { id, dueDate } = raised.data!.raiseObjection;

    const read = await province.query('{ guiyang { gyHousing { subsidisedHomes { nodes { homeNo _objections { id item status dueDate } } } } } }',
      { dept: '520102-XCZX', purpose: 'poverty-relief' });
    expect(read).toEqual({ status: 200, data: { guiyang: { gyHousing: { subsidisedHomes: { nodes: [
      { homeNo: 'H1', _objections: [{ id, item: 'rent', status: 'OPEN', dueDate }] },
    ] } } } } });

    // The department's view of the city (introspection under the namespace) has the field and its type.
    const view = await province.query('{ home: __type(name: "Guiyang_SubsidisedHome") { fields { name } } doubt: __type(name: "Guiyang_RecordObjection") { fields { name } } }',
      { dept: '520102-XCZX' });
    expect(view.data!.home.fields.map((f: { name: string }) => f.name)).toContain('_objections');
    expect(view.data!.doubt.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'item', 'status', 'dueDate']);
  });
});
