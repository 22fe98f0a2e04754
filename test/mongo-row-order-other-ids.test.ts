// The MongoDB adapter's row order (src/store/mongo/row-order.ts) for a document whose `_id` is no ObjectId
// (another program wrote it: mongoimport, a copy by script). Read as an ObjectId, it threw "toHexString is
// not a function" (audit verify over such a checkpoint: test/audit-checkpoints-other-ids.test.ts), and a
// cursor past it matched nothing. The translation needs no server: the documents and queries are checked
// as the driver would be given them.
import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { projectRows } from '../src/store/mongo/documents.ts';
import { toMongoFilter } from '../src/store/mongo/filters.ts';
import { ROW_ORDER, type CompareOp, type Filter } from '../src/store/port.ts';

const NEVER = { _id: { $in: [] } };
const byOrder = (op: CompareOp, value: unknown): Filter => ({ kind: 'compare', field: ROW_ORDER, op, value: value as string });

describe('a row order of an _id that is no ObjectId', () => {
  const oid = new ObjectId('6754a1b2c3d4e5f601234567');
  const docs = [{ _id: oid, seq: 1 }, { _id: 'cp-2026-12-07', seq: 2 }, { _id: 7, seq: 3 }, { _id: { copiedFrom: 'backup' }, seq: 4 }, { _id: null, seq: 5 }];

  it('is read, never as 24 hex digits, and an ObjectId still as its own', () => {
    const rows = projectRows(docs.map((d) => ({ ...d })), [ROW_ORDER, 'seq']);
    expect(rows.map((r) => r[ROW_ORDER])).toEqual(['6754a1b2c3d4e5f601234567', 'id:"cp-2026-12-07"', 'id:{"$numberInt":"7"}', 'id:{"copiedFrom":"backup"}', 'id:null']);
  });

  it("a cursor past one reaches the later kinds of _id, in MongoDB's order of kinds", () => {
    const [, text, number] = projectRows(docs.map((d) => ({ ...d })), [ROW_ORDER]).map((r) => r[ROW_ORDER]);
    expect(toMongoFilter(byOrder('gt', text))).toEqual({
      $or: [{ _id: { $gt: 'cp-2026-12-07' } }, { _id: { $type: ['object', 'binData', 'objectId', 'bool', 'date', 'timestamp', 'maxKey'] } }],
    });
    const below = toMongoFilter(byOrder('lt', number)) as { $or: [{ _id: { $lt: unknown } }, unknown] };
    expect(below.$or[0]._id.$lt).toEqual(expect.objectContaining({ value: 7 }));
    expect(below.$or[1]).toEqual({ _id: { $type: ['minKey', 'null'] } });
    expect(toMongoFilter(byOrder('eq', text))).toEqual({ _id: { $eq: 'cp-2026-12-07' } });
  });

  it("an ObjectId's comparison is as before, and a made-up text matches no row (but for ne)", () => {
    expect(toMongoFilter(byOrder('gt', '6754a1b2c3d4e5f601234567'))).toEqual({ _id: { $gt: oid } });
    for (const made of ['id:{"$code":"while(1){}"}', 'id:[1,2]', 'id:{not json', 'cp-2026-12-07', 'aaaaaaaaaaaa', 5, null]) {
      expect(toMongoFilter(byOrder('gt', made))).toEqual(NEVER);
      expect(toMongoFilter(byOrder('ne', made))).toEqual({});
    }
  });
});
