// The masked-probe quota (SPEC §13, limits.maskedProbes) is the department's on the store, not a
// gateway's: two `govgraph serve` processes on one data folder (Heilongjiang, test/fixtures/heilongjiang-
// probes), Harbin's civil affairs bureau reading the police's residents under a grant narrowed to Daoli's
// rows, their ID numbers and phones masked. Its probes spread over the two gateways, over aliases, an
// `in` and the permits' link to the residents by ID number all draw on one count: 6 an hour here. Found
// holding by the leak hunt of wave 20 (no test ran two processes against the quota before).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { platformSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { probeUsage } from '../src/limits/probes.ts';
import { importRecords } from '../src/records/import.ts';
import { cliEnv, withSqliteStore } from './helpers/cli.ts';
import { spawnServe, type ServedProcess } from './helpers/served.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/heilongjiang-probes/${p}`, import.meta.url));
const HARBIN = '230100-MZJ';
const RESIDENTS = '230000-GAT-00001';
const PERMITS = '230000-GAT-00002';
// Daoli (230102) is Harbin's grant; Nangang (230103) is Harbin's but not granted; Qiqihar (230202) is not Harbin's.
const residents = [
  { personNo: 'R1', idNumber: '230102199001011234', fullName: '张晓明', phone: '13800001111', division: '230102' },
  { personNo: 'R2', idNumber: '230103198502023456', fullName: '李红', phone: '13900002222', division: '230103' },
  { personNo: 'R3', idNumber: '230202197003035678', fullName: '王强', phone: '13700003333', division: '230202' },
];
const permits = residents.map((r, i) => ({ permitNo: `P${i + 1}`, holderId: r.idNumber, personNo: r.personNo }));

let work: string;
let gateways: ServedProcess[] = [];
let token: string;
let data: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-two-gateways-'));
  data = join(work, 'data');
  const platformFile = join(work, 'platform.yaml');
  writeFileSync(platformFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}limits:\n  maskedProbes: { maxIn: 3, perHour: 6, perDay: 100 }\n`);
  const platform = loadPlatform(platformFile);
  const secret = await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, platform, [fixture('police.yaml')], { publish: true });
    const catalogues = await publishedCatalogues(store);
    const byCode = new Map(catalogues.flatMap((c) => c.resources).map((r) => [r.code, r]));
    for (const [code, rows] of [[RESIDENTS, residents], [PERMITS, permits]] as const) {
      const file = join(work, `${code}.jsonl`);
      writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      await importRecords(store, byCode.get(code)!, file);
    }
    await addGrant(store, { platform, catalogues }, {
      requester: HARBIN, resource: RESIDENTS, items: ['personNo', 'idNumber', 'phone', 'division'], purposes: ['pension-check'], unmasked: [], rows: ['230102'], createdBy: 'test',
    });
    return platformSecret(store);
  });
  token = await signToken(secret, { dept: HARBIN, user: 'clerk', roles: [], ttl: '1h' });
  const env = cliEnv({ GOVGRAPH_LOG_LEVEL: 'silent' });
  const port = Number(process.env.GOVGRAPH_TEST_PORT ?? 0);
  for (const offset of [0, 1]) gateways.push(await spawnServe(['--platform', platformFile, '--data', data], env, port && port + offset));
}, 120_000);

afterAll(async () => {
  for (const g of gateways) {
    g.child.kill('SIGKILL');
    await g.exited;
  }
  gateways = [];
  rmSync(work, { recursive: true, force: true });
});

async function ask(gateway: number, query: string) {
  const res = await fetch(`http://127.0.0.1:${gateways[gateway].port}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-purpose': 'pension-check', 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: any; errors?: Array<{ path?: (string | number)[]; extensions?: Record<string, any> }> };
  return { status: res.status, data: body.data, errors: (body.errors ?? []).map((e) => [e.path?.join('.') ?? null, e.extensions?.code, e.extensions?.quota ?? null]) };
}

/** Harbin's probes of the residents on record today: values counted, requests refused. */
async function used() {
  return withSqliteStore(data, async (store) =>
    (await probeUsage(store, '2000-01-01', '2999-12-31')).filter((u) => u.department === HARBIN).map((u) => [u.resource, u.values, u.refused]));
}

const count = (filter: string) => `{ hljPolice { residents(filter: ${filter}) { totalCount } } }`;

describe('the masked-probe quota across two gateways of one store', () => {
  it('counts every value compared on either gateway, and refuses on either once the hour is full', { timeout: 60_000 }, async () => {
    // The quota counts per clock hour: a run begun in the last seconds of one would count into two.
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toNextHour < 20_000) await new Promise((r) => setTimeout(r, toNextHour + 100));
    // Two aliases on the first gateway: 2 values.
    const aliases = await ask(0, '{ hljPolice { a: residents(filter: { phone: { eq: "13800001111" } }) { totalCount } b: residents(filter: { phone: { eq: "13900002222" } }) { totalCount } } }');
    expect(aliases).toEqual({ status: 200, data: { hljPolice: { a: { totalCount: 1 }, b: { totalCount: 0 } } }, errors: [] });
    // An `in` on the second: 2 more (4). R2's ID number is Harbin's region but not its grant's rows.
    expect(await ask(1, count(`{ idNumber: { in: ["${residents[0].idNumber}", "${residents[1].idNumber}"] } }`)))
      .toEqual({ status: 200, data: { hljPolice: { residents: { totalCount: 1 } } }, errors: [] });
    expect(await used()).toEqual([[RESIDENTS, 4, 0]]);
    // Three more on the first would make 7: refused whole, nothing read, nothing counted.
    const over = await ask(0, count('{ phone: { in: ["13800001111", "13900002222", "13700003333"] } }'));
    expect(over).toEqual({ status: 429, data: undefined, errors: [[null, 'RATE_LIMITED', 'perHour']] });
    // One on the second (5); then the permits' link by ID number looks up 2 values on the first: past 6, the
    // link is null with the refusal, the permits stand.
    expect((await ask(1, count('{ phone: { eq: "13700003333" } }'))).data).toEqual({ hljPolice: { residents: { totalCount: 0 } } });
    const link = await ask(0, '{ hljPolice { permits(filter: { permitNo: { in: ["P1", "P3"] } }) { nodes { permitNo holder { personNo } } } } }');
    expect(link).toEqual({
      status: 429,
      data: { hljPolice: { permits: { nodes: [{ permitNo: 'P1', holder: null }, { permitNo: 'P3', holder: null }] } } },
      errors: [['hljPolice.permits.nodes.0.holder', 'RATE_LIMITED', 'perHour']],
    });
    // The sixth value on the second gateway is taken; the seventh, on either, is not.
    expect((await ask(1, count('{ phone: { eq: "13800001111" } }'))).data).toEqual({ hljPolice: { residents: { totalCount: 1 } } });
    for (const gateway of [0, 1]) expect((await ask(gateway, count('{ phone: { eq: "13800001111" } }'))).status).toBe(429);
    expect(await used()).toEqual([[RESIDENTS, 6, 4]]);
  });
});
