// The demo data set: a deterministic generator (seeded PRNG, no Math.random, no clock) of records for
// every demo resource. People have valid ID numbers (GB 11643), enterprises valid credit codes (GB 32100);
// every link resolves: employers, legal representatives, licence holders, assistance recipients,
// spouses, owners and beneficiaries are generated people and enterprises.
// Rows follow the store's conventions (src/store/port.ts) and carry every item of their resource (null
// when absent), exactly as validateRecord would produce them.

import type { Row } from '../../store/port.ts';
import { Rng } from './rng.ts';
import { makePeople, makeEnterprises } from './parties.ts';
import { employment, licences } from './work.ts';
import { minimumLivingAllowances, unemploymentBenefits, elderlySubsidies } from './welfare.ts';
import { criminalCases, penalties } from './enforcement.ts';
import { realEstate, landUseRights } from './property.ts';
import { marriages } from './marriages.ts';

const DEMO_SEED = 20261125;

interface DemoOptions {
  seed?: number;
  people?: number; // default 10,000
  enterprises?: number; // default 2,000
}

/** Records for every demo resource, by resource code. The same options always give the same records. */
export function generateDemoRecords(options: DemoOptions = {}): Map<string, Row[]> {
  const rng = new Rng(options.seed ?? DEMO_SEED);
  const people = makePeople(rng, options.people ?? 10_000);
  const adults = people.filter((p) => p.age >= 18);
  const enterpriseList = makeEnterprises(rng, options.enterprises ?? 2_000, adults.filter((p) => p.age >= 22));
  const enterprises = new Map(enterpriseList.map((e) => [e.creditCode, e]));
  const working = enterpriseList.filter((e) => e.row.status === 'active');

  // Employers: three in four people of working age work for an active enterprise founded before today.
  for (const p of people) {
    if (p.age >= 18 && p.age < 60 && rng.chance(0.75)) p.row.employerCode = rng.pick(working).creditCode;
  }
  const notWorking = adults.filter((p) => p.row.employerCode === null);
  const workingAge = notWorking.filter((p) => p.age < 58);

  const records = new Map<string, Row[]>();
  records.set('430000-GA-00001', people.map((p) => p.row));
  records.set('430000-SCJG-00001', enterpriseList.map((e) => e.row));
  records.set('430000-RST-00001', employment(rng, people, enterprises));
  records.set('430000-ZWB-00001', licences(rng, adults, 6_000));
  records.set('430000-MZ-00001', minimumLivingAllowances(rng, notWorking, 800));
  records.set('430000-RST-00002', unemploymentBenefits(rng, workingAge.slice(800), enterpriseList, 600));
  records.set('430000-GA-00002', criminalCases(rng, adults, 300));
  records.set('430000-SCJG-00002', penalties(rng, enterpriseList, 600));
  records.set('430000-ZRZYT-00001', realEstate(rng, adults, 3_000));
  records.set('430000-ZRZYT-00002', landUseRights(rng, enterpriseList, 500));
  records.set('430000-MZ-00002', marriages(rng, adults, 1_500));
  records.set('430100-MZ-00001', elderlySubsidies(rng, people));
  return records;
}
