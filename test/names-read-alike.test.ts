// Names people choose among must differ as a person reads them: a department or purpose whose name differs
// from another's only in Unicode form (NFC "é" against e + U+0301), width (full-width letters and digits),
// case, blanks or a soft hyphen is refused at its path, and so is a resource whose name reads as
// another resource's of the same provider. On a platform of its own (Xinjiang, 650000).
import { describe, expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';

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
    ['NFD against NFC', `${NFD} Bureau`, `"Cafe\\u0301 Bureau" reads as "${NFC} Bureau", the name of departments[1] (650000-D0) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
    ['a soft hyphen', `${NFC}\u00ad Bureau`, `"${NFC}\\u00ad Bureau" reads as "${NFC} Bureau", the name of departments[1] (650000-D0) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
    ['full-width letters and another case', `ＣＡＦ${NFC.slice(3).toUpperCase()}  bureau`, `"ＣＡＦÉ  bureau" reads as "${NFC} Bureau", the name of departments[1] (650000-D0) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
  ])('refuses a second department of %s', (_what, second, start) => {
    expect(validatePlatform(platform([`${NFC} Bureau`, second])).problems).toEqual([
      { path: 'departments[2].name', message: `${start}; department names must be told apart by people: choose another name` },
    ]);
  });

  it('accepts a name written twice the same, as it always did (two counties\' bureaus may share one), and refuses a third that only reads as it', () => {
    expect(validatePlatform(platform([`${NFC} Bureau`, `${NFC} Bureau`], ['relief', 'relief'])).problems).toEqual([]);
    expect(validatePlatform(platform([`${NFC} Bureau`, `${NFC} Bureau`, `${NFD} Bureau`])).problems.map((p) => p.path)).toEqual(['departments[3].name']);
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

describe('resource names that read alike', () => {
  const xj = validatePlatform(platform(['新疆维吾尔自治区公安厅 شىنجاڭ جامائەت خەۋپسىزلىكى نازارىتى', '乌鲁木齐市民政局'])).platform as Platform;
  const resource = (n: number, name: string, provider = '650000-D0') => ({
    code: `${provider}-0000${n}`,
    name,
    provider,
    graphql: { type: `XjRegister${n}`, list: `xjRegisters${n}`, byKey: `xjRegister${n}` },
    key: 'householdNo',
    share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'householdNo', type: 'string', required: true }],
  });
  const catalogue = (id: string, resources: ReturnType<typeof resource>[], compiler = '650000-D0') => ({ id, kind: 'basic', subject: '人口', title: `目录 ${id}`, compiler, resources });
  const problemsOf = (doc: unknown, others: Catalogue[] = []) => validateCatalogue(doc, xj, others).problems;
  const tail = 'the resources of one provider must be told apart by their names: choose another name';

  it('accepts one name for two providers, and names of one provider that differ as read', () => {
    const doc = catalogue('XJ-POP', [resource(1, `${NFC} registry`), resource(2, `${NFC} registry`, '650000-D1'), resource(3, 'Cafe registry'), resource(4, 'བོད་ཡིག ཐོ་གཞུང་')]);
    expect(problemsOf(doc)).toEqual([]);
  });

  it('accepts a name of one provider written twice the same, as it always did (catalogues copied from one another)', () => {
    expect(problemsOf(catalogue('XJ-POP', [resource(1, `${NFC} registry`), resource(2, `${NFC} registry`)]))).toEqual([]);
  });

  it.each([
    ['NFD against NFC', `${NFD} registry`, `"Cafe\\u0301 registry" reads as "${NFC} registry", the name of resource 650000-D0-00001 (resources[0]) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
    ['a soft hyphen', `${NFC} \u00adregistry`, `"${NFC} \\u00adregistry" reads as "${NFC} registry", the name of resource 650000-D0-00001 (resources[0]) (they differ only in Unicode form, width, case, blanks or invisible characters)`],
  ])('refuses a second resource of one provider of %s', (_what, second, start) => {
    expect(problemsOf(catalogue('XJ-POP', [resource(1, `${NFC} registry`), resource(2, second)]))).toEqual([{ path: 'resources[1].name', message: `${start}; ${tail}` }]);
  });

  it("refuses a name that reads as one of the provider's resources in another catalogue in effect, not in its own earlier version", () => {
    const published = catalogue('XJ-GAT', [resource(1, `${NFC} registry`)]) as unknown as Catalogue;
    expect(problemsOf(catalogue('XJ-POP', [resource(2, `${NFD} registry`)]), [published])).toEqual([
      { path: 'resources[0].name', message: `"Cafe\\u0301 registry" reads as "${NFC} registry", the name of resource 650000-D0-00001 (catalogue "XJ-GAT") (they differ only in Unicode form, width, case, blanks or invisible characters); ${tail}` },
    ]);
    expect(problemsOf(catalogue('xj-gat', [resource(1, `${NFD} registry`)]), [published])).toEqual([]);
  });
});
