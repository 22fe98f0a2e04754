// A new resource code is its provider's code, a dash and a number (SPEC §4: "430000-GA-00001"). Found by
// the §3/§4/§5 names walk: Sichuan's public security department (510000-GAT) published "510100-GAJ-00009",
// a code in Chengdu police's space, and "520000-GA-00001", one of another province, and both were taken;
// since a code belongs to its first provider for good (src/catalogue/codes.ts), Chengdu police could then
// never publish its own 510100-GAJ-00009, and grants and the audit log named Chengdu's code for another
// department's data. Refused at submission and by `catalogue import`, as the codes' other rules are.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { historyProblems } from '../src/catalogue/history.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { publishCatalogue, submitCatalogue } from '../src/workflow/catalogues.ts';
import type { WorkflowEnv } from '../src/workflow/actor.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';
import { sichuanPlatform } from './helpers/sichuan.ts';

const platform = sichuanPlatform('Sichuan codes test platform', [
  { code: '510000-GA', name: 'Land Office', graphqlName: 'scLand', level: 'province', region: '510000' },
]);

const catalogue = (code: string, provider = '510000-GAT', compiler = '510000-GAT'): Catalogue =>
  ({
    id: `SC-${compiler}`,
    kind: provider === compiler ? 'departmental' : 'subject',
    ...(provider === compiler ? {} : { subject: 'population' }),
    title: 'A catalogue',
    compiler,
    resources: [
      {
        code,
        name: 'Permits',
        provider,
        graphql: { type: `Permit${compiler.replace(/\W/g, '')}`, list: `permits${compiler.replace(/\W/g, '')}`, byKey: `permit${compiler.replace(/\W/g, '')}` },
        key: 'permitNo',
        share: { type: 'unconditional', methods: ['api'] },
        items: [{ name: 'permitNo', type: 'string', required: true }],
      },
    ],
  }) as Catalogue;

describe("a new resource code is its provider's", () => {
  let dir: string;
  let store: Store;
  let env: WorkflowEnv;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gg-code-provider-'));
    store = await openSqliteStore(dir);
    env = { store, platform, now: new Date() };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const problems = (c: Catalogue) => historyProblems(store, platform, c);

  test("a code of the provider is taken, in a subject catalogue carrying another provider's resource too", async () => {
    expect(await problems(catalogue('510000-GAT-00001'))).toEqual([]);
    expect(await problems(catalogue('510100-GAJ-00001', '510100-GAJ', '510000-DSJ'))).toEqual([]);
  });

  test("a code in another department's space is refused at submission, naming that department", async () => {
    const submitted = submitCatalogue(env, workflowActor(platform, '510000-GAT', 'compiler'), catalogue('510100-GAJ-00009'));
    await expect(submitted).rejects.toMatchObject({
      code: 'CATALOGUE_INVALID',
      problems: [
        {
          path: 'resources[0].code',
          message: '"510100-GAJ-00009" is in the code space of 510100-GAJ (Chengdu Police), not of its provider 510000-GAT: a new code in a department\'s space is that department\'s to publish (write 510000-GAT-00009, or a code in no department\'s space)',
        },
      ],
    });
    // 510000-GA is a prefix of 510000-GAT as text, not as a code.
    expect(await problems(catalogue('510000-GA-00009'))).toEqual([
      { path: 'resources[0].code', message: '"510000-GA-00009" is in the code space of 510000-GA (Land Office), not of its provider 510000-GAT: a new code in a department\'s space is that department\'s to publish (write 510000-GAT-00009, or a code in no department\'s space)' },
    ]);
  });

  test("a code of the provider in another case is refused; a code in no listed department's space is nobody's, and taken", async () => {
    expect(await problems(catalogue('510000-gat-00001'))).toEqual([
      { path: 'resources[0].code', message: '"510000-gat-00001" writes the provider\'s code in another case; write it as the platform file does: 510000-GAT-00001' },
    ]);
    expect(await problems(catalogue('510100-gaj-00003'))).toEqual([
      { path: 'resources[0].code', message: '"510100-gaj-00003" is in the code space of 510100-GAJ (Chengdu Police), not of its provider 510000-GAT: a new code in a department\'s space is that department\'s to publish (write 510000-GAT-00003, or a code in no department\'s space)' },
    ]);
    // A space no listed department holds (a department since reorganised under another code, another
    // province's) is nobody's: the code is taken, as the catalogue schema's form allows.
    expect(await problems(catalogue('510000-GAJ-00001'))).toEqual([]);
    expect(await problems(catalogue('520000-GA-00001'))).toEqual([]);
  });

  test('once published in its provider\'s space, the code is the provider\'s to publish again', async () => {
    const c = catalogue('510000-GAT-00002');
    await publishCatalogue(env, workflowActor(platform, '510000-GAT', 'compiler'), { id: c.id, version: await approvedVersion(env, c) });
    expect(await problems({ ...c, title: 'A new version' })).toEqual([]);
  });
});
