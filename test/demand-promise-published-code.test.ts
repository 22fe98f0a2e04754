// A promise (answerDemand, SPEC §14) written in another case than the code the asked department then
// publishes is kept all the same (codes compare ignoring case). `catalogue import --publish` said what
// kept it with the promise's spelling, `XZ-NMT v2 publishes 540000-nmt-00009`, a code no catalogue
// publishes; it now names the code as published, as the fulfilDemand entry does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { answerDemand, getDemand, requestData } from '../src/workflow/demands.ts';
import { runGovgraph, storeOfCase } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tibet-herding/${name}`, import.meta.url));
let dir: string;
let data: string;
let env: NodeJS.ProcessEnv;
const govgraph = (...args: string[]) => runGovgraph(args, { env });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-tibet-promise-'));
  ({ data, env } = storeOfCase(dir, 'data', fixture('platform.yaml')));
  const imported = await govgraph('catalogue', 'import', fixture('police.yaml'), fixture('herding.yaml'), '--publish');
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a promise written in lower case, kept by catalogue import --publish', () => {
  it('is fulfilled, and the import names the code as its catalogue publishes it', async () => {
    const platform = loadPlatform(fixture('platform.yaml'));
    const store = await openSqliteStore(data);
    const wf = { store, platform, now: new Date() };
    const actor = (code: string, role: 'applicant' | 'approver') =>
      ({ dept: platform.departments.find((d) => d.code === code)!, user: 'u', roles: [role], purpose: null, requestId: `r-${role}` });
    let id: string;
    try {
      ({ id } = await requestData(wf, actor('540100-MZJ', 'applicant'), {
        title: 'Yak vaccinations', description: 'For subsidy checks', items: ['certificate'], purposes: ['pasture-subsidy'], provider: '540000-NMT',
      }));
      await answerDemand(wf, actor('540000-NMT', 'approver'), { id, decision: 'will-catalogue', resource: '540000-nmt-00009' });
    } finally {
      await store.close();
    }

    const c = parse(readFileSync(fixture('herding.yaml'), 'utf8')) as Catalogue;
    c.resources.push({
      code: '540000-NMT-00009', name: 'Yak vaccinations', provider: '540000-NMT',
      graphql: { type: 'XzVaccination', list: 'vaccinations', byKey: 'vaccination' }, key: 'certNo',
      share: { type: 'unconditional', methods: ['api'] }, items: [{ name: 'certNo', type: 'string', required: true }],
    } as Catalogue['resources'][number]);
    const next = join(dir, 'herding-2.json');
    writeFileSync(next, JSON.stringify(c));
    const published = await govgraph('catalogue', 'import', next, '--publish');
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain(`  fulfils demand ${id} of 540100-MZJ (Yak vaccinations): XZ-NMT v2 publishes 540000-NMT-00009\n`);

    const after = await openSqliteStore(data);
    try {
      expect((await getDemand(after, id))!).toMatchObject({ status: 'fulfilled', fulfilledBy: 'XZ-NMT@2' });
    } finally {
      await after.close();
    }
  }, 60_000);
});
