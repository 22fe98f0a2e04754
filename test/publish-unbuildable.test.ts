// Issue 4, point 3: "A version whose schema cannot be built is refused and the schema in effect stays."
// Validation catches every clash it knows of (test/workflow-publish.test.ts), so the gateway's own build
// check at publication (SchemaService.check) was never seen to refuse anything. Here the gateway's
// build fails (a stand-in schema service that cannot build the new set), on a platform unlike the demo
// (test/fixtures/jiangxi): the publication is refused with CATALOGUE_INVALID, the version stays
// approved, the version in effect stays in effect, and no schema swap is asked for; a withdrawal whose
// remaining schema cannot be built is refused the same way.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { publishCatalogue, reviewCatalogue, submitCatalogue, withdrawCatalogue, type SchemaService } from '../src/workflow/catalogues.ts';
import type { Actor, WorkflowEnv } from '../src/workflow/actor.ts';
import { workflowActor } from './helpers/workflow.ts';
import { catalogueVersions } from '../src/catalogue/repository.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const platform = loadPlatform(join(here, 'fixtures/jiangxi/platform.yaml'));
const persons = (): Catalogue => parse(readFileSync(join(here, 'fixtures/jiangxi/persons.yaml'), 'utf8')) as Catalogue;

const COMPILER = '360000-GAT';
const AUDITOR = '360000-SJJ';

let dir: string;
let store: Store;
let env: WorkflowEnv;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-unbuildable-'));
  store = await openSqliteStore(dir);
  env = { store, platform, now: new Date() };
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const actor = (dept: string, role: Role): Actor => workflowActor(platform, dept, role);

/** A schema service whose build fails while `failing` is set; counts the swaps asked for. */
function schemaService() {
  const s = {
    failing: false,
    checked: [] as string[][],
    refreshes: 0,
    check(catalogues: Catalogue[]) {
      s.checked.push(catalogues.map((c) => c.id));
      if (s.failing) throw new Error('Type "JxPerson" cannot be built: stand-in failure');
    },
    async refresh() {
      s.refreshes++;
    },
  };
  return s satisfies SchemaService;
}

async function approved(c: Catalogue): Promise<number> {
  const { version } = await submitCatalogue(env, actor(COMPILER, 'compiler'), c);
  await reviewCatalogue(env, actor(AUDITOR, 'auditor'), { id: c.id, version: version.version, decision: 'approve' });
  return version.version;
}
const statuses = async () => (await catalogueVersions(store).list()).map((v) => `${v.id} v${v.version} ${v.status}`).sort();

describe('a version whose schema the gateway cannot build', () => {
  it('is refused at publication; the version in effect stays and no swap is asked for', async () => {
    const schema = schemaService();
    const v1 = await approved(persons());
    await publishCatalogue(env, actor(COMPILER, 'compiler'), { id: 'JX-GAT', version: v1 }, schema);
    expect(schema.refreshes).toBe(1);

    const next = persons();
    next.resources[0].items.push({ name: 'district', title: 'District', type: 'string' });
    const v2 = await approved(next);
    schema.failing = true;
    const refused = await publishCatalogue(env, actor(COMPILER, 'compiler'), { id: 'JX-GAT', version: v2 }, schema).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CATALOGUE_INVALID' });
    expect((refused as Error).message).toContain('JX-GAT v2 would make a schema the gateway cannot serve; the schema in effect stays');
    expect((refused as { problems: { message: string }[] }).problems.map((p) => p.message)).toEqual(['Type "JxPerson" cannot be built: stand-in failure']);
    expect(schema.checked.at(-1)).toEqual(['JX-GAT']);
    expect(schema.refreshes).toBe(1);
    expect(await statuses()).toEqual(['JX-GAT v1 published', 'JX-GAT v2 approved']);

    schema.failing = false;
    await publishCatalogue(env, actor(COMPILER, 'compiler'), { id: 'JX-GAT', version: v2 }, schema);
    expect(await statuses()).toEqual(['JX-GAT v1 superseded', 'JX-GAT v2 published']);
  });

  it('is refused at withdrawal too; the version stays in effect', async () => {
    const schema = schemaService();
    const v1 = await approved(persons());
    await publishCatalogue(env, actor(COMPILER, 'compiler'), { id: 'JX-GAT', version: v1 }, schema);
    schema.failing = true;
    const refused = await withdrawCatalogue(env, actor(COMPILER, 'compiler'), { id: 'JX-GAT', reason: 'closing' }, schema).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CATALOGUE_INVALID' });
    expect(await statuses()).toEqual(['JX-GAT v1 published']);
  });
});
