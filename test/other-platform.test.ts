// A platform unlike the demo (test/fixtures/sichuan): another province, its own departments, purposes,
// resource codes, keys that are not strings, and names a JavaScript object already has. Each case
// states what a catalogue compiler or a department developer gets there.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { eq } from '../src/store/port.ts';
import { runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startSichuanGateway } from './helpers/sichuan.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan', name);
const platform = loadPlatform(fixture('platform.yaml'));
const vehicles = readDocument(fixture('vehicles.yaml')) as Catalogue;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function problemsOf(mutate: (doc: Doc) => void) {
  const doc = structuredClone(vehicles) as Doc;
  mutate(doc);
  return validateCatalogue(doc, platform, []).problems;
}

describe('catalogue validation on another platform', () => {
  it('accepts the fixture catalogue', () => {
    expect(problemsOf(() => {})).toEqual([]);
  });

  it('refuses, with a path and a message, item names the store or every record object already has', () => {
    // `_id` is the stores' own record id (the embedded store refused it with a stack trace at import);
    // `constructor`, `toString`... are on every JavaScript object: records and the schema's field maps are
    // objects keyed by item name, so such an item broke the record import and the gateway's start.
    const problems = problemsOf((d) => {
      d.resources[0].items.push(
        { name: '_id', type: 'string' },
        { name: 'constructor', type: 'string' },
        { name: 'toString', type: 'string' },
        { name: 'valueOf', type: 'int' },
        { name: 'owner', type: 'string', link: { resource: '510000-GA-V01', item: 'plate', field: 'hasOwnProperty' } },
      );
    });
    expect(problems).toEqual(expect.arrayContaining([
      { path: 'resources[0].items[7].name', message: '"_id" is the store\'s own identifier of a record; choose another item name' },
      { path: 'resources[0].items[8].name', message: '"constructor" is a property every JavaScript object has, and records are such objects; choose another item name' },
      { path: 'resources[0].items[9].name', message: '"toString" is a property every JavaScript object has, and records are such objects; choose another item name' },
      { path: 'resources[0].items[10].name', message: '"valueOf" is a property every JavaScript object has, and records are such objects; choose another item name' },
      { path: 'resources[0].items[11].link.field', message: '"hasOwnProperty" is a property every JavaScript object has, and records are such objects; choose another link field name' },
    ]));
    expect(problems).toHaveLength(5);
  });
});

describe('names a connected platform would take for a promise', () => {
  it('refuses then as an item, a link field, a list or a lookup name: graphql-tools on the connected side failed on { then: ... }', () => {
    const problems = problemsOf((d) => {
      d.resources[0].graphql.list = 'then';
      d.resources[0].items.push({ name: 'then', type: 'string' }, { name: 'ownerPlate', type: 'string', link: { resource: '510000-GA-V01', item: 'plate', field: 'then' } });
    });
    const message = (what: string) => `"then" would be a key of the answers, which a platform connected to this one reads with graphql-tools, and it takes an object with a then key for a promise; choose another ${what}`;
    expect(problems).toEqual([
      { path: 'resources[0].graphql.list', message: message('list name') },
      { path: 'resources[0].items[8].link.field', message: message('link field name') },
      { path: 'resources[0].items[7].name', message: message('item name') },
    ]);
  });
});

describe('item names that differ only in case', () => {
  it('are refused: the embedded store names its indexes without case, and the second item went unindexed', () => {
    const problems = problemsOf((d) => {
      d.resources[0].items.push({ name: 'Plate', type: 'string' }, { name: 'REGIONCODE', type: 'string' });
    });
    expect(problems).toEqual([
      { path: 'resources[0].items[7].name', message: '"Plate" and the name of items[1] ("plate") differ only in case; the embedded store would not index both: choose names that differ by more than case' },
      { path: 'resources[0].items[8].name', message: '"REGIONCODE" and the name of items[6] ("regionCode") differ only in case; the embedded store would not index both: choose names that differ by more than case' },
    ]);
  });
});

