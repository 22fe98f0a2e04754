// Leak channels around the rules (SPEC §6, §9, §10), on a platform of its own (test/fixtures/zhejiang):
// what one department may learn of another's reads, grants and requests through the platform's answers
// other than the data itself.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/zhejiang/${name}`, import.meta.url));
const POLICE_RESOURCE = '330000-GA-00010'; // provided by 330000-GA, carried by the tax bureau's subject catalogue
const TAX_RESOURCE = '330000-SW-00010'; // the tax bureau's own
const READER = '330200-MZ';

let gw: TestGateway;
let grantId: string;

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('welfare.yaml')] });
  const [police, tax] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await gw.store.insert(collectionOf(police), [{ pid: 'P1', grade: 2, cause: 'accident' }]);
  await gw.store.insert(collectionOf(tax), [{ reliefNo: 'T1', amount: 300, reason: 'disability' }]);
  const grant = await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
    requester: READER, resource: POLICE_RESOURCE, items: ['pid', 'grade', 'cause'], purposes: ['welfare'], createdBy: 'test',
  });
  grantId = grant.id;
  // The Ningbo bureau reads both resources: an audit entry about each provider's resource.
  const read = await gw.query(`{ zjPolice { zjDisabledPersons { nodes { pid grade cause } } } zjTax { zjTaxReliefs { nodes { reliefNo reason } } } }`,
    { dept: READER, purpose: 'welfare' });
  expect(read.errors).toBeUndefined();
  expect(read.data!.zjPolice.zjDisabledPersons.nodes).toHaveLength(1);
}, 60_000);
afterAll(() => gw?.close());

const WARNINGS = `{ kind message resource item grants usedBy }`;
type Warning = { kind: string; message: string; resource: string | null; item: string | null; grants: string[] | null; usedBy: string[] | null };

