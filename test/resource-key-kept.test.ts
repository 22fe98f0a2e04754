// A resource keeps its key item from one version to the next (src/catalogue/codes.ts, keyKept). Its records
// are stored, replaced and looked up by the key under a unique index; a version keyed by another item was
// validated, submitted and approved, then its publication failed with an internal error (the store's
// unique index on the new key contradicted the plain index it had made on that item), and a version keyed
// by a new item would have left the records already imported without a key. Both are refused at
// submission, with the path and a message saying what to do, as the other rules of a code's history are.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Catalogue, Resource } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import type { Role } from '../src/identity/roles.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { publishCatalogue, reviewCatalogue, submitCatalogue } from '../src/workflow/catalogues.ts';
import type { WorkflowEnv } from '../src/workflow/actor.ts';
import { workflowActor } from './helpers/workflow.ts';

// A platform of its own: Hainan, a housing bureau of Sanya providing, the data bureau reviewing.
const PLATFORM = `platform: { region: "460000", level: province, name: Hainan test platform, competentDepartment: "460000-DSJ" }
purposes: [{ code: housing-aid, name: Housing aid }]
departments:
  - { code: "460000-DSJ", name: Hainan Big Data Bureau, graphqlName: hnData, level: province, region: "460000" }
  - { code: "460200-ZJJ", name: Sanya Housing Bureau, graphqlName: sanyaHousing, level: city, region: "460200" }
connected: []
`;
const PROVIDER = '460200-ZJJ';
const AUDITOR = '460000-DSJ';

function roll(key: string, items: string[]): Resource {
  return {
    code: '460200-ZJJ-00001',
    name: 'Housing aid roll',
    provider: PROVIDER,
    graphql: { type: 'SyHousingAid', list: 'syHousingAids', byKey: 'syHousingAid' },
    key,
    share: { type: 'unconditional', methods: ['api'] },
    items: items.map((name) => ({
      name,
      type: 'string',
      ...(name === key ? { required: true } : {}),
      ...(name.endsWith('Card') ? { sensitivity: 'personal', mask: 'idcard' } : {}),
    })),
  } as Resource;
}
const catalogue = (r: Resource): Catalogue => ({ id: 'HN-ZJJ', kind: 'departmental', title: 'Sanya housing catalogue', compiler: PROVIDER, resources: [r] });

let dir: string;
let store: Store;
let platform: Platform;
let env: WorkflowEnv;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-key-kept-'));
  writeFileSync(join(dir, 'platform.yaml'), PLATFORM);
  platform = loadPlatform(join(dir, 'platform.yaml'));
  store = await openSqliteStore(join(dir, 'data'));
  env = { store, platform, now: new Date() };
  await publish(catalogue(roll('rollNo', ['rollNo', 'applicantCard'])));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const actor = (dept: string, role: Role) => workflowActor(platform, dept, role);
async function publish(c: Catalogue): Promise<void> {
  const { version } = await submitCatalogue(env, actor(PROVIDER, 'compiler'), c);
  await reviewCatalogue(env, actor(AUDITOR, 'auditor'), { id: c.id, version: version.version, decision: 'approve' });
  await publishCatalogue(env, actor(PROVIDER, 'compiler'), { id: c.id, version: version.version });
}
async function refusal(action: Promise<unknown>): Promise<string[]> {
  const err = (await action.then(() => null, (e: unknown) => e)) as { code?: string; problems?: { path: string; message: string }[] } | null;
  expect(err, 'the version was accepted').not.toBeNull();
  expect(err!.code).toBe('CATALOGUE_INVALID');
  return err!.problems!.map((p) => `${p.path}: ${p.message}`);
}

it('a version keyed by another item of the resource is refused at submission, not left to fail at publication', async () => {
  const problems = await refusal(publish(catalogue(roll('applicantCard', ['rollNo', 'applicantCard']))));
  expect(problems).toEqual([
    'resources[0].key: resource 460200-ZJJ-00001 was last published keyed by rollNo (catalogue "HN-ZJJ" version 1); its records are stored and found by that item, so it keeps it: to key the records by applicantCard, publish them as a resource with a code of its own',
  ]);
});

it('so is a version keyed by a new item that drops the old key', async () => {
  const problems = await refusal(publish(catalogue(roll('rollId', ['rollId', 'applicantCard']))));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^resources\[0\]\.key: resource 460200-ZJJ-00001 was last published keyed by rollNo/);
});

it('a version that keeps the key is published', async () => {
  await publish(catalogue(roll('rollNo', ['rollNo', 'applicantCard', 'applicantName'])));
});

it('a version retyping the key item is refused at submission: the stored keys are of the type it was published with', async () => {
  const r = roll('rollNo', ['rollNo', 'applicantCard']);
  r.items[0] = { ...r.items[0], type: 'int' };
  const problems = await refusal(publish(catalogue(r)));
  expect(problems).toEqual([
    'resources[0].items[0].type: rollNo is the key of resource 460200-ZJJ-00001, last published as string (catalogue "HN-ZJJ" version 1); its records are stored and found by their string keys, so it keeps that type: to key the records by int values, publish them as a resource with a code of its own',
  ]);
});
