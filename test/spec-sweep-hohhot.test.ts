// SPEC §1–§4 swept sentence by sentence on a platform of its own (Hohhot, test/fixtures/hohhot-sweep): what
// the platform file and catalogue documents are refused for, each case at its path with its message, and
// the same through `govgraph catalogue validate` as an operator runs it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPlatform, validatePlatform } from '../src/catalogue/platform.ts';
import type { Problem } from '../src/catalogue/problems.ts';
import { parseDocuments, readDocument } from '../src/catalogue/read.ts';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';
import { validateCatalogues } from '../src/catalogue/validate.ts';
import { runGovgraph } from './helpers/cli.ts';

const folder = fileURLToPath(new URL('fixtures/hohhot-sweep/', import.meta.url));
const PLATFORM_FILE = join(folder, 'platform.yaml');
const platform = loadPlatform(PLATFORM_FILE);
const platformDoc = readDocument(PLATFORM_FILE);
/** The herding bureau's catalogue (a conditional resource linking to the market bureau's dairies). */
const herding = readDocument(join(folder, 'herding.yaml'));
const market = readDocument(join(folder, 'market.yaml'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

/** The herding catalogue changed by `mutate`, validated beside the market bureau's: its problems. */
function catalogueProblems(mutate: (doc: Doc) => void): Problem[] {
  const doc = structuredClone(herding) as Doc;
  mutate(doc);
  const [, result] = validateCatalogues([market, doc], platform, []);
  return result!.problems;
}

function platformProblems(mutate: (doc: Doc) => void): Problem[] {
  const doc = structuredClone(platformDoc) as Doc;
  mutate(doc);
  return validatePlatform(doc).problems;
}

const herder = (d: Doc) => d.resources[0];

describe('SPEC §4 "every part optional; absent = no restriction of that kind": an empty part is refused, not read as "none"', () => {
  const closes = (at: string, part: string, what: string, whose: string): Problem => ({
    path: `${at}.scope.${part}`,
    message: `lists no ${what}, so no department but the provider could read ${whose}; leave ${part} out for no restriction of ${part}, or list the ones allowed (to share with no department, set share type none with its basis)`,
  });
  const cases: { name: string; mutate: (d: Doc) => void; problems: Problem[] }[] = [
    { name: "the resource's purposes: []", mutate: (d) => (herder(d).share.scope.purposes = []), problems: [closes('resources[0].share', 'purposes', 'purpose', 'the resource')] },
    { name: "the resource's departments: []", mutate: (d) => (herder(d).share.scope.departments = []), problems: [closes('resources[0].share', 'departments', 'department pattern', 'the resource')] },
    { name: "the resource's levels: []", mutate: (d) => (herder(d).share.scope.levels = []), problems: [closes('resources[0].share', 'levels', 'level', 'the resource')] },
    { name: "an item's purposes: []", mutate: (d) => (herder(d).items[2].share = { scope: { purposes: [] } }), problems: [closes('resources[0].items[2].share', 'purposes', 'purpose', 'the item')] },
    { name: "an item's levels: []", mutate: (d) => (herder(d).items[3].share = { scope: { levels: [] } }), problems: [closes('resources[0].items[3].share', 'levels', 'level', 'the item')] },
    { name: 'the parts left out (no restriction)', mutate: (d) => delete herder(d).share.scope, problems: [] },
    { name: 'the share with no department written as type none', mutate: (d) => (herder(d).share = { type: 'none', basis: '草原法', methods: ['api'] }), problems: [] },
  ];
  it.each(cases)('$name', ({ mutate, problems }) => {
    expect(catalogueProblems(mutate)).toEqual(problems);
  });
});

describe('SPEC §4 item format "validated on import": a length shorter than every value of the format is refused', () => {
  const cases: { name: string; mutate: (d: Doc) => void; problems: Problem[] }[] = [
    {
      name: 'idcard with length 10',
      mutate: (d) => (herder(d).items[0].length = 10),
      problems: [{ path: 'resources[0].items[0].length', message: '10 is shorter than the 18 characters every idcard value has, so every valid value would be refused on import; make it at least 18, or leave length out' }],
    },
    {
      name: 'credit-code with length 17',
      mutate: (d) => (herder(d).items[4].length = 17),
      problems: [{ path: 'resources[0].items[4].length', message: '17 is shorter than the 18 characters every credit-code value has, so every valid value would be refused on import; make it at least 18, or leave length out' }],
    },
    {
      name: 'phone with length 8',
      mutate: (d) => herder(d).items.push({ name: 'mobile', type: 'string', format: 'phone', length: 8 }),
      problems: [{ path: 'resources[0].items[5].length', message: '8 is shorter than the 11 characters every phone value has, so every valid value would be refused on import; make it at least 11, or leave length out' }],
    },
    { name: 'idcard with length 18', mutate: (d) => (herder(d).items[0].length = 18), problems: [] },
    { name: 'email with length 6 (no fixed length)', mutate: (d) => herder(d).items.push({ name: 'mail', type: 'string', format: 'email', length: 6 }), problems: [] },
  ];
  it.each(cases)('$name', ({ mutate, problems }) => {
    expect(catalogueProblems(mutate)).toEqual(problems);
  });
});

describe('a code written in another case than the platform\'s is refused, and the message names the code as written', () => {
  const cases: { name: string; mutate: (d: Doc) => void; problems: Problem[] }[] = [
    {
      name: 'compiler',
      mutate: (d) => (d.compiler = '150100-nmj'),
      problems: [{ path: 'compiler', message: '"150100-nmj" is not the code of any department of the platform (150100-SJJ, 150100-NMJ, 150102-SCJ); it is department 150100-NMJ written in another case: write "150100-NMJ"' }],
    },
    {
      name: 'provider',
      mutate: (d) => (d.kind = 'basic', d.subject = '草原', herder(d).provider = '150100-Nmj'),
      problems: [{ path: 'resources[0].provider', message: '"150100-Nmj" is not the code of any department of the platform (150100-SJJ, 150100-NMJ, 150102-SCJ); it is department 150100-NMJ written in another case: write "150100-NMJ"' }],
    },
    {
      name: 'link.resource',
      mutate: (d) => (herder(d).items[4].link.resource = '150102-scj-00001'),
      problems: [{ path: 'resources[0].items[4].link.resource', message: '"150102-scj-00001" is not a resource of this catalogue or of any catalogue in effect; it is resource 150102-SCJ-00001 written in another case: write "150102-SCJ-00001"' }],
    },
    {
      name: 'related',
      mutate: (d) => (herder(d).related = ['150102-scj-00001']),
      problems: [{ path: 'resources[0].related[0]', message: '"150102-scj-00001" is not a resource of this catalogue or of any catalogue in effect; it is resource 150102-SCJ-00001 written in another case: write "150102-SCJ-00001"' }],
    },
    {
      name: 'a scope department pattern',
      mutate: (d) => (herder(d).share.scope.departments = ['150102-scj']),
      problems: [{ path: 'resources[0].share.scope.departments[0]', message: '"150102-scj" matches no department of the platform; it would match 150102-SCJ in another case: write department codes as the platform file does' }],
    },
    {
      name: 'a code of no resource in any case (said as before)',
      mutate: (d) => (herder(d).related = ['150102-SCJ-00009']),
      problems: [{ path: 'resources[0].related[0]', message: '"150102-SCJ-00009" is not a resource of this catalogue or of any catalogue in effect' }],
    },
  ];
  it.each(cases)('$name', ({ mutate, problems }) => {
    expect(catalogueProblems(mutate)).toEqual(problems);
  });

  it("the platform file's competentDepartment", () => {
    expect(platformProblems((d) => (d.platform.competentDepartment = '150100-sjj'))).toEqual([
      { path: 'platform.competentDepartment', message: '"150100-sjj" is not the code of any of the departments (150100-SJJ, 150100-NMJ, 150102-SCJ); it is department 150100-SJJ written in another case: write "150100-SJJ"' },
    ]);
  });
});

describe('SPEC §2/§3 platform.competentDepartment: the department of the platform\'s own government', () => {
  const cases: { name: string; mutate: (d: Doc) => void; problems: Problem[] }[] = [
    {
      name: 'a county bureau named for the city platform',
      mutate: (d) => (d.platform.competentDepartment = '150102-SCJ'),
      problems: [{ path: 'platform.competentDepartment', message: '"150102-SCJ" is a county department of 150102, but the competent department of this city platform is one of its own government\'s (level city, region 150100): 150100-SJJ, 150100-NMJ' }],
    },
    {
      name: 'another city department',
      mutate: (d) => (d.platform.competentDepartment = '150100-NMJ'),
      problems: [],
    },
    {
      name: 'a platform level its region is not of (said once, at platform.region)',
      mutate: (d) => (d.platform.level = 'county'),
      problems: [{ path: 'platform.region', message: '"150100" is the code of a city, but platform.level is county; a county\'s code ends in two digits other than 00, like 150102' }],
    },
  ];
  it.each(cases)('$name', ({ mutate, problems }) => {
    expect(platformProblems(mutate)).toEqual(problems);
  });
});

describe('through the command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-hohhot-sweep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('catalogue validate says each problem as file: path: message and exits 1, for JSON as for YAML', async () => {
    const doc = structuredClone(herding) as Doc;
    herder(doc).share.scope.purposes = [];
    herder(doc).items[0].length = 10;
    const file = join(dir, 'herding.json');
    writeFileSync(file, JSON.stringify(doc));
    const marketFile = join(dir, 'market.yaml');
    writeFileSync(marketFile, stringify(market));
    const run = await runGovgraph(['catalogue', 'validate', '--platform', PLATFORM_FILE, '--data', join(dir, 'data'), marketFile, file]);
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([
      `${marketFile}: ok (1 resource)`,
      `${file}: resources[0].share.scope.purposes: lists no purpose, so no department but the provider could read the resource; leave purposes out for no restriction of purposes, or list the ones allowed (to share with no department, set share type none with its basis)`,
      `${file}: resources[0].items[0].length: 10 is shorter than the 18 characters every idcard value has, so every valid value would be refused on import; make it at least 18, or leave length out`,
    ]);
  });

  // A department developer validates on a machine with no store: the answer is import's, where nothing was published.
  it.each([
    {
      name: "a code in another department's space",
      code: '150100-SJJ-00001',
      message: '"150100-SJJ-00001" is in the code space of 150100-SJJ (呼和浩特市数据局), not of its provider 150100-NMJ: a new code in a department\'s space is that department\'s to publish (write 150100-NMJ-00001, or a code in no department\'s space)',
    },
    {
      name: "the provider's code in another case",
      code: '150100-nmj-00001',
      message: '"150100-nmj-00001" writes the provider\'s code in another case; write it as the platform file does: 150100-NMJ-00001',
    },
  ])('catalogue validate without a store refuses $name, as import does', async ({ code, message }) => {
    const doc = structuredClone(herding) as Doc;
    herder(doc).code = code;
    const file = join(dir, `code-${code}.yaml`);
    writeFileSync(file, stringify(doc));
    const marketFile = join(dir, 'market.yaml');
    writeFileSync(marketFile, stringify(market));
    const validated = await runGovgraph(['catalogue', 'validate', '--platform', PLATFORM_FILE, '--data', join(dir, 'no-store'), marketFile, file]);
    expect({ code: validated.code, stdout: validated.stdout.trim().split('\n') }).toEqual({ code: 1, stdout: [`${marketFile}: ok (1 resource)`, `${file}: resources[0].code: ${message}`] });
    const imported = await runGovgraph(['catalogue', 'import', '--platform', PLATFORM_FILE, '--data', join(dir, `store-${code}`), marketFile, file]);
    expect({ code: imported.code, stderr: imported.stderr.trim().split('\n').slice(-2) }).toEqual({ code: 1, stderr: ['Nothing was imported:', `${file}: resources[0].code: ${message}`] });
  });
});

