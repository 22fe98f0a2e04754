// The people and enterprises of the demo data: people with valid ID numbers (GB 11643), enterprises
// with valid credit codes (GB 32100), whom every other resource links to.

import type { Row } from '../../store/port.ts';
import { idCardCheckDigit } from '../../formats/idcard.ts';
import { creditCodeCheckChar, CREDIT_CODE_CHARSET, organisationCodeCheckChar } from '../../formats/credit-code.ts';
import type { Rng } from './rng.ts';
import { type County, CHANGSHA, ELSEWHERE, ETHNICITIES, FIRM_WORDS, INDUSTRIES } from './vocabulary.ts';
import { DEMO_REFERENCE_DATE, pad, randomDate, addYears, laterOf, datetimeOn, ageOn } from './dates.ts';
import { money, address, phone, personName, unique } from './values.ts';

export interface Person {
  row: Row;
  idNumber: string;
  fullName: string;
  gender: 'male' | 'female';
  birthDate: string;
  county: County;
  phone: string;
  address: string;
  age: number;
}

export interface Enterprise {
  row: Row;
  creditCode: string;
  name: string;
  county: County;
  establishedOn: string;
}

export function makePeople(rng: Rng, count: number): Person[] {
  const ids = new Set<string>();
  const people: Person[] = [];
  let household = '';
  for (let i = 0; i < count; i++) {
    const county = rng.chance(0.4) ? rng.pick(CHANGSHA) : rng.pick(ELSEWHERE);
    const gender = rng.chance(0.51) ? 'male' : 'female';
    const birthDate = randomDate(rng, '1935-01-01', '2008-10-31');
    const idNumber = unique(ids, () => {
      const seq = rng.int(0, 99) * 10 + (gender === 'male' ? rng.pick([1, 3, 5, 7, 9]) : rng.pick([0, 2, 4, 6, 8]));
      const first17 = county.code + birthDate.replaceAll('-', '') + pad(seq, 3);
      return first17 + idCardCheckDigit(first17);
    });
    const age = ageOn(birthDate, DEMO_REFERENCE_DATE);
    const startsHousehold = household === '' || rng.chance(0.45);
    if (startsHousehold) household = county.code + rng.digits(6);
    const maritalStatus = age < 22 ? 'unmarried'
      : rng.weighted([['married', 70], ['unmarried', 12], ['divorced', 8], ['widowed', age > 60 ? 15 : 2]] as const);
    const p: Person = {
      row: {}, idNumber, fullName: personName(rng, gender), gender, birthDate, county,
      phone: phone(rng), address: address(rng, county), age,
    };
    p.row = {
      idNumber,
      fullName: p.fullName,
      gender,
      ethnicity: rng.weighted(ETHNICITIES),
      birthDate,
      phone: age >= 12 ? p.phone : null,
      address: p.address,
      regionCode: county.code,
      householdNumber: household,
      relationToHead: startsHousehold ? 'head' : rng.weighted([['spouse', 40], ['child', 40], ['parent', 12], ['other', 8]] as const),
      hukouType: rng.chance(0.58) ? 'urban' : 'rural',
      maritalStatus,
      education: age < 12 ? 'primary' : rng.weighted([
        ['primary', 10], ['junior_secondary', 30], ['senior_secondary', 25], ['college', 15], ['bachelor', 16], ['postgraduate', 4],
      ] as const),
      employerCode: null, // set once enterprises exist
      registeredAt: datetimeOn(rng, laterOf(birthDate, randomDate(rng, '1990-01-01', '2020-12-31'))),
    };
    people.push(p);
  }
  return people;
}

const ENTERPRISE_TYPES = [
  ['limited_liability', 60], ['joint_stock', 6], ['sole_proprietorship', 5], ['partnership', 4],
  ['individual_business', 20], ['cooperative', 5],
] as const;

function creditCode(rng: Rng, county: County, type: string, seen: Set<string>): string {
  return unique(seen, () => {
    const authority = type === 'cooperative' ? '93' : type === 'individual_business' ? '92' : '91';
    let org = 'MA4';
    for (let i = 0; i < 5; i++) org += CREDIT_CODE_CHARSET[rng.int(0, 30)];
    org += organisationCodeCheckChar(org);
    const first17 = authority + county.code + org;
    return first17 + creditCodeCheckChar(first17);
  });
}

function enterpriseName(rng: Rng, county: County, type: string, industry: string, owner: Person): string {
  const word = rng.pick(FIRM_WORDS);
  switch (type) {
    case 'joint_stock': return `湖南${word}${industry}股份有限公司`;
    case 'sole_proprietorship': return `${county.city}${word}${industry}（个人独资）`;
    case 'partnership': return `湖南${word}${industry}企业（有限合伙）`;
    case 'individual_business': return `${county.city}${county.district}${Array.from(owner.fullName)[0]}记${industry}店`;
    case 'cooperative': return `${county.district}${word}${industry}农民专业合作社`;
    default: return rng.chance(0.5) ? `湖南${word}${industry}有限公司` : `${county.city}${word}${industry}有限责任公司`;
  }
}

export function makeEnterprises(rng: Rng, count: number, adults: Person[]): Enterprise[] {
  const codes = new Set<string>();
  const out: Enterprise[] = [];
  for (let i = 0; i < count; i++) {
    const county = rng.chance(0.45) ? rng.pick(CHANGSHA) : rng.pick(ELSEWHERE);
    const type = rng.weighted(ENTERPRISE_TYPES);
    const [industry, scope] = rng.pick(INDUSTRIES);
    const rep = rng.pick(adults);
    const code = creditCode(rng, county, type, codes);
    const name = enterpriseName(rng, county, type, industry, rep);
    const establishedOn = randomDate(rng, laterOf('1995-01-01', addYears(rep.birthDate, 20)), '2025-12-31');
    const status = rng.weighted([['active', 88], ['suspended', 3], ['revoked', 4], ['cancelled', 5]] as const);
    const approvedOn = randomDate(rng, establishedOn, '2026-10-31');
    out.push({
      creditCode: code, name, county, establishedOn,
      row: {
        creditCode: code,
        name,
        enterpriseType: type,
        legalRepresentative: rep.fullName,
        legalRepresentativeId: rep.idNumber,
        registeredCapital: type === 'individual_business' ? money(rng.int(1, 50) / 2) : money(rng.int(10, 200_000) / 4),
        establishedOn,
        businessScope: `${scope}。（依法须经批准的项目，经相关部门批准后方可开展经营活动）`,
        address: address(rng, county).replace(/\d+单元\d+室$/, `${rng.int(1, 20)}楼`),
        regionCode: county.code,
        status,
        registrationAuthority: `${county.city}${county.district}市场监督管理局`,
        contactPhone: rng.chance(0.9) ? phone(rng) : null,
        email: rng.chance(0.6) ? `contact${pad(i, 4)}@hn-ent${pad(i, 4)}.com.cn` : null,
        approvedOn,
        updatedAt: datetimeOn(rng, approvedOn),
      },
    });
  }
  return out;
}
