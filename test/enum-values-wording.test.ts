// An enum item's values are GraphQL enum values (the schema's and the typed client's names): a
// department developer who writes the values as they are spoken (性别: 男, 女) used to be told only
// `"男" is not a valid GraphQL enum value like "ACTIVE"`, which says neither what a valid one is nor
// where the Chinese wording goes. The message now says both. (Found by the devday walk, Shaanxi.)
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';

const platform = loadPlatform(fileURLToPath(new URL('./fixtures/shaanxi-masks/platform.yaml', import.meta.url)));

test('a value in Chinese is refused with what a value may hold and where the words go', () => {
  const doc = {
    id: 'XA-MZJ', kind: 'departmental', title: '西安市民政局资源目录', compiler: '610100-MZJ',
    resources: [{
      code: '610100-MZJ-00002', name: '救助对象', provider: '610100-MZJ', graphql: { type: 'XaAid', list: 'aids', byKey: 'aid' },
      key: 'aidNo', share: { type: 'unconditional', methods: ['api'] },
      items: [{ name: 'aidNo', type: 'string', required: true }, { name: 'sex', title: '性别', type: 'enum', values: ['男', 'female'] }],
    }],
  };
  expect(validateCatalogue(doc, platform, []).problems).toEqual([{
    path: 'resources[0].items[1].values[0]',
    message: `"男" is not a valid GraphQL enum value (Latin letters, digits and _, not starting with a digit; words in Chinese go in the item's title) like "ACTIVE"`,
  }]);
});
