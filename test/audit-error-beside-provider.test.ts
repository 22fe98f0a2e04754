// A read that failed in one provider's resource (a CONFLICT on a value a retyped item no longer fits)
// beside another provider's resource that it read well (SPEC §10, §14; Jiangsu, test/fixtures/jiangsu-supervision):
// - the other provider saw the entry's outcome ERROR for its own part, which had returned its record: the
//   outcome it is shown is "over your resources alone" (schema/platform.graphql AuditFilter.outcome), so
//   ERROR told it that something else the request read had failed, and its `outcome: ALLOWED` filter
//   missed its own read;
// - the supervisor's figures of use left the whole entry out, so the record returned from the other
//   provider's resource, and the records of the retyped resource read beside the failing item, were not
//   counted anywhere;
// - the department that read was not among the users a breaking change of the other resource warns.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { itemReaders } from '../src/audit/usage.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'jiangsu-supervision');
const PENSIONERS = '320000-RST-00001';
const ENTERPRISES = '320000-SCJGJ-00001';
const READER = { dept: '320100-MZJ', purpose: 'pension-check' };

let gw: TestGateway;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-jiangsu-'));
  gw = await startTestGateway({
    platformFile: join(FIXTURE, 'platform.yaml'),
    catalogueFiles: ['police.yaml', 'labour.yaml', 'market.yaml'].map((f) => join(FIXTURE, f)),
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  for (const [code, file] of [[PENSIONERS, 'pensioners.jsonl'], [ENTERPRISES, 'enterprises.jsonl']]) {
    expect((await importRecords(gw.store, resources.find((r) => r.code === code)!, join(FIXTURE, file))).problems).toEqual([]);
  }
  // The second version of the labour catalogue retypes the monthly pension to int: "3200.50" no longer fits.
  const retyped = readFileSync(join(FIXTURE, 'labour.yaml'), 'utf8').replace('{ name: monthly, title: 月养老金, type: decimal }', '{ name: monthly, title: 月养老金（元）, type: int }');
  expect(retyped).toContain('type: int');
  writeFileSync(join(dir, 'labour-v2.yaml'), retyped);
  await importCatalogueFiles(gw.store, gw.platform, [join(dir, 'labour-v2.yaml')], { publish: true });
  await gw.gateway.holder.refresh();

  const r = await gw.query('{ jsLabour { pensioners(first: 2) { nodes { xm monthly } } } jsMarket { enterprises { nodes { qymc } } } }', {
    ...READER, headers: { 'x-request-id': 'js-error-beside' },
  });
  expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.resource])).toEqual([['CONFLICT', PENSIONERS]]);
  expect(r.data!.jsMarket.enterprises.nodes).toEqual([{ qymc: '南京玄武科技有限公司' }]);
}, 30_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const LOG = `query($f: AuditFilter) { auditLog(filter: $f) { totalCount nodes { outcome detail resources { resource records } } } }`;
async function log(dept: string, roles: string[], filter: Record<string, unknown>) {
  const r = await gw.query(LOG, { token: await gw.token(dept, roles as never), variables: { f: { requestId: 'js-error-beside', ...filter } } });
  expect(r.errors).toBeUndefined();
  return r.data!.auditLog as { totalCount: number; nodes: { outcome: string; detail: string | null; resources: { resource: string; records: number }[] }[] };
}

describe('a read that failed in one provider\'s resource beside another\'s', () => {
  it('is an error for the supervisor and the provider whose item failed', async () => {
    const all = await log('320000-DSJ', ['supervisor'], {});
    expect(all.nodes.map((n) => [n.outcome, n.detail])).toEqual([['ERROR', 'CONFLICT at jsLabour.pensioners.nodes.0.monthly']]);
    expect((await log('320000-RST', [], {})).nodes.map((n) => n.outcome)).toEqual(['ERROR']);
    // Which part failed is part of the hashed entry: the chain checks.
    const v = await gw.query('{ verifyAuditChain { ok } }', { token: await gw.token('320000-DSJ', ['supervisor']) });
    expect(v.data).toEqual({ verifyAuditChain: { ok: true } });
  });

  it('is allowed for the provider whose resource read well, and its outcome filter finds it so', async () => {
    const market = await log('320000-SCJGJ', [], {});
    expect(market.nodes).toEqual([{ outcome: 'ALLOWED', detail: null, resources: [{ resource: ENTERPRISES, records: 1 }] }]);
    expect((await log('320000-SCJGJ', [], { outcome: 'ALLOWED' })).totalCount).toBe(1);
    expect((await log('320000-SCJGJ', [], { outcome: 'ERROR' })).totalCount).toBe(0);
  });

  it('counts the record read beside the failure in the figures of use, not the failed part', async () => {
    const r = await gw.query('{ usage(from: "2026-01-01", to: "2099-12-31") { resources { resource requests records denied } } }', {
      token: await gw.token('320000-DSJ', ['supervisor']),
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.usage.resources).toEqual([{ resource: ENTERPRISES, requests: 1, records: 1, denied: 0 }]);
  });

  it('names the reader among the users of the resource read well (breaking-change warnings)', async () => {
    const readers = await itemReaders(gw.store, [ENTERPRISES, PENSIONERS], '2026-01-01T00:00:00.000Z');
    expect([...(readers.get(ENTERPRISES)!.get('qymc') ?? [])]).toEqual(['320100-MZJ']);
    expect(readers.get(PENSIONERS)!.size).toBe(0);
  });
});
