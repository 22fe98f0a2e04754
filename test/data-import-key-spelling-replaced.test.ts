// An ID number stored with a lower-case 'x' (by a release before the importer wrote 'X', or straight
// through the store) and imported again as 'X' became a second record: lookups and links gave the 'X'
// one, the list and its count showed both, an objection took whichever the store gave first, and a
// `startsWith` of the whole number with 'x' found neither. Now `govgraph data import` replaces the row of
// the other spelling in its one unit (store port, UpsertAllOptions), an objection names the record a
// lookup shows, and `startsWith` matches both spellings (refused still on a masked item). Ningbo 330200,
// test/fixtures/ningbo-spellings.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { RECORD_ORDER_FIELD } from '../src/model/catalogue.ts';
import { eq, type Filter } from '../src/store/port.ts';
import { OBJECTIONS } from '../src/workflow/objections/record.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/ningbo-spellings/${p}`, import.meta.url));
const RESIDENTS = '330200-GAJ-00007';
const COLLECTION = 'r_330200_gaj_00007';
const SUBSIDIES = '330203-MZJ-00004';
const PROVIDER = { dept: '330200-GAJ', purpose: 'disability-aid' };
const HAISHU = { dept: '330203-MZJ', purpose: 'disability-aid' };

/** Haishu ID numbers whose check character is 'X', the first from sequence `from` on. */
function idsEndingInX(count: number, from = 1): string[] {
  const ids: string[] = [];
  for (let n = from; ids.length < count; n++) {
    const first17 = `33020319620304${String(n).padStart(3, '0')}`;
    if (idCardCheckDigit(first17) === 'X') ids.push(first17 + 'X');
  }
  return ids;
}
const [ID_REPLACED, ID_BOTH, ID_PREFIX, ID_OBJECTED, ID_OBJECTED_BEFORE, ID_KEPT_BEFORE] = idsEndingInX(6);
const lower = (id: string) => id.slice(0, 17) + 'x';
const inList = (field: string, values: string[]): Filter => ({ kind: 'in', field, values });

let gw: TestGateway;
let files = 0;
async function cliImport(code: string, text: string) {
  const file = join(gw.dataDir, `records-${++files}.csv`);
  writeFileSync(file, text);
  const env = cliEnv({ GOVGRAPH_DATA_DIR: gw.dataDir, GOVGRAPH_PLATFORM: fixture('platform.yaml') });
  return runGovgraph(['data', 'import', '--resource', code, file], { env });
}

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('residents.yaml'), fixture('subsidies.yaml')],
  });
}, 60_000);
afterAll(() => gw?.close());

