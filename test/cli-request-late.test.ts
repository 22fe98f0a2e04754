// `govgraph request list`, `objection list` and `demand list` tell a supervisor (the operator's view) a
// decision or answer made after its due date (SPEC §9: 10 working days; §14: the platform's `deadlines`) on
// the platform's calendar (Asia/Shanghai). `request list` showed the decision's time in UTC alone, in the
// column where a pending request shows its due date: a decision at 01:30 in Nanjing the day after the due
// date is 17:30 UTC on the due date, and read as on time; the other two showed the due date alone, answered
// or not (Jiangsu, test/fixtures/jiangsu-supervision: objectionDays 2, demandDays 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Role } from '../src/identity/roles.ts';
import { departmentByCode } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { decideSharingRequest, requestSharing } from '../src/workflow/sharing.ts';
import { answerObjection, raiseObjection } from '../src/workflow/objections.ts';
import { answerDemand, requestData } from '../src/workflow/demands.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'jiangsu-supervision');
const PLATFORM_FILE = join(FIXTURE, 'platform.yaml');
const dir = mkdtempSync(join(tmpdir(), 'govgraph-jiangsu-late-'));
const data = join(dir, 'data');
vi.setConfig({ testTimeout: 60_000 });

const platform = loadPlatform(PLATFORM_FILE);
const applicant = { dept: departmentByCode(platform, '320100-MZJ')!, user: 'he.app', roles: ['applicant'] as Role[], purpose: null, requestId: 'late' };
const approver = { dept: departmentByCode(platform, '320000-GAT')!, user: 'wu.appr', roles: ['approver'] as Role[], purpose: null, requestId: 'late' };
const labour = { dept: departmentByCode(platform, '320000-RST')!, user: 'ma.rst', roles: ['approver'] as Role[], purpose: null, requestId: 'late' };
const ids: Record<string, string> = {};

beforeAll(async () => {
  const store = await openSqliteStore(data);
  try {
    await importCatalogueFiles(store, platform, [join(FIXTURE, 'police.yaml')], { publish: true });
    // Requested on Monday 2 November 2026 at 10:00 in Nanjing: due 10 working days later, Monday 16 November.
    const requestedAt = new Date('2026-11-02T02:00:00Z');
    const ask = (items: string[]) => requestSharing({ store, platform, now: requestedAt }, { ...applicant, requestId: items.join() }, {
      resource: '320000-GAT-00001', items, purposes: ['pension-check'], justification: '养老金资格认证',
    });
    const decide = async (id: string, at: string) => decideSharingRequest({ store, platform, now: new Date(at) }, approver, { id, decision: 'reject', reason: '材料不全' });
    // One department has one pending request a resource at a time: each is decided before the next is made.
    ids.lastMinute = (await ask(['xm'])).id;
    await decide(ids.lastMinute, '2026-11-16T15:59:00Z'); // 23:59 on the due date in Nanjing
    ids.dayAfter = (await ask(['csrq'])).id;
    await decide(ids.dayAfter, '2026-11-16T17:30:00Z'); // 01:30 on 17 November in Nanjing: a day late

    // Raised and filed on Monday 2 November: the objection is due 2 working days later (4 November), the demand 3 (5 November).
    await importCatalogueFiles(store, platform, [join(FIXTURE, 'labour.yaml')], { publish: true });
    const pensioners = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === '320000-RST-00001')!;
    expect((await importRecords(store, pensioners, join(FIXTURE, 'pensioners.jsonl'))).problems).toEqual([]);
    const objection = await raiseObjection({ store, platform, now: requestedAt }, { ...applicant, purpose: 'pension-check' }, {
      resource: '320000-RST-00001', key: '320104194805120020', item: 'xm', reason: '户籍姓名不同',
    });
    ids.objection = objection.id;
    await answerObjection({ store, platform, now: new Date('2026-11-04T16:10:00Z') }, labour, { id: objection.id, decision: 'confirm', reason: '核实' });
    const demand = await requestData({ store, platform, now: requestedAt }, applicant, {
      title: '南京市低保家庭名单', description: '低保家庭', items: ['户主'], purposes: ['pension-check'], provider: '320000-RST',
    });
    ids.demand = demand.id;
    await answerDemand({ store, platform, now: new Date('2026-11-05T15:00:00Z') }, labour, { id: demand.id, decision: 'cannot-share', basis: '无此数据' });
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('says a decision made after its due date (China time) is late, and one made on the due date is not', async () => {
  const r = await runGovgraph(['request', 'list'], { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: PLATFORM_FILE }) });
  expect(r.code).toBe(0);
  const line = (id: string) => r.stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
  expect(line(ids.lastMinute)).toMatch(/ REJECTED {2}2026-11-16 15:59 UTC {2}/);
  expect(line(ids.dayAfter)).toMatch(/ REJECTED {2}2026-11-16 17:30 UTC, late \(due 2026-11-16\) {2}/);
});

it('says an objection or a demand answered after its due date (China time) is late, and one answered on it is not', async () => {
  const env = { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: PLATFORM_FILE }) };
  const objections = await runGovgraph(['objection', 'list'], env);
  expect(objections.stdout).toContain(`${ids.objection}  CONFIRMED  due 2026-11-04  answered 2026-11-04 16:10 UTC, late (due 2026-11-04)  320000-RST-00001 `);
  const demands = await runGovgraph(['demand', 'list'], env);
  expect(demands.stdout).toContain(`${ids.demand}  CANNOT_SHARE  due 2026-11-05  answered 2026-11-05 15:00 UTC  320100-MZJ -> 320000-RST: `);
});
