// The view of a department that a connected platform forwards (SPEC §12, §15; docs/typed-clients.md): what
// it may read here at all. Grants are this platform's, for its own departments (src/access/grant-model.ts):
// a forwarded department holds none and can never get one, so what is shared on conditions is as closed to
// it as what is not shared. Its view (the `?view=department` schema a connected platform stitches into
// its departments' introspection and `schema print --dept`) offered those resources and items all the same,
// and a typed client built on it compiled reads that could only ever answer GRANT_REQUIRED.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { departmentCatalogues } from '../src/generate/department-view.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Department } from '../src/model/platform.ts';
import { DepartmentViews } from '../src/server/plugins/introspection.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'gansu-views', name);
const platform = loadPlatform(fixture('province.yaml'));
const report = validateCatalogueFiles([fixture('catalogue.yaml')], platform, []);
const catalogues = report.catalogues as Catalogue[];

/** Lanzhou's civil affairs bureau, whose request Lanzhou's platform forwarded. */
const lanzhou: Department = { code: '620100-MZJ', name: '620100-MZJ (via Lanzhou)', graphqlName: '', level: 'city', region: '620100', via: '620100' };
const own = (code: string) => platform.departments.find((d) => d.code === code)!;

/** Resource code → the item names the view keeps of it. */
function kept(cut: readonly Catalogue[]): Record<string, string[]> {
  return Object.fromEntries(cut.flatMap((c) => c.resources.map((r) => [r.code, r.items.map((i) => i.name)])));
}

describe('the view of a forwarded department', () => {
  it('leaves out what is shared on conditions, which no grant here can open for it', () => {
    expect(report.catalogues).toBeDefined();
    expect(kept(departmentCatalogues(platform, catalogues, lanzhou))).toEqual({
      '620000-RST-00001': ['paymentNo', 'pensioner', 'county'],
    });
  });

  it("keeps them for this platform's own departments, which a grant opens", () => {
    expect(kept(departmentCatalogues(platform, catalogues, own('620000-SJJ')))).toEqual({
      '620000-RST-00001': ['paymentNo', 'pensioner', 'county', 'amount'],
      '620000-MZT-00001': ['recordNo', 'child'],
    });
  });

  it('is the schema a connected platform gets for it', async () => {
    const views = new DepartmentViews(platform);
    const forwarded = printSchema((await views.viewFor(catalogues, lanzhou)).schema);
    expect(forwarded).not.toMatch(/OrphanCare|^\s+amount: /m);
    expect(forwarded).toMatch(/type Pension \{/);
    // A department of this platform under the same code, level and region is another view.
    const sameCode: Department = { ...lanzhou, via: undefined };
    const ownView = printSchema((await views.viewFor(catalogues, sameCode)).schema);
    expect(ownView).toMatch(/type OrphanCare \{/);
  });
});
