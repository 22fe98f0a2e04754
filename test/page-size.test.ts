// A platform whose `maxPageSize` is below the lists' default page (SPEC §5: `first` has a platform
// maximum). A query that leaves `first` out must be served a page the platform allows, not refused for
// a `first` it never sent; the schema and the cost estimate show that default. Checked on a Guizhou
// platform (test/fixtures/guizhou) with `maxPageSize: 10`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/guizhou', name);

let work: string;
let gw: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-page-size-'));
  const platformFile = join(work, 'platform.yaml');
  writeFileSync(platformFile, readFileSync(fixture('platform.yaml'), 'utf8').replace('  holidays:', '  maxPageSize: 10\n  holidays:'));
  gw = await startTestGateway({ platformFile, catalogueFiles: [fixture('police.yaml'), fixture('rural.yaml')] });
  const rural = (readDocument(fixture('rural.yaml')) as Catalogue).resources[0];
  await gw.store.insert(collectionOf(rural), Array.from({ length: 12 }, (_, i) => ({ hh: `HH${String(i).padStart(4, '0')}`, xzqh: '520102' })));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a maxPageSize below the default page', () => {
  it('a list without first gets a page of the maximum', async () => {
    const res = await gw.query('{ ruralRevival { monitoredHouseholds { nodes { hh } totalCount pageInfo { hasNextPage } } } }', { dept: '520000-XCZX' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.ruralRevival.monitoredHouseholds).toEqual({
      nodes: Array.from({ length: 10 }, (_, i) => ({ hh: `HH${String(i).padStart(4, '0')}` })),
      totalCount: 12,
      pageInfo: { hasNextPage: true },
    });
  });

  // An explicit null (`first: null`, or a variable sent as null) is no `first` either: it was refused as
  // "got 20", a figure the client never sent, and its cost estimated as a page maximum.
  it('a first given as null, written or as a variable, gets the same page', async () => {
    const page = { nodes: Array.from({ length: 10 }, (_, i) => ({ hh: `HH${String(i).padStart(4, '0')}` })) };
    const written = await gw.query('{ ruralRevival { monitoredHouseholds(first: null) { nodes { hh } } } }', { dept: '520000-XCZX' });
    expect(written.errors).toBeUndefined();
    expect(written.data?.ruralRevival.monitoredHouseholds).toEqual(page);
    const variable = await gw.query('query($n: Int = 10) { ruralRevival { monitoredHouseholds(first: $n) { nodes { hh } } } }', { dept: '520000-XCZX', variables: { n: null } });
    expect(variable.errors).toBeUndefined();
    expect(variable.data?.ruralRevival.monitoredHouseholds).toEqual(page);
    const audit = await gw.query('{ auditLog(first: null) { nodes { seq } } }', { dept: '520000-DSJ', roles: ['supervisor'] });
    expect(audit.errors).toBeUndefined();
    expect(audit.data?.auditLog.nodes.length).toBeLessThanOrEqual(10);
  });

  it('a first over the maximum is still refused, naming it', async () => {
    const res = await gw.query('{ ruralRevival { monitoredHouseholds(first: 11) { totalCount } } }', { dept: '520000-XCZX' });
    expect(res.errors).toEqual([expect.objectContaining({ message: 'first may be at most 10 on this platform; got 11. Page through with after.', extensions: { code: 'BAD_USER_INPUT' } })]);
  });

  it('the schema shows the default the platform allows', async () => {
    const res = await gw.query('{ __type(name: "RuralRevivalResources") { fields { name args { name defaultValue } } } }', { dept: '520000-XCZX' });
    const list = (res.data?.__type.fields as { name: string; args: { name: string; defaultValue: string | null }[] }[]).find((f) => f.name === 'monitoredHouseholds');
    expect(list?.args.find((a) => a.name === 'first')?.defaultValue).toBe('10');
    // The audit log's too: its 50 was shown, and is what graphql-js fills in for a variable left unsent.
    const root = await gw.query('{ __type(name: "Query") { fields { name args { name defaultValue } } } }', { dept: '520000-DSJ', roles: ['supervisor'] });
    const audit = (root.data?.__type.fields as { name: string; args: { name: string; defaultValue: string | null }[] }[]).find((f) => f.name === 'auditLog');
    expect(audit?.args.find((a) => a.name === 'first')?.defaultValue).toBe('10');
  });

  it('the audit log without first gets a page of the maximum', async () => {
    const res = await gw.query('{ auditLog { nodes { seq } } }', { dept: '520000-DSJ', roles: ['supervisor'] });
    expect(res.errors).toBeUndefined();
    expect(res.data?.auditLog.nodes.length).toBeGreaterThan(0);
    expect(res.data?.auditLog.nodes.length).toBeLessThanOrEqual(10);
  });

  // A typed client's first page: `first` a variable its request does not send. graphql-js fills in the
  // schema's default of 50, which was refused here as `first must be a whole number from 0 to 10.`.
  it('the audit log with first a variable left unsent gets a page of the maximum, as a list does', async () => {
    const audit = await gw.query('query Entries($first: Int, $after: String) { auditLog(first: $first, after: $after) { nodes { seq } } }', { dept: '520000-DSJ', roles: ['supervisor'], variables: {} });
    expect(audit.errors).toBeUndefined();
    expect(audit.data?.auditLog.nodes.length).toBeGreaterThan(0);
    expect(audit.data?.auditLog.nodes.length).toBeLessThanOrEqual(10);
    const list = await gw.query('query Households($first: Int) { ruralRevival { monitoredHouseholds(first: $first) { nodes { hh } } } }', { dept: '520000-XCZX', variables: {} });
    expect(list.errors).toBeUndefined();
    expect(list.data?.ruralRevival.monitoredHouseholds.nodes).toHaveLength(10);
    // Sent, the variable is the client's figure, held to the maximum as a written one is.
    const sent = await gw.query('query Entries($first: Int) { auditLog(first: $first) { nodes { seq } } }', { dept: '520000-DSJ', roles: ['supervisor'], variables: { first: 50 } });
    expect(sent.errors).toEqual([expect.objectContaining({ message: 'first must be a whole number from 0 to 10.', extensions: { code: 'BAD_USER_INPUT' } })]);
  });
});
