// `publishCatalogue` stopped between its collection claims and its publication (collections.ts): found by
// review (wave 20), its claims stayed in `_collection_owners`, and another department's resource naming
// that collection was refused as taken by a version never published. Stopped in order (Ctrl-C: the
// command's signal aborted; its lock taken over by another publication), it now gives them back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectionProblems, COLLECTION_OWNERS } from '../src/catalogue/collections.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { PUBLICATION_LOCK } from '../src/catalogue/publication-lock.ts';
import { listVersions } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { InterruptedError } from '../src/store/interrupted.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { publishCatalogue } from '../src/workflow/catalogues.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';

const platform = loadPlatform(fileURLToPath(new URL('./fixtures/neimenggu-crash/platform.yaml', import.meta.url)));
const resource = (code: string, provider: string, collection?: string) => ({
  code,
  name: `Register ${code}`,
  provider,
  ...(collection ? { source: { collection } } : {}),
  graphql: { type: `Reg${code.replace(/\D/g, '')}`, list: `regs${code.replace(/\D/g, '')}`, byKey: `reg${code.replace(/\D/g, '')}` },
  key: 'caseNo',
  share: { type: 'unconditional', methods: ['api'] },
  items: [{ name: 'caseNo', title: 'Case number', type: 'string', required: true }],
});
const hohhot = { id: 'HHHT-LY', kind: 'departmental', title: 'Hohhot burial register', compiler: '150100-MZJ', resources: [resource('150100-MZJ-00401', '150100-MZJ')] } as unknown as Catalogue;
/** The province's civil affairs, naming the collection Hohhot's publication claimed. */
const provincial = { id: 'NM-LY', kind: 'departmental', title: 'Burials', compiler: '150000-MZT', resources: [resource('150000-MZT-00401', '150000-MZT', 'r_150100_mzj_00401')] } as unknown as Catalogue;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-publish-claims-'));
  store = await openSqliteStore(join(dir, 'data'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The store, calling `then` once the publication has claimed its collection. */
function afterClaim(then: () => void, lockLost = false): Store {
  let claimed = false;
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'insert') {
        return async (collection: string, rows: never) => {
          await target.insert(collection, rows);
          if (collection === COLLECTION_OWNERS && !claimed) (claimed = true), then();
        };
      }
      if (name === 'update' && lockLost) {
        return async (collection: string, filter: never, changes: never) => (collection === PUBLICATION_LOCK && claimed ? 0 : target.update(collection, filter, changes));
      }
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('publishCatalogue stopped after its claims', () => {
  it.each([
    ['interrupted (Ctrl-C)', false, /interrupted by SIGINT/],
    ['its lock taken over', true, /took it over/],
  ] as const)('%s: nothing published, no claim left, the collection free', async (_, lockLost, refusal) => {
    const controller = new AbortController();
    const env = { store, platform, now: new Date() };
    const version = await approvedVersion(env, hohhot);
    const stopping = { ...env, store: afterClaim(() => controller.abort(new InterruptedError('SIGINT')), lockLost), signal: lockLost ? undefined : controller.signal };
    await expect(publishCatalogue(stopping, workflowActor(platform, '150100-MZJ', 'compiler'), { id: 'HHHT-LY', version })).rejects.toThrow(refusal);
    expect((await listVersions(store, 'HHHT-LY')).map((v) => v.status)).toEqual(['approved']);
    expect(await store.find(COLLECTION_OWNERS, {})).toEqual([]);
    expect(await collectionProblems(store, provincial)).toEqual([]);
  });
});