describe('govgraph platform validate: the platform file alone, and with a store the published catalogues against it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-hohhot-platform-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says ok with its figures, or each problem as file: path: message with exit 1', async () => {
    const ok = await runGovgraph(['platform', 'validate', '--platform', PLATFORM_FILE, '--data', join(dir, 'no-store')]);
    expect({ code: ok.code, stdout: ok.stdout }).toEqual({ code: 0, stdout: `${PLATFORM_FILE}: ok (3 departments, 2 purposes, 0 connected platforms)\n` });
    const doc = structuredClone(platformDoc) as Doc;
    doc.platform.competentDepartment = '150102-SCJ';
    doc.departments[1].parent = '150100-SJJ';
    const file = join(dir, 'platform.json');
    writeFileSync(file, JSON.stringify(doc));
    const bad = await runGovgraph(['platform', 'validate', '--platform', file, '--data', join(dir, 'no-store')]);
    expect({ code: bad.code, stdout: bad.stdout.trim().split('\n') }).toEqual({ code: 1, stdout: [`${file}: departments[1].parent: is not a known property; expected one of: code, name, graphqlName, level, region`] });
  });

  it('with a store, refuses a file the published catalogues no longer fit (a purpose a scope names, a provider removed)', async () => {
    const data = join(dir, 'data');
    const imported = await runGovgraph(['catalogue', 'import', '--publish', '--platform', PLATFORM_FILE, '--data', data, join(folder, 'market.yaml'), join(folder, 'herding.yaml')]);
    expect(imported.code).toBe(0);
    const doc = structuredClone(platformDoc) as Doc;
    doc.purposes = doc.purposes.filter((p: { code: string }) => p.code !== 'pasture-subsidy');
    const file = join(dir, 'without-pasture.yaml');
    writeFileSync(file, stringify(doc));
    const run = await runGovgraph(['platform', 'validate', '--platform', file, '--data', data]);
    expect({ code: run.code, stdout: run.stdout.trim().split('\n') }).toEqual({
      code: 1,
      stdout: [`${file}: catalogue "HH-NMJ" resources[0].share.scope.purposes[0]: resource 150100-NMJ-00001: "pasture-subsidy" is not a purpose of the platform (dairy-licensing)`],
    });
    const withoutMarket = structuredClone(platformDoc) as Doc;
    withoutMarket.departments = withoutMarket.departments.filter((d: { code: string }) => d.code !== '150102-SCJ');
    const marketless = join(dir, 'without-market.yaml');
    writeFileSync(marketless, stringify(withoutMarket));
    const removed = await runGovgraph(['platform', 'validate', '--platform', marketless, '--data', data]);
    expect({ code: removed.code, stdout: removed.stdout.trim().split('\n') }).toEqual({
      code: 1,
      stdout: [`${marketless}: catalogue "HH-SCJ" resources[0].provider: 150102-SCJ is not a department of the platform`],
    });
    const same = await runGovgraph(['platform', 'validate', '--platform', PLATFORM_FILE, '--data', data]);
    expect({ code: same.code, stdout: same.stdout }).toEqual({ code: 0, stdout: `${PLATFORM_FILE}: ok (3 departments, 2 purposes, 0 connected platforms, the published catalogues fit it)\n` });
  });
});

