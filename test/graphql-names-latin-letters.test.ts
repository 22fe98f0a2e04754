// A GraphQL name (an item's, a resource's type or list, a department's graphqlName) written as a
// developer of Xinjiang speaks it, 金额 or Ürümchi, used to be refused with only `is not a valid GraphQL
// field name (letters, digits and _, ...) like "householdRegistrations"`: both are letters to a reader,
// and the example is the demo's. The refusal now names the character that is no Latin letter and says
// what to write: the name without its accents, or a Latin name with the words in the title or name.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadPlatform, validatePlatform } from '../src/catalogue/platform.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';

const platformFile = fileURLToPath(new URL('./fixtures/xinjiang-reads/platform.yaml', import.meta.url));
const platform = loadPlatform(platformFile);

const catalogue = (graphql: Record<string, string>, item: string) => ({
  id: 'XJ-MZJ', kind: 'departmental', title: '乌鲁木齐市民政局资源目录', compiler: '650100-MZJ',
  resources: [{
    code: '650100-MZJ-00001', name: '低保对象 (Eng töwen turmush kapaliti)', provider: '650100-MZJ',
    graphql: { type: 'UrAid', list: 'aids', byKey: 'aid', ...graphql },
    key: 'anJianHao', share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'anJianHao', title: '案件号', type: 'string', required: true }, { name: item, title: '金额', type: 'decimal' }],
  }],
});

const messages = (doc: unknown) => validateCatalogue(doc, platform, []).problems.map((p) => `${p.path}: ${p.message}`);

test('an item named in Chinese is told to take a Latin name and put the words in its title', () => {
  expect(messages(catalogue({}, '金额'))).toEqual([
    'resources[0].items[1].name: "金额" is not a valid GraphQL field name (letters, digits and _, not starting with a digit or __) like "householdRegistrations"; '
      + '金 (character 1) is no Latin letter A-Z or a-z, the only letters a GraphQL name takes: write the name in pinyin or Latin script without accents (jinE for 金额), and the words in the item\'s title',
  ]);
});

test('a Uyghur name in Latin script with accents is given the name without them, as a type takes it', () => {
  expect(messages(catalogue({ type: 'Ürümchi', list: 'ürümchiAids' }, 'jinE'))).toEqual([
    'resources[0].graphql.type: "Ürümchi" is not a valid GraphQL type name (letters, digits and _, starting with a capital letter) like "HouseholdRegistration"; '
      + 'Ü (character 1) is no Latin letter A-Z or a-z, the only letters a GraphQL name takes: write "Urumchi"',
    'resources[0].graphql.list: "ürümchiAids" is not a valid GraphQL field name (letters, digits and _, not starting with a digit or __) like "householdRegistrations"; '
      + 'ü (character 1) is no Latin letter A-Z or a-z, the only letters a GraphQL name takes: write "urumchiAids"',
  ]);
  // A type name starts with a capital: the suggestion does too.
  expect(messages(catalogue({ type: 'ürümchi' }, 'jinE'))[0]).toMatch(/: write "Urumchi"$/);
});

test('a department graphqlName in Chinese points to the department name', () => {
  const doc = parse(readFileSync(platformFile, 'utf8')) as { departments: { graphqlName: string }[] };
  doc.departments[3]!.graphqlName = '民政局';
  expect(validatePlatform(doc).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
    'departments[3].graphqlName: "民政局" is not a valid GraphQL field name (letters, digits and _, not starting with a digit or __) like "publicSecurity"; '
      + '民 (character 1) is no Latin letter A-Z or a-z, the only letters a GraphQL name takes: write the name in pinyin or Latin script without accents (jinE for 金额), and the words in the department\'s name',
  ]);
});

test('a name refused for a digit first or a dash keeps the pattern\'s own wording, with no letter blamed', () => {
  expect(messages(catalogue({}, '2jinE'))).toEqual([
    'resources[0].items[1].name: "2jinE" is not a valid GraphQL field name (letters, digits and _, not starting with a digit or __) like "householdRegistrations"',
  ]);
});
