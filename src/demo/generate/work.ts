// Demo records of employment and business licences, linking people and enterprises.

import type { Row } from '../../store/port.ts';
import type { Rng } from './rng.ts';
import { POSITIONS } from './vocabulary.ts';
import { DEMO_REFERENCE_DATE, pad, randomDate, addYears, laterOf, datetimeOn } from './dates.ts';
import { money, sequenceKey } from './values.ts';
import type { Person, Enterprise } from './parties.ts';

export function employment(rng: Rng, people: Person[], enterprises: Map<string, Enterprise>): Row[] {
  const rows: Row[] = [];
  for (const p of people) {
    const code = p.row.employerCode as string | null;
    if (!code) continue;
    const e = enterprises.get(code)!;
    const contractStart = randomDate(rng, laterOf(e.establishedOn, addYears(p.birthDate, 18)), '2026-10-31');
    const contractType = rng.weighted([['fixed_term', 60], ['open_ended', 25], ['project_based', 7], ['part_time', 8]] as const);
    rows.push({
      registrationNo: sequenceKey('JY', rows.length + 1, 12),
      idNumber: p.idNumber,
      fullName: p.fullName,
      gender: p.gender,
      employerCode: code,
      employerName: e.name,
      position: rng.pick(POSITIONS),
      contractType,
      contractStart,
      contractEnd: contractType === 'fixed_term' ? addYears(contractStart, rng.pick([1, 3, 5])) : null,
      weeklyHours: contractType === 'part_time' ? rng.pick([16, 20, 24]) : rng.pick([40, 40, 40, 44]),
      insured: contractType !== 'part_time' && rng.chance(0.92),
      workRegion: e.county.code,
      registeredAt: datetimeOn(rng, contractStart),
      monthlyWage: money(rng.int(2200, 25_000)),
    });
  }
  return rows;
}

export function licences(rng: Rng, adults: Person[], count: number): Row[] {
  const kinds = [
    ['driving_licence', 'JSZ', '机动车驾驶证', '430000-GA', 6], ['marriage_certificate', 'JHZ', '结婚证', '430000-MZ', 99],
    ['professional_qualification', 'ZYZG', '职业资格证书', '430000-RST', 99], ['disability_certificate', 'CJZ', '残疾人证', '430000-MZ', 10],
    ['social_security_card', 'SBK', '社会保障卡', '430000-RST', 10], ['residence_permit', 'JZZ', '居住证', '430000-GA', 5],
  ] as const;
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const [type, abbrev, name, issuer, years] = rng.pick(kinds);
    const holder = rng.pick(adults);
    const issuedOn = randomDate(rng, laterOf('2012-01-01', addYears(holder.birthDate, 18)), '2026-10-31');
    const validUntil = years === 99 ? null : addYears(issuedOn, years);
    rows.push({
      licenceNo: `HN-${abbrev}-${pad(i + 1, 10)}`,
      licenceType: type,
      licenceName: name,
      holderIdNumber: holder.idNumber,
      holderName: holder.fullName,
      issuingDepartment: issuer,
      issuedOn,
      validUntil,
      status: rng.chance(0.02) ? 'revoked' : validUntil !== null && validUntil < DEMO_REFERENCE_DATE ? 'expired' : 'valid',
      fileDigest: rng.hex(32),
    });
  }
  return rows;
}
