// The audit log of a province that its city forwards requests to (SPEC §10, §12), read by a department
// of the province whose code is the city's department's: one the province lists after the city
// forwarded it (a department moved, or listed on both platforms). A platform's department codes are its
// own (rates, grants and masked-value quotas keep a forwarded department apart); the entries of the
// city's department's reads, `via` 530100, were shown to the province's department as its own requests,
// in full: user, purpose, operation name, document hash, the detail and every resource read.
// And a department's objection or sharing request naming a connected platform's resource code (as it
// sees it in the namespace's answers) was told only that no resource of that code is published here.
// Two real gateway processes on loopback (test/fixtures/yunnan-connected), each with its own store.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { listingKunmingCivil, queryAs as query, startPair, startSide as start, stopPair, stopSide as stop, type Pair } from './helpers/yunnan-pair.ts';

let pair: Pair | undefined;
let province: Pair['province'];
let city: Pair['city'];

beforeAll(async () => {
  pair = await startPair('govgraph-audit-own-');
  ({ province, city } = pair);
}, 180_000);

afterAll(() => stopPair(pair));

const ENTRIES = '{ auditLog(first: 50) { totalCount nodes { department user via operationName documentHash detail resources { resource items records } } } }';

it("a province department of the code the city forwarded does not read the city department's entries as its own", async () => {
  // The city's department reads the province's residents under its namespace (row scope: Kunming's rows).
  const read = await eventually(async () => {
    const res = await query(city, '530100-MZJ', 'query KunmingAllowanceChecks { yunnan { police { residents { totalCount nodes { residentNo xm } } } } }');
    expect(res.data?.yunnan?.police?.residents?.totalCount).toBe(3);
    return res;
  }, 30_000);
  expect(read.errors).toBeUndefined();

  // The province lists a department of that code from now on (restarted with the new platform file).
  await stop(province);
  writeFileSync(province.file, listingKunmingCivil(readFileSync(province.file, 'utf8')));
  await start(province);

  // The province's supervisor sees the forwarded read, via the city: the entry is there, and the filter
  // via finds what the city's departments read here.
  const all = await query(province, '530000-SZJ', ENTRIES, ['supervisor']);
  const forwarded = all.data.auditLog.nodes.filter((n: { via: string | null }) => n.via === '530100');
  const byVia = await query(province, '530000-SZJ', ENTRIES.replace('first: 50', 'first: 50, filter: { via: "530100" }'), ['supervisor']);
  expect(byVia.data.auditLog.nodes).toEqual(forwarded);
  expect(byVia.data.auditLog.totalCount).toBe(1);
  const blank = await query(province, '530000-SZJ', ENTRIES.replace('first: 50', 'first: 50, filter: { via: " " }'), ['supervisor']);
  expect(blank.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  expect(blank.errors?.[0].message).toContain('filter.via: is empty');
  expect(forwarded).toEqual([expect.objectContaining({
    department: '530100-MZJ', user: 'user-of-530100-MZJ', operationName: 'KunmingAllowanceChecks',
    resources: [{ resource: '530000-GAT-R01', items: ['residentNo', 'xm'], records: 3 }],
  })]);

  // The province's own 530100-MZJ made no request here: it sees none of the city department's entries,
  // in the list or in the count (it provides nothing on the province, so no entry is about its resources).
  const own = await query(province, '530100-MZJ', ENTRIES);
  expect(own.errors).toBeUndefined();
  expect(own.data.auditLog).toEqual({ totalCount: 0, nodes: [] });

  // Its own reads are its own: one of the province's residents (its row scope, Kunming's rows).
  const mine = await query(province, '530100-MZJ', 'query OwnRead { police { residents { totalCount } } }');
  expect(mine.data).toEqual({ police: { residents: { totalCount: 3 } } });
  const after = await query(province, '530100-MZJ', ENTRIES);
  expect(after.data.auditLog.nodes).toEqual([expect.objectContaining({ department: '530100-MZJ', via: null, operationName: 'OwnRead' })]);
  expect(after.data.auditLog.totalCount).toBe(1);
}, 120_000);

it("raiseObjection and requestSharing of a connected platform's resource code say whose it is, not only that none is published here", async () => {
  // The code a province department sees in the city's answers (extensions.resource of a refusal).
  const read = await query(province, '530000-MZT', '{ kunming { kunmingCivil { approvals { totalCount } } } }');
  expect(read.errors?.[0].extensions).toMatchObject({ code: 'GRANT_REQUIRED', resource: '530100-MZJ-R02' });
  const objection = await query(province, '530000-MZT',
    'mutation { raiseObjection(input: { resource: "530100-MZJ-R01", key: "K2", item: "amount", reason: "Paid 250 since May" }) { id } }', ['applicant']);
  expect(objection.errors).toEqual([expect.objectContaining({
    message: 'No published resource 530100-MZJ-R01 on this platform: the code is of the region of the connected platform 昆明市政务信息资源共享平台 (530100), whose data is read under kunming and stays its own; objections to its records are raised there, by its own departments, not through this platform.',
    extensions: { code: 'NOT_FOUND' },
  })]);
  const sharing = await query(province, '530000-MZT',
    'mutation { requestSharing(input: { resource: "530100-MZJ-R02", items: ["decision"], purposes: ["minimum-living-allowance"], justification: "Allowance review" }) { id } }', ['applicant']);
  expect(sharing.errors?.[0].message).toBe('No published resource 530100-MZJ-R02 on this platform: the code is of the region of the connected platform 昆明市政务信息资源共享平台 (530100), whose data is read under kunming and stays its own; its conditional resources are shared by grants it gives its own departments, not through this platform.');
  // A code of the province's own region that nothing publishes is the province's: no platform named.
  const own = await query(province, '530000-MZT',
    'mutation { raiseObjection(input: { resource: "530000-GAT-R09", key: "R1", item: "age", reason: "Born 1990" }) { id } }', ['applicant']);
  expect(own.errors?.[0].message).toBe('No published resource 530000-GAT-R09; the catalogues query lists them.');
  // The city: a code of its own region is its own, though it lies within the province's region too.
  const mistyped = await query(city, '530100-MZJ',
    'mutation { raiseObjection(input: { resource: "530100-MZJ-R09", key: "R1", item: "age", reason: "Born 1990" }) { id } }', ['applicant']);
  expect(mistyped.errors?.[0].message).toBe('No published resource 530100-MZJ-R09; the catalogues query lists them.');
  const provinces = await query(city, '530100-MZJ',
    'mutation { raiseObjection(input: { resource: "530000-GAT-R01", key: "R1", item: "age", reason: "Born 1990" }) { id } }', ['applicant']);
  expect(provinces.errors?.[0].message).toContain('the code is of the region of the connected platform 云南省政务信息资源共享平台 (530000), whose data is read under yunnan');
}, 60_000);

it("grant add on the city for a department of the province says that grants here are the city's own departments'", async () => {
  // The city's store is open in its gateway: the command works beside it (SQLite, one folder).
  const res = await runGovgraph(['grant', 'add', '--requester', '530000-MZT', '--resource', '530100-MZJ-R02', '--items', 'approvalNo,decision',
    '--purposes', 'minimum-living-allowance', '--platform', city.file, '--data', city.dir], { env: cliEnv({ GOVGRAPH_JWT_SECRET: city.secret }) });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('requester: No department "530000-MZT" on the platform: the code is of the region of the connected platform 云南省政务信息资源共享平台 (530000); grants here are for this platform\'s own departments, and one whose requests that platform forwards holds none here (its grants are that platform\'s to give).');
  // One of no connected platform's region, as before.
  const other = await runGovgraph(['grant', 'add', '--requester', '990000-XX', '--resource', '530100-MZJ-R02', '--items', 'decision',
    '--purposes', 'minimum-living-allowance', '--platform', city.file, '--data', city.dir], { env: cliEnv({ GOVGRAPH_JWT_SECRET: city.secret }) });
  expect(other.stderr).toContain('requester: No department "990000-XX" on the platform.\n');
}, 60_000);
