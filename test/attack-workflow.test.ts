// Attacks on the workflow's records (issue 8, point 5): two instances creating two pending requests for
// one requester and resource; an audit log that says "published" for a version that was not.
// The race runs on the embedded store always and on MongoDB when MONGODB_URI is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import type { Store } from '../src/store/port.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { publishCatalogue, reviewCatalogue, submitCatalogue } from '../src/workflow/catalogues.ts';
import { requestSharing, SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { storeHarnesses, type StoreHarness } from './helpers/store-harnesses.ts';
import { demoCatalogue } from './helpers/workflow.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
const dept = (code: string) => platform.departments.find((d) => d.code === code)!;
const actor = (code: string, roles: Actor['roles']): Actor => ({ dept: dept(code), user: 'u', roles, purpose: null, requestId: `r-${Math.random()}` });

const harnesses = storeHarnesses('attack-workflow');

describe.each(harnesses)('on %s', (_name, harness) => {
  let h: StoreHarness;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    h = harness();
    a = await h.open();
    b = await h.open();
    await importCatalogueFiles(a, platform, demoCatalogueFiles(), { publish: true });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await h?.cleanup();
  });

  it('two instances asking at once for the same requester and resource leave one pending request', async () => {
    const input = { resource: '430000-GA-00001', items: ['idNumber'], purposes: ['employment-services'], justification: 'checks' };
    const rst = actor('430000-RST', ['applicant']);
    const results = await Promise.allSettled([
      requestSharing({ store: a, platform, now: new Date() }, rst, input),
      requestSharing({ store: b, platform, now: new Date() }, rst, input),
      requestSharing({ store: b, platform, now: new Date() }, rst, input),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('CONFLICT');
    expect(await a.count(SHARING_REQUESTS, { kind: 'compare', field: 'status', op: 'eq', value: 'pending' })).toBe(1);
  });

  it('a publication that fails after its first entry leaves "attempted" in the log, never "published"', async () => {
    const env = { store: a, platform, now: new Date() };
    const ga = demoCatalogue('public-security.yaml');
    const submitted = await submitCatalogue(env, actor('430000-GA', ['compiler']), { ...ga, title: 'Revised' });
    await reviewCatalogue(env, actor('430000-ZWB', ['auditor']), { id: 'HN-GA', version: submitted.version.version, decision: 'approve', comment: 'ok' });
    // The store fails at the status change (a crash there leaves the same log).
    const crashing: Store = Object.create(a);
    crashing.update = async () => {
      throw new Error('power cut');
    };
    await expect(publishCatalogue({ ...env, store: crashing }, actor('430000-GA', ['compiler']), { id: 'HN-GA', version: submitted.version.version })).rejects.toThrow('power cut');
    const rows = await a.find(AUDIT_COLLECTION, { filter: { kind: 'compare', field: 'action', op: 'eq', value: 'publishCatalogue' } });
    expect(rows.map((r) => [r.outcome, r.detail])).toEqual([
      ['ok', `HN-GA v${submitted.version.version} publication attempted`],
      // The failure names the entry it answers (src/workflow/audit.ts, undone).
      ['error', `HN-GA v${submitted.version.version} publication attempted — entry #${rows[0].seq} failed: power cut`],
    ]);
    // Published for real: "attempted", then "published".
    await publishCatalogue(env, actor('430000-GA', ['compiler']), { id: 'HN-GA', version: submitted.version.version });
    const after = await a.find(AUDIT_COLLECTION, { filter: { kind: 'compare', field: 'action', op: 'eq', value: 'publishCatalogue' }, sort: [{ field: 'seq', direction: 'asc' }] });
    expect(after.slice(2).map((r) => [r.outcome, r.detail])).toEqual([
      ['ok', `HN-GA v${submitted.version.version} publication attempted`],
      ['ok', `HN-GA v${submitted.version.version} published`],
    ]);
  });
});
