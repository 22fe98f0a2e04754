// Demo records of marriage registrations between generated people.

import type { Row } from '../../store/port.ts';
import type { Rng } from './rng.ts';
import { pad, randomDate, addYears, laterOf } from './dates.ts';
import { sequenceKey } from './values.ts';
import type { Person } from './parties.ts';

export function marriages(rng: Rng, adults: Person[], count: number): Row[] {
  const men = adults.filter((p) => p.gender === 'male' && p.age >= 22);
  const women = adults.filter((p) => p.gender === 'female' && p.age >= 22);
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const a = rng.pick(men);
    const b = rng.pick(women);
    const youngest = a.birthDate > b.birthDate ? a : b;
    const registeredOn = randomDate(rng, laterOf('1995-01-01', addYears(youngest.birthDate, 22)), '2026-10-31');
    rows.push({
      registrationNo: sequenceKey('HY', i + 1, 12),
      kind: rng.chance(0.85) ? 'marriage' : 'divorce',
      partyAIdNumber: a.idNumber,
      partyAName: a.fullName,
      partyBIdNumber: b.idNumber,
      partyBName: b.fullName,
      registeredOn,
      registryOffice: `${a.county.city}${a.county.district}民政局婚姻登记处`,
      certificateNo: `J${a.county.code}-${registeredOn.slice(0, 4)}-${pad(i + 1, 6)}`,
    });
  }
  return rows;
}
