// The grants list reads, for a department, only the grants it sees in the store (those it holds and
// those of the resources it provides, by the provider each grant keeps, indexed), not every grant of the
// platform filtered after (20,000 grants: 29 aliases of an empty answer took 2.7 s); the competent
// department's supervisors still read all. And the lists' `resource` argument is resolved among the
// catalogues in effect the gateway holds, not by reading every published catalogue from the store.
// On a Jiangxi platform of the test's own (test/helpers/jiangxi.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addGrant, GRANTS } from '../src/access/grants.ts';
import { addVersion, CATALOGUE_VERSIONS, markPublished, publishedCatalogues } from '../src/catalogue/repository.ts';
import { and, eq, type Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { JX, jiangxiCatalogues, jiangxiResource, publishHistory, writeJiangxiPlatform } from './helpers/jiangxi.ts';

/**
 * Rows the grants list's finds returned (sorted as listed: not the request's read of its own department's
 * grants in force, src/access/grant-cache.ts), the finds of catalogue versions and the versions they read
 * with their documents, since the last reset.
 */
const read = { grants: 0, versions: 0, documents: 0 };
function countingStore(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.find = async (collection, query) => {
    const rows = await inner.find(collection, query);
    if (collection === GRANTS && query.sort) read.grants += rows.length;
    if (collection === CATALOGUE_VERSIONS) read.versions++;
    // Versions read with their documents (whole, or the document alone).
    if (collection === CATALOGUE_VERSIONS && (!query?.projection || query.projection.includes('document'))) read.documents += rows.length;
    return rows;
  };
  return store;
}

const P1 = `${JX.police}-00001`;
const P2 = `${JX.police}-00002`;
const C1 = `${JX.civil}-00001`;

let dir: string;
let gw: TestGateway;
/** Each grant made: id, requester, resource, provider. */
const made: { id: string; requester: string; resource: string; provider: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-grants-lists-'));
  const platformFile = writeJiangxiPlatform(dir);
  const files = jiangxiCatalogues(2).map((c, i) => {
    const file = join(dir, `catalogue-${i}.yaml`);
    writeFileSync(file, stringify(c));
    return file;
  });
  gw = await startTestGateway({ platformFile, catalogueFiles: files, wrapStore: countingStore });
  const ctx = { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) };
  const grant = async (requester: string, resource: string, provider: string) => {
    const g = await addGrant(gw.store, ctx, { requester, resource, items: ['head'], purposes: ['household-checks'], createdBy: 'operator' });
    made.push({ id: g.id, requester, resource, provider });
  };
  // A grant stored before grants kept their provider: given it once the store's grants are next touched.
  await gw.store.insert(GRANTS, [{
    id: 'old-grant-without-provider', requester: JX.commerce, resource: C1, items: '["head"]', purposes: '["household-checks"]',
    unmasked: '[]', rows: null, from: '2026-01-01T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null,
    createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'operator', requestId: null,
  }]);
  made.push({ id: 'old-grant-without-provider', requester: JX.commerce, resource: C1, provider: JX.civil });
  // Many of the city's grants of public security's resources: what another department must not read.
  for (let i = 0; i < 30; i++) await grant(JX.city, i % 2 ? P1 : P2, JX.police);
  await grant(JX.civil, P1, JX.police);
  await grant(JX.city, C1, JX.civil);
  await grant(JX.police, C1, JX.civil);
});
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const GRANTS_QUERY = '{ grants { id requester resource provider } }';
const sees = (dept: string) => made.filter((g) => g.requester === dept || g.provider === dept);
const ids = (list: { id: string }[]) => list.map((g) => g.id).sort();

