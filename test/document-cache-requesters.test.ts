// The cache of validated documents is per requester (src/server/plugins/document-cache.ts). Found (h193,
// side channels): it was shared by every department, and a cached document skips parsing, validation and
// the compiled query, so a department that sent a text it guessed (a lookup of somebody's ID number, the
// number written in the document) learned from how fast it was answered whether another department had
// sent that text. Shown here without a clock: the documents validated (a document from the cache is not).
// On a Guangdong platform of its own (test/fixtures/zhuhai-leaks).
import { fileURLToPath } from 'node:url';
import type { ApolloServerPlugin } from '@apollo/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/zhuhai-leaks/${name}`, import.meta.url));
const TAX_BUREAU = '440000-SWJ';
const SHENZHEN = '440300-MZJ';
const ZHUHAI = '440400-MZJ';
const LOOKUP = 'query Debtor { zhTax { taxDebtor(idcard: "44040019800101123X") { debt } } }';

let gw: TestGateway;
/** The departments whose requests had their document validated, in order (a cached document is not). */
const validated: string[] = [];
const counting: ApolloServerPlugin<any> = {
  async requestDidStart() {
    return {
      async validationDidStart(rc) {
        if (rc.source === LOOKUP) validated.push(rc.contextValue.identity.dept.code);
      },
    };
  },
};

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')], gateway: { plugins: [counting] } });
}, 60_000);
afterAll(() => gw?.close());

it('serves a department the documents it sent itself from the cache, never another department\'s', async () => {
  // The tax bureau looks a debtor up twice: the second time from the cache.
  for (let i = 0; i < 2; i++) expect((await gw.query(LOOKUP, { dept: TAX_BUREAU, purpose: 'tax-check' })).errors).toBeUndefined();
  expect(validated).toEqual([TAX_BUREAU]);
  // Shenzhen sends the same text (refused: it holds no grant) and Zhuhai too: each parsed and validated
  // as a text never sent, then served from the cache to its own sender.
  for (const dept of [SHENZHEN, ZHUHAI, SHENZHEN, ZHUHAI]) {
    const r = await gw.query(LOOKUP, { dept, purpose: 'tax-check' });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
  }
  expect(validated).toEqual([TAX_BUREAU, SHENZHEN, ZHUHAI]);
});
