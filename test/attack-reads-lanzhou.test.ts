// The masked-probe quota (SPEC §13) and an `in` whose list graphql-js's coercion refuses, on a Lanzhou
// platform of the test's own (test/fixtures/lanzhou-reads): Lanzhou's civil affairs bureau reads the
// province's residents with their ID numbers (the key) masked. graphql-jit runs most queries
// (src/server/executor.ts) and does not refuse a variable sent as null for a `String!` item of a list
// (`in: [$n, "<guess>"]`, `$n: String = "x"`, `{ n: null }`), where graphql-js's getArgumentValues, which the
// quota's count used, throws: the count skipped the filter ("the executor reports it"), the filter ran,
// and its guesses of hidden ID numbers were neither counted nor held to maxIn: totalCount told each guess
// right or wrong, without end. Such a request is now refused before anything runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/lanzhou-reads/${p}`, import.meta.url));
const LANZHOU = '620100-MZJ';
const PURPOSE = 'aid-review';
const id = (first17: string) => first17 + idCardCheckDigit(first17);
const IN = id('62010219800101001');
const OUT = id('62020219800101002');
const residents = [
  { idNumber: IN, division: '620102', fullName: '王小明', phone: '13912345678', note: 'n1' },
  { idNumber: OUT, division: '620202', fullName: '李大海', phone: '13800001111', note: 'n2' },
];
const cases = [
  { caseNo: 'A1', idNumber: IN },
  { caseNo: 'A2', idNumber: OUT },
];

let gw: TestGateway;
const asLanzhou = (document: string, variables?: Record<string, unknown>) => gw.query(document, { dept: LANZHOU, purpose: PURPOSE, variables });

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml'), fixture('aid.yaml')],
    limits: { maskedProbes: { maxIn: 5, perHour: 1000, perDay: 1000 } } });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const load = async (code: string, rows: object[]) => {
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
  };
  await load('620000-GAT-00101', residents);
  await load('620100-MZJ-00001', cases);
}, 60_000);
afterAll(() => gw?.close());

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10); // the platform's day (UTC+08:00), as the usage report's days
/** The values compared with the residents' masked items by Lanzhou, as their provider reads them in usage. */
async function probes(): Promise<number> {
  const res = await gw.query(`{ usage(from: "${today()}", to: "${today()}") { maskedProbes { department resource values } } }`, { dept: '620000-GAT' });
  const mine = (res.data!.usage.maskedProbes as { department: string; resource: string; values: number }[])
    .filter((p) => p.department === LANZHOU && p.resource === '620000-GAT-00101');
  return mine.reduce((n, p) => n + p.values, 0);
}

const GUESS = `query($n: String = "x") { gsPolice { residents(filter: { idNumber: { in: [$n, "${IN}", "${OUT}"] } }) { totalCount } } }`;

describe('an in on a masked key with a null beside the guesses', () => {
  it('is refused before anything is read: no count, nothing compared', async () => {
    const before = await probes();
    const res = await asLanzhou(GUESS, { n: null });
    expect(res.data?.gsPolice?.residents ?? null).toBeNull();
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).not.toMatch(new RegExp(`${IN}|${OUT}`));
    expect(await probes()).toBe(before);
  });

  it('cannot hold more guesses than maxIn either', async () => {
    const many = Array.from({ length: 8 }, (_v, i) => id(`6201021980010${String(i).padStart(4, '0')}`));
    const res = await asLanzhou(`query($n: String = "x") { gsPolice { residents(filter: { idNumber: { in: [$n, ${many.map((g) => `"${g}"`).join(', ')}] } }) { totalCount } } }`, { n: null });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.data?.gsPolice?.residents ?? null).toBeNull();
  });

  it('with a value for the variable, runs and counts every value compared', async () => {
    const before = await probes();
    const res = await asLanzhou(GUESS, { n: id('62010219800101999') });
    expect(res.errors).toBeUndefined();
    expect(res.data!.gsPolice.residents.totalCount).toBe(1); // OUT lies outside Lanzhou's rows
    expect(await probes()).toBe(before + 3);
  });

  it('the same guesses without the null take as many probes', async () => {
    const before = await probes();
    const res = await asLanzhou(`{ gsPolice { residents(filter: { idNumber: { in: ["${IN}", "${OUT}"] } }) { totalCount } } }`);
    expect(res.data!.gsPolice.residents.totalCount).toBe(1);
    expect(await probes()).toBe(before + 2);
  });
});

// The same null where a lookup needs its key: graphql-jit handed the resolver a null key and the client
// got INTERNAL_SERVER_ERROR (src/server/plugins/null-variables.ts). Refused as bad input before anything
// runs, naming only the variable; left out, the default applies; where a value is not required, null runs.
describe('a defaulted variable sent as null where a value is required', () => {
  const LOOKUP = `query($k: String = "${IN}") { gsPolice { resident(idNumber: $k) { division } } }`;

  it('is refused as bad input, naming the variable only, for a lookup key', async () => {
    const before = await probes();
    const res = await asLanzhou(LOOKUP, { k: null });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(/"\$k" is sent as null/);
    expect(res.errors![0].message).not.toMatch(/String|idNumber|resident/);
    expect(res.data ?? null).toBeNull();
    expect(await probes()).toBe(before);
  });

  it('is refused in a list of a filter too, with the same words', async () => {
    const res = await asLanzhou(GUESS, { n: null });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(/"\$n" is sent as null/);
  });

  it('left out, the default applies and the lookup runs', async () => {
    const res = await asLanzhou(LOOKUP, {});
    expect(res.errors).toBeUndefined();
    expect(res.data!.gsPolice.resident).toEqual({ division: '620102' });
  });

  it('null where a value is not required runs as before', async () => {
    const res = await asLanzhou(`query($f: Int = 1) { gsPolice { residents(first: $f) { totalCount } } }`, { f: null });
    expect(res.errors).toBeUndefined();
    expect(res.data!.gsPolice.residents.totalCount).toBe(1);
  });
});
