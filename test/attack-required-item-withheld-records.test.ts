// A compiler carrying another provider's resource learns nothing of its stored records from the
// RECORDS_LACK_ITEM warnings (SPEC §9 submission warnings, §6): for such a resource the warning says its
// records may lack the item and sends to the provider, and it must say so whether or not the provider has
// stored records. Found: the warning came only when the resource held records (the store was counted
// first, and nothing said when it held none), so Qinghai Civil Affairs, compiling a subject catalogue
// that carries the police's residence permits, conditional and not granted to it, learnt by submitting a
// version that makes an item required whether the police had imported any permit, a figure its reads
// of the resource refuse (GRANT_REQUIRED). On a Qinghai fixture (test/fixtures/qinghai-quality), the
// permits made conditional here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const PERMITS = '630000-GA-00021';
const COMPILER = { dept: '630000-MZ', roles: ['compiler' as const] };
const APPLICANT = { dept: '630000-MZ', roles: ['applicant' as const], purpose: 'benefits' };
const SUBMIT = `mutation($doc: String!) { submitCatalogue(document: $doc) { warnings { kind path message resource item records } } }`;

/** The subject catalogue with the police's permits conditional: Civil Affairs holds no grant to them. */
function benefits(): Catalogue {
  const c = parse(readFileSync(join(FIXTURE, 'benefits.yaml'), 'utf8')) as Catalogue;
  const permits = c.resources.find((r) => r.code === PERMITS)!;
  permits.share = { ...permits.share, type: 'conditional', conditions: 'For benefit checks only', basis: 'Qinghai social assistance rules' } as typeof permits.share;
  return c;
}

const dir = mkdtempSync(join(tmpdir(), 'govgraph-required-withheld-'));
let gw: TestGateway;
beforeAll(async () => {
  const file = join(dir, 'benefits.yaml');
  writeFileSync(file, stringify(benefits()));
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [file] });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The RECORDS_LACK_ITEM warnings the compiler gets for a version making the permit kind required. */
async function lackingWarnings() {
  const c = benefits();
  c.resources.find((r) => r.code === PERMITS)!.items.find((i) => i.name === 'permitKind')!.required = true;
  const sub = await gw.query(SUBMIT, { ...COMPILER, variables: { doc: JSON.stringify(c) } });
  expect(sub.errors).toBeUndefined();
  return sub.data!.submitCatalogue.warnings.filter((w: { kind: string }) => w.kind === 'RECORDS_LACK_ITEM');
}

it('the compiler is told the same of another provider\'s records whether the provider stored any or not', async () => {
  // The compiler's department may not read the permits at all, their count included.
  const read = await gw.query(`{ qhPolice { qhPermits { totalCount } } }`, APPLICANT);
  expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
  const none = await lackingWarnings();
  const permits = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === PERMITS)!;
  await gw.store.insert(collectionOf(permits), [{ permitNo: 'XN-0001' }]);
  const one = await lackingWarnings();
  expect(none).toEqual(one);
  expect(one).toEqual([{
    kind: 'RECORDS_LACK_ITEM', path: 'resources[0].items[1]', resource: PERMITS, item: 'permitKind', records: null,
    message: `Item permitKind of ${PERMITS} is made required: records its provider 630000-GA stored before may lack it, and read null for it until imported again (govgraph data import --resource ${PERMITS} FILE); how many is for 630000-GA to tell`,
  }]);
});
