// One standing objection per record, item and department (SPEC §14), however the record's key is spelt,
// when raises race: two stores on one data folder (as two gateways) raise at once, and a data import
// (`govgraph data import`, a process of its own) replaces an ID number's 'x' row by its 'X' one between
// them. The slot that the unique index keeps once held the key as found, so a raise that found the 'x'
// row and one that found the 'X' row took two slots: two standing objections to one record's item
// (workflow/objections/record.ts). Fuzhou 350100, test/fixtures/fuzhou-objections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { and, eq, type Row, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { OBJECTIONS, STANDING, answerObjection, raiseObjection, type ObjectionInput } from '../src/workflow/objections.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { aroundMethod } from './helpers/store-around.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/fuzhou-objections/${p}`, import.meta.url));
const platform = loadPlatform(fixture('platform.yaml'));
const RESIDENTS = '350100-GAJ-00051';
const SHOPS = '350100-SCJ-00052';
const PURPOSE = 'subsidy-check';
const actor = (code: string, role: 'applicant' | 'approver', user = 'u'): Actor => ({
  dept: platform.departments.find((d) => d.code === code)!, user, roles: [role], purpose: PURPOSE, requestId: `r-${user}-${Math.random()}`,
});
const GULOU = (user: string) => actor('350102-MZJ', 'applicant', user);

/** Gulou's n-th ID number whose check character is 'X'. */
function idEndingInX(n: number): string {
  for (let seq = 1, found = 0; ; seq++) {
    const first17 = `35010219900101${String(seq).padStart(3, '0')}`;
    if (idCardCheckDigit(first17) === 'X' && ++found === n) return first17 + 'X';
  }
}
const lower = (id: string) => id.slice(0, 17) + 'x';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-objection-standing-race-'));
const data = join(dir, 'data');
let a: Store;
let b: Store;
beforeAll(async () => {
  a = await openSqliteStore(data);
  b = await openSqliteStore(data);
  await importCatalogueFiles(a, platform, [fixture('residents.yaml'), fixture('shops.yaml')], { publish: true });
  const ctx = { platform, catalogues: await publishedCatalogues(a) };
  await addGrant(a, ctx, { requester: '350102-MZJ', resource: RESIDENTS, items: ['idNumber', 'fullName', 'street'], purposes: [PURPOSE], rows: null, createdBy: 'test' });
  await addGrant(a, ctx, { requester: '350102-MZJ', resource: SHOPS, items: ['shopCode', 'shopName'], purposes: [PURPOSE], rows: null, createdBy: 'test' });
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  rmSync(dir, { recursive: true, force: true });
});

const envOf = (store: Store) => ({ store, platform, now: new Date() });
const objecting = (key: string, more: Partial<ObjectionInput> = {}): ObjectionInput => ({ resource: RESIDENTS, key, item: 'fullName', reason: '姓名有误', ...more });
/** The standing objections of the department to the resource's item, their keys as stored. */
const standing = async (resource = RESIDENTS, item = 'fullName'): Promise<Row[]> =>
  (await a.find(OBJECTIONS, { filter: and(eq('resource', resource), eq('item', item), { kind: 'in', field: 'status', values: [...STANDING] }), projection: ['key', 'status'] }));
const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'OK');

/** Each case its own resident (the objections of the cases stand side by side). */
let nth = 0;
let resident: string;
beforeEach(() => {
  resident = idEndingInX(++nth);
});
const storeResident = (idNumber: string) => a.upsert('r_350100_gaj_00051', 'idNumber', [{ idNumber, fullName: '陈错', street: '东街' }]);
const standingTo = async (id: string) => (await standing()).filter((r) => [JSON.stringify(id), JSON.stringify(lower(id))].includes(String(r.key)));

