// A level written as the division's own kind (found by the Yanbian walkthrough, h203): Yanbian is an
// autonomous prefecture, Yanji a county-level city, and `level: prefecture` was answered only
// `"prefecture" is not one of: province, city, county`, leaving the developer to guess which of the three
// it is. The problem now says which, for the platform file's levels and a share scope's.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { schemaProblems } from '../src/catalogue/json-schema.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { runGovgraph, cliEnv } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/yanbian-levels/${name}`, import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const platformWith = (mutate: (d: Doc) => void) => {
  const doc = structuredClone(readDocument(fixture('platform.yaml'))) as Doc;
  mutate(doc);
  return validatePlatform(doc).problems;
};

it('the fixture itself is a good platform and catalogue', () => {
  expect(platformWith(() => {})).toEqual([]);
  expect(schemaProblems('catalogue.schema.json', readDocument(fixture('residents.yaml')))).toEqual([]);
});

it('a prefecture, an autonomous prefecture or a league is said to be level city', () => {
  for (const word of ['prefecture', 'autonomous prefecture', 'Autonomous-Prefecture', '自治州', 'league']) {
    expect(platformWith((d) => (d.platform.level = word))).toEqual([
      {
        path: 'platform.level',
        message: `${JSON.stringify(word)} is not one of: province, city, county; a prefecture-level division (a prefecture-level city, prefecture, autonomous prefecture or league, with a code such as 222400) is level city: write "city"`,
      },
    ]);
  }
});

it('a county-level city, a district or a banner is said to be level county; a municipality level province', () => {
  expect(platformWith((d) => (d.departments[3].level = 'county-level city'))).toEqual([
    {
      path: 'departments[3].level',
      message: '"county-level city" is not one of: province, city, county; a county-level division (a county, district, county-level city or banner, with a code such as 222401) is level county: write "county"',
    },
  ]);
  expect(platformWith((d) => (d.departments[3].level = '县级市'))[0]?.message).toMatch(/write "county"$/);
  expect(platformWith((d) => (d.departments[3].level = 'district'))[0]?.message).toMatch(/write "county"$/);
  expect(platformWith((d) => (d.platform.level = 'municipality'))[0]?.message).toMatch(/is level province: write "province"$/);
  // A near spelling still names the level it nearly is, and another word lists the three only.
  expect(platformWith((d) => (d.platform.level = 'citty'))[0]?.message).toBe('"citty" is not one of: province, city, county; did you mean "city"?');
  expect(platformWith((d) => (d.platform.level = 'state'))[0]?.message).toBe('"state" is not one of: province, city, county');
});

it("a share scope's levels say so too", () => {
  const doc = structuredClone(readDocument(fixture('residents.yaml'))) as Doc;
  doc.resources[0].share.scope.levels = ['city', 'prefecture'];
  expect(schemaProblems('catalogue.schema.json', doc)).toEqual([
    {
      path: 'resources[0].share.scope.levels[1]',
      message: '"prefecture" is not one of: province, city, county; a prefecture-level division (a prefecture-level city, prefecture, autonomous prefecture or league, with a code such as 222400) is level city: write "city"',
    },
  ]);
});

it('platform validate prints it as file: path: message, exit 1', async () => {
  const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-yanbian-'));
  try {
    const file = join(dir, 'platform.yaml');
    writeFileSync(file, readFileSync(fixture('platform.yaml'), 'utf8').replace(/^ {2}level: city$/m, '  level: prefecture'));
    const r = await runGovgraph(['platform', 'validate', '--platform', file, '--data', join(dir, 'data')], { env: cliEnv() });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`${file}: platform.level: "prefecture" is not one of: province, city, county; a prefecture-level division`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
