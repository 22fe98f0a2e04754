// A version that requires an item the version in effect did not (a new required item, or one made
// required) while the resource holds records (SPEC §9 submission warnings): import refuses a record
// without it from then on, but the records imported before were never asked for it. They read null for
// it, until the provider imports them again; submission and review say how many lack it
// (RECORDS_LACK_ITEM), counted in the store. Found: no warning, the records silently read null. On a
// Hebei fixture (test/fixtures/hebei-evolve).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/hebei-evolve';
const base = () => parse(readFileSync(join(FIXTURE, 'civil.yaml'), 'utf8')) as Catalogue;
const COMPILER = { dept: '130000-MZT', roles: ['compiler' as const] };
const AUDITOR = { dept: '130000-SJJ', roles: ['auditor' as const] };
const SUBMIT = `mutation($doc: String!) { submitCatalogue(document: $doc) {
  version { id version } warnings { kind path message resource item records } } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'civil.yaml')] });
  const [resource] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  // Four records; SJZ-003 has no division.
  await importRecords(gw.store, resource, join(FIXTURE, 'recipients.jsonl'));
});
afterAll(() => gw?.close());

const lacking = (warnings: { kind: string }[]) => warnings.filter((w) => w.kind === 'RECORDS_LACK_ITEM');

it('submission names each newly required item and how many stored records lack it; the auditor, those its department sees', async () => {
  const c = base();
  const items = c.resources[0].items;
  items.find((i) => i.name === 'division')!.required = true;
  items.push({ name: 'phone', title: 'Phone', type: 'string', required: true });
  const sub = await gw.query(SUBMIT, { ...COMPILER, variables: { doc: JSON.stringify(c) } });
  expect(sub.errors).toBeUndefined();
  expect(lacking(sub.data!.submitCatalogue.warnings)).toEqual([
    { kind: 'RECORDS_LACK_ITEM', path: 'resources[0].items[1]', resource: '130000-MZT-00001', item: 'division', records: 1,
      message: 'Item division of 130000-MZT-00001 is made required, and 1 of its 4 stored records lacks it: it reads null for it (a filter eq: null finds it) until imported again with it (govgraph data import --resource 130000-MZT-00001 FILE)' },
    { kind: 'RECORDS_LACK_ITEM', path: 'resources[0].items[4]', resource: '130000-MZT-00001', item: 'phone', records: 4,
      message: 'Item phone of 130000-MZT-00001 is a new required item, and 4 of its 4 stored records lack it: they read null for it (a filter eq: null finds them) until imported again with it (govgraph data import --resource 130000-MZT-00001 FILE)' },
  ]);
  const { id, version } = sub.data!.submitCatalogue.version;
  const review = await gw.query(`{ catalogue(id: "${id}") { versions { version warnings { kind item records } } } }`, AUDITOR);
  expect(review.errors).toBeUndefined();
  const v = review.data!.catalogue.versions.find((x: { version: number }) => x.version === version);
  // Counted over the records the data bureau sees under the row scope (SPEC §6): SJZ-003 has no division,
  // so only its provider sees it, and no record the bureau sees lacks the division
  // (test/attack-row-scope-warnings.test.ts).
  expect(lacking(v.warnings)).toEqual([
    { kind: 'RECORDS_LACK_ITEM', item: 'phone', records: 3 },
  ]);
});

it('an item already required, or newly required where every stored record holds it, is not warned', async () => {
  const c = base();
  c.resources[0].items.find((i) => i.name === 'status')!.required = true; // every record has a status
  const sub = await gw.query(SUBMIT, { ...COMPILER, variables: { doc: JSON.stringify(c) } });
  expect(sub.errors).toBeUndefined();
  expect(lacking(sub.data!.submitCatalogue.warnings)).toEqual([]);
});

it('once published, the records read null for the new item and `eq: null` finds them until imported again', async () => {
  const c = base();
  c.resources[0].items.push({ name: 'phone', title: 'Phone', type: 'string', required: true });
  const sub = await gw.query(SUBMIT, { ...COMPILER, variables: { doc: JSON.stringify(c) } });
  const { id, version } = sub.data!.submitCatalogue.version;
  expect((await gw.query(`mutation { reviewCatalogue(id: "${id}", version: ${version}, decision: APPROVE) { status } }`, AUDITOR)).errors).toBeUndefined();
  expect((await gw.query(`mutation { publishCatalogue(id: "${id}", version: ${version}) { status } }`, COMPILER)).errors).toBeUndefined();
  const read = `{ hbCivil { reliefRecipients(filter: { phone: { eq: null } }, orderBy: [{ field: caseNo, direction: ASC }]) { nodes { caseNo phone } totalCount } } }`;
  const before = await gw.query(read, { dept: '130000-MZT' });
  expect(before.errors).toBeUndefined();
  expect(before.data!.hbCivil.reliefRecipients.totalCount).toBe(4);
  expect(before.data!.hbCivil.reliefRecipients.nodes[0]).toEqual({ caseNo: 'SJZ-001', phone: null });
  // Imported again with the item: the warning's count follows the store.
  const [resource] = (await publishedCatalogues(gw.store)).flatMap((r) => r.resources);
  const file = join(gw.dataDir, 'with-phone.jsonl');
  writeFileSync(file, ['SJZ-001', 'SJZ-002', 'TS-001'].map((caseNo) => JSON.stringify({ caseNo, division: '130102', phone: '13800000000' })).join('\n') + '\n');
  await importRecords(gw.store, resource, file);
  const after = await gw.query(read, { dept: '130000-MZT' });
  expect(after.data!.hbCivil.reliefRecipients.nodes).toEqual([{ caseNo: 'SJZ-003', phone: null }]);
});
