// A lookup by a masked key left out by @skip(if: true) or @include(if: false) is not executed, nothing is
// compared, yet it took a masked probe from the department's quota: the count of a request's probes walked
// the document without its conditions (src/limits/arguments.ts), so a client that switches parts of a
// query off with variables used up its hour without reading anything. Now a skipped lookup takes nothing,
// whether the condition is written out or a variable, on a field, an inline fragment or a fragment
// spread; a lookup executed takes its probe as before. On a Chongqing platform of the test's own.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { MASKED_PROBES, probeUsage } from '../src/limits/probes.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/chongqing-left/${p}`, import.meta.url));
const RESIDENTS = '500000-GAJ-00012';
const ASKER = '500000-MZJ';
const ID = '500101199001011234';
const QUOTA = 4; // masked probes an hour

let gw: TestGateway;
let police: string; // the GraphQL type of the police department's field

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('residents.yaml')],
    limits: { maskedProbes: { maxIn: 5, perHour: QUOTA, perDay: 100 } },
  });
  const model = gw.gateway.holder.schema.model;
  await gw.store.insert(model.byCode.get(RESIDENTS)!.collection, [{ idNo: ID, township: 'Jiefangbei' }]);
  // The key is granted masked: each value a lookup compares with it is a probe.
  await addGrant(gw.store, { platform: gw.platform, catalogues: model.catalogues }, {
    requester: ASKER, resource: RESIDENTS, items: ['idNo', 'township'], purposes: ['relief-check'], unmasked: [], createdBy: 'test',
  });
  police = model.departments.find((d) => d.department.code === '500000-GAJ')!.typeName;
}, 60_000);
afterAll(() => gw?.close());

const ask = (document: string, variables?: Record<string, unknown>) => gw.query(document, { dept: ASKER, purpose: 'relief-check', variables });
const probesCounted = async () => (await probeUsage(gw.store, '2000-01-01', '2999-12-31')).filter((u) => u.resource === RESIDENTS).reduce((n, u) => n + u.values, 0);
const LOOKUP = `resident(idNo: "${ID}") { township }`;

describe('a lookup by a masked key that @skip/@include leaves out', () => {
  it(`takes no probe: ${QUOTA + 3} and more skipped lookups pass a quota of ${QUOTA}, none counted`, async () => {
    const skipped: [string, Record<string, unknown>?][] = [
      [`{ cqPolice { ${LOOKUP.replace(') {', ') @skip(if: true) {')} } }`],
      [`{ cqPolice { ${LOOKUP.replace(') {', ') @include(if: false) {')} } }`],
      [`query($s: Boolean!) { cqPolice { ${LOOKUP.replace(') {', ') @skip(if: $s) {')} } }`, { s: true }],
      [`query($id: String!, $show: Boolean!) { cqPolice { resident(idNo: $id) @include(if: $show) { township } } }`, { id: ID, show: false }],
      [`{ cqPolice { ... @include(if: false) { ${LOOKUP} } } }`],
      [`query($s: Boolean!) { cqPolice { ... @skip(if: $s) { ${LOOKUP} } } }`, { s: true }],
      [`query($show: Boolean!) { cqPolice { ...Look @include(if: $show) } } fragment Look on ${police} { ${LOOKUP} }`, { show: false }],
      [`{ cqPolice { a: ${LOOKUP.replace(') {', ') @skip(if: true) {')} b: ${LOOKUP.replace(') {', ') @include(if: false) {')} } }`],
      // A list's filter comparing the masked key is a probe as a lookup is: skipped, none either.
      [`query($s: Boolean!) { cqPolice { residents(filter: { idNo: { eq: "${ID}" } }) @skip(if: $s) { totalCount } } }`, { s: true }],
    ];
    for (const [document, variables] of skipped) {
      const r = await ask(document, variables);
      expect(r.errors, document).toBeUndefined();
      expect(r.data, document).toEqual({ cqPolice: {} });
    }
    expect(await gw.store.count(MASKED_PROBES)).toBe(0);
  });

  it('a lookup executed still takes its probe, beside a skipped one too, and the quota holds', async () => {
    const real = await ask(`{ cqPolice { ${LOOKUP} } }`);
    expect(real.errors).toBeUndefined();
    expect(real.data).toEqual({ cqPolice: { resident: { township: 'Jiefangbei' } } });
    expect(await probesCounted()).toBe(1);
    // The same variable switching it on: executed, counted.
    const on = await ask(`query($show: Boolean!) { cqPolice { ...Look @include(if: $show) } } fragment Look on ${police} { ${LOOKUP} }`, { show: true });
    expect(on.data).toEqual({ cqPolice: { resident: { township: 'Jiefangbei' } } });
    expect(await probesCounted()).toBe(2);
    const mixed = await ask(`{ cqPolice { a: ${LOOKUP.replace(') {', ') @skip(if: true) {')} b: ${LOOKUP} } }`);
    expect(mixed.data).toEqual({ cqPolice: { b: { township: 'Jiefangbei' } } });
    expect(await probesCounted()).toBe(3);
    await ask(`{ cqPolice { ${LOOKUP} } }`);
    expect(await probesCounted()).toBe(QUOTA);
    const over = await ask(`{ cqPolice { ${LOOKUP} } }`);
    expect(over.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', resource: RESIDENTS, quota: 'perHour' });
  });
});
