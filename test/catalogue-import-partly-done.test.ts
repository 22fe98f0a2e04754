// `catalogue import --publish a.yaml b.yaml` that loses its publication lock after a.yaml's catalogue is
// published (another publication took the lock over from a process stopped for 30 s): b.yaml's is not
// published, but a.yaml's is and stays so. The closing entry said `entry #N not done` of the import of
// both, so the log denied a publication that was in effect (found by the review of 34e57c3 on a Guangxi
// platform of our own making: a store whose lock row changes hands once the first version is published).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { PUBLICATION_LOCK } from '../src/catalogue/publication-lock.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import type { Store } from '../src/store/port.ts';
import { withSqliteStore } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-partly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'platform.yaml'), `platform: { region: "450000", level: province, name: Guangxi, competentDepartment: "450000-DSJ" }
purposes: [{ code: flood-relief, name: Flood relief }]
departments:
  - { code: "450000-DSJ", name: Guangxi Big Data, graphqlName: gxData, level: province, region: "450000" }
  - { code: "450000-SLT", name: Guangxi Water, graphqlName: gxWater, level: province, region: "450000" }
`);
const catalogue = (id: string, n: number) => `id: ${id}
kind: departmental
title: Water ${id}
compiler: "450000-SLT"
resources:
  - code: "450000-SLT-0000${n}"
    name: Gauges ${n}
    summary: River gauges.
    provider: "450000-SLT"
    providerUnit: Hydrology
    classification: "3-05-101"
    format: database
    updateCycle: monthly
    open: true
    graphql: { type: Gauge${n}, list: gauges${n}, byKey: gauge${n} }
    key: gaugeNo
    share: { type: unconditional, methods: [api], scope: { departments: ["45*"] } }
    items:
      - { name: gaugeNo, title: Gauge number, type: string, length: 16, required: true }
`;
writeFileSync(join(dir, 'a.yaml'), catalogue('GX-A', 1));
writeFileSync(join(dir, 'b.yaml'), catalogue('GX-B', 2));

/** The store, with the publication lock taken over by another process once a first version is published. */
function lockTakenOverAfterFirstPublication(store: Store): Store {
  let published = false;
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'update') {
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (collection: string, filter: unknown, changes: Record<string, unknown>) => {
        if (collection === PUBLICATION_LOCK && published) return 0;
        const n = await target.update(collection, filter as never, changes as never);
        if (collection === CATALOGUE_VERSIONS && changes.status === 'published' && n > 0) published = true;
        return n;
      };
    },
  });
}

it('an import of two catalogues that loses its lock after the first is published says the first was', async () => {
  const platform = loadPlatform(join(dir, 'platform.yaml'));
  await withSqliteStore(join(dir, 'data'), async (raw) => {
    const store = lockTakenOverAfterFirstPublication(raw);
    await expect(importCatalogueFiles(store, platform, [join(dir, 'a.yaml'), join(dir, 'b.yaml')], { publish: true })).rejects.toThrow(/took it over/);
    const versions = await raw.find(CATALOGUE_VERSIONS, {});
    expect(versions.map((v) => `${v.id} ${v.status}`).sort()).toEqual(['GX-A published', 'GX-B approved']);
    const entries = (await raw.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow).filter((e) => e.action === 'catalogue import');
    expect(entries).toHaveLength(2);
    const [attempted, ended] = entries;
    expect(attempted.detail).toMatch(/attempted$/);
    // It names what is in effect, and what is not, of the import entry #N attempted.
    expect(ended.detail).toContain(`entry #${attempted.seq} partly done: GX-A v1 published`);
    expect(ended.detail).toMatch(/GX-B \(.*b\.yaml\) not done: .*took it over/);
    expect(ended.detail).not.toMatch(/entry #\d+ not done/);
    expect((await verifyAuditChain(raw)).ok).toBe(true);
  });
});
