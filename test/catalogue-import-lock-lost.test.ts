// `govgraph catalogue import --publish` stopped (SIGSTOP: a paused VM, a debugger, a swapped-out machine)
// while it holds the publication lock, for longer than a holder is taken for dead, and resumed after another
// publication took the lock over (publication-lock.ts). Found by the crash walk on a Fujian platform: the
// resumed import stopped before publishing, as it should, but its one audit entry, written before the work,
// said `imported and published` and stood so: the log named a publication that never was. The import now
// writes `attempted` first and, once it has ended, `done` or `— entry #N not done: ...`, as a data import
// and a workflow publication do; a process killed between the two leaves `attempted` alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { PUBLICATION_LOCK } from '../src/catalogue/publication-lock.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph, withSqliteStore } from './helpers/cli.ts';

vi.setConfig({ testTimeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-lock-lost-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLATFORM = `platform: { region: "350000", level: province, name: Fujian, competentDepartment: "350000-SJJ" }
purposes: [{ code: housing-aid, name: Housing aid }]
departments:
  - { code: "350000-SJJ", name: Fujian Big Data, graphqlName: fjData, level: province, region: "350000" }
  - { code: "350000-GTT", name: Fujian Land, graphqlName: fjLand, level: province, region: "350000" }
  - { code: "350121-ZJJ", name: Minhou Housing, graphqlName: mhHousing, level: county, region: "350121" }
`;
const catalogue = (id: string, n: number) => `id: ${id}
kind: departmental
title: Land ${id}
compiler: "350000-GTT"
resources:
  - code: "350000-GTT-0000${n}"
    name: Parcels ${n}
    summary: Land parcels.
    provider: "350000-GTT"
    providerUnit: Registry
    classification: "3-05-101"
    format: database
    updateCycle: monthly
    open: true
    graphql: { type: Parcel${n}, list: parcels${n}, byKey: parcel${n} }
    key: parcelNo
    share: { type: unconditional, methods: [api], scope: { departments: ["35*"] } }
    items:
      - { name: parcelNo, title: Parcel number, type: string, length: 16, required: true }
`;
writeFileSync(join(dir, 'platform.yaml'), PLATFORM);
writeFileSync(join(dir, 'a.yaml'), catalogue('FJ-A', 1));
writeFileSync(join(dir, 'b.yaml'), catalogue('FJ-B', 2));
const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: join(dir, 'platform.yaml') });
const lockTable = `"c:${PUBLICATION_LOCK}"`;

it('an import resumed after its lock was taken over publishes nothing, and its entries say it was not done', async () => {
  expect((await runGovgraph(['catalogue', 'import', 'a.yaml', '--publish'], { cwd: dir, env })).code).toBe(0);

  // The import of b.yaml is stopped as soon as it holds the lock; the lock is then taken over, as another
  // publication does 30 s after the holder's last renewal (the token changes); then it goes on.
  const child = spawn(process.execPath, [GOVGRAPH_BIN, 'catalogue', 'import', 'b.yaml', '--publish'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const db = new Database(join(data, SQLITE_FILE), { fileMustExist: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const poll = () => {
        if (child.exitCode !== null) return reject(new Error(`the import ended before it was stopped: ${stderr}`));
        let held: unknown;
        try {
          held = db.prepare(`SELECT 1 FROM ${lockTable}`).get();
        } catch {
          held = undefined; // no lock table yet
        }
        if (held) {
          child.kill('SIGSTOP');
          resolve();
        } else setImmediate(poll);
      };
      poll();
    });
    db.prepare(`UPDATE ${lockTable} SET doc = json_set(doc, '$.token', 'the taker', '$.what', 'another publication')`).run();
  } finally {
    db.close();
  }
  child.kill('SIGCONT');
  expect(await exited).toBe(1);
  expect(stderr).toMatch(/another publication took it over: it was stopped before its next change; run it again/);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace

  await withSqliteStore(data, async (store) => {
    const b = await store.find(CATALOGUE_VERSIONS, { filter: { kind: 'compare', field: 'id', op: 'eq', value: 'FJ-B' } });
    expect(b.filter((v) => v.status === 'published')).toEqual([]);
    const entries = (await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow);
    const ofB = entries.filter((e) => e.action === 'catalogue import' && e.detail?.includes('FJ-B'));
    // No entry says FJ-B was published; the second names the first and says it was not done.
    expect(ofB.map((e) => e.outcome)).toEqual(['ok', 'refused']);
    expect(ofB[0].detail).toMatch(/^import and publication of FJ-B \(b\.yaml\) attempted$/);
    expect(ofB[1].detail).toContain(`entry #${ofB[0].seq} not done: `);
    expect(ofB[1].detail).toContain('another publication took it over');
    const ofA = entries.filter((e) => e.action === 'catalogue import' && e.detail?.includes('FJ-A'));
    expect(ofA.map((e) => e.detail)).toEqual(['import and publication of FJ-A (a.yaml) attempted', `import and publication of FJ-A (a.yaml) done (entry #${ofA[0].seq}): FJ-A v1 published`]);
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  // The lock the taker left behind goes stale; an import once it has (here: the row removed, as the taker
  // does when done) publishes b.yaml.
  await withSqliteStore(data, (store) => store.delete(PUBLICATION_LOCK, { kind: 'compare', field: 'key', op: 'eq', value: 'publication' }));
  const again = await runGovgraph(['catalogue', 'import', 'b.yaml', '--publish'], { cwd: dir, env });
  expect(again.stdout).toContain('FJ-B version 1 published');
});
