// Names people choose among must differ as a person reads them: a department or purpose whose name differs
// from another's only in Unicode form (NFC "é" against e + U+0301), width (full-width letters and digits),
// case, blanks or a zero-width space is refused at its path. On a platform of its own (Xinjiang, 650000).
import { describe, expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';

const NFC = 'Caf\u00e9';
const NFD = 'Cafe\u0301';

function platform(departments: string[], purposes: string[] = ['行政许可审查']) {
  return {
    platform: { region: '650000', level: 'province', name: '新疆维吾尔自治区政务信息资源共享平台', competentDepartment: '650000-ZWB' },
    purposes: purposes.map((name, i) => ({ code: `purpose-${i}`, name })),
    departments: [
      { code: '650000-ZWB', name: '自治区政务服务管理局', graphqlName: 'xjAdminService', level: 'province', region: '650000' },
      ...departments.map((name, i) => ({ code: `650000-D${i}`, name, graphqlName: `xjDept${i}`, level: 'province', region: '650000' })),
    ],
    connected: [],
  };
}

describe('names that read alike', () => {
  it('accepts names in several scripts that differ as read', () => {
    const names = ['新疆维吾尔自治区公安厅', 'شىنجاڭ جامائەت خەۋپسىزلىكى نازارىتى', 'བོད་ལྗོངས་སྤྱི་བདེ་ཅུས།', `${NFC} Bureau`, 'Cafe Bureau'];
    expect(validatePlatform(platform(names, ['行政许可审查', `${NFC} relief`])).problems).toEqual([]);
  });

  it.each([
    ['the same name', `${NFC} Bureau`, `"${NFC} Bureau" is already the name of departments[1] (650000-D0)`],
    ['NFD against NFC', `${NFD} Bureau`, `"Cafe\\u0301 Bureau" reads as "${NFC} Bureau", the name of departments[1] (650000-D0) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
    ['a zero-width space', `${NFC}\u200b Bureau`, `"${NFC}\\u200b Bureau" reads as "${NFC} Bureau", the name of departments[1] (650000-D0) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
    ['full-width letters and another case', `ＣＡＦ${NFC.slice(3).toUpperCase()}  bureau`, `"ＣＡＦÉ  bureau" reads as "${NFC} Bureau", the name of departments[1] (650000-D0) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
  ])('refuses a second department of %s', (_what, second, start) => {
    expect(validatePlatform(platform([`${NFC} Bureau`, second])).problems).toEqual([
      { path: 'departments[2].name', message: `${start}; department names must be told apart by people: choose another name` },
    ]);
  });

  it('refuses a purpose whose name reads as another purpose\'s', () => {
    expect(validatePlatform(platform(['自治区公安厅'], [`${NFC} relief`, `${NFD} relief`])).problems).toEqual([
      {
        path: 'purposes[1].name',
        message: `"Cafe\\u0301 relief" reads as "${NFC} relief", the name of purposes[0] (purpose-0) (they differ only in Unicode form, width, case, blanks or invisible characters); purpose names must be told apart by people: choose another name`,
      },
    ]);
  });
});
