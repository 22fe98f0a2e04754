// The demo data set: a deterministic generator (seeded PRNG, no Math.random, no clock) of records for
// every demo resource. People have valid ID numbers (GB 11643), enterprises valid credit codes (GB 32100);
// every link resolves: employers, legal representatives, licence holders, assistance recipients,
// spouses, owners and beneficiaries are generated people and enterprises.
// Rows follow the store's conventions (src/store/port.ts) and carry every item of their resource (null
// when absent), exactly as validateRecord would produce them.
import type { Row } from '../store/port.ts';
import { idCardCheckDigit } from '../formats/idcard.ts';
import { creditCodeCheckChar, CREDIT_CODE_CHARSET, organisationCodeCheckChar } from '../formats/credit-code.ts';
import { daysInMonth } from '../formats/calendar.ts';
import { Decimal } from '../formats/decimal.ts';

export const DEMO_SEED = 20261125;
/** The day the demo data is "as of": ages, expiries and statuses are computed against it, not the clock. */
export const DEMO_REFERENCE_DATE = '2026-11-01';

export interface DemoOptions {
  seed?: number;
  people?: number; // default 10,000
  enterprises?: number; // default 2,000
}

// ---- PRNG -------------------------------------------------------------------------------------------

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
  /** A weighted choice: `[[value, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of choices) {
      if ((r -= w) < 0) return v;
    }
    return choices[choices.length - 1][0];
  }
}

// ---- Vocabulary ---------------------------------------------------------------------------------------

interface County {
  code: string;
  city: string;
  district: string;
}

const CITIES: Record<string, string> = {
  '4301': '长沙市', '4302': '株洲市', '4303': '湘潭市', '4304': '衡阳市', '4305': '邵阳市', '4306': '岳阳市',
  '4307': '常德市', '4308': '张家界市', '4309': '益阳市', '4310': '郴州市', '4311': '永州市', '4312': '怀化市',
  '4313': '娄底市', '4331': '湘西土家族苗族自治州',
};

const COUNTIES: readonly County[] = ([
  ['430102', '芙蓉区'], ['430103', '天心区'], ['430104', '岳麓区'], ['430105', '开福区'], ['430111', '雨花区'],
  ['430112', '望城区'], ['430121', '长沙县'], ['430181', '浏阳市'], ['430182', '宁乡市'],
  ['430202', '荷塘区'], ['430203', '芦淞区'], ['430211', '天元区'], ['430302', '雨湖区'], ['430304', '岳塘区'],
  ['430321', '湘潭县'], ['430405', '珠晖区'], ['430407', '石鼓区'], ['430408', '蒸湘区'], ['430502', '双清区'],
  ['430503', '大祥区'], ['430602', '岳阳楼区'], ['430626', '平江县'], ['430702', '武陵区'], ['430703', '鼎城区'],
  ['430802', '永定区'], ['430902', '资阳区'], ['430903', '赫山区'], ['431002', '北湖区'], ['431003', '苏仙区'],
  ['431102', '零陵区'], ['431103', '冷水滩区'], ['431202', '鹤城区'], ['431302', '娄星区'], ['433101', '吉首市'],
] as const).map(([code, district]) => ({ code, city: CITIES[code.slice(0, 4)], district }));

const CHANGSHA = COUNTIES.filter((c) => c.code.startsWith('4301'));
const ELSEWHERE = COUNTIES.filter((c) => !c.code.startsWith('4301'));

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '蒋', '蔡', '余',
  '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金', '石',
  '廖', '贾', '夏', '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '段', '雷', '侯', '龙', '史',
  '陶', '黎', '贺', '顾', '毛', '郝', '龚', '邵', '万', '严', '覃', '向', '汤', '欧阳', '司马',
];
const GIVEN_MALE = ['伟', '强', '磊', '军', '洋', '勇', '杰', '涛', '明', '超', '刚', '建', '国', '文', '辉', '鹏', '浩', '宇', '轩', '睿', '博', '俊', '志', '湘', '岳', '楚', '峰', '斌', '鑫', '平'];
const GIVEN_FEMALE = ['芳', '娜', '敏', '静', '丽', '艳', '娟', '秀', '霞', '桂', '英', '华', '玲', '婷', '雪', '琳', '晨', '欣', '怡', '涵', '思', '雨', '佳', '红', '梅', '兰', '萍', '颖', '倩', '湘'];
const ETHNICITIES: readonly (readonly [string, number])[] = [
  ['汉族', 90], ['土家族', 4], ['苗族', 3], ['侗族', 1.5], ['瑶族', 1], ['白族', 0.3], ['回族', 0.2],
];
const STREETS = [
  '五一大道', '芙蓉中路', '韶山北路', '人民东路', '解放西路', '岳麓大道', '麓山南路', '劳动西路', '建设北路', '湘江中路',
  '车站北路', '东风路', '桐梓坡路', '万家丽路', '星沙大道', '金星路', '雨花亭路', '红旗路', '书院路', '银盆岭路',
  '新华路', '建设路', '解放路', '人民路', '中山路', '朝阳路', '迎宾路', '文化路',
];
const FIRM_WORDS = ['湘江', '麓山', '星城', '芙蓉', '潇湘', '橘洲', '楚天', '洞庭', '衡岳', '三湘', '韶山', '南岳', '梅溪', '金霞', '天心', '雨花', '望城', '湘楚', '岳阳', '长株潭', '五岭', '沅澧', '张家界', '梅山'];
const INDUSTRIES: readonly (readonly [string, string])[] = [
  ['科技', '技术开发、技术咨询、技术服务；软件开发；信息系统集成服务'],
  ['建材', '建筑材料、装饰材料的销售；水泥制品制造'],
  ['食品', '食品生产；食品销售；农副产品收购'],
  ['物流', '道路货物运输；仓储服务（不含危险化学品）；装卸搬运'],
  ['电子', '电子元器件制造与销售；电子产品研发'],
  ['农业开发', '农作物种植；蔬菜、水果种植与销售；农业技术推广服务'],
  ['医药', '药品批发；医疗器械经营；保健食品销售'],
  ['文化传媒', '广告设计、制作、代理；文化艺术交流活动策划'],
  ['建筑工程', '房屋建筑工程施工；市政公用工程施工；劳务分包'],
  ['餐饮管理', '餐饮服务；餐饮管理；食品销售'],
  ['机械制造', '通用设备制造；工程机械及配件的研发、生产与销售'],
  ['新能源', '太阳能发电技术服务；储能技术服务；电池销售'],
  ['信息技术', '互联网信息服务；数据处理和存储支持服务'],
  ['商贸', '日用百货、五金交电、服装鞋帽的批发和零售'],
  ['环保科技', '环境保护专用设备制造；污水处理及其再生利用'],
  ['茶业', '茶叶种植、加工与销售；预包装食品销售'],
];
const POSITIONS = ['软件工程师', '销售代表', '会计', '出纳', '行政专员', '生产操作工', '质检员', '司机', '仓库管理员', '厨师', '项目经理', '人事专员', '电工', '焊工', '客服专员', '设计师', '技术员', '采购员'];

// ---- Helpers -----------------------------------------------------------------------------------------

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isoDate(y: number, m: number, d: number): string {
  return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** A day in [from, to]; `from` itself when the range is empty. */
