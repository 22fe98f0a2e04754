// How a resource and an item are shared reaches the schema's descriptions, which GraphiQL's docs and the
// generated typed clients show (SPEC §5: "how it is shared"). Found by the typed-clients and GraphiQL walk
// on a Fujian platform: an item shared on conditions of its own (`share: { type: conditional, conditions,
// basis }`) was described only as "shared conditional", its conditions and legal basis left out, although
// the resource's were shown; and no description said a resource's scope of use (the purposes a reader
// must send as x-purpose, the levels, departments and row scope), only an item's purposes.
import { isObjectType, type GraphQLObjectType } from 'graphql';
import { describe, expect, test } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { validateCatalogues } from '../src/catalogue/validate.ts';
import type { Platform } from '../src/model/platform.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';

const platform = (): Platform => {
  const { platform: p, problems } = validatePlatform({
    platform: { region: '350000', level: 'province', name: '福建省共享平台', competentDepartment: '350000-DSJ' },
    purposes: [{ code: 'di-bao-review', name: '低保审核' }, { code: 'shuang-sui-ji', name: '双随机抽查' }],
    departments: [
      { code: '350000-DSJ', name: '福建省大数据管理局', graphqlName: 'fjData', level: 'province', region: '350000' },
      { code: '350000-SCJG', name: '福建省市场监管局', graphqlName: 'fjMarket', level: 'province', region: '350000' },
      { code: '350100-MZJ', name: '福州市民政局', graphqlName: 'fuzhouCivil', level: 'city', region: '350100' },
    ],
    connected: [],
  });
  expect(problems).toEqual([]);
  return p!;
};

const catalogue = {
  id: 'FJ-SCJG',
  kind: 'departmental',
  title: '福建省市场监管局资源目录',
  compiler: '350000-SCJG',
  resources: [{
    code: '350000-SCJG-00001',
    name: '企业登记信息',
    provider: '350000-SCJG',
    graphql: { type: 'FjEnterprise', list: 'enterprises', byKey: 'enterprise' },
    key: 'creditCode',
    share: {
      type: 'unconditional', methods: ['api'],
      scope: { purposes: ['di-bao-review', 'shuang-sui-ji'], levels: ['province', 'city'], departments: ['350000-*', '3501*'], rows: { item: 'division' } },
    },
    items: [
      { name: 'creditCode', title: '统一社会信用代码', type: 'string', required: true },
      { name: 'division', title: '行政区划', type: 'string' },
      { name: 'taxArrears', title: '欠税金额', type: 'decimal',
        share: { type: 'conditional', conditions: '仅限"双随机"抽查 */ """', basis: '《市场主体登记管理条例》\\', scope: { purposes: ['shuang-sui-ji'], levels: ['province'] } } },
    ],
  }],
};

function enterpriseType(): GraphQLObjectType {
  const [result] = validateCatalogues([structuredClone(catalogue)], platform(), []);
  expect(result!.problems).toEqual([]);
  const type = buildGatewaySchema(platform(), [result!.catalogue!], { rules: false }).schema.getType('FjEnterprise');
  if (!isObjectType(type)) throw new Error('no resource type');
  return type;
}

describe('share settings in the schema\'s descriptions', () => {
  test('an item shared on conditions of its own says its conditions, legal basis and scope', () => {
    expect(enterpriseType().getFields().taxArrears!.description).toBe(
      '欠税金额 · decimal · shared conditional · purposes shuang-sui-ji\n' +
        'Scope of use: levels province.\n' +
        'Conditions: 仅限"双随机"抽查 */ """\n' +
        'Basis: 《市场主体登记管理条例》\\',
    );
    // An item without share settings of its own says only what it is.
    expect(enterpriseType().getFields().division!.description).toBe('行政区划 · string');
  });

  test('a resource says its scope of use: purposes, levels, departments and row scope', () => {
    expect(enterpriseType().description).toContain(
      'Scope of use: purposes `di-bao-review`, `shuang-sui-ji`; levels province, city; departments `350000-*`, `3501*`; ' +
        'rows by `division` (the records within the reading department\'s region).',
    );
  });

  test('the scope\'s codes and patterns are code spans: GraphiQL renders descriptions as Markdown', () => {
    // Found in GraphiQL's docs explorer: `350000-*, 3501*` showed as "350000-, 3501", the text between the
    // asterisks in italics. Outside code spans, no Markdown emphasis character is left in the line.
    const scope = enterpriseType().description!.split('\n').find((line) => line.startsWith('Scope of use:'))!;
    expect(scope.replace(/`[^`]*`/g, '')).not.toMatch(/[*_]/);
  });
});
