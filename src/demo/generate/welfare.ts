// Demo records of assistance: minimum living allowances, unemployment benefits, elderly subsidies.

import type { Row } from '../../store/port.ts';
import type { Rng } from './rng.ts';
import { DEMO_REFERENCE_DATE, pad, randomDate, addYears, laterOf, datetimeOn, ageOn } from './dates.ts';
import { money, sequenceKey } from './values.ts';
import type { Person, Enterprise } from './parties.ts';

const MISSPELT_EVERY = 100;
/** The name with its last character replaced by a homophone-like other one (no random draw). */
function misspelt(name: string): string {
  const last = name.at(-1)!;
  return name.slice(0, -1) + (last === '华' ? '化' : '华');
}

export function minimumLivingAllowances(rng: Rng, candidates: Person[], count: number): Row[] {
  const rows: Row[] = [];
  for (const p of candidates.slice(0, count)) {
    const category = p.row.hukouType === 'urban' ? 'urban' : 'rural';
    const size = rng.int(1, 6);
    const approvedOn = randomDate(rng, laterOf('2015-01-01', addYears(p.birthDate, 18)), '2026-10-31');
    rows.push({
      caseNo: 'DB' + p.county.code + pad(rows.length + 1, 8),
      idNumber: p.idNumber,
      // A few names as the civil affairs bureau wrote them down, unlike the household register: the
      // consistency report (SPEC §14, Art. 13) between the two has something to show.
      fullName: rows.length % MISSPELT_EVERY === MISSPELT_EVERY - 1 ? misspelt(p.fullName) : p.fullName,
      category,
      householdSize: size,
      monthlyAllowance: money((category === 'urban' ? rng.int(300, 650) : rng.int(200, 450)) * size),
      bankAccount: rng.chance(0.95) ? rng.pick(['621700', '622202', '621799', '623059']) + rng.digits(13) : null,
      phone: p.row.phone,
      disabilityLevel: rng.weighted([['none', 80], ['level_1', 4], ['level_2', 5], ['level_3', 5], ['level_4', 6]] as const),
      countyCode: p.county.code,
      approvedOn,
      status: rng.weighted([['active', 85], ['suspended', 5], ['terminated', 10]] as const),
      reviewedAt: datetimeOn(rng, randomDate(rng, approvedOn, '2026-10-31')),
    });
  }
  return rows;
}

export function unemploymentBenefits(rng: Rng, candidates: Person[], enterprises: Enterprise[], count: number): Row[] {
  const rows: Row[] = [];
  for (const p of candidates.slice(0, count)) {
    const startDate = randomDate(rng, laterOf('2022-01-01', addYears(p.birthDate, 19)), '2026-10-31');
    const endDate = addYears(startDate, rng.pick([1, 2]));
    rows.push({
      claimNo: sequenceKey('SY', rows.length + 1, 12),
      idNumber: p.idNumber,
      fullName: p.fullName,
      lastEmployerCode: rng.pick(enterprises).creditCode,
      monthlyBenefit: money(rng.int(1500, 1900) * 0.9),
      startDate,
      endDate,
      status: endDate < DEMO_REFERENCE_DATE ? 'ended' : rng.chance(0.05) ? 'suspended' : 'paying',
    });
  }
  return rows;
}

export function elderlySubsidies(rng: Rng, people: Person[]): Row[] {
  const rows: Row[] = [];
  for (const p of people) {
    if (!p.county.code.startsWith('4301') || p.age < 80) continue;
    const subsidyType = rng.weighted([['age_allowance', 70], ['care_subsidy', 20], ['service_voucher', 10]] as const);
    const since = randomDate(rng, laterOf('2016-01-01', addYears(p.birthDate, 80)), DEMO_REFERENCE_DATE);
    rows.push({
      subsidyNo: sequenceKey('YL', rows.length + 1, 12),
      idNumber: p.idNumber,
      fullName: p.fullName,
      age: ageOn(p.birthDate, since),
      subsidyType,
      monthlyAmount: money(subsidyType === 'age_allowance' ? (p.age >= 90 ? 200 : 100) : subsidyType === 'care_subsidy' ? 300 : 150),
      district: p.county.code,
      since,
      active: rng.chance(0.95),
    });
  }
  return rows;
}
