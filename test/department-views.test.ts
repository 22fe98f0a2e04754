// The department views of the schema (src/server/plugins/introspection.ts) are built once per distinct
// view, not once per department code: the `?view=department` schema a connected platform asks for a
// forwarded department was built at every ask, and a listed platform may name any department code within
// its region, so each ask (a code of its choosing, or the same one again) cost a schema build here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Department } from '../src/model/platform.ts';
import { DepartmentViews } from '../src/server/plugins/introspection.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
let published: Catalogue[];
beforeAll(async () => {
  gw = await startTestGateway();
  published = await publishedCatalogues(gw.store);
});
afterAll(() => gw?.close());

const forwarded = (code: string): Department => ({ code, name: code, graphqlName: '', level: 'city', region: '430100' });

describe('department views', () => {
  it('one build for the departments of another platform that may read the same, whatever their codes', async () => {
    const views = new DepartmentViews(gw.platform);
    const first = await views.viewFor(published, forwarded('430100-X1'));
    for (let i = 2; i <= 20; i++) expect(await views.viewFor(published, forwarded(`430100-X${i}`))).toBe(first);
    expect(await views.viewFor(published, forwarded('430100-X1'))).toBe(first);
  });

  it('a view of its own for a department that may read something else', async () => {
    const views = new DepartmentViews(gw.platform);
    const mz = await views.viewFor(published, gw.platform.departments.find((d) => d.code === '430000-MZ')!);
    const ga = await views.viewFor(published, gw.platform.departments.find((d) => d.code === '430000-GA')!);
    expect(ga).not.toBe(mz);
    expect(ga.schema.getType('CriminalCaseFile')).toBeDefined();
    expect(mz.schema.getType('CriminalCaseFile')).toBeUndefined();
  });
});
