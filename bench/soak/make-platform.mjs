// A Chongqing platform of the soak's own (500000, a municipality: 20 municipal departments and 38
// districts of 6 departments each, 248 in all), with 3 catalogues and records, written as files for
// `govgraph catalogue import` and `govgraph data import`. Usage: node bench/soak/make-platform.mjs DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
mkdirSync(dir, { recursive: true });
const municipal = ['GA', 'SCJG', 'MZ', 'RSJ', 'GHZRZY', 'SJJ', 'WJW', 'JW', 'JTJ', 'ZJW', 'SWJ', 'CZJ', 'STHJ', 'NYNC', 'SLJ', 'YJGL', 'TJJ', 'YBJ', 'GZW', 'SFJ'];
const kinds = ['MZ', 'SCJG', 'GA', 'RSJ', 'WJW', 'JW'];
const districts = Array.from({ length: 38 }, (_, i) => `5001${String(i + 1).padStart(2, '0')}`);
const lines = [
  'platform:', '  region: "500000"', '  level: province', '  name: Chongqing soak platform', '  competentDepartment: "500000-SJJ"',
  'purposes:',
  ...['household-checks', 'subsidy-review', 'market-inspection', 'medical-insurance', 'school-admission', 'land-use', 'tax-credit', 'emergency-response']
    .map((p) => `  - { code: ${p}, name: ${p} }`),
  'departments:',
  ...municipal.map((k) => `  - { code: "500000-${k}", name: Chongqing ${k}, graphqlName: cq${k.toLowerCase()}, level: province, region: "500000" }`),
  ...districts.flatMap((d) => kinds.map((k) => `  - { code: "${d}-${k}", name: District ${d} ${k}, graphqlName: d${d}${k.toLowerCase()}, level: county, region: "${d}" }`)),
  'connected: []',
];
writeFileSync(join(dir, 'platform.yaml'), lines.join('\n') + '\n');

const cat = (id, compiler, resources) => ({ id, kind: 'departmental', title: `Catalogue ${id}`, compiler, resources });
const res = (code, provider, type, list, byKey, share, items) => ({
  code, name: `Resource ${code}`, provider, format: 'database', updateCycle: 'monthly', open: false,
  graphql: { type, list, byKey }, key: items[0].name, share, items,
});
const people = res('500000-GA-00001', '500000-GA', 'CqResident', 'cqResidents', 'cqResident',
  { type: 'unconditional', methods: ['api'], scope: { departments: ['500*'] } },
  [{ name: 'residentNo', type: 'string', required: true }, { name: 'idNumber', type: 'string', sensitivity: 'personal', mask: 'idcard' },
   { name: 'fullName', type: 'string', sensitivity: 'personal', mask: 'name' }, { name: 'district', type: 'string' }, { name: 'age', type: 'int' }]);
const firms = res('500000-SCJG-00001', '500000-SCJG', 'CqFirm', 'cqFirms', 'cqFirm',
  { type: 'unconditional', methods: ['api'], scope: { purposes: ['market-inspection', 'tax-credit', 'subsidy-review'] } },
  [{ name: 'firmNo', type: 'string', required: true }, { name: 'name', type: 'string' }, { name: 'district', type: 'string' }, { name: 'capital', type: 'int' }]);
const aid = res('500000-MZ-00001', '500000-MZ', 'CqAid', 'cqAids', 'cqAid',
  { type: 'conditional', conditions: 'Under a grant', basis: 'Municipal rules', methods: ['api'], scope: { purposes: ['subsidy-review', 'household-checks'] } },
  [{ name: 'aidNo', type: 'string', required: true }, { name: 'idNumber', type: 'string', sensitivity: 'personal', mask: 'idcard' }, { name: 'amount', type: 'int' }, { name: 'district', type: 'string' }]);
writeFileSync(join(dir, 'ga.json'), JSON.stringify(cat('CQ-GA', '500000-GA', [people])));
writeFileSync(join(dir, 'scjg.json'), JSON.stringify(cat('CQ-SCJG', '500000-SCJG', [firms])));
writeFileSync(join(dir, 'mz.json'), JSON.stringify(cat('CQ-MZ', '500000-MZ', [aid])));
const id = (i) => `5001${String((i % 38) + 1).padStart(2, '0')}19${String(50 + (i % 40)).padStart(2, '0')}0101${String(i % 1000).padStart(3, '0')}X`;
const rows = (n, f) => Array.from({ length: n }, (_, i) => JSON.stringify(f(i))).join('\n') + '\n';
writeFileSync(join(dir, 'people.jsonl'), rows(3000, (i) => ({ residentNo: `R${i}`, idNumber: id(i), fullName: `张三${i}`, district: districts[i % 38], age: 20 + (i % 60) })));
writeFileSync(join(dir, 'firms.jsonl'), rows(2000, (i) => ({ firmNo: `F${i}`, name: `Firm ${i}`, district: districts[i % 38], capital: i * 1000 })));
writeFileSync(join(dir, 'aid.jsonl'), rows(2000, (i) => ({ aidNo: `A${i}`, idNumber: id(i), amount: 100 + i, district: districts[i % 38] })));