describe('a gateway serving the other platform', () => {
  let gw: TestGateway;
  let dir: string;
  const HEALTH = { dept: '510104-MZ', purpose: 'health-check', roles: ['applicant' as const] };

  beforeAll(async () => {
    gw = await startSichuanGateway();
    dir = mkdtempSync(join(tmpdir(), 'govgraph-sichuan-'));
    const files: Record<string, string> = {
      '510000-WJW-B01': 'bloodType,units,contact\na_pos,12,13800000001\no_neg,3,13900000002\n',
    };
    const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
    for (const [code, text] of Object.entries(files)) {
      const file = join(dir, `${code}.csv`);
      writeFileSync(file, text);
      expect((await importRecords(gw.store, resources.find((r) => r.code === code)!, file)).problems).toEqual([]);
    }
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes an objection to a record keyed by an enum with the key as the schema shows it', async () => {
    const read = await gw.query('{ health { bloodStocks { nodes { bloodType units } } } }', HEALTH);
    expect(read.data).toEqual({ health: { bloodStocks: { nodes: [{ bloodType: 'A_POS', units: 12 }, { bloodType: 'O_NEG', units: 3 }] } } });
    const raised = await gw.query(
      'mutation { raiseObjection(input: { resource: "510000-WJW-B01", key: "O_NEG", item: "units", reason: "库存已为零", proposedValue: "0" }) { key item status } }',
      HEALTH,
    );
    expect(raised.errors).toBeUndefined();
    expect(raised.data).toEqual({ raiseObjection: { key: 'o_neg', item: 'units', status: 'OPEN' } });
    const after = await gw.query('{ health { bloodStock(bloodType: O_NEG) { units _objections { item status } } } }', HEALTH);
    expect(after.data).toEqual({ health: { bloodStock: { units: 3, _objections: [{ item: 'units', status: 'OPEN' }] } } });
  });

  it('puts a denied item on the audit record whether or not the page it was asked on holds a record', async () => {
    // Denied requests are logged too: a read of an item the department may not read, on a page a filter
    // left empty, answers no error (no row has the field) but is on record as denied, as on a full page.
    const denied = async (filter: string, id: string) => {
      const r = await gw.query(`{ health { bloodStocks${filter} { nodes { bloodType contact } } } }`, { ...HEALTH, headers: { 'x-request-id': id } });
      const [row] = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', id) });
      const [part] = JSON.parse(String(row.resources));
      return { r, outcome: row.outcome, items: part.items, denied: part.denied };
    };
    const empty = await denied('(filter: { units: { eq: -1 } })', 'sichuan-denied-empty');
    expect(empty.r.errors).toBeUndefined();
    expect(empty.r.data).toEqual({ health: { bloodStocks: { nodes: [] } } });
    const full = await denied('', 'sichuan-denied-full');
    expect(full.r.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
    for (const entry of [empty, full]) {
      expect(entry.items).toEqual(['bloodType']);
      expect(entry.denied).toEqual([{ item: 'contact', code: 'GRANT_REQUIRED' }]);
      expect(entry.outcome).toBe('partial');
    }
  });

  it('records no denial of an item @skip/@include leave out of the response', async () => {
    // The denial is recorded when the read is planned: a field the directives leave out is not asked for
    // (graphql executes no part of it), so the entry must say nothing was denied, as the answer does.
    const asked = async (query: string, id: string, variables?: Record<string, unknown>) => {
      const r = await gw.query(query, { ...HEALTH, variables, headers: { 'x-request-id': id } });
      const [row] = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', id) });
      const [part] = JSON.parse(String(row.resources));
      return { r, outcome: row.outcome, items: part.items, denied: part.denied };
    };
    const left = [
      await asked('{ health { bloodStocks { nodes { bloodType contact @skip(if: true) } } } }', 'skipped-denied'),
      await asked('query ($on: Boolean!) { health { bloodStocks { nodes { bloodType contact @include(if: $on) } } } }', 'excluded-denied', { on: false }),
      await asked('{ health { bloodStocks { nodes { bloodType ...C @skip(if: true) } } } } fragment C on BloodStock { contact }', 'skipped-spread'),
      await asked('{ health { bloodStocks { nodes { bloodType ... @include(if: false) { contact } } } } }', 'excluded-inline'),
    ];
    for (const entry of left) {
      expect(entry.r.errors).toBeUndefined();
      expect(entry.items).toEqual(['bloodType']);
      expect(entry.denied).toEqual([]);
      expect(entry.outcome).toBe('allowed');
    }
    // Kept by one selection and left out by another, it is asked for: denied, as before.
    const kept = await asked('{ health { bloodStocks { nodes { bloodType contact @skip(if: true) ... { contact } } } } }', 'kept-denied');
    expect(kept.r.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
    expect(kept.denied).toEqual([{ item: 'contact', code: 'GRANT_REQUIRED' }]);
  });

  it('grants an item tightened to conditional in an unconditional resource, through the workflow', async () => {
    const READ = '{ health { bloodStocks { nodes { bloodType contact } } } }';
    const before = await gw.query(READ, HEALTH);
    expect(before.errors?.map((e) => [e.extensions?.code, e.extensions?.item])).toEqual([['GRANT_REQUIRED', 'contact']]);
    // The item needs a grant, so a request for it is made; one for an item that needs none is refused.
    const needless = await gw.query(
      'mutation { requestSharing(input: { resource: "510000-WJW-B01", items: ["units"], purposes: ["health-check"], justification: "调配", until: "2027-06-30" }) { id } }',
      HEALTH,
    );
    expect(needless.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      problems: [{ path: 'items[0]', message: 'Item `units` of 510000-WJW-B01 (血库库存) is shared unconditionally: no grant is needed, read it within its scope of use.' }],
    });
    const asked = await gw.query(
      'mutation { requestSharing(input: { resource: "510000-WJW-B01", items: ["contact"], purposes: ["health-check"], justification: "调配", until: "2027-06-30" }) { id status } }',
      HEALTH,
    );
    expect(asked.errors).toBeUndefined();
    expect(asked.data!.requestSharing.status).toBe('PENDING');
    const decided = await gw.query(
      `mutation { decideSharingRequest(input: { id: "${asked.data!.requestSharing.id}", decision: APPROVE }) { status grant { items } } }`,
      { dept: '510000-WJW', roles: ['approver'] },
    );
    expect(decided.data).toEqual({ decideSharingRequest: { status: 'APPROVED', grant: { items: ['contact'] } } });
    const after = await gw.query(READ, HEALTH);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual({ health: { bloodStocks: { nodes: [{ bloodType: 'A_POS', contact: '138****0001' }, { bloodType: 'O_NEG', contact: '139****0002' }] } } });
  });
});

describe('a store served with another platform file than its catalogues were published on', () => {
  const govgraph = (...args: string[]) => runGovgraph(args, { timeout: 30_000 });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-sichuan-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says which departments the platform file lacks, without a stack trace', async () => {
    const data = join(dir, 'data');
    const imported = await govgraph('catalogue', 'import', '--publish', fixture('vehicles.yaml'), '--platform', fixture('platform.yaml'), '--data', data);
    expect(imported.code).toBe(0);
    // The operator removed the police from the platform file (or forgot --platform and got the demo's).
    const edited = join(dir, 'platform.yaml');
    writeFileSync(edited, readFileSync(fixture('platform.yaml'), 'utf8').replace(/^ {2}- \{ code: "510000-GA".*\n/m, ''));
    const printed = await govgraph('schema', 'print', '--platform', edited, '--data', data);
    expect(printed.code).toBe(1);
    expect(printed.stderr).not.toMatch(/\n\s+at /);
    expect(printed.stderr.trim().split('\n').slice(1)).toEqual([
      'govgraph: the catalogues published in this store were published with departments this platform file does not have; use the platform file they were published with (--platform FILE, env GOVGRAPH_PLATFORM), or add the departments to it:',
      '  catalogue "SC-GA" resources[0].provider: 510000-GA is not a department of the platform',
    ]);
  });
});