describe('two raises of one objection at once, on two stores of one folder', () => {
  it("by the ID number's two spellings ('x' and 'X'): one stands, the other is CONFLICT", async () => {
    await storeResident(resident);
    const results = await Promise.allSettled([raiseObjection(envOf(a), GULOU('first'), objecting(lower(resident))), raiseObjection(envOf(b), GULOU('second'), objecting(resident))]);
    expect(results.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
    expect(await standingTo(resident)).toHaveLength(1);
  });

  it("by the two spellings of a number stored with 'x' (before the importer wrote 'X'): one stands", async () => {
    await storeResident(lower(resident));
    const results = await Promise.allSettled([raiseObjection(envOf(a), GULOU('first'), objecting(resident)), raiseObjection(envOf(b), GULOU('second'), objecting(lower(resident)))]);
    expect(results.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
    expect(await standingTo(resident)).toEqual([{ key: JSON.stringify(lower(resident)), status: 'open' }]);
  });

  it('by one spelling twice, and as a correction (a proposed value) beside a plain objection: one stands each time', async () => {
    await storeResident(resident);
    const twice = await Promise.allSettled([raiseObjection(envOf(a), GULOU('first'), objecting(resident)), raiseObjection(envOf(b), GULOU('second'), objecting(resident))]);
    expect(twice.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
    const other = idEndingInX(++nth);
    await storeResident(other);
    const corrected = await Promise.allSettled([
      raiseObjection(envOf(a), GULOU('first'), objecting(lower(other), { proposedValue: '陈对' })),
      raiseObjection(envOf(b), GULOU('second'), objecting(other)),
    ]);
    expect(corrected.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
    expect(await standingTo(resident)).toHaveLength(1);
    expect(await standingTo(other)).toHaveLength(1);
  });
});

describe("a raise that found the 'x' row, another the 'X' row that an import put in its place", () => {
  it('one stands; the later gets CONFLICT in words, not INTERNAL_SERVER_ERROR', async () => {
    await storeResident(lower(resident));
    // The first raise has found the 'x' row and seen no standing objection: its write waits.
    let release!: () => void;
    let reachedWrite!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writing = new Promise<void>((r) => (reachedWrite = r));
    const held = aroundMethod(a, 'insert', async (args, call) => {
      if (args[0] === OBJECTIONS) {
        reachedWrite();
        await gate;
      }
      return call();
    });
    const first = raiseObjection(envOf(held), GULOU('first'), objecting(lower(resident))).then(
      (o) => ({ ok: o.key }),
      (e: { code?: string; message: string }) => ({ refused: e.code, message: e.message }),
    );
    await writing;
    // Meanwhile the provider imports the number as GB 11643 writes it: the 'x' row is replaced.
    const file = join(dir, `resident-${nth}.csv`);
    writeFileSync(file, `idNumber,fullName,street\n${resident},陈错,东街\n`);
    const run = await runGovgraph(['data', 'import', '--resource', RESIDENTS, file], { env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: fixture('platform.yaml') }) });
    expect(run.code, run.stderr).toBe(0);
    // A second raise, by another gateway, finds the 'X' row and no standing objection either.
    const second = await raiseObjection(envOf(b), GULOU('second'), objecting(resident));
    expect(second.key).toBe(resident);
    release();
    expect(await first).toEqual({
      refused: 'CONFLICT',
      message: `350102-MZJ already has a standing objection to fullName of this ${RESIDENTS} record; one per record and item until it is answered.`,
    });
    expect(await standingTo(resident)).toEqual([{ key: JSON.stringify(resident), status: 'open' }]);
  });
});

describe('an objection that stands under the spelling it was raised by (before the slot named the first spelling)', () => {
  it('still refuses a second one, raised by either spelling, also once it is confirmed', async () => {
    await storeResident(resident);
    // As an older release stored it: its slot holds the 'x' it was raised by.
    const row = {
      id: `old-${nth}`, resource: RESIDENTS, provider: '350100-GAJ', key: JSON.stringify(lower(resident)), item: 'fullName',
      department: '350102-MZJ', raisedBy: 'old', raisedAt: '2026-11-02T02:00:00.000Z', reason: '姓名有误', proposedValue: null,
      status: 'open', answeredBy: null, answeredAt: null, answer: null, correctedAt: null,
      slot: JSON.stringify([RESIDENTS, lower(resident), 'fullName', '350102-MZJ']),
    };
    await a.insert(OBJECTIONS, [row]);
    for (const key of [resident, lower(resident)]) {
      await expect(raiseObjection(envOf(b), GULOU('again'), objecting(key))).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`old-${nth} (OPEN)`) });
    }
    await answerObjection(envOf(a), actor('350100-GAJ', 'approver'), { id: row.id, decision: 'confirm' });
    await expect(raiseObjection(envOf(b), GULOU('again'), objecting(resident))).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`old-${nth} (CONFIRMED)`) });
    expect(await standingTo(resident)).toEqual([{ key: JSON.stringify(lower(resident)), status: 'confirmed' }]);
  });
});

describe('other keys: one spelling each', () => {
  it("a text key's letter case names two records: both take a standing objection at once", async () => {
    await a.upsert('r_350100_scj_00052', 'shopCode', [{ shopCode: 'fz-a1', shopName: '闽味小吃' }, { shopCode: 'FZ-A1', shopName: '榕城茶行' }]);
    const results = await Promise.allSettled(['fz-a1', 'FZ-A1'].map((key, i) =>
      raiseObjection(envOf(i ? b : a), GULOU(`shop-${i}`), { resource: SHOPS, key, item: 'shopName', reason: '名称有误' })));
    expect(results.map(codeOf)).toEqual(['OK', 'OK']);
    expect((await standing(SHOPS, 'shopName')).map((r) => r.key).sort()).toEqual(['"FZ-A1"', '"fz-a1"']);
  });

  it('a key given with spaces around it or in full-width characters names no record (NOT_FOUND), and nothing is stored', async () => {
    await storeResident(resident);
    const fullWidth = (s: string) => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const before = await a.count(OBJECTIONS);
    for (const [resource, key] of [[RESIDENTS, ` ${resident} `], [RESIDENTS, fullWidth(resident)], [RESIDENTS, fullWidth(lower(resident))], [SHOPS, ' FZ-A1'], [SHOPS, fullWidth('FZ-A1')]]) {
      const item = resource === SHOPS ? 'shopName' : 'fullName';
      await expect(raiseObjection(envOf(b), GULOU('typed'), { resource, key, item, reason: '有误' }), key).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await a.count(OBJECTIONS)).toBe(before);
  });
});