describe('YAML merge keys whose source is no mapping are said at their line, not as an alias bomb', () => {
  const refusal = (text: string): Problem[] => {
    try {
      parseDocuments(text, 'hohhot.yaml');
      return [];
    } catch (err) {
      if (!(err instanceof DocumentInvalidError)) throw err;
      return err.problems;
    }
  };
  const takes = 'a merge key << takes a mapping or an alias of one (<<: *common, where &common names a mapping), not';
  it.each([
    {
      name: 'an anchor on a key (in a flow mapping &c stands on level, not on the mapping)',
      text: 'departments:\n  - { &c level: city, region: "150100", code: "150100-SJJ" }\n  - { <<: *c, code: "150100-NMJ" }\n',
      problems: [{ path: 'hohhot.yaml:3:11', message: `${takes} *c, which names a single value` }],
    },
    { name: 'a plain value', text: 'resources:\n  - { <<: text, code: "150100-NMJ-00009" }\n', problems: [{ path: 'hohhot.yaml:2:11', message: `${takes} a single value` }] },
    { name: 'an alias of a list, in a list of sources', text: 'a: &l [1]\nb: { <<: [*l], c: 1 }\n', problems: [{ path: 'hohhot.yaml:2:11', message: `${takes} *l, which names a list` }] },
    { name: 'an alias of a mapping (merged)', text: 'a: &m { level: city }\nb: { <<: *m, c: 1 }\n', problems: [] },
  ])('$name', ({ text, problems }) => {
    expect(refusal(text)).toEqual(problems);
  });
});

describe('a property name holding an invisible character is shown with it written out, in every problem naming it', () => {
  it('title written with U+200B', () => {
    const problems = catalogueProblems((d) => {
      d['ti\u200btle'] = d.title;
      delete d.title;
    });
    expect(problems).toEqual([
      { path: '["ti\\\\u200btle"]', message: 'the property name "ti\\u200btle" holds \\u200b (character 3), which changes how the text reads without showing itself (a bidirectional control or an invisible character); remove it' },
      { path: 'title', message: 'is required' },
      { path: '["ti\\\\u200btle"]', message: 'is not a known property; did you mean "title"?' },
    ]);
  });
});
