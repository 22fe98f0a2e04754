// What the publication history costs once it is read (src/access/item-since.ts): each version stores what
// it carries, so no document is read for it (one of a version stored before is read and parsed once per
// process and store), not once per submission warning asked (the catalogues query lists the warnings of
// every version under review: one reading of the whole history per version was an N+1), and the grants in force are worked out once per list of grants and resource, not at every
// access decision of a request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeGrant } from '../src/access/grants.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { grantsInForce, ItemHistory, itemHistoryOf } from '../src/access/item-since.ts';
import { and, eq } from '../src/store/port.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { addVersion, CATALOGUE_VERSIONS, markPublished, publishedCatalogues } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { submissionWarnings } from '../src/workflow/catalogues.ts';
import { bigPlatformCatalogues } from './helpers/big-platform.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
const [catalogue] = bigPlatformCatalogues(3);
const [first] = catalogue.resources;
const dropped = first.items.at(-1)!.name;
const requester = platform.departments.find((d) => d.code !== first.provider)!.code;
const withItems = (items: typeof first.items): Catalogue => ({ ...catalogue, resources: catalogue.resources.map((r, i) => (i ? r : { ...r, items })) });

let dir: string;
let raw: Store;
let store: Store;
/** The finds that read one version's document, as ItemHistory reads the history. */
let documentReads = 0;
const grant: Grant = {
  id: 'g-1', requester, resource: first.code, items: first.items.map((i) => i.name), purposes: ['p'], unmasked: [], rows: null,
  from: '2020-01-01T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2020-01-01T00:00:00.000Z', createdBy: 'test', requestId: null,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-item-history-'));
  raw = await openSqliteStore(dir);
  store = new Proxy(raw, {
    get(target, p) {
      if (p === 'find') {
        return (collection: string, query: Parameters<Store['find']>[1]) => {
          if (collection === CATALOGUE_VERSIONS && query?.projection?.length === 1 && query.projection[0] === 'document') documentReads++;
          return target.find(collection, query);
        };
      }
      const v = Reflect.get(target, p) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // Published, then a version without the last item of the first resource, then one with it again.
  const versions = [catalogue, withItems(first.items.slice(0, -1)), catalogue];
  for (const [k, c] of versions.entries()) {
    const v = await addVersion(store, c, 'test', 'approved');
    expect(await markPublished(store, c.id, v.version, new Date(Date.UTC(2021, 0, 1 + k)))).toBe(true);
  }
  await storeGrant(store, grant);
});

afterAll(async () => {
  await raw.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the publication history, read once', () => {
  it('reads no version document for the warnings of many submitted versions: each version stores what it carries', async () => {
    const env = { store, platform, now: new Date() };
    const draft = withItems(first.items.slice(0, -2));
    const before = documentReads;
    const once = await submissionWarnings(env, draft, null);
    for (let k = 0; k < 5; k++) expect(await submissionWarnings(env, draft, null)).toEqual(once);
    expect(documentReads - before).toBe(0);
    expect(once.length).toBeGreaterThan(0);
  });

  it('reads the document of a version stored before versions stored what they carry, once, to the same runs', async () => {
    const fresh = async () => {
      const catalogues = await publishedCatalogues(store);
      const history = new ItemHistory(store);
      await history.mark(catalogues);
      return { history, catalogues, answer: grantsInForce(catalogues[0].resources[0], [grant]) };
    };
    const { answer: expected } = await fresh();
    // Version 2 (the one dropping the item) as stored before: no `carries`.
    expect(await raw.update(CATALOGUE_VERSIONS, and(eq('id', catalogue.id), eq('version', 2)), { carries: null })).toBe(1);
    const before = documentReads;
    const { history, catalogues, answer } = await fresh();
    expect(documentReads - before).toBe(1);
    expect(answer).toEqual(expected);
    expect(answer[0].items).not.toContain(dropped);
    await history.mark(catalogues);
    expect(documentReads - before).toBe(1);
  });

  it('works out the grants in force once per list of grants and resource, with the item set aside', async () => {
    const catalogues = await publishedCatalogues(store);
    await itemHistoryOf(store).mark(catalogues);
    const resource = catalogues[0].resources[0];
    const grants = [grant];
    const answer = grantsInForce(resource, grants);
    expect(answer[0].items).not.toContain(dropped);
    expect(answer[0].items).toHaveLength(first.items.length - 1);
    expect(grantsInForce(resource, grants)).toBe(answer);
    // Another list (another request's) is worked out on its own, to the same grants.
    expect(grantsInForce(resource, [grant])).toEqual(answer);
  });
});
