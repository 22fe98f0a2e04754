// Versions are published in the order of their numbers, as the publication history counts them
// (src/access/item-since.ts). Two publications of one catalogue at once, the newer landing between the older one's claim and its
// check for a newer version (src/catalogue/repository.ts, markPublished): the newer one's superseding
// write supersedes the older before the older gives its claim back. The older version was never in
// effect (readers take the newest published), and the publication history (src/access/item-since.ts)
// leaves out a version superseded with no publishedAt; but the older kept the publishedAt of its claim,
// so an item it dropped counted as dropped and published again, and the grants decided before it lost
// that item for good. And an approved version older than one published and then withdrawn was published:
// the history, counting by numbers, went from it back to the versions before the withdrawn one, and the
// grants decided before the withdrawal read again what the withdrawn version had dropped (workflow.md:
// grants to a withdrawn catalogue's resources do not come back). A store of its own; minimal catalogues.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grantsInForce, ItemHistory } from '../src/access/item-since.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { addVersion, CATALOGUE_VERSIONS, markPublished, publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { and, eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const CODE = '610000-GA-00001';
const cat = (items: string[]) => ({
  id: 'SX-GA', compiler: '610000-GA',
  resources: [{ code: CODE, name: 'Vehicles', provider: '610000-GA', key: 'plate', items: items.map((name) => ({ name })) }],
}) as unknown as Catalogue;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-publish-race-'));
  store = await openSqliteStore(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an older version losing a publication race to a newer one that superseded it first', () => {
  it('does not enter the publication history: a grant decided before it keeps the item it dropped', async () => {
    await addVersion(store, cat(['plate', 'colour']), 'op', 'approved');
    expect(await markPublished(store, 'SX-GA', 1)).toBe(true);
    await addVersion(store, cat(['plate']), 'op', 'approved'); // version 2 drops colour
    await addVersion(store, cat(['plate', 'colour']), 'op', 'approved'); // version 3 keeps it
    // Version 2's publication: right after its claim, another process publishes version 3 whole.
    let raced = false;
    const racing: Store = Object.create(store) as Store;
    racing.update = async (...args: Parameters<Store['update']>) => {
      const n = await store.update(...args);
      if (!raced && (args[2] as { status?: string }).status === 'published') {
        raced = true;
        expect(await markPublished(store, 'SX-GA', 3)).toBe(true);
      }
      return n;
    };
    expect(await markPublished(racing, 'SX-GA', 2)).toBe(false);
    expect(raced).toBe(true);
    const [v2] = await store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', 'SX-GA'), eq('version', 2)), projection: ['status', 'publishedAt'] });
    expect(v2.publishedAt ?? null).toBeNull();

    const catalogues = await publishedCatalogues(store);
    await new ItemHistory(store).mark(catalogues);
    const at = new Date().toISOString();
    const grant: Grant = {
      id: 'g', requester: '610100-MZ', resource: CODE, items: ['plate', 'colour'], purposes: ['aid'], unmasked: [], rows: null,
      from: at, until: null, revokedAt: null, revokedBy: null, createdAt: at, createdBy: 'test', requestId: null,
      decidedOnCatalogue: 'SX-GA', decidedOnVersion: 1,
    };
    const resource = catalogues.find((c) => c.id === 'SX-GA')!.resources[0];
    expect(grantsInForce(resource, [grant])).toEqual([grant]);
  });

  it('is not published after a newer version was published and withdrawn', async () => {
    await addVersion(store, cat(['plate', 'colour']), 'op', 'approved');
    expect(await markPublished(store, 'SX-GA', 1)).toBe(true);
    await addVersion(store, cat(['plate', 'colour']), 'op', 'approved'); // version 2 keeps colour, not yet published
    await addVersion(store, cat(['plate']), 'op', 'approved'); // version 3 drops it
    expect(await markPublished(store, 'SX-GA', 3)).toBe(true);
    // Withdrawn, as withdrawCatalogue writes it.
    await store.update(CATALOGUE_VERSIONS, and(eq('id', 'SX-GA'), eq('version', 3)), { status: 'withdrawn', withdrawnAt: new Date().toISOString() });
    expect(await markPublished(store, 'SX-GA', 2)).toBe(false);
    const [v2] = await store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', 'SX-GA'), eq('version', 2)), projection: ['status', 'publishedAt'] });
    expect([v2.status, v2.publishedAt ?? null]).toEqual(['approved', null]);
    expect((await publishedCatalogues(store)).map((c) => c.id)).toEqual([]);
  });

  it('counts runs from the version in effect when a store has it published after a newer version was withdrawn', async () => {
    // As a store written before such a publication was refused holds it: version 3, dropping colour, was
    // published and withdrawn; version 2, carrying it as version 1 did, was published after.
    await addVersion(store, cat(['plate', 'colour']), 'op', 'approved');
    expect(await markPublished(store, 'SX-GA', 1)).toBe(true);
    await addVersion(store, cat(['plate', 'colour']), 'op', 'approved');
    await addVersion(store, cat(['plate']), 'op', 'approved');
    expect(await markPublished(store, 'SX-GA', 3)).toBe(true);
    await store.update(CATALOGUE_VERSIONS, and(eq('id', 'SX-GA'), eq('version', 3)), { status: 'withdrawn', withdrawnAt: new Date().toISOString() });
    await store.update(CATALOGUE_VERSIONS, and(eq('id', 'SX-GA'), eq('version', 2)), { status: 'published', publishedAt: new Date(Date.now() + 1000).toISOString() });
    const catalogues = await publishedCatalogues(store);
    await new ItemHistory(store).mark(catalogues);
    const at = new Date().toISOString();
    const decided = (version: number): Grant => ({
      id: `g${version}`, requester: '610100-MZ', resource: CODE, items: ['plate', 'colour'], purposes: ['aid'], unmasked: [], rows: null,
      from: at, until: null, revokedAt: null, revokedBy: null, createdAt: at, createdBy: 'test', requestId: null,
      decidedOnCatalogue: 'SX-GA', decidedOnVersion: version,
    });
    const resource = catalogues.find((c) => c.id === 'SX-GA')!.resources[0];
    // Decided before the withdrawal: set aside whole (not held); decided on version 2 in effect: kept.
    expect(grantsInForce(resource, [decided(1)])).toEqual([]);
    expect(grantsInForce(resource, [decided(2)])).toEqual([decided(2)]);
  });
});
