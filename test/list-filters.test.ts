// The filters of the list commands name what they do not know: `objection list --resource nope` printed
// "0 objections", which reads as "none yet" where the code is a slip. A resource never published, a
// department neither the platform file nor the store knows, a data element no published resource carries:
// one line, exit 1. A known code in another case is still found, and a resource withdrawn (no longer
// published, but with its history) is still listable.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { departmentByCode } from '../src/model/platform.ts';
import { withdrawCatalogue } from '../src/workflow/catalogues.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const PLATFORM = fileURLToPath(new URL('./fixtures/quality/platform.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-list-filters-'));
const data = join(dir, 'data');
const platform = loadPlatform(PLATFORM);
vi.setConfig({ testTimeout: 120_000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const govgraph = (...args: string[]) => runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: PLATFORM }) });

/** A catalogue of one resource whose items carry data elements, compiled by `dept`. */
function catalogueFile(id: string, dept: string, type: string): string {
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, [
    `id: ${id}`, 'kind: departmental', `title: ${id}`, `compiler: "${dept}"`, 'resources:',
    `  - code: "${dept}-LF1"`, `    name: ${type}s`, `    provider: "${dept}"`,
    `    graphql: { type: ${type}, list: ${type.toLowerCase()}s, byKey: ${type.toLowerCase()} }`,
    '    key: certNo', '    share: { type: unconditional, methods: [api] }', '    items:',
    '      - { name: certNo, type: string, required: true, element: LF-KEY }',
    '      - { name: holder, type: string, element: LF-HOLDER }', '',
  ].join('\n'));
  return file;
}

const KEPT = { id: 'LF-KEPT', compiler: '370000-GAT', resource: '370000-GAT-LF1' }; // published, in effect
const GONE = { id: 'LF-GONE', compiler: '370000-WJW', resource: '370000-WJW-LF1' }; // published once, then withdrawn

beforeAll(async () => {
  await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, platform, [catalogueFile(KEPT.id, KEPT.compiler, 'Permit'), catalogueFile(GONE.id, GONE.compiler, 'Licence')], { publish: true });
    const actor = {
      dept: departmentByCode(platform, GONE.compiler)!, user: 'tester', roles: ['compiler' as const], purpose: null,
      requestId: randomUUID(), operationName: null, documentHash: null,
    };
    await withdrawCatalogue({ store, platform, now: new Date() }, actor, { id: GONE.id, reason: 'closed' });
    expect((await publishedCatalogues(store)).map((c) => c.id)).toEqual([KEPT.id]);
  });
});

/** One refusal: exit 1, nothing on stdout, and the last line of stderr. */
async function refusal(...args: string[]): Promise<string> {
  const r = await govgraph(...args);
  expect([args, r.code, r.stdout]).toEqual([args, 1, '']);
  return r.stderr.trim().split('\n').at(-1)!;
}

async function answered(...args: string[]): Promise<string> {
  const r = await govgraph(...args);
  expect([args, r.code, r.stderr]).toEqual([args, 0, expect.any(String)]);
  return r.stdout;
}

const USAGE = ['usage', '--from', '2026-01-01', '--to', '2026-01-31'];

describe('a resource filter', () => {
  it('refuses a code never published on the platform, naming it, in every list command', async () => {
    for (const args of [['objection', 'list'], ['request', 'list'], ['grant', 'list'], USAGE]) {
      expect(await refusal(...args, '--resource', 'NO-SUCH-RESOURCE')).toMatch(
        /^govgraph: --resource NO-SUCH-RESOURCE: no resource of that code was ever published on this platform; its published resources are: /,
      );
    }
  });

  it('takes a published code in another case, and a withdrawn resource\'s code', async () => {
    for (const code of [KEPT.resource.toLowerCase(), GONE.resource.toLowerCase()]) {
      for (const args of [['objection', 'list'], ['request', 'list'], ['grant', 'list'], USAGE]) await answered(...args, '--resource', code);
    }
  });
});

describe('a department filter', () => {
  it('refuses a department neither the platform nor the store knows, naming it', async () => {
    expect(await refusal('grant', 'list', '--requester', 'NO-SUCH-DEPT')).toMatch(
      /^govgraph: --requester NO-SUCH-DEPT: no such department on the platform, and no grant names it; its departments are: /,
    );
    expect(await refusal('catalogue', 'list', '--compiler', 'NO-SUCH-DEPT')).toMatch(
      /^govgraph: --compiler NO-SUCH-DEPT: no such department on the platform, and no catalogue names it; its departments are: /,
    );
  });

  it('takes a listed department in another case, also one without grants', async () => {
    const code = KEPT.compiler;
    expect(await answered('grant', 'list', '--requester', code.toLowerCase())).toBe(await answered('grant', 'list', '--requester', code));
    const listed = await answered('catalogue', 'list', '--compiler', code.toLowerCase());
    expect(listed).toBe(await answered('catalogue', 'list', '--compiler', code));
    expect(listed).toContain(KEPT.id);
    // A department the platform lists, with no grant and no catalogue, is answered: none.
    const none = await govgraph('grant', 'list', '--requester', '370000-mzt');
    expect([none.code, none.stdout]).toEqual([0, 'no grants\n']);
  });
});

describe('an element filter', () => {
  it('refuses a data element no published resource carries, and takes one that one does', async () => {
    expect(await refusal('consistency', 'report', '--element', 'NO-SUCH-ELEMENT')).toMatch(
      /^govgraph: --element NO-SUCH-ELEMENT: no published resource has an item of that data element; /,
    );
    const r = await govgraph('consistency', 'report', '--element', 'lf-holder');
    expect(r.code, r.stderr).toBe(0);
  });
});
