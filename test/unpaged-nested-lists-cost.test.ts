// maxCost for the lists without `first` below the platform's own lists (found by the review of the §13
// walk's mend, which counted the Query's lists only): a catalogue's versions, a version's resources, a
// resource's items. A department writes them itself (up to 500 resources of 200 items a version), and the
// cost counted 20 of each before the request ran: `catalogue(id) { published { resources { items { name } } } }`
// was estimated at 423 values and answered 50 × 21 + 3. Sichuan's platform, a catalogue of its police made here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { UNPAGED_LIST_ESTIMATE } from '../src/limits/pages.ts';
import { eq } from '../src/store/port.ts';
import { MASKED_PROBES } from '../src/limits/probes.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan/platform.yaml');
const MAX_COST = 500;
// The estimate of `catalogue(id) { published { resources { items { name } } } }`: 3 + 20 × (1 + 20 × 1).
const ESTIMATE = 3 + UNPAGED_LIST_ESTIMATE * (1 + UNPAGED_LIST_ESTIMATE);

/** A catalogue of Sichuan's police: `resources` vehicle registers of `items` items each. */
function policeCatalogue(id: string, first: number, resources: number, items: number) {
  return {
    id, kind: 'departmental', title: `Registers ${id}`, compiler: '510000-GA',
    resources: Array.from({ length: resources }, (_, r) => ({
      code: `510000-GA-${first + r}`, name: `Register ${first + r}`, provider: '510000-GA',
      graphql: { type: `Register${id}x${r}`, list: `registers${id}x${r}`, byKey: `register${id}x${r}` },
      key: 'serial',
      share: { type: 'unconditional', methods: ['api'], scope: { purposes: ['tax-audit'] } },
      items: [{ name: 'serial', title: 'Serial', type: 'int', required: true },
        ...Array.from({ length: items - 1 }, (_, i) => ({ name: `field${i}`, type: 'string' }))],
    })),
  };
}

describe('lists without first inside the platform lists', () => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-nested-'));
    const many = join(dir, 'many.yaml');
    const wide = join(dir, 'wide.yaml');
    writeFileSync(many, stringify(policeCatalogue('MANY', 100, 50, 1))); // 50 resources of one item
    writeFileSync(wide, stringify(policeCatalogue('WIDE', 200, 10, 60))); // 10 resources of 60 items
    gw = await startTestGateway({ platformFile: PLATFORM, catalogueFiles: [many, wide], limits: { maxCost: MAX_COST } });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ask = (id: string, requestId = `nested-${id}`) =>
    gw.query(`{ catalogue(id: "${id}") { published { resources { items { name } } } } }`, { dept: '510000-WJW', headers: { 'x-request-id': requestId } });

  it('a version holding more resources than estimated is refused once read', async () => {
    expect(ESTIMATE).toBeLessThanOrEqual(MAX_COST);
    const res = await ask('MANY');
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(res.errors![0].message).toMatch(/with the 50 entries resources holds, is \d+, over the limit maxCost = 500\./);
    expect(res.data?.catalogue?.published ?? null).toBeNull();
  });

  it('resources holding more items than estimated are refused once read', async () => {
    const res = await ask('WIDE');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: MAX_COST });
    expect(res.errors![0].message).toMatch(/with the 60 entries items holds/);
    // Several resources' items go over it: one entry, the refusal's.
    const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', 'nested-WIDE') })).map(fromRow);
    expect(entries.map((e) => [e.outcome, e.detail?.slice(0, 18)])).toEqual([['refused', 'QUERY_TOO_COMPLEX:']]);
  });

  it('and answered while they hold what the estimate counted', async () => {
    const res = await gw.query('{ catalogue(id: "WIDE") { published { resources { name } } } }', { dept: '510000-WJW' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.catalogue.published.resources).toHaveLength(10);
  });

  it("counts no mutation's answer: a submission holds what its document sent, and is done when its answer is made", async () => {
    const doc = stringify(policeCatalogue('SENT', 300, 50, 1));
    const res = await gw.query('mutation($doc: String!) { submitCatalogue(document: $doc) { version { id status resources { items { name } } } } }',
      { dept: '510000-GA', roles: ['compiler'], variables: { doc }, headers: { 'x-request-id': 'nested-submit' } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.submitCatalogue.version.resources).toHaveLength(50);
    const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', 'nested-submit') })).map(fromRow);
    expect(entries.map((e) => e.outcome)).not.toContain('refused');
  });

  it("an audit entry's resources, all a publication's, are counted once read", async () => {
    // A publication's entries name every resource of the catalogue (up to 500); the police's log holds
    // its import of 60 resources, estimated 20 (found by the review of the mends above, which left them),
    // in two entries (attempted, then done).
    const log = (first: number, fields: string) =>
      gw.query(`{ auditLog(first: ${first}) { nodes { resources { ${fields} } } } }`, { dept: '510000-GA' });
    const all = await log(2, 'resource');
    expect(all.errors).toBeUndefined();
    const sizes = (all.data?.auditLog.nodes as { resources: unknown[] }[]).map((n) => n.resources.length);
    expect(Math.max(...sizes)).toBeGreaterThan(2 * UNPAGED_LIST_ESTIMATE);
    // Estimated 4 × (1 + 20 × 6) = 484 values; the entry of 60 resources holds 60 × 6.
    const res = await log(4, 'resource provider items masked filtered ordered');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: MAX_COST });
    expect(res.errors![0].message).toMatch(/with the \d+ entries resources holds/);
  });

  it("a usage report's masked probes, one a department, resource and day, are counted once read", async () => {
    // Four departments probing a resource of the police's every day of November: 120 entries, estimated 20.
    const departments = ['510000-WJW', '510000-DSJ', '510100-ZJ', '510104-MZ'];
    for (const dept of departments) {
      for (let day = 1; day <= 30; day++) {
        const key = `d|2026-11-${String(day).padStart(2, '0')}|${dept}|510000-GA-100`;
        await gw.store.meter(MASKED_PROBES, { key, amount: 1, capacity: 1000, drainPerMs: 0, now: Date.now(), ttlMs: 3_600_000 });
      }
    }
    const usage = (fields: string) => gw.query(`{ usage(from: "2026-11-01", to: "2026-11-30") { maskedProbes { ${fields} } } }`, { dept: '510000-GA' });
    const few = await usage('values');
    expect(few.errors).toBeUndefined();
    expect(few.data?.usage.maskedProbes).toHaveLength(departments.length * 30);
    const res = await usage('department resource day values refused');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: MAX_COST });
    expect(res.errors![0].message).toMatch(/with the 120 entries maskedProbes holds/);
  });
});
