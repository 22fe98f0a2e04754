// A version that takes values away from an enum item is warned (BREAKING_CHANGE, retyped) with how many
// stored records hold each value, counted in the store, so that the auditor can weigh it: found, the
// warning named the values only ("loses the value closed"), whether no record or every record held them.
// A count by value is a figure about the item's values: the compiler of a subject catalogue carrying
// another provider's resource, who may not read that item unmasked, is told it is the provider's to tell;
// the competent department's auditor sees it for an item its department reads in clear, not for one it
// reads masked (found: told how many of the police's permits held a secret kind the bureau reads as
// ******). On a Qinghai fixture (test/fixtures/qinghai-quality).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const POLICE = '630000-GA-00021';
const OWN = '630000-MZ-00021';
const COMPILER = { dept: '630000-MZ', roles: ['compiler' as const] };
const AUDITOR = { dept: '630000-DSJ', roles: ['auditor' as const] };
const WARNINGS = '{ kind change resource item records message }';
type Warning = { kind: string; change: string | null; resource: string | null; item: string | null; records: number | null; message: string };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'benefits.yaml')] });
  const [police, own] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await gw.store.insert(collectionOf(police), [
    { permitNo: 'P1', permitKind: 'family' }, { permitNo: 'P2', permitKind: 'family' }, { permitNo: 'P3', permitKind: 'work' },
  ]);
  await gw.store.insert(collectionOf(own), [
    { caseNo: 'C1', status: 'closed' }, { caseNo: 'C2', status: 'closed' }, { caseNo: 'C3', status: 'closed' }, { caseNo: 'C4', status: 'active' },
  ]);
}, 60_000);
afterAll(() => gw?.close());

/** Version 2: `other` and `family` taken from the police's item, `closed` and `pending` from its own. */
function narrowed(): Catalogue {
  const doc = parse(readFileSync(join(FIXTURE, 'benefits.yaml'), 'utf8')) as Catalogue;
  doc.resources[0].items[1].values = ['work', 'study'];
  doc.resources[1].items[1].values = ['active', 'suspended'];
  return doc;
}

const retyped = (ws: Warning[]) => ws.filter((w) => w.kind === 'BREAKING_CHANGE' && w.change === 'RETYPED');

it('names how many stored records hold each value taken away, for the compiler\'s own resource and for the auditor', async () => {
  const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } warnings ${WARNINGS} } }`,
    { ...COMPILER, variables: { doc: JSON.stringify(narrowed()) } });
  expect(sub.errors).toBeUndefined();
  const warnings = retyped(sub.data!.submitCatalogue.warnings);
  const own = warnings.find((w) => w.resource === OWN)!;
  expect(own.records).toBe(3);
  expect(own.message).toBe(`Item status of ${OWN} is retyped: loses the values closed (3 stored records hold it), pending (no stored record holds it)`);

  // The police's secret item: no count, no figure in the message, for a compiler that is not its provider.
  const police = warnings.find((w) => w.resource === POLICE)!;
  expect(police.records).toBeNull();
  expect(police.message).toBe(`Item permitKind of ${POLICE} is retyped: loses the values family, other; how many stored records hold them is for its provider 630000-GA to tell; which departments read it is for its provider 630000-GA to tell (its usage figures)`);
  expect(police.message).not.toMatch(/\d stored record/);

  // The competent department's auditor, reviewing the version: the count of the status, which its
  // department reads in clear; not that of the police's secret kind, which it reads masked (full): a
  // count by value tells what the mask hides.
  const { id, version } = sub.data!.submitCatalogue.version;
  const review = await gw.query(`{ catalogue(id: "${id}") { versions { version warnings ${WARNINGS} } } }`, AUDITOR);
  expect(review.errors).toBeUndefined();
  const whole = retyped(review.data!.catalogue.versions.find((v: { version: number }) => v.version === version).warnings);
  expect(whole.map((w) => [w.resource, w.records])).toEqual([[POLICE, null], [OWN, 3]]);
  expect(whole.find((w) => w.resource === POLICE)!.message).toBe(`Item permitKind of ${POLICE} is retyped: loses the values family, other; how many stored records hold them is for its provider 630000-GA to tell`);
  expect(whole.find((w) => w.resource === OWN)!.message).toBe(`Item status of ${OWN} is retyped: loses the values closed (3 stored records hold it), pending (no stored record holds it)`);
  // (What its reads show of the kind.)
  const masked = await gw.query(`{ qhPolice { qhPermits { nodes { permitNo permitKind } } } }`, { dept: AUDITOR.dept, purpose: 'benefits' });
  expect(masked.data!.qhPolice.qhPermits.nodes[0]).toEqual({ permitNo: 'P1', permitKind: '******' });
});

it('follows the store: once the provider imports the records again without the value, none holds it', async () => {
  const [, own] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await gw.store.update(collectionOf(own), { kind: 'in', field: 'caseNo', values: ['C1', 'C2', 'C3'] }, { status: 'suspended' });
  const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { warnings ${WARNINGS} } }`,
    { ...COMPILER, variables: { doc: JSON.stringify(narrowed()) } });
  const own2 = retyped(sub.data!.submitCatalogue.warnings).find((w) => w.resource === OWN)!;
  expect(own2.records).toBe(0);
  expect(own2.message).toBe(`Item status of ${OWN} is retyped: loses the values closed (no stored record holds it), pending (no stored record holds it)`);
});

it("tells no count of another provider's item to a user of the competent department who neither reviews nor supervises", async () => {
  // The competent department sees every draft and its warnings; a count by value of the police's secret
  // item is a figure about its values, which that department reads masked: its auditor weighs it when
  // reviewing, its supervisor reads every figure; an applicant of the department was told it as well.
  const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } } }`,
    { ...COMPILER, variables: { doc: JSON.stringify(narrowed()) } });
  expect(sub.errors).toBeUndefined();
  const { id, version } = sub.data!.submitCatalogue.version;
  const as = async (roles: ('applicant' | 'supervisor' | 'auditor')[], resource: string) => {
    const res = await gw.query(`{ catalogue(id: "${id}") { versions { version warnings ${WARNINGS} } } }`, { dept: AUDITOR.dept, roles });
    expect(res.errors).toBeUndefined();
    return retyped(res.data!.catalogue.versions.find((v: { version: number }) => v.version === version).warnings).find((w) => w.resource === resource)!;
  };
  const applicant = await as(['applicant'], POLICE);
  expect(applicant.records).toBeNull();
  expect(applicant.message).not.toMatch(/\d stored record|no stored record/);
  expect(applicant.message).toContain('how many stored records hold them is for its provider 630000-GA to tell');
  expect((await as([], POLICE)).records).toBeNull();
  // Civil Affairs' status, which the department reads in clear: its supervisor and auditor are told (none
  // holds a value taken away since the provider imported them again, above).
  expect((await as(['applicant'], OWN)).records).toBeNull();
  expect((await as([], OWN)).records).toBeNull();
  expect((await as(['supervisor'], OWN)).records).toBe(0);
  expect((await as(['auditor'], OWN)).records).toBe(0);
  // The police's kind, read masked: told to none of them.
  expect((await as(['supervisor'], POLICE)).records).toBeNull();
  expect((await as(['auditor'], POLICE)).records).toBeNull();
});
