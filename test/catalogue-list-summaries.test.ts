// `catalogue list` reads each version's stored summary, as the `catalogues` query does, not its document:
// the count of resources comes from the summary, a version stored before summaries (or before they kept
// the count) is read whole, and the table is the same. On a Yunnan platform of the test's own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocuments } from '../src/catalogue/read.ts';
import { CATALOGUE_VERSIONS, addVersion, ensureCatalogueIndexes } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { and, eq } from '../src/store/port.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'gg-list-summaries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const platformFile = join(dir, 'platform.yaml');
writeFileSync(platformFile, `platform: { region: "530000", level: province, name: Yunnan Data Sharing Platform, competentDepartment: "530000-SJJ" }
purposes: [{ code: tourism-licensing, name: Tourism licensing }]
departments:
  - { code: "530000-SJJ", name: Yunnan Data Bureau, graphqlName: yunnanData, level: province, region: "530000" }
  - { code: "530000-LY", name: Yunnan Tourism Department, graphqlName: yunnanTourism, level: province, region: "530000" }
connected: []
`);

const catalogue = (id: string, compiler: string, title: string, n: number) =>
  parseDocuments(`id: ${id}\nkind: departmental\ntitle: ${title}\ncompiler: "${compiler}"\nresources:\n${Array.from({ length: n }, (_, i) => `  - { code: "${compiler}-${10 + i}", name: R${i}, items: [{ name: f, type: string }] }`).join('\n')}\n`, 'c.yaml')[0] as Catalogue;

describe('catalogue list from the summaries', () => {
  it('shows the resources each version holds, from its summary, from its document when stored before summaries or their count', async () => {
    await withSqliteStore(dir, async (store) => {
      await ensureCatalogueIndexes(store);
      const at = new Date('2026-11-02T08:00:00Z');
      await addVersion(store, catalogue('YN-LY', '530000-LY', 'Tourism resources', 3), 'operator', 'superseded', at);
      await addVersion(store, catalogue('YN-LY', '530000-LY', 'Tourism resources', 4), 'operator', 'published', at);
      await addVersion(store, catalogue('YN-LY', '530000-LY', 'Tourism resources', 5), 'operator', 'submitted', at);
      await addVersion(store, catalogue('YN-SJJ', '530000-SJJ', 'Data bureau resources', 2), 'operator', 'published', at);
      // Version 1 as stored before summaries, version 2 before they kept the count: read whole.
      await store.update(CATALOGUE_VERSIONS, and(eq('id', 'YN-LY'), eq('version', 1)), { summary: null });
      await store.update(CATALOGUE_VERSIONS, and(eq('id', 'YN-LY'), eq('version', 2)), { summary: JSON.stringify({ compiler: '530000-LY', title: 'Tourism resources', kind: 'departmental' }) });
      // Version 3's and YN-SJJ's documents made unreadable: a list that read them would fail; one of the summaries does not.
      await store.update(CATALOGUE_VERSIONS, and(eq('id', 'YN-LY'), eq('version', 3)), { document: '{"not": "a catalogue"' });
      await store.update(CATALOGUE_VERSIONS, and(eq('id', 'YN-SJJ'), eq('version', 1)), { document: '{"not": "a catalogue"' });
    });
    const list = await runGovgraph(['catalogue', 'list', '--platform', platformFile, '--data', dir]);
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/).filter((c) => c !== ''));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r.at(-1)])).toEqual([
      ['YN-LY', '1', 'SUPERSEDED', '530000-LY', '3', 'Tourism resources'],
      ['YN-LY', '2', 'PUBLISHED', '530000-LY', '4', 'Tourism resources'],
      ['YN-LY', '3', 'SUBMITTED', '530000-LY', '5', 'Tourism resources'],
      ['YN-SJJ', '1', 'PUBLISHED', '530000-SJJ', '2', 'Data bureau resources'],
    ]);
    expect(list.stderr).toContain('2 catalogues, 4 versions');
    const only = await runGovgraph(['catalogue', 'list', '--platform', platformFile, '--data', dir, '--compiler', '530000-sjj']);
    expect(only.code, only.stderr).toBe(0);
    expect(only.stderr).toContain('1 catalogue, 1 version');
  });
});
