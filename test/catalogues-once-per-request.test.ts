// The catalogue lists of one request (`catalogues` at every alias and with any arguments, `catalogue`)
// read the catalogue versions once (their summaries, no document since the summaries): each read and parsed every version of every catalogue, so a query
// of 29 aliases of `catalogues { id }` over 50 catalogues of 10 versions held the loop ~6.7 s (now ~0.2 s).
// Each role's answer is the one each alias gets alone. On a Jiangxi platform of the test's own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addVersion, CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { JX, jiangxiCatalogues, jiangxiResource, publishHistory, writeJiangxiPlatform } from './helpers/jiangxi.ts';

/** Catalogue versions read as the lists read them (with their summaries), and with their documents, since the last reset. */
let listed = 0;
let documents = 0;
function countingStore(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.find = async (collection, query) => {
    const rows = await inner.find(collection, query);
    if (collection === CATALOGUE_VERSIONS && query?.projection?.includes('summary')) listed += rows.length;
    if (collection === CATALOGUE_VERSIONS && (!query?.projection || query.projection.includes('document'))) documents += rows.length;
    return rows;
  };
  return store;
}

let dir: string;
let gw: TestGateway;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-catalogues-once-'));
  const files = jiangxiCatalogues(1).map((c, i) => {
    const file = join(dir, `catalogue-${i}.yaml`);
    writeFileSync(file, stringify(c));
    return file;
  });
  gw = await startTestGateway({ platformFile: writeJiangxiPlatform(dir), catalogueFiles: files, wrapStore: countingStore });
  await publishHistory(gw.store, 3, 4);
  // Civil affairs' draft of a second version: its own and the supervisor's to see, no one else's.
  const [civil] = jiangxiCatalogues(1).filter((c) => c.compiler === JX.civil);
  await addVersion(gw.store, { ...civil!, resources: [...civil!.resources, jiangxiResource(`${JX.civil}-00002`, JX.civil, 'C1')] }, 'compiler', 'submitted');
}, 60_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ALIASES: Record<string, string> = {
  all: 'catalogues { id versions { version status } }',
  published: 'catalogues(status: PUBLISHED) { id }',
  submitted: 'catalogues(status: SUBMITTED) { id title }',
  civil: `catalogues(compiler: "${JX.civil}") { id versions { version status } }`,
  one: 'catalogue(id: "JX-MZT") { id versions { version status } }',
  again: 'catalogue(id: "JX-MZT") { id }',
};
const QUERY = `{ ${Object.entries(ALIASES).map(([alias, field]) => `${alias}: ${field}`).join(' ')} }`;
const VERSIONS = 2 + 3 * 4 + 1; // the two catalogues, the history, the draft

it("reads every version once a request, and each role gets what each alias gets alone", async () => {
  for (const [dept, roles] of [[JX.civil, []], [JX.police, []], [JX.supervisor, ['supervisor']], [JX.city, []]] as const) {
    const alone: Record<string, unknown> = {};
    for (const [alias, field] of Object.entries(ALIASES)) {
      const r = await gw.query(`{ ${alias}: ${field} }`, { dept, roles: [...roles] });
      expect(r.errors).toBeUndefined();
      alone[alias] = r.data![alias];
    }
    listed = documents = 0;
    const together = await gw.query(QUERY, { dept, roles: [...roles] });
    expect(together.errors).toBeUndefined();
    expect(together.data).toEqual(alone);
    // Every version once for the lists, and JX-MZT's two once for both `catalogue` fields; no document
    // (their summaries give what the lists show: test/platform-reads-same.test.ts).
    expect(listed).toBe(VERSIONS + 2);
    expect(documents).toBe(0);
  }
  // The draft is its compiler's and the supervisor's to see.
  const drafts = async (dept: string, roles: string[] = []) => (await gw.query('{ catalogues(status: SUBMITTED) { id } }', { dept, roles: roles as never })).data!.catalogues;
  expect(await drafts(JX.civil)).toEqual([{ id: 'JX-MZT' }]);
  expect(await drafts(JX.police)).toEqual([]);
});