describe('submission warnings of a catalogue carrying another provider\'s resource', () => {
  it('tell its compiler no department that reads that resource or holds a grant to it; the auditor sees them whole', async () => {
    // Version 2 drops `cause` of the police's resource and `reason` of the tax bureau's own.
    const doc = parse(readFileSync(fixture('welfare.yaml'), 'utf8')) as Catalogue;
    for (const r of doc.resources) r.items = r.items.filter((i) => i.name !== 'cause' && i.name !== 'reason');
    const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } warnings ${WARNINGS} } }`,
      { dept: '330000-SW', roles: ['compiler'], variables: { doc: JSON.stringify(doc) } });
    expect(sub.errors).toBeUndefined();
    const warnings: Warning[] = sub.data!.submitCatalogue.warnings;
    // The police's resource: the change, not who reads it (SPEC §10: the audit log about a resource is its
    // provider's) nor who holds grants to it (grants are seen by holder, provider and supervisors).
    const police = warnings.filter((w) => w.resource === POLICE_RESOURCE);
    expect(police.map((w) => [w.kind, w.item, w.usedBy, w.grants])).toEqual([['BREAKING_CHANGE', 'cause', [], null]]);
    expect(police[0].message).toBe(`Item cause of ${POLICE_RESOURCE} is removed; which departments read it is for its provider 330000-GA to tell (its usage figures)`);
    expect(JSON.stringify(police)).not.toContain(READER);
    expect(JSON.stringify(warnings)).not.toContain(grantId);
    // What the compiler may see of its audit log and grants agrees: nothing of the reads and grant.
    const own = await gw.query(`{ auditLog(filter: { resource: "${POLICE_RESOURCE}", kind: READ }) { totalCount } grants(resource: "${POLICE_RESOURCE}") { id } }`,
      { dept: '330000-SW' });
    expect(own.data).toEqual({ auditLog: { totalCount: 0 }, grants: [] });
    // Its own resource: who reads it, as its usage figures say.
    const tax = warnings.filter((w) => w.resource === TAX_RESOURCE);
    expect(tax.map((w) => [w.kind, w.item, w.usedBy])).toEqual([['BREAKING_CHANGE', 'reason', [READER]]]);

    // The same version as the compiler reads it later, and as the competent department's auditor does.
    const { id, version } = sub.data!.submitCatalogue.version;
    const VERSION = `{ catalogue(id: "${id}") { versions { version warnings ${WARNINGS} } } }`;
    const later = await gw.query(VERSION, { dept: '330000-SW', roles: ['compiler'] });
    const laterWarnings: Warning[] = later.data!.catalogue.versions.find((v: { version: number }) => v.version === version).warnings;
    expect(laterWarnings).toEqual(warnings);
    const audited = await gw.query(VERSION, { dept: '330000-DSJ', roles: ['auditor'] });
    const whole: Warning[] = audited.data!.catalogue.versions.find((v: { version: number }) => v.version === version).warnings;
    expect(whole.filter((w) => w.resource === POLICE_RESOURCE).map((w) => [w.kind, w.item, w.usedBy, w.grants])).toEqual([
      ['BREAKS_GRANT', 'cause', null, [grantId]],
      ['BREAKING_CHANGE', 'cause', [READER], null],
    ]);
  });
});

/** A catalogue of one resource that `dept` provides, with a title that must not travel. */
function ownCatalogue(id: string, dept: string, title: string, n: number): Catalogue {
  const doc = parse(readFileSync(fixture('welfare.yaml'), 'utf8')) as Catalogue;
  const r = doc.resources[1];
  return {
    ...doc, id, kind: 'departmental', title, compiler: dept, subject: undefined,
    resources: [{ ...r, code: `${dept}-${String(n).padStart(5, '0')}`, provider: dept,
      graphql: { type: `Draft${n}`, list: `drafts${n}`, byKey: `draft${n}` } }],
  };
}

describe('a catalogue id taken by another department', () => {
  const SUBMIT = `mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version status } } }`;
  it('is refused without naming the department or title of drafts the submitter may not see', async () => {
    const draft = await gw.query(SUBMIT, { dept: '330000-GA', roles: ['compiler'],
      variables: { doc: JSON.stringify(ownCatalogue('ZJ-DRAFT', '330000-GA', 'Covert surveillance programme', 20)) } });
    expect(draft.data?.submitCatalogue.version.status).toBe('SUBMITTED');
    // The Hangzhou bureau cannot see the draft (SPEC §9; catalogues: drafts for their compiler and the competent department)...
    const seen = await gw.query(`{ catalogue(id: "ZJ-DRAFT") { id } catalogues(compiler: "330000-GA") { id } }`, { dept: '330100-MZ' });
    expect(seen.data).toEqual({ catalogue: null, catalogues: [] });
    // ...nor learn its title or compiler by taking the id.
    const taken = await gw.query(SUBMIT, { dept: '330100-MZ', roles: ['compiler'],
      variables: { doc: JSON.stringify(ownCatalogue('zj-draft', '330100-MZ', 'Hangzhou catalogue', 1)) } });
    expect(taken.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(taken.errors?.[0].message).toBe('Catalogue id zj-draft is already used by another department\'s catalogue; choose another id.');
    // Publishing or withdrawing it answers as for an id that does not exist, word for word.
    const act = (doc: string) => gw.query(doc, { dept: '330100-MZ', roles: ['compiler'] });
    const [publish, publishNone, withdraw, withdrawNone] = await Promise.all([
      act(`mutation { publishCatalogue(id: "ZJ-DRAFT", version: 1) { id } }`),
      act(`mutation { publishCatalogue(id: "ZJ-NONE", version: 1) { id } }`),
      act(`mutation { withdrawCatalogue(id: "ZJ-DRAFT", reason: "r") { id } }`),
      act(`mutation { withdrawCatalogue(id: "ZJ-NONE", reason: "r") { id } }`),
    ]);
    const said = (r: typeof publish) => [r.errors?.[0].extensions?.code, r.errors?.[0].message.replace('ZJ-DRAFT', 'ZJ-NONE')];
    expect(said(publish)).toEqual(['NOT_FOUND', 'Catalogue ZJ-NONE has no version 1.']);
    expect(said(publishNone)).toEqual(said(publish));
    expect(said(withdraw)).toEqual(['NOT_FOUND', 'No catalogue ZJ-NONE.']);
    expect(said(withdrawNone)).toEqual(said(withdraw));
    // A catalogue every department sees is named, as the catalogues query names it (and refused as another's).
    const other = await act(`mutation { withdrawCatalogue(id: "ZJ-WELFARE", reason: "r") { id } }`);
    expect(other.errors?.[0].message).toBe('Only department 330000-SW may withdraw catalogue ZJ-WELFARE; you act for 330100-MZ.');
    const published = await gw.query(SUBMIT, { dept: '330100-MZ', roles: ['compiler'],
      variables: { doc: JSON.stringify(ownCatalogue('zj-welfare', '330100-MZ', 'Hangzhou catalogue', 1)) } });
    expect(published.errors?.[0].message).toBe('Catalogue id ZJ-WELFARE is already used by 330000-SW\'s catalogue "Zhejiang welfare subject catalogue"; choose another id.');
  });
});

describe('a demand fulfilled by a publication of another department', () => {
  it('is not told to the publishing compiler, which neither filed nor was asked it; its provider reads the entry', async () => {
    // The Hangzhou bureau asks the police for data no catalogue offers; the police promise a code.
    const filed = await gw.query(`mutation { requestData(input: { title: "Missing persons", description: "Residents reported missing",
      items: ["pid", "reportedAt"], purposes: ["welfare"], provider: "330000-GA" }) { id } }`, { dept: '330100-MZ', roles: ['applicant'] });
    expect(filed.errors).toBeUndefined();
    const demand: string = filed.data!.requestData.id;
    const promised = await gw.query(`mutation { answerDemand(input: { id: "${demand}", decision: WILL_CATALOGUE, resource: "330000-GA-00011" }) { status } }`,
      { dept: '330000-GA', roles: ['approver'] });
    expect(promised.data?.answerDemand.status).toBe('WILL_CATALOGUE');
    // The tax bureau's subject catalogue brings the promised police resource into effect.
    const doc = parse(readFileSync(fixture('welfare.yaml'), 'utf8')) as Catalogue;
    const base = doc.resources[0];
    doc.resources.push({ ...base, code: '330000-GA-00011', name: 'Missing persons', classification: '9-01-011',
      graphql: { type: 'ZjMissingPerson', list: 'zjMissingPersons', byKey: 'zjMissingPerson' } });
    const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } } }`,
      { dept: '330000-SW', roles: ['compiler'], variables: { doc: JSON.stringify(doc) } });
    expect(sub.errors).toBeUndefined();
    const { id, version } = sub.data!.submitCatalogue.version;
    const review = await gw.query(`mutation { reviewCatalogue(id: "${id}", version: ${version}, decision: APPROVE) { status } }`, { dept: '330000-DSJ', roles: ['auditor'] });
    expect(review.errors).toBeUndefined();
    const pub = await gw.query(`mutation { publishCatalogue(id: "${id}", version: ${version}) { status } }`, { dept: '330000-SW', roles: ['compiler'] });
    expect(pub.data?.publishCatalogue.status).toBe('PUBLISHED');
    const status = await gw.query(`{ demands(id: "${demand}") { status } }`, { dept: '330100-MZ' });
    expect(status.data?.demands).toEqual([{ status: 'FULFILLED' }]);

    // Demands are seen by their requester, their provider and supervisors (SPEC §14): the tax bureau sees
    // neither the demand nor, in its own entries, who filed it.
    const LOG = `{ demands { id } auditLog(first: 100) { nodes { department action detail resources { resource } } } }`;
    const tax = await gw.query(LOG, { dept: '330000-SW' });
    expect(tax.data!.demands).toEqual([]);
    expect(JSON.stringify(tax.data!.auditLog)).not.toContain(demand);
    expect(JSON.stringify(tax.data!.auditLog)).not.toContain('330100-MZ');
    // The provider reads the fulfilment, with who filed the demand.
    const police = await gw.query(LOG, { dept: '330000-GA' });
    const fulfilled = police.data!.auditLog.nodes.filter((e: { action: string | null }) => e.action === 'fulfilDemand');
    expect(fulfilled).toHaveLength(1);
    expect(fulfilled[0].detail).toContain(`demand ${demand} of 330100-MZ fulfilled`);
  });
});
