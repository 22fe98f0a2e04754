// What the data import's "did you mean" for a wrong enum value costs a record (src/records/validate/
// conversions.ts, closest in src/model/nearest-name.ts). The case that matters is a CSV whose columns
// shifted: every record's enum cell then holds another column's text, here 2,000 characters of remarks,
// against eight values. closest skips a value farther in length than a slip could be; before, it worked
// out the edit distance to each (a product of the lengths): about 1 ms a record, 20 minutes a million.
// Measured: records validated per second, wrong values of a slip's length and of a shifted column's.
// Run: npx tsx bench/enum-hints.ts [--records 20000]
import type { Resource } from '../src/model/catalogue.ts';
import { recordValidator } from '../src/records/validate/record.ts';

const i = process.argv.indexOf('--records');
const RECORDS = i > 0 ? Number(process.argv[i + 1]) : 20_000;
const resource: Resource = {
  code: '650000-MZ-00031', name: 'Herders\' winter relief', provider: '650000-MZ',
  graphql: { type: 'WinterRelief', list: 'winterReliefs', byKey: 'winterRelief' }, key: 'reliefNo',
  share: { type: 'unconditional', methods: ['api'] },
  items: [
    { name: 'reliefNo', type: 'string', required: true },
    { name: 'status', type: 'enum', values: ['pending', 'approved', 'rejected', 'withdrawn', 'suspended', 'terminated', 'transferred', 'under-review'] },
  ],
};
const validate = recordValidator(resource, { fromText: true });
const remarks = '阿勒泰地区冬牧场牧民冬季救助，' .repeat(134); // about 2,000 characters

for (const [label, status] of [['a slip (Aproved)', 'Aproved'], ['a shifted column (2,000 characters)', remarks]] as const) {
  const started = performance.now();
  let problems = 0;
  for (let n = 0; n < RECORDS; n++) problems += validate({ reliefNo: `XJ-${n}`, status }, n + 2).problems.length;
  const s = (performance.now() - started) / 1000;
  console.log(`${label}: ${RECORDS} records, ${problems} problems, ${Math.round(RECORDS / s).toLocaleString('en')} records/s`);
}
