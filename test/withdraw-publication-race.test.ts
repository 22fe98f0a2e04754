// A withdrawal while another department's publication links into the catalogue withdrawn. Found by the
// review of the publication lock: a withdrawal checked, before its change, that no catalogue in effect
// links into its resources, and took no part in the publication lock; a publication of a catalogue
// linking into them, checked and published between the withdrawal's check and its change, was in effect
// linking to resources no longer published (the very state a withdrawal is refused to avoid: the linking
// department's field leaves the schema behind its back). A withdrawal now takes the publication lock and
// checks the links again holding it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { PUBLICATION_LOCK } from '../src/catalogue/publication-lock.ts';
import { CATALOGUE_VERSIONS, publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import type { WorkflowEnv } from '../src/workflow/actor.ts';
import { publishCatalogue, withdrawCatalogue } from '../src/workflow/catalogues.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';

const { platform: maybe } = validatePlatform({
  platform: { region: '450000', level: 'province', name: 'Guangxi withdrawal race platform', competentDepartment: '450000-SJJ' },
  purposes: [{ code: 'relief', name: 'Relief' }],
  departments: [
    { code: '450000-SJJ', name: 'Data Bureau', graphqlName: 'gxData', level: 'province', region: '450000' },
    { code: '450000-GAT', name: 'Police', graphqlName: 'gxPolice', level: 'province', region: '450000' },
    { code: '450100-MZJ', name: 'Nanning Civil Affairs', graphqlName: 'nnCivil', level: 'city', region: '450100' },
  ],
  connected: [],
});
const platform = maybe as Platform;

const residents = {
  id: 'GX-GAT', kind: 'departmental', title: 'Police catalogue', compiler: '450000-GAT',
  resources: [{
    code: '450000-GAT-00001', name: 'Residents', provider: '450000-GAT',
    graphql: { type: 'GxResident', list: 'residents', byKey: 'resident' }, key: 'idNumber',
    share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'idNumber', title: 'ID', type: 'string', required: true }],
  }],
} as unknown as Catalogue;

const allowances = {
  id: 'GX-NN-MZJ', kind: 'departmental', title: 'Civil affairs catalogue', compiler: '450100-MZJ',
  resources: [{
    code: '450100-MZJ-00001', name: 'Allowances', provider: '450100-MZJ',
    graphql: { type: 'NnAllowance', list: 'allowances', byKey: 'allowance' }, key: 'caseNo',
    share: { type: 'unconditional', methods: ['api'] },
    items: [
      { name: 'caseNo', title: 'Case', type: 'string', required: true },
      { name: 'holderId', title: 'Holder', type: 'string', link: { resource: '450000-GAT-00001', item: 'idNumber', field: 'holder' } },
    ],
  }],
} as unknown as Catalogue;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-withdraw-race-'));
  store = await openSqliteStore(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a publication linking into a catalogue, made while its withdrawal is under way, leaves the withdrawal refused', async () => {
  // The withdrawal's first change (or its taking the publication lock) is where the other publication
  // gets in: it runs there to its end.
  let meanwhile: (() => Promise<unknown>) | null = null;
  const interleaved = new Proxy(store, {
    get(target, prop, receiver) {
      const real = Reflect.get(target, prop, receiver) as unknown;
      if ((prop !== 'update' && prop !== 'insert') || typeof real !== 'function') return typeof real === 'function' ? real.bind(target) : real;
      return async (collection: string, ...rest: unknown[]) => {
        const first = prop === 'insert' ? collection === PUBLICATION_LOCK : collection === CATALOGUE_VERSIONS;
        if (meanwhile && first) {
          const run = meanwhile;
          meanwhile = null;
          await run();
        }
        return (real as (...a: unknown[]) => unknown).call(target, collection, ...rest);
      };
    },
  }) as Store;
  const env: WorkflowEnv = { store: interleaved, platform, now: new Date() };
  const approved = (c: Catalogue) => approvedVersion(env, c);
  await publishCatalogue(env, workflowActor(platform, '450000-GAT', 'compiler'), { id: 'GX-GAT', version: await approved(residents) });
  const linking = await approved(allowances);

  meanwhile = () => publishCatalogue(env, workflowActor(platform, '450100-MZJ', 'compiler'), { id: 'GX-NN-MZJ', version: linking });
  const withdrawal = withdrawCatalogue(env, workflowActor(platform, '450000-GAT', 'compiler'), { id: 'GX-GAT', reason: 'revision' });
  await expect(withdrawal).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('resource 450000-GAT-00001 is linked from catalogue "GX-NN-MZJ"') });
  expect(meanwhile).toBeNull(); // the publication did run in between

  const inEffect = await publishedCatalogues(store);
  expect(inEffect.map((c) => c.id).sort()).toEqual(['GX-GAT', 'GX-NN-MZJ']);
  expect(() => buildGatewaySchema(platform, inEffect, { rules: false })).not.toThrow();
  expect(await store.count(PUBLICATION_LOCK)).toBe(0);
});
