// The embedded store's file deleted or replaced under a running gateway (found by the §15 operations walk:
// `rm data/govgraph.sqlite*` under a Henan gateway). SQLite keeps its descriptor open, so /readyz kept
// saying ready and every request was answered, its audit entry written into a file no restart would open.
// /readyz now says `store-unavailable`, and the log says why, once; every read is refused as the store's.
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/server/plugins/logging.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const folder = mkdtempSync(join(tmpdir(), 'govgraph-store-file-gone-'));
const platformFile = 'test/fixtures/henan/platform.yaml';
const catalogueFile = 'test/fixtures/henan/tax.yaml';
const gateways: TestGateway[] = [];
afterAll(async () => {
  for (const gw of gateways) await gw.close();
  rmSync(folder, { recursive: true, force: true });
});

async function gatewayLogging(): Promise<{ gw: TestGateway; lines: string[] }> {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
  const gw = await startTestGateway({ platformFile, catalogueFiles: [catalogueFile], gateway: { logger: createLogger(sink, 'info') } });
  gateways.push(gw);
  return { gw, lines };
}

const readyz = async (gw: TestGateway) => {
  const res = await fetch(`${gw.gateway.url}/readyz`);
  return [res.status, await res.json()];
};

describe('the store file deleted or replaced under a running gateway', () => {
  it('deleted: /readyz 503 store-unavailable, and one log line saying so; a read is refused as the store\'s, not audited into the lost file', async () => {
    const { gw, lines } = await gatewayLogging();
    const read = () => gw.query('{ henanTax { taxpayers { nodes { taxNo } } } }', { dept: '410100-MZ', purpose: 'licensing' });
    expect((await read()).errors).toBeUndefined();
    expect(await readyz(gw)).toEqual([200, { status: 'ready' }]);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(gw.dataDir, `govgraph.sqlite${suffix}`), { force: true });
    await eventually(async () => expect(await readyz(gw)).toEqual([503, { status: 'store-unavailable' }]), 5000);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await readyz(gw)).toEqual([503, { status: 'store-unavailable' }]);
    const refused = await read();
    expect([refused.status, refused.data, refused.errors]).toEqual([503, null, [{ message: 'The data store is unavailable; try again shortly.', extensions: { code: 'STORE_UNAVAILABLE' } }]]);
    const said = lines.filter((l) => l.includes('"event":"store-file"'));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!).reason).toBe(`${join(gw.dataDir, 'govgraph.sqlite')} was deleted or moved since this process opened it`);
  });

  it('replaced by another file (a backup moved into its place): /readyz 503', async () => {
    const { gw } = await gatewayLogging();
    const other = join(folder, 'other');
    await (await openSqliteStore(other)).close();
    renameSync(join(other, 'govgraph.sqlite'), join(gw.dataDir, 'govgraph.sqlite'));
    await eventually(async () => expect(await readyz(gw)).toEqual([503, { status: 'store-unavailable' }]), 5000);
  });

  it('rewritten in place (a backup copied over it, its -wal and -shm left): /readyz 503, the log names the change counter', async () => {
    const { gw, lines } = await gatewayLogging();
    const file = join(gw.dataDir, 'govgraph.sqlite');
    const backup = join(folder, 'rewritten-backup.sqlite');
    // The backup (VACUUM INTO: its change counter 1), then a checkpoint of the store: the file's counter goes past it.
    const other = new Database(file);
    other.prepare('VACUUM INTO ?').run(backup);
    other.exec("CREATE TABLE later (a); INSERT INTO later VALUES (1)");
    other.pragma('wal_checkpoint(TRUNCATE)');
    other.close();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await readyz(gw)).toEqual([200, { status: 'ready' }]);
    copyFileSync(backup, file);
    await eventually(async () => expect(await readyz(gw)).toEqual([503, { status: 'store-unavailable' }]), 5000);
    const said = lines.filter((l) => l.includes('"event":"store-file"'));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!).reason).toMatch(new RegExp(`^${file} was rewritten by another program since this process opened it \\(its change counter went back from \\d+ to 1: a backup copied over it\\?\\)$`));
  });
});
