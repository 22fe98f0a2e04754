// Demo records of criminal cases and administrative penalties.

import type { Row } from '../../store/port.ts';
import type { Rng } from './rng.ts';
import { pad, randomDate, addYears, laterOf } from './dates.ts';
import { money, personName } from './values.ts';
import type { Person, Enterprise } from './parties.ts';

export function criminalCases(rng: Rng, adults: Person[], count: number): Row[] {
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

export function penalties(rng: Rng, enterprises: Enterprise[], count: number): Row[] {
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
