// Demo records of real estate and land use rights.

import type { Row } from '../../store/port.ts';
import type { Rng } from './rng.ts';
import { pad, randomDate, addYears, laterOf } from './dates.ts';
import { round2, money, address } from './values.ts';
import type { Person, Enterprise } from './parties.ts';

export function realEstate(rng: Rng, adults: Person[], count: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const owner = rng.pick(adults);
    const usage = rng.weighted([['residential', 85], ['commercial', 7], ['office', 6], ['industrial', 2]] as const);
    rows.push({
      certificateNo: 'BDC-43' + pad(i + 1, 11),
      ownerIdNumber: owner.idNumber,
      ownerName: owner.fullName,
      location: address(rng, owner.county),
      floorArea: round2(rng.int(4000, 22000) / 100),
      usage,
      mortgaged: rng.chance(0.35),
      registeredOn: randomDate(rng, laterOf('2008-01-01', addYears(owner.birthDate, 18)), '2026-10-31'),
    });
  }
  return rows;
}

export function landUseRights(rng: Rng, enterprises: Enterprise[], count: number): Row[] {
  const terms: Record<string, number> = { industrial: 50, commercial: 40, residential: 70, public_service: 50, warehousing: 50 };
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const e = rng.pick(enterprises);
    const landUse = rng.pick(Object.keys(terms));
    const grantMethod = landUse === 'public_service' ? 'allocation' : rng.weighted([['transfer', 80], ['lease', 20]] as const);
    const grantedOn = randomDate(rng, laterOf('2000-01-01', e.establishedOn), '2026-10-31');
    const area = round2(rng.int(50_000, 5_000_000) / 100);
    const lon = 109 + rng.next() * 5;
    const lat = 25 + rng.next() * 5;
    const d = Math.sqrt(area) / 100_000;
    const pt = (x: number, y: number) => `${x.toFixed(6)} ${y.toFixed(6)}`;
    rows.push({
      parcelNo: `${e.county.code}-${pad(i + 1, 8)}`,
      holderCreditCode: e.creditCode,
      landUse,
      area,
      grantMethod,
      grantedOn,
      expiresOn: grantMethod === 'allocation' ? null : addYears(grantedOn, terms[landUse]),
      price: grantMethod === 'allocation' ? null : money((area * rng.int(800, 6000)) / 10_000),
      location: address(rng, e.county).replace(/\d+栋.*$/, '地块'),
      boundary: `POLYGON((${pt(lon, lat)}, ${pt(lon + d, lat)}, ${pt(lon + d, lat + d)}, ${pt(lon, lat + d)}, ${pt(lon, lat)}))`,
    });
  }
  return rows;
}
