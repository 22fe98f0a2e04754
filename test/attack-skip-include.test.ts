// @skip and @include attacked on a platform of its own (test/fixtures/masksattack): a city department that
// reads residents with their certificate number (the key), and the employer's credit code masked, asks for
// them in a fragment below a field it skips, beside the same field not skipped. graphql-js leaves the
// skipped field's fields out, and so do the read plans (src/generate/selection.ts): they neither mask nor
// report what is left out. graphql-jit 0.8 answered them, from the rows as read: the key and a link's
// item are read whatever is selected, so they came out in clear (src/server/executor.ts). What the rows hold
// beyond the selection is now shaped as the requester may see it as well (resolvers/data/plan.ts): a gateway
// given graphql-jit alone as its executor, as before the fix, answers them masked.
import { fileURLToPath } from 'node:url';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { Decimal } from '../src/formats/decimal.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { OperationExecutor } from '../src/server/schema-holder.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/masksattack/${name}`, import.meta.url));
const RESIDENTS = '620000-GAT-00007';
const FIRMS = '620000-SCJ-00003';
const READER = '620100-MZJ';
const CERT = '620102199001015555';
const USCC = '91620100MA71234567';

let gw: TestGateway;
let jitAlone: TestGateway;
const asReader = (document: string, variables?: Record<string, unknown>, on = gw) => on.query(document, { dept: READER, purpose: 'welfare-check', variables });

/** graphql-jit with no fallback to graphql-js: the executor of every query before the fix. */
const jitOnly: OperationExecutor = async (op) => {
  const query = compileQuery(op.schema, op.document, op.operationName ?? undefined);
  if (!isCompiledQuery(query)) throw new Error(`not compiled: ${JSON.stringify(query.errors)}`);
  return query.query(undefined, op.context, op.variables ?? {});
};

async function gateway(executor?: OperationExecutor): Promise<TestGateway> {
  const gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('market.yaml')], gateway: executor ? { executor } : {} });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const collection = (code: string) => collectionOf(resources.find((r) => r.code === code)!);
  await gw.store.insert(collection(RESIDENTS), [
    { certNo: CERT, holderName: '马晓红', mobile: '13912345678', income: Decimal.parse('5000.00')!, county: '620102', criminalNote: null, taxClass: null, welfareOnly: 'W1', employerUscc: USCC },
  ]);
  await gw.store.insert(collection(FIRMS), [{ uscc: USCC, firmName: '兰州甲公司', ownerCert: CERT, silentPartner: null }]);
  return gw;
}

beforeAll(async () => {
  gw = await gateway();
  jitAlone = await gateway(jitOnly);
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await jitAlone?.close();
});

/** The answer holds neither value in clear, anywhere (data or errors). */
function clear(r: GraphQLResponse): void {
  const text = JSON.stringify(r);
  expect(text).not.toContain(CERT);
  expect(text).not.toContain(USCC);
}

describe('a masked item in a fragment below a skipped field, beside the same field not skipped', () => {
  it('a list\'s key is left out, as graphql-js leaves it, not answered in clear', async () => {
    const r = await asReader(`{ police { dwellers { nodes @skip(if: true) { ... on Dweller { certNo } } nodes { county } } } }`);
    clear(r);
    expect(r.data).toEqual({ police: { dwellers: { nodes: [{ county: '620102' }] } } });
  });

  it('so is it through a named fragment under @include with a variable that is false', async () => {
    const r = await asReader(`query($show: Boolean!) { police { dwellers { nodes @include(if: $show) { ...Cert } nodes { county } } } } fragment Cert on Dweller { certNo }`, { show: false });
    clear(r);
    expect(r.data).toEqual({ police: { dwellers: { nodes: [{ county: '620102' }] } } });
  });

  it('a lookup\'s key and the item its selected link reads by are left out', async () => {
    const r = await asReader(`{ police { dweller(certNo: "${CERT}") @skip(if: true) { ... on Dweller { certNo employerUscc } } dweller(certNo: "${CERT}") { county employer { firmName } } } }`);
    clear(r);
    expect(r.data).toEqual({ police: { dweller: { county: '620102', employer: { firmName: '兰州甲公司' } } } });
  });

  it('a linked record\'s item its link reads by is left out', async () => {
    const r = await asReader(`{ market { firms { nodes { firmName owner @skip(if: true) { ... on Dweller { certNo } } owner { county } } } } }`);
    clear(r);
    expect(r.data).toEqual({ market: { firms: { nodes: [{ firmName: '兰州甲公司', owner: { county: '620102' } }] } } });
  });

  it('selected where it is not skipped, the key is masked as always', async () => {
    const r = await asReader(`query($hide: Boolean!) { police { dwellers { nodes @skip(if: $hide) { ... on Dweller { certNo } } } } }`, { hide: false });
    clear(r);
    expect(r.data!.police.dwellers.nodes).toHaveLength(1);
    expect(r.data!.police.dwellers.nodes[0].certNo).toMatch(/^620102\*+5555$/);
  });
});

describe('an executor that answers more than graphql-js (graphql-jit alone)', () => {
  it('finds the key and the items links read by masked in the rows, never in clear', async () => {
    const list = await asReader(`{ police { dwellers { nodes @skip(if: true) { ... on Dweller { certNo employerUscc } } nodes { county employer { firmName } } } } }`, undefined, jitAlone);
    clear(list);
    expect(list.data!.police.dwellers.nodes[0]).toMatchObject({ certNo: expect.stringMatching(/^620102\*+5555$/), county: '620102', employer: { firmName: '兰州甲公司' } });
    const linked = await asReader(`{ market { firms { nodes { owner @skip(if: true) { ... on Dweller { certNo } } owner { county } } } } }`, undefined, jitAlone);
    clear(linked);
    expect(linked.data!.market.firms.nodes[0].owner).toMatchObject({ certNo: expect.stringMatching(/^620102\*+5555$/), county: '620102' });
  });
});
