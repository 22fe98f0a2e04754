// The usage figures (SPEC §10, §15: the `usage` query and `govgraph usage`) of a province that its city
// forwards requests to (SPEC §12), when the province lists a department of the code the city forwarded
// (a department moved, or listed on both platforms). A platform's department codes are its own: the audit
// log keeps the city's 530100-MZJ (entries `via` 530100) apart from the province's own 530100-MZJ
// (query.ts ownRequest), but the usage figures were by department code alone, and summed them into one
// row `530100-MZJ` (requests: 3), the province's department credited with the city's reads. Their masked
// probes were kept apart, but the report named the city's bureau `530100-MZJ@530100`, a code no department has.
// Two real gateway processes on loopback (test/fixtures/yunnan-connected), each with its own store; the
// command runs on the province's data folder beside its gateway.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { listingKunmingCivil, queryAs as query, startPair, startSide as start, stopPair, stopSide as stop, type Pair } from './helpers/yunnan-pair.ts';

let pair: Pair | undefined;
let province: Pair['province'];
let city: Pair['city'];

beforeAll(async () => {
  pair = await startPair('govgraph-usage-own-');
  ({ province, city } = pair);
}, 180_000);

afterAll(() => stopPair(pair));

const RESIDENTS = '530000-GAT-R01';
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10); // the platform's day (UTC+08:00)
const USAGE = (day: string) =>
  `{ usage(from: "${day}", to: "${day}") { resources { resource provider requests records byRequester { department via purpose requests records denied } } maskedProbes { department via resource values } } }`;

it("keeps the city's forwarded department apart from the province's own department of the same code, in the query and the command", async () => {
  // The city's bureau reads the province's residents twice under its namespace (Kunming's rows: 3).
  await eventually(async () => {
    const res = await query(city, '530100-MZJ', '{ yunnan { police { residents { totalCount nodes { residentNo } } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data?.yunnan?.police?.residents?.totalCount).toBe(3);
  }, 30_000);
  // The second compares one value with the name, masked for it: the city's bureau's masked-probe quota.
  const again = await query(city, '530100-MZJ', '{ yunnan { police { residents(filter: { xm: { eq: "张三" } }) { nodes { xm } } } } }');
  expect(again.errors).toBeUndefined();
  expect(again.data?.yunnan?.police?.residents?.nodes).toHaveLength(1);

  // The province lists a department of that code from now on, which reads the residents once itself.
  await stop(province);
  writeFileSync(province.file, listingKunmingCivil(readFileSync(province.file, 'utf8')));
  await start(province);
  const mine = await query(province, '530100-MZJ', '{ police { residents(first: 1, filter: { xm: { in: ["张三", "李四"] } }) { nodes { residentNo } } } }');
  expect(mine.errors).toBeUndefined();
  expect(mine.data.police.residents.nodes).toHaveLength(1);

  const day = today();
  const rows = [
    { department: '530100-MZJ', via: null, purpose: 'minimum-living-allowance', requests: 1, records: 1, denied: 0 },
    { department: '530100-MZJ', via: '530100', purpose: 'minimum-living-allowance', requests: 2, records: 4, denied: 0 },
  ];
  const resources = [{ resource: RESIDENTS, provider: '530000-GAT', requests: 3, records: 5, byRequester: rows }];
  // Their masked probes, each department's quota, named the same way (not as a code `530100-MZJ@530100`).
  const maskedProbes = [
    { department: '530100-MZJ', via: null, resource: RESIDENTS, values: 2 },
    { department: '530100-MZJ', via: '530100', resource: RESIDENTS, values: 1 },
  ];
  // The competent department's supervisor, and the provider: the same figures, two requesters.
  const supervisor = await query(province, '530000-SZJ', USAGE(day), ['supervisor']);
  expect(supervisor.errors).toBeUndefined();
  expect(supervisor.data.usage).toEqual({ resources, maskedProbes });
  const provider = await query(province, '530000-GAT', USAGE(day));
  expect(provider.data.usage).toEqual({ resources, maskedProbes });
  // The province's 530100-MZJ provides nothing: it sees no figures, its own or the city's bureau's.
  const namesake = await query(province, '530100-MZJ', USAGE(day));
  expect(namesake.errors).toBeUndefined();
  expect(namesake.data.usage).toEqual({ resources: [], maskedProbes: [] });

  // The command, as the provider sees them: the city's bureau named with its platform, as the audit log does.
  const env = cliEnv({ GOVGRAPH_JWT_SECRET: province.secret });
  const cli = await runGovgraph(['usage', '--from', day, '--to', day, '--dept', '530000-GAT', '--platform', province.file, '--data', province.dir], { env });
  expect(cli.code).toBe(0);
  const lines = cli.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));
  expect(lines).toContainEqual(['530100-MZJ', 'minimum-living-allowance', '1', '1', '0']);
  expect(lines).toContainEqual(['530100-MZJ via 530100', 'minimum-living-allowance', '2', '4', '0']);
  expect(lines).toContainEqual([day, '530100-MZJ', RESIDENTS, '2', '0']);
  expect(lines).toContainEqual([day, '530100-MZJ via 530100', RESIDENTS, '1', '0']);
}, 180_000);
