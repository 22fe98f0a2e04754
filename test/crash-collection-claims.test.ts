// A publication claims its resources' collections and codes (`_collection_owners`, src/catalogue/
// collections.ts) before it publishes. Found by review (wave 20): stopped between the claim and the
// publication (`kill -9`, Ctrl-C), the claims stayed although nothing was published, and another
// department's resource naming that collection was refused for good (`the store collection "..." belongs to
// resource ... of ...`), by a catalogue that was never in effect. A claim now names the publication lock it
// was made under: released when the publication stops in order, and, left by a kill, not a claim once its
// lock is no longer held and no published version binds it. A claim that was published keeps its collection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { COLLECTION_OWNERS } from '../src/catalogue/collections.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';
import { writeOneResourceCatalogue } from './helpers/one-resource-catalogue.ts';

vi.setConfig({ testTimeout: 90_000 });
const FIXTURE = fileURLToPath(new URL('./fixtures/neimenggu-crash/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-crash-claims-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 40 catalogues of Hohhot's civil affairs bureau, one resource each (collection r_150100_mzj_003NN). */
const hohhot = Array.from({ length: 40 }, (_, i) =>
  writeOneResourceCatalogue(join(dir, `hohhot-${i}.yaml`), {
    id: `HHHT-JZ${i}`, title: `Hohhot relief register ${i}`, dept: '150100-MZJ', code: `150100-MZJ-${String(300 + i).padStart(5, '0')}`,
    graphql: { type: `HhhtJz${i}`, list: `hhhtJzs${i}`, byKey: `hhhtJz${i}` },
  }),
);

/** The province's civil affairs department, reading a collection named as one of Hohhot's. */
function provincial(name: string, collection: string): string {
  return writeOneResourceCatalogue(join(dir, `${name}.yaml`), {
    id: `NM-${name.toUpperCase()}`, title: `Inner Mongolia ${name}`, dept: '150000-MZT', code: `150000-MZT-${name === 'first' ? '00051' : '00052'}`,
    graphql: { type: `NmMzt${name}`, list: `nmMzt${name}s`, byKey: `nmMzt${name}` }, collection,
  });
}

let data = '';
let env: NodeJS.ProcessEnv = {};
function newStore(name: string): void {
  ({ data, env } = storeOfCase(dir, name, join(FIXTURE, 'platform.yaml')));
}
const govgraph = (args: string[]) => runGovgraph(args, { cwd: dir, env });
const signalled = (signal: NodeJS.Signals, ready: (db: Database.Database) => boolean) =>
  signalledWhen(['catalogue', 'import', '--publish', ...hohhot], { cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal, ready });

const count = (db: Database.Database, collection: string, where = '1') => db.prepare(`SELECT count(*) FROM "c:${collection}" WHERE ${where}`).pluck().get() as number;
const published = (db: Database.Database) => count(db, CATALOGUE_VERSIONS, `json_extract(doc, '$.status') = 'published'`);
/** Every catalogue claimed and none published yet: the import is between its claims and its first publication. */
const claimedOnly = (db: Database.Database) => count(db, COLLECTION_OWNERS) >= 2 * hohhot.length && published(db) === 0;
const someClaimedAndPublished = (db: Database.Database) => published(db) >= 3;
const owners = () => withSqliteStore(data, async (s) => (await s.find(COLLECTION_OWNERS, {})).map((r) => `${String(r.key)} ${String(r.resource)}`).sort());
const publishedIds = () => withSqliteStore(data, async (s) => (await s.find(CATALOGUE_VERSIONS, {})).filter((v) => v.status === 'published').map((v) => String(v.id)).sort());

describe('catalogue import --publish stopped after its claims', () => {
  it.each([
    ['killed (kill -9) before its first publication', 'SIGKILL', claimedOnly, 'kill'],
    ['killed (kill -9) with some catalogues published', 'SIGKILL', someClaimedAndPublished, 'kill-half'],
    ['interrupted (Ctrl-C) before its first publication', 'SIGINT', claimedOnly, 'ctrl-c'],
    ['interrupted (Ctrl-C) with some catalogues published', 'SIGINT', someClaimedAndPublished, 'ctrl-c-half'],
  ] as const)('%s: a collection it did not publish is free; one it published stays its own', async (_, signal, ready, name) => {
    newStore(name);
    const stopped = await signalled(signal, ready);
    if (signal === 'SIGKILL') expect(stopped.signal).toBe('SIGKILL');
    else expect({ code: stopped.code, stderr: stopped.stderr }).toEqual({ code: 130, stderr: expect.stringContaining('SIGINT: stopping before the next change') });
    const done = await publishedIds();
    const last = hohhot.length - 1;
    expect(done).not.toContain(`HHHT-JZ${last}`); // stopped before its last catalogue
    if (signal === 'SIGINT') {
      // Stopped in order: the claims of what it did not publish are gone from the store.
      const kept = done.flatMap((id) => { const n = Number(id.slice('HHHT-JZ'.length)); return [`code:150100-mzj-00${300 + n}`, `r_150100_mzj_00${300 + n}`].map((k) => `${k} 150100-MZJ-00${300 + n}`); });
      expect(await owners()).toEqual(kept.sort());
    }

    // The province's civil affairs asks for the collection of Hohhot's last, unpublished, catalogue: it is free.
    const free = await govgraph(['catalogue', 'import', '--publish', provincial('first', `r_150100_mzj_00${300 + last}`)]);
    expect({ code: free.code, stderr: free.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('belongs to') });

    // A collection Hohhot did publish before the stop stays Hohhot's.
    if (done.length) {
      const n = Number(done[0].slice('HHHT-JZ'.length));
      const taken = await govgraph(['catalogue', 'import', '--publish', provincial('second', `r_150100_mzj_00${300 + n}`)]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`the store collection "r_150100_mzj_00${300 + n}" is already used by a resource in catalogue "HHHT-JZ${n}"`);
    }

    // Hohhot's import run again publishes every catalogue but the one whose collection is now the province's.
    const again = await govgraph(['catalogue', 'import', '--publish', ...hohhot]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`the store collection "r_150100_mzj_00${300 + last}" is already used by a resource in catalogue "NM-FIRST"`);
    const keys = (await owners()).filter((o) => o.startsWith(`r_150100_mzj_00${300 + last} `));
    expect(keys).toEqual([`r_150100_mzj_00${300 + last} 150000-MZT-00051`]); // one owner, ever
  });
});
