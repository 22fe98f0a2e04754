// The platform file (SPEC §3): the JSON Schema and the checks beyond it, with exact problems.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform, validatePlatform } from '../src/catalogue/platform.ts';
import { schemaProblems } from '../src/catalogue/json-schema.ts';
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
    // A token, a grant or an audit entry naming "430000-ga" must not be a second department.
    name: 'two department codes differing only in case',
    mutate: (d) => (d.departments[1].code = '430000-ga'),
    problems: [
      {
        path: 'departments[1].code',
        message: '"430000-ga" differs from the code "430000-GA" of departments[0] only in case; department codes must be unique ignoring case',
      },
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
    // GraphQL tells the two types apart, but graphql-codegen's PascalCase names (PublicsecurityResources for
    // both) do not: a typed client declaring both failed to compile.
    name: 'two graphqlNames giving type names that differ only in case',
    mutate: (d) => (d.departments[2].graphqlName = 'publicsecurity'),
    problems: [
      {
        path: 'departments[2].graphqlName',
        message:
          '"publicsecurity" gives the type PublicsecurityResources, which differs only in case from PublicSecurityResources, the type of departments[0] (430000-GA) (typed clients\' PascalCase type names would merge them); choose another name',
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
    // A connected platform reads this one's answers with graphql-tools, which took { then: ... } for a promise.
    name: 'a graphqlName then',
    mutate: (d) => (d.departments[2].graphqlName = 'then'),
    problems: [{ path: 'departments[2].graphqlName', message: '"then" would be a key of the answers, which a platform connected to this one reads with graphql-tools, and it takes an object with a then key for a promise; choose another graphqlName' }],
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
    // A read of another department's data states a purpose: with none listed, every one was refused.
    name: 'no purpose at all',
    mutate: (d) => (d.purposes = []),
    problems: [
      {
        path: 'purposes',
        message:
          "lists no purpose, so no department could read another's data: each such read states one of these codes in its x-purpose header (and a share scope names them); list at least one, { code: a-purpose, name: What it is for }",
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
    // Two fields, one type prefix (City_): stitched, the two platforms' types would merge.
    name: 'two connected platforms whose namespaces differ only in the case of their first letter',
    mutate: (d) => (d.connected = [
      { region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'city' },
      { region: '430200', name: 'Zhuzhou', url: 'https://zhuzhou.example/graphql', namespace: 'city' },
      { region: '430300', name: 'Xiangtan', url: 'https://xiangtan.example/graphql', namespace: 'City' },
    ]),
    problems: [
      { path: 'connected[1].namespace', message: '"city" is already the namespace of connected[0]; namespaces must be unique' },
      { path: 'connected[2].namespace', message: '"City" gives its types the prefix City_ as "city" of connected[0] does; choose namespaces that differ in more than the case of their first letter' },
    ],
  },
  {
    // Prefixes City_ and City_X_: the first platform's type X_Permit and the second's Permit are both City_X_Permit.
    name: 'two connected platforms one of whose type prefixes starts with the other\'s',
    mutate: (d) => (d.connected = [
      { region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'city' },
      { region: '430200', name: 'Zhuzhou', url: 'https://zhuzhou.example/graphql', namespace: 'city_X' },
    ]),
    problems: [
      { path: 'connected[1].namespace', message: '"city_X" gives its types the prefix City_X_, which starts with City_, the prefix of "city" of connected[0]: a type X_Permit there and Permit here would both be City_X_Permit; choose a namespace that does not start with another\'s and _' },
    ],
  },
  {
    // The department's type (Changsha_adminResources) would come under the connected platform's prefix.
    name: 'a department whose type starts with the prefix of a connected platform\'s types',
    mutate: (d) => {
      d.departments[2].graphqlName = 'changsha_admin';
      d.connected = [{ region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'changsha' }];
    },
    problems: [{ path: 'departments[2].graphqlName', message: '"changsha_admin" gives the type Changsha_adminResources, which starts with Changsha_, the prefix of the types of connected[0] (changsha); choose another name' }],
  },
  {
    // Fz_ and FZ_ are two prefixes, but typed clients' PascalCase names merge Fz_Permit and FZ_Permit, and a
    // department type FZ_xResources meets the connected fz's Fz_XResources: prefixes compare ignoring case.
    name: 'connected type prefixes and a department type that differ from another prefix only in case',
    mutate: (d) => {
      d.departments[2].graphqlName = 'CS_admin';
      d.connected = [
        { region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'cs' },
        { region: '430200', name: 'Zhuzhou', url: 'https://zhuzhou.example/graphql', namespace: 'cS' },
        { region: '430300', name: 'Xiangtan', url: 'https://xiangtan.example/graphql', namespace: 'CS_x' },
      ];
    },
    problems: [
      { path: 'connected[1].namespace', message: '"cS" gives its types the prefix CS_, which differs only in case from Cs_, the prefix of "cs" of connected[0] (typed clients\' PascalCase type names would merge their types); choose namespaces that differ in more than case' },
      { path: 'connected[2].namespace', message: '"CS_x" gives its types the prefix CS_x_, which starts with Cs_ (ignoring case), the prefix of "cs" of connected[0]: a type x_Permit there and Permit here would both be CS_x_Permit; choose a namespace that does not start with another\'s and _' },
      { path: 'departments[2].graphqlName', message: '"CS_admin" gives the type CS_adminResources, which starts with Cs_ (ignoring case), the prefix of the types of connected[0] (cs); choose another name' },
      { path: 'departments[2].graphqlName', message: '"CS_admin" gives the type CS_adminResources, which starts with CS_, the prefix of the types of connected[1] (cS); choose another name' },
    ],
  },
  {
    // A catalogue takes department codes and names of at most 128 characters, and a gateway an x-purpose
    // header of at most 100: longer ones made a department that could never compile or provide a catalogue,
    // and a purpose that scopes could list but no request could send.
    name: 'a department code, a graphqlName or a namespace over 128 characters, a purpose code over 100',
    mutate: (d) => {
      d.departments[2].code = `430100-${'A'.repeat(122)}`;
      d.departments[2].graphqlName = `a${'b'.repeat(128)}`;
      d.purposes[0].code = 'a'.repeat(101);
      d.connected = [{ region: '430100', name: 'Changsha', url: 'https://changsha.example', namespace: `c${'d'.repeat(128)}` }];
    },
    problems: [
      { path: 'purposes[0].code', message: 'has 101 characters; at most 100' },
      { path: 'departments[2].code', message: 'has 129 characters; at most 128' },
      { path: 'departments[2].graphqlName', message: 'has 129 characters; at most 128' },
      { path: 'connected[0].namespace', message: 'has 129 characters; at most 128' },
    ],
  },
  {
    // Keys and forwarded requests are found by region: a second listing would shadow the first one's url.
    name: 'one region listed twice among the connected platforms',
    mutate: (d) => (d.connected = [
      { region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'changsha' },
      { region: '430100', name: 'Changsha, elsewhere', url: 'https://elsewhere.example/graphql', namespace: 'elsewhere' },
    ]),
    problems: [{ path: 'connected[1].region', message: '"430100" is already the region of connected[0]; list each connected platform once' }],
  },
  {
    // The platform at that url would be trusted as both regions: it could forward departments of either.
    name: 'one url listed twice among the connected platforms, written differently',
    mutate: (d) => (d.connected = [
      { region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'changsha' },
      { region: '430200', name: 'Zhuzhou', url: 'HTTPS://Changsha.example:443/', namespace: 'zhuzhou' },
    ]),
    problems: [{ path: 'connected[1].url', message: '"HTTPS://Changsha.example:443/" is the address of connected[0] (region 430100) too; a platform serves one region: list each connected platform once, at its own url' }],
  },
  {
    // A host name's final dot and a path's percent-encoded letters are spellings URL leaves apart.
    name: 'one url listed twice, with the host name\'s final dot or a percent-encoded path',
    mutate: (d) => (d.connected = [
      { region: '430100', name: 'Changsha', url: 'https://changsha.example/gov/graphql', namespace: 'changsha' },
      { region: '430200', name: 'Zhuzhou', url: 'https://changsha.example./gov', namespace: 'zhuzhou' },
      { region: '430300', name: 'Xiangtan', url: 'https://changsha.example/%67%6Fv/', namespace: 'xiangtan' },
      { region: '430400', name: 'Hengyang', url: 'https://changsha.example/gov%2Fx', namespace: 'hengyang' },
    ]),
    problems: [
      { path: 'connected[1].url', message: '"https://changsha.example./gov" is the address of connected[0] (region 430100) too; a platform serves one region: list each connected platform once, at its own url' },
      { path: 'connected[2].url', message: '"https://changsha.example/%67%6Fv/" is the address of connected[0] (region 430100) too; a platform serves one region: list each connected platform once, at its own url' },
    ],
  },
  {
    // Art. 15 connects a city to its province and a county to its city: regions one within the other.
    // "000000" (prefix empty) would let the platform at that url forward a department of any region.
    name: 'connected platforms whose regions are unrelated to the platform\'s or no division',
    mutate: (d) => (d.connected = [
      { region: '520100', name: 'Guiyang', url: 'https://guiyang.example', namespace: 'guiyang' },
      { region: '000000', name: 'Everywhere', url: 'https://everywhere.example', namespace: 'everywhere' },
      { region: '430100', name: 'Changsha', url: 'https://changsha.example', namespace: 'changsha' },
      { region: '430102', name: 'Furong', url: 'https://furong.example', namespace: 'furong' },
    ]),
    problems: [
      { path: 'connected[0].region', message: '"520100" neither lies within this platform\'s region 430000 nor contains it; a platform is connected to the platform of the region it lies within (a city to its province, a county to its city) and to those of the regions within it' },
      { path: 'connected[1].region', message: '"000000" is not the code of an administrative division (two digits of a province, then two of a city and two of a county)' },
    ],
  },
  {
    // A path is a proxy's prefix (/api/v1 passes): the schema, data and keys are all asked under it.
    name: 'connected urls that are not a gateway\'s address',
    mutate: (d) => (d.connected = [
      { region: '430100', name: 'A', url: 'https://a.example/api/v1', namespace: 'a' },
      { region: '430200', name: 'B', url: 'ftp://b.example', namespace: 'b' },
      { region: '430300', name: 'C', url: 'https://user:secret@c.example/graphql', namespace: 'c' },
      { region: '430400', name: 'D', url: 'https://d.example/graphql?x=1', namespace: 'd' },
      { region: '430500', name: 'E', url: 'http://127.0.0.1:99999', namespace: 'e' },
      { region: '430600', name: 'F', url: 'https://f.example/GraphQL', namespace: 'f' },
      { region: '430700', name: 'G', url: 'https://g.example/', namespace: 'g' },
      { region: '430800', name: 'H', url: 'https://h.example:8443/graphql/', namespace: 'h' },
    ]),
    problems: [
      { path: 'connected[1].url', message: '"ftp://b.example" is a ftp URL; a connected platform\'s gateway is reached over https:// (or http:// on a trusted network)' },
      { path: 'connected[2].url', message: '"https://user:secret@c.example/graphql" holds a user name or password, which connected platforms do not use (they trust each other by signed requests) and which would be written to the log; give the address without it (https://c.example)' },
      { path: 'connected[3].url', message: '"https://d.example/graphql?x=1" has a query or fragment; give the gateway\'s address without it (https://d.example)' },
      { path: 'connected[4].url', message: '"http://127.0.0.1:99999" is not a valid URL (a port is a number from 1 to 65535); give the gateway\'s address like "https://changsha.example"' },
      { path: 'connected[5].url', message: '"https://f.example/GraphQL" ends in GraphQL; a gateway is asked at /graphql, in lower case: write it so, or leave it out' },
    ],
  },
  {
    // The address a refusal says to write instead keeps a proxy's path prefix: the gateway is there, not at
    // the proxy's root (it named https://p.example for each of these).
    name: 'connected urls under a proxy\'s path prefix with credentials, a query or a fragment',
    mutate: (d) => (d.connected = [
      { region: '430100', name: 'P', url: 'https://user:secret@p.example/govgraph', namespace: 'p' },
      { region: '430200', name: 'Q', url: 'https://q.example/sharing/govgraph/graphql/?x=1', namespace: 'q' },
      { region: '430300', name: 'R', url: 'https://r.example:8443/govgraph/GraphQL#top', namespace: 'r' },
    ]),
    problems: [
      { path: 'connected[0].url', message: '"https://user:secret@p.example/govgraph" holds a user name or password, which connected platforms do not use (they trust each other by signed requests) and which would be written to the log; give the address without it (https://p.example/govgraph)' },
      { path: 'connected[1].url', message: '"https://q.example/sharing/govgraph/graphql/?x=1" has a query or fragment; give the gateway\'s address without it (https://q.example/sharing/govgraph)' },
      { path: 'connected[2].url', message: '"https://r.example:8443/govgraph/GraphQL#top" has a query or fragment; give the gateway\'s address without it (https://r.example:8443/govgraph)' },
    ],
  },
  {
    // The drain's delay would run into its deadline: the process exits with /readyz still saying 503.
    name: 'a drain delay as long as the shutdown timeout',
    mutate: (d) => (d.server = { drainDelayMs: 30_000, shutdownTimeoutMs: 30_000 }),
    problems: [{ path: 'server.drainDelayMs', message: '30000 ms leaves no time for the requests in flight within server.shutdownTimeoutMs (30000 ms), whose last 1000 ms close what is still open; make it less than 29000 ms, or shutdownTimeoutMs longer' }],
  },
  {
    name: 'a drain delay longer than the default shutdown timeout',
    mutate: (d) => (d.server = { drainDelayMs: 60_000 }),
    problems: [{ path: 'server.drainDelayMs', message: '60000 ms leaves no time for the requests in flight within server.shutdownTimeoutMs (30000 ms, the default), whose last 1000 ms close what is still open; make it less than 29000 ms, or shutdownTimeoutMs longer' }],
  },
  {
    name: 'a shutdown timeout shorter than the default drain delay',
    mutate: (d) => (d.server = { shutdownTimeoutMs: 5000 }),
    problems: [{ path: 'server.shutdownTimeoutMs', message: '5000 ms is not longer than the default server.drainDelayMs (5000 ms) plus 500 ms to close what is still open; make it longer than 5500 ms, or set drainDelayMs shorter' }],
  },
  {
    name: 'a connected platform with a malformed URL',
    mutate: (d) => (d.connected = [{ region: '430100', name: 'Changsha', url: 'not a url', namespace: 'changsha' }]),
    problems: [{ path: 'connected[0].url', message: '"not a url" is not a valid URL like "https://changsha.example/graphql"' }],
  },
  {
    // It started without a word and refused every document, introspection too (the manifests are listed at start).
    name: 'trusted documents required with no manifest',
    mutate: (d) => (d.trustedDocuments = { mode: 'require', manifests: [] }),
    problems: [{ path: 'trustedDocuments.manifests', message: 'mode require runs only the documents of the manifests, and none is listed, so every document would be refused; list the persisted-documents.json of the clients you accept, or use mode log to see which clients send what' }],
  },
  {
    name: 'trusted documents required with the manifests left out',
    mutate: (d) => (d.trustedDocuments = { mode: 'require' }),
    problems: [{ path: 'trustedDocuments.manifests', message: 'mode require runs only the documents of the manifests, and none is listed, so every document would be refused; list the persisted-documents.json of the clients you accept, or use mode log to see which clients send what' }],
  },
  {
    // A bucket refilled per 0 ms was accepted, and then every request failed with INTERNAL_SERVER_ERROR.
    name: 'a rate period of zero',
    mutate: (d) => (d.limits = { rate: { perUser: { requests: 5, per: '0s' } } }),
    problems: [{ path: 'limits.rate.perUser.per', message: '"0s" is not a valid duration longer than zero in ms, s, m, h or d like "60s"' }],
  },
  {
    // Quoting it, as a hint used to say, gives "60", which is no duration either: the hint names the form.
    name: 'a rate period written as a bare number',
    mutate: (d) => (d.limits = { rate: { perUser: { requests: 5, per: 60 } } }),
    problems: [{ path: 'limits.rate.perUser.per', message: 'expected a string, got 60 (a duration longer than zero in ms, s, m, h or d like "60s")' }],
  },
  {
    name: 'a rate period of zero written with more digits',
    mutate: (d) => (d.limits = { rate: { perDepartment: { requests: 5, per: '000ms' } } }),
    problems: [{ path: 'limits.rate.perDepartment.per', message: '"000ms" is not a valid duration longer than zero in ms, s, m, h or d like "60s"' }],
  },
  {
    name: 'a rate bucket that is neither off nor requests per period',
    mutate: (d) => (d.limits = { rate: { perDepartment: 'on', perUser: { requests: 5 } } }),
    problems: [
      { path: 'limits.rate.perDepartment', message: 'expected "off", got "on"' },
      { path: 'limits.rate.perUser.per', message: 'is required' },
    ],
  },
  {
    // operations.md: `rate: off` is refused, naming the buckets; it said only "expected an object (a mapping)".
    name: 'rate: off, which names no bucket',
    mutate: (d) => (d.limits = { rate: 'off' }),
    problems: [{ path: 'limits.rate', message: '"off" turns no bucket off by itself: name each bucket to turn off, rate: { perUser: off, perDepartment: off, perPlatform: off }' }],
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

  // The schema says it too, so that an editor flags `purposes: []` (schema/platform.schema.json), worded by the check.
  it('refuses no purpose at all in the schema as well, with the one problem saying why', () => {
    const none = { ...(structuredClone(good) as object), purposes: [] };
    expect(schemaProblems('platform.schema.json', none).map((p) => p.path)).toEqual(['purposes']);
    expect(validatePlatform(none).problems).toHaveLength(1);
  });

  it('loadPlatform throws every problem at once', () => {
    const notAPlatform = join(mkdtempSync(join(tmpdir(), 'govgraph-platform-')), 'not-a-platform.yaml');
    writeFileSync(notAPlatform, 'name: a platform without its fields\n');
    try {
      loadPlatform(notAPlatform);
      expect.unreachable();
    } catch (err) {
      expect((err as DocumentInvalidError).problems.slice(0, 3)).toEqual([
        { path: 'platform', message: 'is required' },
        { path: 'purposes', message: 'is required' },
        { path: 'departments', message: 'is required' },
      ]);
    } finally {
      rmSync(dirname(notAPlatform), { recursive: true, force: true });
    }
  });

  // A catalogue given as the platform file: one problem saying so, not the schema's missing and unknown fields.
  it('says a catalogue given as the platform file is one', () => {
    for (const catalogue of ['household.yaml', 'enterprise.json']) {
      expect(() => loadPlatform(join(file, '..', catalogue))).toThrow(DocumentInvalidError);
      expect(validatePlatform(readDocument(join(file, '..', catalogue))).problems).toEqual([
        { path: '', message: 'this is a catalogue, not a platform file (it has resources:); catalogues go as the arguments of catalogue validate or import' },
      ]);
    }
  });
});

// A department's region decides what row scope shows it (SPEC §6) and what a connected platform accepts
// of it (§12): a county given a city's code would see the whole city's rows. Checked on a platform of
// another province than the demo's.
describe('departments agree with their division codes (a Guizhou platform)', () => {
  const guizhou = readDocument(join(file, '..', '..', 'guizhou', 'platform.yaml'));
  const guizhouProblems = (mutate: (doc: Doc) => void): Problem[] => {
    const doc = structuredClone(guizhou) as Doc;
    mutate(doc);
    return validatePlatform(doc).problems;
  };

  it('accepts the platform as written', () => {
    expect(validatePlatform(guizhou).problems).toEqual([]);
  });

  it('accepts a department code whose digits are not its region: only the region says where a department is', () => {
    expect(guizhouProblems((d) => (d.departments[6].code = '520100-NMXCZX'))).toEqual([]);
  });

  it.each([
    {
      name: 'a county department with its city\'s code',
      mutate: (d: Doc) => (d.departments[6].region = '520100'),
      problems: [
        { path: 'departments[6].region', message: '"520100" is the code of a city, but the department\'s level is county; a county\'s code ends in two digits other than 00, like 520102' },
      ],
    },
    {
      name: 'a city department at the province\'s level',
      mutate: (d: Doc) => (d.departments[4].level = 'province'),
      problems: [
        { path: 'departments[4].region', message: '"520100" is the code of a city, but the department\'s level is province; a province\'s code ends in 0000, like 520000' },
      ],
    },
    {
      name: 'a department of another province',
      mutate: (d: Doc) => d.departments.push({ code: '530100-MZ', name: '昆明市民政局', graphqlName: 'kunming', level: 'city', region: '530100' }),
      problems: [
        { path: 'departments[7].region', message: '"530100" lies outside the platform\'s region 520000; a platform\'s departments are those of its region (another platform\'s are reached by connecting it)' },
      ],
    },
    {
      name: 'a platform whose level is not its code\'s',
      mutate: (d: Doc) => (d.platform.level = 'city'),
      problems: [
        { path: 'platform.region', message: '"520000" is the code of a province, but platform.level is city; a city\'s code ends in 00 but not 0000, like 520100' },
      ],
    },
    {
      name: 'a region that is no division\'s code',
      mutate: (d: Doc) => (d.departments[0].region = '000000'),
      problems: [
        { path: 'departments[0].region', message: '"000000" is not the code of an administrative division (two digits of a province, then two of a city and two of a county)' },
      ],
    },
  ])('refuses $name', ({ mutate, problems }) => {
    expect(guizhouProblems(mutate)).toEqual(problems);
  });
});