describe('GraphQL names that every JavaScript object has', () => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    // Valid GraphQL names for a department, a list and a lookup; the schema's field maps are objects.
    dir = mkdtempSync(join(tmpdir(), 'govgraph-sichuan-names-'));
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(platformFile, readFileSync(fixture('platform.yaml'), 'utf8').replace('graphqlName: police,', 'graphqlName: toString,'));
    const catalogueFile = join(dir, 'vehicles.yaml');
    writeFileSync(catalogueFile, readFileSync(fixture('vehicles.yaml'), 'utf8').replace('list: vehicles, byKey: vehicle', 'list: constructor, byKey: valueOf'));
    gw = await startTestGateway({ platformFile, catalogueFiles: [catalogueFile] });
    const vehicles = (await publishedCatalogues(gw.store))[0].resources[0];
    const file = join(dir, 'vehicles.csv');
    writeFileSync(file, 'serial,plate,regionCode\n7,川A00007,510104\n');
    expect((await importRecords(gw.store, vehicles, file)).problems).toEqual([]);
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves a department called toString, a list called constructor and a lookup called valueOf', async () => {
    const r = await gw.query('{ toString { constructor { nodes { serial plate } totalCount } valueOf(serial: 7) { plate } } }', { dept: '510104-MZ', purpose: 'tax-audit' });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ toString: { constructor: { nodes: [{ serial: 7, plate: '川A00007' }], totalCount: 1 }, valueOf: { plate: '川A00007' } } });
  });
});
