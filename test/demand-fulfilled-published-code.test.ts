// A demand fulfilled by a promise written in another case (SPEC §14; codes compare in lower case) names
// the code as published, not the promise's spelling (src/workflow/demands/fulfilling.ts,
// published-code.ts). It kept `330000-gat-077` once FULFILLED, a code no catalogue publishes, while the
// catalogue, its fulfilDemand entry and `catalogue import` named 330000-GAT-077: a supervisor comparing
// them read two codes. Stored so now; a demand an older release fulfilled is answered so too, by the
// `demands` query and `demand list`. On the Zhejiang platform of the demand tests (zhejiang-demands.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { ANSWER_DEMAND, fileHouseholdDemand, HANGZHOU_MZ, startZhejiangGateway, ZHEJIANG_POLICE, zhejiangFixture } from './helpers/zhejiang-demands.ts';

const PROMISED = '330000-gat-077';
const PUBLISHED = '330000-GAT-077';
const STATUS = `query($id: ID) { demands(id: $id) { status resource fulfilledBy } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startZhejiangGateway();
}, 30_000);
afterAll(() => gw?.close());

const status = async (id: string) => (await gw.query(STATUS, { dept: HANGZHOU_MZ, variables: { id } })).data!.demands[0];
const storedResource = async (id: string) => (await gw.store.find(DEMANDS, { filter: eq('id', id) }))[0].resource;

describe('a demand kept by a promise written in another case', () => {
  let id: string;
  it('is stored and answered with the code as its catalogue publishes it', async () => {
    id = await fileHouseholdDemand(gw);
    const promised = await gw.query(ANSWER_DEMAND, { dept: ZHEJIANG_POLICE, roles: ['approver'], variables: { input: { id, decision: 'WILL_CATALOGUE', resource: PROMISED } } });
    expect(promised.data!.answerDemand).toEqual({ status: 'WILL_CATALOGUE', resource: PROMISED });
    // Version 2 of the police's catalogue brings 330000-GAT-077 into effect; reading the demands marks it kept.
    const c = parse(readFileSync(zhejiangFixture('police.yaml'), 'utf8')) as Catalogue;
    c.resources.push({ ...structuredClone(c.resources[0]), code: PUBLISHED, name: 'Household sizes', graphql: { type: 'ZjHousehold', list: 'zjHouseholds', byKey: 'zjHousehold' } });
    const file = join(gw.dataDir, 'police-2.json');
    writeFileSync(file, JSON.stringify(c));
    await importCatalogueFiles(gw.store, gw.platform, [file], { publish: true });
    expect(await status(id)).toEqual({ status: 'FULFILLED', resource: PUBLISHED, fulfilledBy: 'ZJ-GAT@2' });
    expect(await storedResource(id)).toBe(PUBLISHED);
  });

  it('one an older release fulfilled, stored with the promise\'s spelling, is answered with the published code', async () => {
    const older = await fileHouseholdDemand(gw);
    // As fulfilDemands left it before: the promise's spelling.
    await gw.store.update(DEMANDS, eq('id', older), { status: 'fulfilled', resource: PROMISED, answeredAt: new Date().toISOString(), fulfilledAt: new Date().toISOString(), fulfilledBy: 'ZJ-GAT@2' });
    expect(await status(older)).toEqual({ status: 'FULFILLED', resource: PUBLISHED, fulfilledBy: 'ZJ-GAT@2' });
    // The operator's list says so too.
    const listed = await runGovgraph(['demand', 'list', '--status', 'FULFILLED'], { env: cliEnv({ GOVGRAPH_DATA_DIR: gw.dataDir, GOVGRAPH_PLATFORM: zhejiangFixture('platform.yaml') }) });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`${older}  FULFILLED`);
    expect(listed.stdout).toContain(`(${PUBLISHED})`);
    expect(listed.stdout).not.toContain(PROMISED);
  }, 60_000);

  it('a promise still open keeps its own spelling: nothing publishes it yet', async () => {
    const open = await fileHouseholdDemand(gw);
    await gw.query(ANSWER_DEMAND, { dept: ZHEJIANG_POLICE, roles: ['approver'], variables: { input: { id: open, decision: 'WILL_CATALOGUE', resource: '330000-gat-078' } } });
    expect(await status(open)).toEqual({ status: 'WILL_CATALOGUE', resource: '330000-gat-078', fulfilledBy: null });
  });
});
