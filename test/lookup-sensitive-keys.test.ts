// A lookup by a personal or secret key that is not a string (test/fixtures/guiyang-sensitive-keys). Such a
// key is a String in the schema, whatever its type, so that its masked form fits (SPEC §4), and its lookup
// argument is a String too; the store keeps the value it holds (an int, a decimal, a date and time). The
// lookup compared the text itself with the stored value and found nothing, for the provider too, while a
// list filtered by the same key (typed as what it holds) found the record. Found by the oracle on
// generated platforms (test/access-oracle-generated.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const FIXTURE = 'test/fixtures/guiyang-sensitive-keys';
const PROVIDER = '520000-YlJ';
const CITY = '520100-mz';
const PURPOSE = 'pension-check';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: `${FIXTURE}/platform.yaml`,
    catalogueFiles: [`${FIXTURE}/catalogue.yaml`],
    seed: async (store) => {
      await importRecordsOf(store, '520000-YlJ-00001', [{ accountNo: 1207, holder: '王小二' }, { accountNo: -35, holder: '李四' }]);
      await importRecordsOf(store, '520000-YlJ-00002', [{ amountKey: '100.10', note: 'first' }, { amountKey: '7', note: 'second' }]);
      await importRecordsOf(store, '520000-YlJ-00003', [{ paidAt: '2026-03-01T09:30:00+08:00', note: 'March' }]);
    },
  });
}, 60_000);
afterAll(() => gw?.close());

const lookup = (field: string, key: string, arg: string, selection: string, dept: string) =>
  gw.query(`query($k: String!) { gzPension { r: ${field}(${key}: $k) { ${selection} } } }`, { dept, purpose: PURPOSE, variables: { k: arg } });

describe('a lookup by a personal or secret key that is not a string', () => {
  it('finds the record of an int key by the number it holds, for the provider and for a reader who sees it masked', async () => {
    expect((await lookup('account', 'accountNo', '1207', 'accountNo holder', PROVIDER)).data?.gzPension.r).toEqual({ accountNo: '1207', holder: '王小二' });
    expect((await lookup('account', 'accountNo', '-35', 'accountNo holder', PROVIDER)).data?.gzPension.r).toEqual({ accountNo: '-35', holder: '李四' });
    const city = await lookup('account', 'accountNo', '1207', 'accountNo holder', CITY);
    expect(city.errors).toBeUndefined();
    expect(city.data?.gzPension.r).toEqual({ accountNo: '1**7', holder: '王**' });
  });

  it('finds the record of a decimal key by value and of a date-time key by the instant, as a filter does', async () => {
    expect((await lookup('batch', 'amountKey', '100.10', 'amountKey note', PROVIDER)).data?.gzPension.r).toEqual({ amountKey: '100.10', note: 'first' });
    expect((await lookup('batch', 'amountKey', '100.1', 'note', CITY)).data?.gzPension.r).toEqual({ note: 'first' });
    expect((await lookup('payment', 'paidAt', '2026-03-01T01:30:00.000Z', 'note', PROVIDER)).data?.gzPension.r).toEqual({ note: 'March' });
    expect((await lookup('payment', 'paidAt', '2026-03-01T09:30:00+08:00', 'note', CITY)).data?.gzPension.r).toEqual({ note: 'March' });
  });

  it('answers null without an error for a text no value of the key reads as, as for a key no record holds', async () => {
    for (const [field, key, arg] of [['account', 'accountNo', 'abc'], ['account', 'accountNo', '99'], ['batch', 'amountKey', '1e999x'], ['payment', 'paidAt', 'yesterday']]) {
      const res = await lookup(field, key, arg, key, CITY);
      expect(res.errors, `${field} ${arg}`).toBeUndefined();
      expect(res.data?.gzPension.r, `${field} ${arg}`).toBeNull();
    }
  });
});