describe('an ID number stored with x, imported again with X', () => {
  it('is one record, the new one, the x row gone: counts, lists, lookups, links and the audit see one', async () => {
    // As a release before the importer wrote 'X' left it (straight through the store).
    // Its place in a masked key's list (RECORD_ORDER_FIELD) is kept, as an update's is.
    await gw.store.upsert(COLLECTION, 'idNumber', [{ idNumber: lower(ID_REPLACED), fullName: '王旧', [RECORD_ORDER_FIELD]: 4242 }]);
    const subsidies = await cliImport(SUBSIDIES, `caseNo,idNumber,amount\nHS-1,${lower(ID_REPLACED)},300\nHS-2,${ID_REPLACED},400\n`);
    expect(subsidies.code, subsidies.stderr).toBe(0);
    const run = await cliImport(RESIDENTS, `idNumber,fullName\n${ID_REPLACED},王新\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`imported 1 record into ${RESIDENTS} (0 new, 1 updated)`);

    expect(await gw.store.find(COLLECTION, { filter: inList('idNumber', [ID_REPLACED, lower(ID_REPLACED)]), projection: ['idNumber', 'fullName', RECORD_ORDER_FIELD] })).toEqual([
      { idNumber: ID_REPLACED, fullName: '王新', [RECORD_ORDER_FIELD]: 4242 },
    ]);
    for (const spelling of [ID_REPLACED, lower(ID_REPLACED)]) {
      const res = await gw.query(`{ nbPolice { resident(idNumber: "${spelling}") { idNumber fullName } residents(filter: { idNumber: { in: ["${spelling}"] } }) { totalCount nodes { fullName } } } }`, PROVIDER);
      expect(res.errors).toBeUndefined();
      expect(res.data!.nbPolice).toEqual({ resident: { idNumber: ID_REPLACED, fullName: '王新' }, residents: { totalCount: 1, nodes: [{ fullName: '王新' }] } });
    }
    const all = await gw.query('{ nbPolice { residents { totalCount nodes { idNumber } } } }', PROVIDER);
    expect(all.data!.nbPolice.residents).toEqual({ totalCount: 1, nodes: [{ idNumber: ID_REPLACED }] });
    const linked = await gw.query('{ hsCivil { subsidies { nodes { caseNo resident { fullName } } } } }', HAISHU);
    expect(linked.errors).toBeUndefined();
    expect(linked.data!.hsCivil.subsidies.nodes).toEqual([
      { caseNo: 'HS-1', resident: { fullName: '王新' } },
      { caseNo: 'HS-2', resident: { fullName: '王新' } },
    ]);
    // The import's outcome in the log counts one record updated, none new; the list read above one record.
    const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('action', 'data import') })).map(fromRow);
    expect(entries.map((e) => e.detail).filter((d) => d?.includes(`into ${RESIDENTS}`) && d.includes(' done '))).toEqual([
      expect.stringContaining('1 record written (0 new, 1 updated)'),
    ]);
  });
});

describe('an ID number stored under both spellings (before the import replaced one)', () => {
  beforeAll(async () => {
    // The 'x' row first: the store's first of the two is the one the objection took before.
    await gw.store.insert(COLLECTION, [{ idNumber: lower(ID_BOTH), fullName: '李小写' }]);
    await gw.store.insert(COLLECTION, [{ idNumber: ID_BOTH, fullName: '李大写' }]);
  });

  it('raiseObjection names the record a lookup shows (X), by either spelling', async () => {
    const shown = await gw.query(`{ nbPolice { resident(idNumber: "${lower(ID_BOTH)}") { idNumber fullName } } }`, PROVIDER);
    expect(shown.data!.nbPolice.resident).toEqual({ idNumber: ID_BOTH, fullName: '李大写' });
    for (const [spelling, reason] of [[lower(ID_BOTH), '姓名有误'], [ID_BOTH, '姓名有误']] as const) {
      const raised = await gw.query(`mutation { raiseObjection(input: { resource: "${RESIDENTS}", key: "${spelling}", item: "fullName", reason: "${reason}" }) { key } }`, {
        ...HAISHU, roles: ['applicant'],
      });
      if (spelling === ID_BOTH) {
        // The second is the same objection (one per record and item): a conflict naming the first.
        expect(raised.errors?.[0]?.extensions?.code).toBe('CONFLICT');
        continue;
      }
      expect(raised.errors).toBeUndefined();
      expect(raised.data!.raiseObjection).toEqual({ key: ID_BOTH });
    }
  });

  it('an import of the number leaves one record, the x row gone', async () => {
    const run = await cliImport(RESIDENTS, `idNumber,fullName\n${lower(ID_BOTH)},李新\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(await gw.store.find(COLLECTION, { filter: inList('idNumber', [ID_BOTH, lower(ID_BOTH)]), projection: ['idNumber', 'fullName'] })).toEqual([
      { idNumber: ID_BOTH, fullName: '李新' },
    ]);
  });
});

describe('an objection to a record stored with x, confirmed', () => {
  /** An objection of HAISHU to the fullName of the record stored as `lower(id)`, confirmed by its provider. */
  async function confirmedObjection(id: string): Promise<string> {
    await gw.store.insert(COLLECTION, [{ idNumber: lower(id), fullName: '孙错' }]);
    const raised = await gw.query(`mutation { raiseObjection(input: { resource: "${RESIDENTS}", key: "${id}", item: "fullName", reason: "姓名有误" }) { id key } }`, {
      ...HAISHU, roles: ['applicant'],
    });
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.raiseObjection.key).toBe(lower(id)); // the key as stored
    const objection = raised.data!.raiseObjection.id as string;
    const confirmed = await gw.query(`mutation { answerObjection(input: { id: "${objection}", decision: CONFIRM }) { status } }`, { dept: '330200-GAJ', roles: ['approver'] });
    expect(confirmed.data?.answerObjection, JSON.stringify(confirmed.errors)).toEqual({ status: 'CONFIRMED' });
    return objection;
  }

  it('is CORRECTED by the import that writes the number with X and a new name (the x row replaced)', async () => {
    const id = await confirmedObjection(ID_OBJECTED);
    const run = await cliImport(RESIDENTS, `idNumber,fullName\n${ID_OBJECTED},孙对\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`objection ${id} (fullName of "${lower(ID_OBJECTED)}", raised by 330203-MZJ) is now CORRECTED`);
  });

  it('confirmed before fingerprints were kept, is CORRECTED too when the import changes the item of the x row it replaces', async () => {
    const changed = await confirmedObjection(ID_OBJECTED_BEFORE);
    const kept = await confirmedObjection(ID_KEPT_BEFORE);
    // As an older release left them: no fingerprint, corrected when an import changes the item.
    for (const id of [changed, kept]) await gw.store.update(OBJECTIONS, eq('id', id), { confirmedValue: null });
    const run = await cliImport(RESIDENTS, `idNumber,fullName\n${ID_OBJECTED_BEFORE},孙对\n${ID_KEPT_BEFORE},孙错\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`objection ${changed} (fullName of "${lower(ID_OBJECTED_BEFORE)}", raised by 330203-MZJ) is now CORRECTED`);
    expect(run.stdout).not.toContain(`objection ${kept}`); // the name as it was: nothing to correct
  });
});

describe('startsWith on an ID number', () => {
  it('matches a whole number written with x as the record stored with X; shorter prefixes as before', async () => {
    const run = await cliImport(RESIDENTS, `idNumber,fullName\n${ID_PREFIX},赵前缀\n`);
    expect(run.code, run.stderr).toBe(0);
    for (const prefix of [lower(ID_PREFIX), ID_PREFIX, ID_PREFIX.slice(0, 17)]) {
      const res = await gw.query(`{ nbPolice { residents(filter: { idNumber: { startsWith: "${prefix}" } }) { totalCount nodes { fullName } } } }`, PROVIDER);
      expect(res.errors, prefix).toBeUndefined();
      expect(res.data!.nbPolice.residents, prefix).toEqual({ totalCount: 1, nodes: [{ fullName: '赵前缀' }] });
    }
  });

  it('is refused still on the number masked for the reader, in either spelling', async () => {
    for (const prefix of [lower(ID_PREFIX), ID_PREFIX, ID_PREFIX.slice(0, 6)]) {
      const res = await gw.query(`{ nbPolice { residents(filter: { idNumber: { startsWith: "${prefix}" } }) { totalCount } } }`, HAISHU);
      expect(res.data?.nbPolice?.residents ?? null).toBeNull();
      expect(res.errors?.[0]?.message).toContain('idNumber of 330200-GAJ-00007 is masked for you: you may filter it only with eq or in');
    }
  });
});
