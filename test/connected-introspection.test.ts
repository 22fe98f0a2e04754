// Introspection across the hop (SPEC §12, §15): a department of the province introspecting its gateway gets
// the city's namespace as the city would show that department (`schema print --dept` on the province), not
// the city's whole data schema: a city resource shared with city departments only is no type of its view.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture as fixture, freePort, startGuizhouProvince, writeCityFile } from './helpers/guizhou.ts';

let work: string;
let city: TestGateway;
let province: TestGateway;

/** The city's housing catalogue with a second resource, a waiting list shared with the city's own levels only. */
const housing = (text: string) => `${text.trimEnd()}
  - code: "520100-ZJJ-02"
    name: 轮候名单
    summary: 保障房轮候名单
    provider: "520100-ZJJ"
    providerUnit: 住房科
    classification: "4-01"
    format: database
    updateCycle: daily
    open: false
    graphql: { type: WaitingApplicant, list: waitingApplicants, byKey: waitingApplicant }
    key: applicationNo
    share: { type: unconditional, methods: [api], scope: { levels: [city, county] } }
    items:
      - { name: applicationNo, type: string, required: true }
      - { name: applicant, type: string, sensitivity: personal, mask: name }
  - code: "520100-ZJJ-03"
    name: 房产税源
    summary: 房产税源明细, 只与大数据局共享
    provider: "520100-ZJJ"
    providerUnit: 住房科
    classification: "4-01"
    format: database
    updateCycle: daily
    open: false
    graphql: { type: PropertyTaxSource, list: propertyTaxSources, byKey: propertyTaxSource }
    key: sourceNo
    share: { type: unconditional, methods: [api], scope: { departments: ["*-DSJ"] } }
    items:
      - { name: sourceNo, type: string, required: true }
`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-introspection-'));
  const provincePort = await freePort();
  const cityFile = writeCityFile(work, provincePort);
  const catalogue = join(work, 'city-housing.yaml');
  writeFileSync(catalogue, housing(readFileSync(fixture('city-housing.yaml'), 'utf8')));
  city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [catalogue] });
  province = await startGuizhouProvince(work, city.gateway.url, provincePort);
}, 60_000);

afterAll(async () => {
  await province?.close();
  await city?.close();
  rmSync(work, { recursive: true, force: true });
});

const typeNames = async (gw: TestGateway, dept: string) => {
  const res = await gw.query('{ __schema { types { name } } }', { dept });
  expect(res.errors).toBeUndefined();
  return (res.data!.__schema.types as { name: string }[]).map((t) => t.name);
};

describe('introspecting a connected platform\'s namespace', () => {
  it('shows a province department the city\'s resources it may read, not those shared with city departments only', async () => {
    // The city's own county department sees both.
    expect(await typeNames(city, '520102-ZJJ')).toEqual(expect.arrayContaining(['SubsidisedHome', 'WaitingApplicant']));
    const names = await typeNames(province, '520000-SWJ');
    expect(names).toContain('Guiyang_SubsidisedHome');
    expect(names).not.toContain('Guiyang_WaitingApplicant');
  });

  // Two province departments whose views of the province's own catalogues are the same, and whom the city
  // shows different things: each gets its own view of the namespace, whichever asks first.
  it('shows each department the city\'s view of it, also when its view of the province\'s own catalogues is another\'s', async () => {
    expect(await typeNames(province, '520000-SWJ')).not.toContain('Guiyang_PropertyTaxSource');
    expect(await typeNames(province, '520000-DSJ')).toContain('Guiyang_PropertyTaxSource');
    expect(await typeNames(province, '520000-SWJ')).not.toContain('Guiyang_PropertyTaxSource');
  });

  it('and the read of that resource through the namespace is refused by the city all the same', async () => {
    const res = await province.query('{ guiyang { gyHousing { waitingApplicants { totalCount } } } }', { dept: '520000-SWJ', purpose: 'poverty-relief' });
    expect(JSON.stringify(res)).not.toContain('"totalCount":');
  });
});
