// schema/demo.graphql is the demo platform's SDL, kept in the repository for the typed client example
// (codegen.ts reads it). This test fails when it is stale; regenerate it with:
//   D=$(mktemp -d) && node bin/govgraph.js catalogue import demo/catalogues/*.yaml --publish --data $D \
//     && node bin/govgraph.js schema print --data $D > schema/demo.graphql
// (both commands default to the demo platform on a clone).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { departmentCatalogues } from '../src/generate/department-view.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';

const DEMO_SDL_FILE = fileURLToPath(new URL('../schema/demo.graphql', import.meta.url));

function demo() {
  const platform = loadPlatform(DEMO_PLATFORM_FILE);
  const report = validateCatalogueFiles(demoCatalogueFiles(), platform, []);
  if (!report.catalogues) throw new Error(`demo catalogues invalid: ${JSON.stringify(report.problems)}`);
  return { platform, catalogues: report.catalogues };
}

describe('schema/demo.graphql', () => {
  test('is the SDL the demo platform generates (regenerate it with govgraph schema print when this fails)', () => {
    const { platform, catalogues } = demo();
    const sdl = buildGatewaySchema(platform, catalogues, { rules: false }).sdl;
    expect(readFileSync(DEMO_SDL_FILE, 'utf8')).toBe(sdl + '\n');
  });
});

describe('the schema as one department sees it (schema print --dept)', () => {
  const typesOf = (sdl: string) => new Set([...sdl.matchAll(/^type (\w+)/gm)].map((m) => m[1]));
  const fieldsOf = (sdl: string, type: string) =>
    [...(new RegExp(`^type ${type} \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(sdl)?.[1] ?? '').matchAll(/^  (\w+)[(:]/gm)].map((m) => m[1]);

  test('430000-MZ: no resource that is never shared with it, no item of type none, the platform fields kept', () => {
    const { platform, catalogues } = demo();
    const full = buildGatewaySchema(platform, catalogues, { rules: false }).sdl;
    const sdl = buildGatewaySchema(platform, departmentCatalogues(platform, catalogues, '430000-MZ'), { rules: false }).sdl;
    // Criminal case files are not shared (type none); real estate registrations are not offered through
    // the API (online-query, download: METHOD_NOT_API).
    expect(typesOf(full).has('CriminalCaseFile')).toBe(true);
    expect(typesOf(sdl).has('CriminalCaseFile')).toBe(false);
    expect(typesOf(sdl).has('RealEstateRegistration')).toBe(false);
    // monthlyWage is `share: { type: none }`; the rest of Employment registration stays, its link too.
    expect(fieldsOf(full, 'EmploymentRegistration')).toContain('monthlyWage');
    expect(fieldsOf(sdl, 'EmploymentRegistration')).not.toContain('monthlyWage');
    expect(fieldsOf(sdl, 'EmploymentRegistration')).toEqual(expect.arrayContaining(['registrationNo', 'employerName', 'employer']));
    // Conditional resources stay: a grant can open them.
    expect(typesOf(sdl).has('HouseholdRegistration')).toBe(true);
    // The platform's own fields are there whatever the department.
    expect(fieldsOf(sdl, 'Query')).toEqual(expect.arrayContaining(['me', 'catalogues']));
  });

  test('the provider sees all of its own resources', () => {
    const { platform, catalogues } = demo();
    const sdl = buildGatewaySchema(platform, departmentCatalogues(platform, catalogues, '430000-RST'), { rules: false }).sdl;
    expect(fieldsOf(sdl, 'EmploymentRegistration')).toContain('monthlyWage');
  });

  test('an unknown department is refused', () => {
    const { platform, catalogues } = demo();
    expect(() => departmentCatalogues(platform, catalogues, '999999-XX')).toThrow('Department 999999-XX is not a department of the platform');
  });
});
