// The platform file (SPEC §3): the JSON Schema and the checks beyond it, with exact problems.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform, validatePlatform } from '../src/catalogue/platform.ts';
import { DocumentInvalidError, type Problem } from '../src/catalogue/problems.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { PLATFORM_QUERY_FIELDS } from '../src/catalogue/names.ts';

const file = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/catalogue/platform.yaml');
const good = readDocument(file);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function problemsOf(mutate: (doc: Doc) => void): Problem[] {
  const doc = structuredClone(good) as Doc;
  mutate(doc);
  return validatePlatform(doc).problems;
}

const cases: { name: string; mutate: (doc: Doc) => void; problems: Problem[] }[] = [
  {
    name: 'a missing platform name',
    mutate: (d) => delete d.platform.name,
    problems: [{ path: 'platform.name', message: 'is required' }],
  },
  {
    name: 'a region written as a number',
    mutate: (d) => (d.platform.region = 430000),
    problems: [{ path: 'platform.region', message: 'expected a string, got 430000 (in YAML, quote it: "430000")' }],
  },
  {
    name: 'a level outside the vocabulary',
    mutate: (d) => (d.departments[0].level = 'state'),
    problems: [{ path: 'departments[0].level', message: '"state" is not one of: province, city, county' }],
  },
  {
    name: 'a holiday that is not a date',
    mutate: (d) => d.platform.holidays.push('2026-13-01'),
    problems: [{ path: 'platform.holidays[2]', message: '"2026-13-01" is not a valid date (YYYY-MM-DD) like "2026-10-01"' }],
  },
  {
    name: 'a misspelt property',
    mutate: (d) => (d.departments[1].graphqlname = 'x'),
    problems: [{ path: 'departments[1].graphqlname', message: 'is not a known property; did you mean "graphqlName"?' }],
  },
  {
    name: 'a graphqlName that is not a GraphQL name',
    mutate: (d) => (d.departments[1].graphqlName = 'market-regulation'),
    problems: [
      {
        path: 'departments[1].graphqlName',
        message:
          '"market-regulation" is not a valid GraphQL field name (letters, digits and _, not starting with a digit or __) like "publicSecurity"',
      },
    ],
  },
  {
    name: 'two departments of one code',
    mutate: (d) => (d.departments[1].code = '430000-GA'),
    problems: [
      { path: 'departments[1].code', message: '"430000-GA" is already the code of departments[0]; department codes must be unique' },
    ],
  },
  {
    name: 'two departments of one graphqlName',
    mutate: (d) => (d.departments[2].graphqlName = 'publicSecurity'),
    problems: [
      {
        path: 'departments[2].graphqlName',
        message: '"publicSecurity" is already the graphqlName of departments[0] (430000-GA); graphqlNames must be unique',
      },
    ],
  },
  {
    name: 'two graphqlNames giving one type name',
    mutate: (d) => (d.departments[2].graphqlName = 'PublicSecurity'),
    problems: [
      {
        path: 'departments[2].graphqlName',
        message:
          '"PublicSecurity" and the graphqlName "publicSecurity" of departments[0] (430000-GA) both give the type PublicSecurityResources; choose another name',
      },
    ],
  },
  {
    name: 'a graphqlName the platform uses on Query',
    mutate: (d) => (d.departments[2].graphqlName = 'catalogues'),
    problems: [
      {
        path: 'departments[2].graphqlName',
        message:
          `"catalogues" is a field the platform itself defines on Query; choose another name (reserved: ${PLATFORM_QUERY_FIELDS.join(', ')})`,
      },
    ],
  },
  {
    name: 'a competent department that is not a department',
    mutate: (d) => (d.platform.competentDepartment = '430000-XX'),
    problems: [
      {
        path: 'platform.competentDepartment',
        message: '"430000-XX" is not the code of any of the departments (430000-GA, 430000-SCJG, 430000-ZWB, 430100-MZ, 430121-MZ)',
      },
    ],
  },
  {
    name: 'two purposes of one code',
    mutate: (d) => d.purposes.push({ code: 'social-assistance', name: 'Again' }),
    problems: [
      { path: 'purposes[3].code', message: '"social-assistance" is already the code of purposes[1]; purpose codes must be unique' },
    ],
  },
  {
    name: 'a connected platform whose namespace is a department field',
    mutate: (d) => (d.connected = [{ region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'adminService' }]),
    problems: [
      { path: 'connected[0].namespace', message: '"adminService" is already the graphqlName of departments[2]; choose another namespace' },
    ],
  },
  {
    name: 'a connected platform with a malformed URL',
    mutate: (d) => (d.connected = [{ region: '430100', name: 'Changsha', url: 'not a url', namespace: 'changsha' }]),
    problems: [{ path: 'connected[0].url', message: '"not a url" is not a valid URL like "https://changsha.example/graphql"' }],
  },
];

describe('validatePlatform', () => {
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      expect(problemsOf(c.mutate)).toEqual(c.problems);
    });
  }

  it('accepts the fixture and fills in the defaults', () => {
    const { platform, problems } = validatePlatform(good);
    expect(problems).toEqual([]);
    expect(platform!.connected).toEqual([]);
    expect(platform!.platform.holidays).toEqual(['2026-10-01', '2026-10-02']);
    const bare = structuredClone(good) as Doc;
    delete bare.platform.holidays;
    expect(validatePlatform(bare).platform!.platform.holidays).toEqual([]);
    // SPEC §14: working days for answers to objections and demands.
    expect(platform!.deadlines).toEqual({ objectionDays: 5, demandDays: 10 });
    expect(validatePlatform({ ...(structuredClone(good) as object), deadlines: { demandDays: 15 } }).platform!.deadlines).toEqual({ objectionDays: 5, demandDays: 15 });
    expect(validatePlatform({ ...(structuredClone(good) as object), deadlines: { objectionDays: 0, hours: 3 } }).problems.map((p) => p.path).sort())
      .toEqual(['deadlines.hours', 'deadlines.objectionDays']);
  });

  it('loadPlatform throws every problem at once', () => {
    expect(() => loadPlatform(join(file, '..', 'household.yaml'))).toThrow(DocumentInvalidError);
    try {
      loadPlatform(join(file, '..', 'enterprise.json'));
      expect.unreachable();
    } catch (err) {
      expect((err as DocumentInvalidError).problems.slice(0, 3)).toEqual([
        { path: 'platform', message: 'is required' },
        { path: 'purposes', message: 'is required' },
        { path: 'departments', message: 'is required' },
      ]);
    }
  });
});