it('a department reads its own grants and its resources\' grants, never the others\'', async () => {
  // A department holding none and providing nothing reads none of the platform's grants.
  read.grants = 0;
  const none = await gw.query('{ grants { id } }', { dept: JX.supervisor });
  expect(none.errors).toBeUndefined();
  expect(none.data!.grants).toEqual([]);
  expect(read.grants).toBe(0);

  // Each role sees what it saw when every grant was read and filtered: the holder, the provider, a
  // department on both sides, the competent department's supervisor (all); rows read = rows shown.
  for (const dept of [JX.civil, JX.city, JX.commerce, JX.police]) {
    read.grants = 0;
    const r = await gw.query(GRANTS_QUERY, { dept });
    expect(r.errors).toBeUndefined();
    expect(ids(r.data!.grants)).toEqual(ids(sees(dept)));
    expect(read.grants).toBe(sees(dept).length);
    for (const g of r.data!.grants) expect(g).toEqual(made.find((m) => m.id === g.id));
  }
  const all = await gw.query(GRANTS_QUERY, { dept: JX.supervisor, roles: ['supervisor'] });
  expect(ids(all.data!.grants)).toEqual(ids(made));

  // The grant stored without its provider was given it.
  const [old] = await gw.store.find(GRANTS, { filter: eq('id', 'old-grant-without-provider') });
  expect(old!.provider).toBe(JX.civil);

  // One stored without it meanwhile (by an older writer) is still seen by its provider, and only by it.
  const later = { id: 'later-grant-without-provider', requester: JX.commerce, resource: P2, provider: JX.police };
  // As an older writer stores it: without the key grant add's rows hold (givesKey, grants.ts).
  const { givesKey: _, ...older } = old!;
  await gw.store.insert(GRANTS, [{ ...older, id: later.id, resource: later.resource, provider: null, createdAt: '2026-01-02T00:00:00.000Z' }]);
  made.push(later);
  for (const dept of [JX.police, JX.commerce, JX.civil]) {
    expect(ids((await gw.query(GRANTS_QUERY, { dept })).data!.grants)).toEqual(ids(sees(dept)));
  }

  // Filters as before, within what the department sees: a code in another case is the resource's.
  const civilsResource = await gw.query(`{ grants(resource: "${C1.toLowerCase()}") { id } }`, { dept: JX.civil });
  expect(ids(civilsResource.data!.grants)).toEqual(ids(made.filter((g) => g.resource === C1)));
  const byRequester = await gw.query(`{ grants(requester: "${JX.city}") { id } }`, { dept: JX.civil });
  expect(ids(byRequester.data!.grants)).toEqual(ids(made.filter((g) => g.requester === JX.city && g.resource === C1)));
});

it('a resource argument is resolved among the catalogues in effect, without reading them from the store', async () => {
  const request = { resource: P1, items: ['head'], purposes: ['household-checks'], justification: 'Household checks', until: '2099-12-31' };
  const made = await gw.query('mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id } }', {
    dept: JX.commerce, roles: ['applicant'], variables: { input: request },
  });
  expect(made.errors).toBeUndefined();
  const LISTS = `{ sharingRequests(resource: "${P1.toLowerCase()}") { id resource } objections(resource: "${P1.toLowerCase()}") { id } }`;
  const expected = { sharingRequests: [{ id: made.data!.requestSharing.id, resource: P1 }], objections: [] };
  for (const [dept, roles] of [[JX.commerce, []], [JX.police, []], [JX.supervisor, ['supervisor']]] as const) {
    read.versions = 0;
    const r = await gw.query(LISTS, { dept, roles: [...roles] });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual(expected);
    expect(read.versions).toBe(0);
  }
  // Another department sees none of it, as before.
  expect((await gw.query(LISTS, { dept: JX.civil })).data).toEqual({ sharingRequests: [], objections: [] });
});

it('a code no catalogue in effect publishes is found in the versions\' codes, without reading their documents', async () => {
  // Civil affairs' archive: published in version 1, dropped by version 2; and a history of 20 versions.
  const archive = `${JX.civil}-00900`;
  for (const resources of [[jiangxiResource(archive, JX.civil, 'A0')], [jiangxiResource(`${JX.civil}-00901`, JX.civil, 'A1')]]) {
    const v = await addVersion(gw.store, { id: 'JX-MZT-ARCHIVE', kind: 'departmental', title: 'Archive', compiler: JX.civil, resources } as never, 'operator', 'approved');
    expect(await markPublished(gw.store, 'JX-MZT-ARCHIVE', v.version)).toBe(true);
  }
  await publishHistory(gw.store, 2, 10);
  // A grant of the archive outlives it: found by its code in another case, as before.
  const [template] = await gw.store.find(GRANTS, { filter: eq('id', made.at(-1)!.id) });
  await gw.store.insert(GRANTS, [{ ...template!, id: 'archive-grant', givesKey: 'grant:archive-grant', resource: archive, provider: JX.civil }]);
  const QUERY = (code: string) => `{ grants(resource: "${code}") { id resource } objections(resource: "${code}") { id } sharingRequests(resource: "${code}") { id } }`;
  for (const [code, grants] of [[archive.toLowerCase(), [{ id: 'archive-grant', resource: archive }]], ['360000-mzt-09999', []]] as const) {
    read.documents = 0;
    const r = await gw.query(QUERY(code), { dept: JX.civil });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ grants, objections: [], sharingRequests: [] });
    expect(read.documents).toBe(0);
  }
  // A version stored before versions kept what they carry is read whole: the code is still found.
  await gw.store.update(CATALOGUE_VERSIONS, and(eq('id', 'JX-MZT-ARCHIVE'), eq('version', 1)), { carries: null });
  read.documents = 0;
  expect((await gw.query(QUERY(archive.toLowerCase()), { dept: JX.civil })).data!.grants).toEqual([{ id: 'archive-grant', resource: archive }]);
  expect(read.documents).toBe(3); // once per field
});