function randomDate(rng: Rng, from: string, to: string): string {
  if (to <= from) return from;
  const a = Date.parse(from + 'T00:00:00Z');
  const b = Date.parse(to + 'T00:00:00Z');
  return new Date(a + rng.int(0, Math.round((b - a) / 86_400_000)) * 86_400_000).toISOString().slice(0, 10);
}

function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const m = Number(date.slice(5, 7));
  const d = Math.min(Number(date.slice(8, 10)), daysInMonth(y, m));
  return isoDate(y, m, d);
}

function laterOf(a: string, b: string): string {
  return a > b ? a : b;
}

/** A moment on `date`, Beijing office hours, as the store keeps datetimes (UTC ISO). */
function datetimeOn(rng: Rng, date: string): string {
  const t = Date.parse(`${date}T00:00:00+08:00`) + rng.int(8 * 3600, 18 * 3600) * 1000;
  return new Date(t).toISOString();
}

function ageOn(birthDate: string, date: string): number {
  let age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (date.slice(5) < birthDate.slice(5)) age--;
  return age;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** An amount of money for a decimal item: two places kept as text ("1710.00"), as a register writes it. */
const money = (x: number): Decimal => Decimal.parse(x.toFixed(2))!;

function address(rng: Rng, county: County): string {
  return `湖南省${county.city}${county.district}${rng.pick(STREETS)}${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(1, 6)}单元${rng.int(1, 33)}${pad(rng.int(1, 8), 2)}室`;
}

function phone(rng: Rng): string {
  return '1' + rng.pick(['3', '5', '7', '8', '9']) + rng.digits(9);
}

function personName(rng: Rng, gender: 'male' | 'female'): string {
  const given = gender === 'male' ? GIVEN_MALE : GIVEN_FEMALE;
  return rng.pick(SURNAMES) + rng.pick(given) + (rng.chance(0.7) ? rng.pick(given) : '');
}

/** Makes keys unique: draws again until `make` returns a value not seen. */
function unique(seen: Set<string>, make: () => string): string {
  for (;;) {
    const v = make();
    if (!seen.has(v)) {
      seen.add(v);
      return v;
    }
  }
}

function sequenceKey(prefix: string, i: number, width: number): string {
  return prefix + pad(i, width);
}

// ---- People and enterprises --------------------------------------------------------------------------

interface Person {
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

interface Enterprise {
  row: Row;
  creditCode: string;
  name: string;
  county: County;
  establishedOn: string;
}

function makePeople(rng: Rng, count: number): Person[] {
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

function makeEnterprises(rng: Rng, count: number, adults: Person[]): Enterprise[] {
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

// ---- The other resources -----------------------------------------------------------------------------

function employment(rng: Rng, people: Person[], enterprises: Map<string, Enterprise>): Row[] {
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

function licences(rng: Rng, adults: Person[], count: number): Row[] {
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

const MISSPELT_EVERY = 100;
/** The name with its last character replaced by a homophone-like other one (no random draw). */
function misspelt(name: string): string {
  const last = name.at(-1)!;
  return name.slice(0, -1) + (last === '华' ? '化' : '华');
}

function minimumLivingAllowances(rng: Rng, candidates: Person[], count: number): Row[] {
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

function unemploymentBenefits(rng: Rng, candidates: Person[], enterprises: Enterprise[], count: number): Row[] {
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

function criminalCases(rng: Rng, adults: Person[], count: number): Row[] {
  const notes = ['嫌疑人已到案，正在补充侦查。', '证据材料已移送检察院审查起诉。', '案件线索来源于群众举报，已立案侦查。', '涉案财物已依法扣押。'];
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const p = rng.pick(adults);
    const filedOn = randomDate(rng, laterOf('2018-01-01', addYears(p.birthDate, 16)), '2026-10-31');
    rows.push({
      caseNo: 'A43' + filedOn.slice(0, 4) + pad(i + 1, 9),
      idNumber: rng.chance(0.9) ? p.idNumber : null,
      caseType: rng.pick(['theft', 'fraud', 'assault', 'traffic', 'drugs', 'other'] as const),
      filedOn,
      status: rng.weighted([['investigating', 30], ['transferred', 40], ['closed', 30]] as const),
      handlingUnit: `${p.county.city}公安局${p.county.district}分局`,
      notes: rng.pick(notes),
    });
  }
  return rows;
}

function penalties(rng: Rng, enterprises: Enterprise[], count: number): Row[] {
  const facts: Record<string, string> = {
    unlicensed_operation: '未取得营业执照从事经营活动。',
    false_advertising: '在网络平台发布虚假广告，对商品的性能作引人误解的宣传。',
    product_quality: '销售不符合国家标准的产品，经抽检不合格。',
    food_safety: '经营超过保质期的食品。',
    price: '未按规定明码标价。',
    unfair_competition: '实施混淆行为，擅自使用他人有一定影响的商品名称。',
  };
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const e = rng.pick(enterprises);
    const violationType = rng.pick(Object.keys(facts));
    const penaltyType = rng.weighted([['warning', 20], ['fine', 60], ['confiscation', 10], ['suspension', 7], ['licence_revocation', 3]] as const);
    const decidedOn = randomDate(rng, laterOf('2019-01-01', e.establishedOn), '2026-10-31');
    rows.push({
      decisionNo: `XZCF-43${decidedOn.slice(0, 4)}${pad(i + 1, 8)}`,
      creditCode: e.creditCode,
      violationType,
      violation: facts[violationType],
      penaltyType,
      fineAmount: penaltyType === 'fine' ? money(rng.int(10, 2000) * 100) : null,
      decidedOn,
      decidingUnit: `${e.county.city}市场监督管理局`,
      publicUntil: addYears(decidedOn, 3),
      informant: rng.chance(0.3) ? personName(rng, rng.chance(0.5) ? 'male' : 'female') : null,
      caseNotes: '经调查核实，当事人对违法事实无异议。',
    });
  }
  return rows;
}

function realEstate(rng: Rng, adults: Person[], count: number): Row[] {
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

function landUseRights(rng: Rng, enterprises: Enterprise[], count: number): Row[] {
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

function marriages(rng: Rng, adults: Person[], count: number): Row[] {
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

function elderlySubsidies(rng: Rng, people: Person[]): Row[] {
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

// ---- Everything --------------------------------------------------------------------------------------

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
