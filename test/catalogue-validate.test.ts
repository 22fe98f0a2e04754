// Catalogue documents (SPEC §4): the JSON Schema and the checks against the platform and the other
// catalogues. Each broken document states the exact problems reported.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DocumentInvalidError, type Problem } from '../src/catalogue/problems.ts';
import { readDocument, readDocuments } from '../src/catalogue/read.ts';
import { validateCatalogue, validateCatalogues } from '../src/catalogue/validate.ts';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { runGovgraph } from './helpers/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = 'test/fixtures/catalogue/';
const fixture = (name: string) => join(root, fixtures, name);

const platform = loadPlatform(fixture('platform.yaml'));
/** The catalogue of SPEC §4 as a plain document (HN-GA, household registration). */
const household = readDocument(fixture('household.yaml')) as Catalogue;
/** The market regulation catalogue the household registration links to (HN-SCJG). */
const enterprise = validateCatalogue(readDocument(fixture('enterprise.json')), platform, []).catalogue!;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function problemsOf(mutate: (doc: Doc) => void, others: Catalogue[] = [enterprise]): Problem[] {
  const doc = structuredClone(household) as Doc;
  mutate(doc);
  return validateCatalogue(doc, platform, others).problems;
}

/** A second resource in the household catalogue, free of every name of the first. */
function addSecondResource(doc: Doc): Doc {
  const r = structuredClone(doc.resources[0]);
  r.code = '430000-GA-00002';
  r.name = 'Residence moves';
  r.source = { collection: 'ga_moves' };
  r.graphql = { type: 'ResidenceMove', list: 'residenceMoves', byKey: 'residenceMove' };
  r.related = [];
  doc.resources.push(r);
  return r;
}

/** A published catalogue of another department linking to the household registration. */
const civilAffairs: Catalogue = {
  id: 'HN-MZ',
  kind: 'departmental',
  title: 'Changsha Civil Affairs Bureau resource catalogue',
  compiler: '430100-MZ',
  resources: [
    {
      code: '430100-MZ-00001',
      name: 'Allowance recipients',
      provider: '430100-MZ',
      graphql: { type: 'AllowanceRecipient', list: 'allowanceRecipients', byKey: 'allowanceRecipient' },
      key: 'recipientNo',
      share: { type: 'unconditional', methods: ['api'] },
      items: [
        { name: 'recipientNo', type: 'string', required: true },
        { name: 'idNumber', type: 'string', link: { resource: '430000-GA-00001', item: 'idNumber', field: 'person' } },
      ],
    },
  ],
};

interface Case {
  name: string;
  mutate: (doc: Doc) => void;
  problems: Problem[];
  others?: Catalogue[];
}

const schemaCases: Case[] = [
  {
    name: 'a resource name over 50 characters',
    mutate: (d) => (d.resources[0].name = 'Household registration of permanent residents, 2026'),
    problems: [{ path: 'resources[0].name', message: 'has 51 characters; at most 50' }],
  },
  {
    name: 'a summary over 256 characters',
    mutate: (d) => (d.resources[0].summary = 'x'.repeat(257)),
    problems: [{ path: 'resources[0].summary', message: 'has 257 characters; at most 256' }],
  },
  {
    name: 'a share without methods',
    mutate: (d) => delete d.resources[0].share.methods,
    problems: [{ path: 'resources[0].share.methods', message: 'is required' }],
  },
  {
    name: 'conditional sharing without conditions',
    mutate: (d) => delete d.resources[0].share.conditions,
    problems: [{ path: 'resources[0].share.conditions', message: 'is required when the share type is conditional' }],
  },
  {
    name: 'not shared without a basis',
    mutate: (d) => {
      d.resources[0].share = { type: 'none', methods: ['other'] };
      delete d.resources[0].items[3].share;
    },
    problems: [
      { path: 'resources[0].share.basis', message: 'is required when the share type is conditional or none (the legal basis)' },
    ],
  },
  {
    name: 'a misspelt property',
    mutate: (d) => (d.resources[0].updateCylce = 'daily'),
    problems: [{ path: 'resources[0].updateCylce', message: 'is not a known property; did you mean "updateCycle"?' }],
  },
  {
    name: 'an update cycle outside the vocabulary',
    mutate: (d) => (d.resources[0].updateCycle = 'fortnightly'),
    problems: [
      {
        path: 'resources[0].updateCycle',
        message: '"fortnightly" is not one of: realtime, daily, weekly, ten-days, monthly, quarterly, yearly, irregular',
      },
    ],
  },
  {
    name: 'a key without a value that nearly names a property (the guess, not a cut text)',
    mutate: (d) => (d.resources[0]['update Cycle'] = null),
    problems: [{ path: 'resources[0]["update Cycle"]', message: 'is not a known property; did you mean "updateCycle"?' }],
  },
  {
    name: 'the rest of a Latin text cut at a comma in { }',
    mutate: (d) => (d.resources[0].items[2]['male or female'] = null),
    problems: [
      {
        path: 'resources[0].items[2]["male or female"]',
        message:
          'is not a known property; it reads as the end of a text cut at a comma: inside { }, an unquoted text ends at its first comma, so quote a text holding one (title: "a, b")',
      },
    ],
  },
  {
    name: 'a share type misspelt and a method in the wrong case',
    mutate: (d) => {
      d.resources[0].share.type = 'conditonal';
      d.resources[0].share.methods = ['API'];
      d.resources[0].items[0].type = 'Date';
    },
    problems: [
      { path: 'resources[0].share.type', message: '"conditonal" is not one of: unconditional, conditional, none; did you mean "conditional"?' },
      {
        path: 'resources[0].share.methods[0]',
        message: '"API" is not one of: api, system-integration, online-query, download, copy, other; did you mean "api"?',
      },
      {
        path: 'resources[0].items[0].type',
        message: '"Date" is not one of: string, text, int, float, decimal, boolean, date, datetime, enum; did you mean "date"?',
      },
    ],
  },
  {
    name: 'an unquoted number where a code is expected',
    mutate: (d) => (d.resources[0].items[0].element = 1),
    problems: [{ path: 'resources[0].items[0].element', message: 'expected a string, got 1 (in YAML, quote it: "1")' }],
  },
  {
    name: 'a malformed resource code',
    mutate: (d) => (d.resources[0].code = 'GA-1'),
    problems: [
      {
        path: 'resources[0].code',
        message: '"GA-1" is not a valid resource code (department code, a dash and a number) like "430000-GA-00001"',
      },
    ],
  },
  {
    name: 'a revision date that does not exist',
    mutate: (d) => (d.revision.since = '2026-02-30'),
    problems: [{ path: 'revision.since', message: '"2026-02-30" is not a valid date (YYYY-MM-DD) like "2026-11-02"' }],
  },
  {
    name: 'a basic catalogue without its subject',
    mutate: (d) => {
      d.kind = 'basic';
      delete d.subject;
    },
    problems: [{ path: 'subject', message: 'is required for a basic or subject catalogue (its theme)' }],
  },
  {
    name: 'an enum item without values',
    mutate: (d) => d.resources[0].items.push({ name: 'status', type: 'enum' }),
    problems: [{ path: 'resources[0].items[5].values', message: 'is required for an enum item' }],
  },
  {
    name: 'a GraphQL type name that is not capitalised',
    mutate: (d) => (d.resources[0].graphql.type = 'householdRegistration'),
    problems: [
      {
        path: 'resources[0].graphql.type',
        message:
          '"householdRegistration" is not a valid GraphQL type name (letters, digits and _, starting with a capital letter) like "HouseholdRegistration"',
      },
    ],
  },
  {
    name: 'a list field name reserved for introspection',
    mutate: (d) => (d.resources[0].graphql.list = '__households'),
    problems: [
      {
        path: 'resources[0].graphql.list',
        message:
          '"__households" is not a valid GraphQL field name (letters, digits and _, not starting with a digit or __) like "householdRegistrations"',
      },
    ],
  },
];

const platformCases: Case[] = [
  {
    name: 'a compiler that is not a department',
    mutate: (d) => (d.compiler = '430000-XX'),
    problems: [
      {
        path: 'compiler',
        message: '"430000-XX" is not the code of any department of the platform (430000-GA, 430000-SCJG, 430000-ZWB, 430100-MZ, 430121-MZ)',
      },
    ],
  },
  {
    name: 'a provider that is not a department',
    mutate: (d) => (d.resources[0].provider = '430000-XX'),
    problems: [
      {
        path: 'resources[0].provider',
        message: '"430000-XX" is not the code of any department of the platform (430000-GA, 430000-SCJG, 430000-ZWB, 430100-MZ, 430121-MZ)',
      },
    ],
  },
  {
    name: 'a departmental catalogue with another department as provider',
    mutate: (d) => (d.resources[0].provider = '430000-ZWB'),
    problems: [
      {
        path: 'resources[0].provider',
        message:
          '"430000-ZWB" is not the compiler "430000-GA": every resource of a departmental catalogue is provided by its compiler (basic and subject catalogues may gather several providers)',
      },
    ],
  },
  {
    name: 'a scope purpose the platform does not know',
    mutate: (d) => (d.resources[0].share.scope.purposes = ['administrative-licensing', 'social-assistance', 'tax-collection']),
    problems: [
      {
        path: 'resources[0].share.scope.purposes[2]',
        message: '"tax-collection" is not a purpose of the platform (administrative-licensing, social-assistance, market-regulation)',
      },
    ],
  },
  {
    name: 'a department pattern matching no department',
    mutate: (d) => (d.resources[0].share.scope.departments = ['430000-*', '440000-*']),
    problems: [{ path: 'resources[0].share.scope.departments[1]', message: '"440000-*" matches no department of the platform' }],
  },
];

const uniquenessCases: Case[] = [
  {
    name: 'a resource code used twice in the document',
    mutate: (d) => (addSecondResource(d).code = '430000-GA-00001'),
    problems: [
      {
        path: 'resources[1].code',
        message: '"430000-GA-00001" is already the code of a resource in resources[0]; resource codes are unique on the platform',
      },
    ],
  },
  {
    name: 'a resource code another catalogue uses',
    mutate: (d) => {
      d.resources[0].code = '430000-SCJG-00001';
      d.resources[0].related = [];
      d.resources[0].items[4].link = undefined;
      delete d.resources[0].items[4].link;
    },
    problems: [
      {
        path: 'resources[0].code',
        message: '"430000-SCJG-00001" is already the code of a resource in catalogue "HN-SCJG"; resource codes are unique on the platform',
      },
    ],
  },
  {
    name: 'a store collection used twice',
    mutate: (d) => (addSecondResource(d).source = { collection: 'ga_household' }),
    problems: [
      {
        path: 'resources[1].source.collection',
        message: 'the store collection "ga_household" is already used by a resource in resources[0]; give source.collection another name',
      },
    ],
  },
  {
    name: "a type name another catalogue's resource has",
    mutate: (d) => (d.resources[0].graphql.type = 'EnterpriseRegistration'),
    problems: [
      {
        path: 'resources[0].graphql.type',
        message: '"EnterpriseRegistration" is already the type of resource 430000-SCJG-00001 (catalogue "HN-SCJG"); choose another type name',
      },
    ],
  },
  {
    name: 'a type name generated for another resource',
    mutate: (d) => (addSecondResource(d).graphql.type = 'HouseholdRegistrationConnection'),
    problems: [
      {
        path: 'resources[1].graphql.type',
        message:
          '"HouseholdRegistrationConnection" is already generated for resource 430000-GA-00001 (resources[0]); choose another type name',
      },
    ],
  },
  {
    name: 'a type name whose generated types clash',
    mutate: (d) => (d.resources[0].graphql.type = 'Enterprise'),
    others: [
      enterprise,
      {
        ...civilAffairs,
        resources: [{ ...civilAffairs.resources[0], graphql: { type: 'EnterpriseFilter', list: 'a', byKey: 'b' } }],
      },
    ],
    problems: [
      {
        path: 'resources[0].graphql.type',
        message:
          '"Enterprise" would generate the type EnterpriseFilter, which is already the type of resource 430100-MZ-00001 (catalogue "HN-MZ"); choose another type name',
      },
    ],
  },
  // GraphQL tells types apart by case, typed clients do not: graphql-codegen names TypeScript types in
  // PascalCase, so that HOUSEHOLDRegistrationFilter and HouseholdRegistrationFilter became one identifier
  // declared twice, and the client generated from the schema failed to compile.
  {
    name: 'a type name that differs from another resource\'s only in case',
    mutate: (d) => (addSecondResource(d).graphql.type = 'HOUSEHOLDRegistration'),
    problems: [
      {
        path: 'resources[1].graphql.type',
        message:
          '"HOUSEHOLDRegistration" differs only in case from HouseholdRegistration, the type of resource 430000-GA-00001 (resources[0]) (typed clients\' PascalCase type names would merge them); choose another type name',
      },
    ],
  },
  {
    name: 'a type name whose generated type differs from another catalogue\'s type only in case',
    mutate: (d) => (d.resources[0].graphql.type = 'Enterprise'),
    others: [
      enterprise,
      {
        ...civilAffairs,
        resources: [{ ...civilAffairs.resources[0], graphql: { type: 'EnterpriseFILTER', list: 'a', byKey: 'b' } }],
      },
    ],
    problems: [
      {
        path: 'resources[0].graphql.type',
        message:
          '"Enterprise" would generate the type EnterpriseFilter, which differs only in case from EnterpriseFILTER, the type of resource 430100-MZ-00001 (catalogue "HN-MZ") (typed clients\' PascalCase type names would merge them); choose another type name',
      },
    ],
  },
  {
    name: 'a type name that differs from one the platform defines only in case',
    mutate: (d) => (d.resources[0].graphql.type = 'PAGEINFO'),
    problems: [
      {
        path: 'resources[0].graphql.type',
        message: '"PAGEINFO" differs only in case from PageInfo, a type the platform defines (typed clients\' PascalCase type names would merge them); choose another type name',
      },
    ],
  },
  // A catalogue published before its department was added to the platform file was checked against the
  // departments of its day: the schema could not be built once a department whose type it holds provided
  // a resource ("There can be only one type named PublicSecurityResources", with a stack).
  {
    name: "a provider whose department's type a catalogue in effect already has",
    mutate: () => {},
    others: [
      enterprise,
      {
        ...civilAffairs,
        resources: [{ ...civilAffairs.resources[0], graphql: { type: 'PublicSecurityResources', list: 'a', byKey: 'b' } }],
      },
    ],
    problems: [
      {
        path: 'resources[0].provider',
        message:
          'department 430000-GA would get the type PublicSecurityResources in the schema, which is already the type of resource 430100-MZ-00001 (catalogue "HN-MZ"); choose another graphqlName for the department in the platform file',
      },
    ],
  },
  {
    name: 'a type name the platform defines',
    mutate: (d) => (d.resources[0].graphql.type = 'PageInfo'),
    problems: [{ path: 'resources[0].graphql.type', message: '"PageInfo" is already a type the platform defines; choose another type name' }],
  },
  {
    name: "a type name of the platform's own schema (schema/platform.graphql)",
    mutate: (d) => (d.resources[0].graphql.type = 'SubmissionWarning'),
    problems: [{ path: 'resources[0].graphql.type', message: '"SubmissionWarning" is already a type the platform defines; choose another type name' }],
  },
  {
    name: "a type name of a department's resources",
    mutate: (d) => (d.resources[0].graphql.type = 'PublicSecurityResources'),
    problems: [
      {
        path: 'resources[0].graphql.type',
        message: '"PublicSecurityResources" is already the type holding the resources of department 430000-GA; choose another type name',
      },
    ],
  },
  {
    name: 'a list name another catalogue uses',
    mutate: (d) => (d.resources[0].graphql.list = 'enterpriseRegistrations'),
    problems: [
      {
        path: 'resources[0].graphql.list',
        message:
          '"enterpriseRegistrations" is already the list field of resource 430000-SCJG-00001 (catalogue "HN-SCJG"); list and lookup names are unique on the platform',
      },
    ],
  },
  {
    name: 'the same name for the list and the lookup',
    mutate: (d) => (d.resources[0].graphql.byKey = 'householdRegistrations'),
    problems: [
      {
        path: 'resources[0].graphql.byKey',
        message: '"householdRegistrations" is also the list field\'s name; the lookup needs a name of its own',
      },
    ],
  },
];

const itemCases: Case[] = [
  {
    name: 'two items of the same name',
    mutate: (d) => (d.resources[0].items[2].name = 'fullName'),
    problems: [
      { path: 'resources[0].items[2].name', message: '"fullName" is already the name of items[1]; item names are unique in a resource' },
    ],
  },
  {
    name: "a link field named like an item",
    mutate: (d) => (d.resources[0].items[4].link.field = 'address'),
    problems: [
      {
        path: 'resources[0].items[4].link.field',
        message: '"address" is already the name of items[3]; a link adds a field of its own',
      },
    ],
  },
  {
    name: "an item named like a filter combinator",
    mutate: (d) => (d.resources[0].items[3].name = 'or'),
    problems: [
      { path: 'resources[0].items[3].name', message: '"or" is taken by the filter\'s and/or combinators; choose another item name' },
    ],
  },
  {
    name: "an item named like the store's field of a record's place in a masked key's list",
    mutate: (d) => (d.resources[0].items[3].name = '_o'),
    problems: [
      { path: 'resources[0].items[3].name', message: '"_o" is the field the store keeps each record\'s place in a masked key\'s list in; choose another item name' },
    ],
  },
  {
    name: 'a key that is not an item',
    mutate: (d) => (d.resources[0].key = 'idNo'),
    problems: [
      {
        path: 'resources[0].key',
        message: '"idNo" is not an item of this resource (items: idNumber, fullName, birthDate, address, employerCode)',
      },
    ],
  },
  {
    name: 'a key item that is not required',
    mutate: (d) => delete d.resources[0].items[0].required,
    problems: [{ path: 'resources[0].items[0].required', message: 'the key item "idNumber" must be required: true' }],
  },
  {
    name: 'an enum value GraphQL reserves',
    mutate: (d) => d.resources[0].items.push({ name: 'status', type: 'enum', values: ['ACTIVE', 'null'] }),
    problems: [
      { path: 'resources[0].items[5].values[1]', message: '"null" cannot be a GraphQL enum value (true, false and null are reserved)' },
    ],
  },
  {
    name: 'an enum item whose generated type collides with a generated input (HouseholdRegistration + Order)',
    mutate: (d) => d.resources[0].items.push({ name: 'order', type: 'enum', values: ['a', 'b'] }),
    problems: [
      {
        path: 'resources[0].graphql.type',
        message: '"HouseholdRegistration" would generate the type HouseholdRegistrationOrder twice (an enum item\'s name makes it collide with another generated type); rename the item or the type',
      },
    ],
  },
  {
    name: 'a pattern that only compiles outside Unicode mode (records are checked in Unicode mode)',
    mutate: (d) => (d.resources[0].items[1].pattern = String.raw`^[A-Z]\-\d+$`),
    problems: [
      { path: 'resources[0].items[1].pattern', message: String.raw`"^[A-Z]\\-\\d+$" is not a valid regular expression: /^[A-Z]\-\d+$/u: Invalid escape` },
    ],
  },
  {
    name: 'two enum values that the schema would name alike',
    mutate: (d) => d.resources[0].items.push({ name: 'status', type: 'enum', values: ['active', 'ACTIVE'] }),
    problems: [
      { path: 'resources[0].items[5].values[1]', message: '"ACTIVE" and values[0] are both ACTIVE in the schema; make them differ by more than case or punctuation' },
    ],
  },
  {
    name: 'values on an item that is not an enum',
    mutate: (d) => (d.resources[0].items[3].values = ['A', 'B']),
    problems: [
      { path: 'resources[0].items[3].values', message: 'only an enum item has values; this item is string (set type: enum or remove values)' },
    ],
  },
  {
    name: 'a mask on an item that is neither personal nor secret',
    mutate: (d) => (d.resources[0].items[3].mask = 'partial'),
    problems: [
      {
        path: 'resources[0].items[3].mask',
        message: 'a mask applies only to personal or secret items; add sensitivity: personal (or secret), or remove the mask',
      },
    ],
  },
  {
    name: 'a format and a length on a date item',
    mutate: (d) => Object.assign(d.resources[0].items[2], { format: 'idcard', length: 10 }),
    problems: [
      { path: 'resources[0].items[2].length', message: 'length 10 applies only to string or text items; this item is date' },
      { path: 'resources[0].items[2].format', message: 'format "idcard" applies only to string or text items; this item is date' },
    ],
  },
  {
    name: 'a pattern that does not compile',
    mutate: (d) => (d.resources[0].items[3].pattern = '^(Changsha'),
    problems: [
      { path: 'resources[0].items[3].pattern', message: '"^(Changsha" is not a valid regular expression: /^(Changsha/u: Unterminated group' },
    ],
  },
  {
    // Repeated collection and the consistency report find items by their element as written: de-0001
    // beside another department's DE-0001 escaped both.
    name: 'a data element written in another case than in a catalogue in effect, or earlier in this one',
    mutate: (d) => {
      d.resources[0].items[0].element = 'de-0001';
      d.resources[0].items[2].element = 'DE-0009';
      d.resources[0].items[3].element = 'de-0009';
    },
    others: [enterprise, {
      ...civilAffairs,
      resources: [{ ...civilAffairs.resources[0], items: [{ ...civilAffairs.resources[0].items[0], element: 'DE-0001' }, civilAffairs.resources[0].items[1]] }],
    }],
    problems: [
      { path: 'resources[0].items[0].element', message: '"de-0001" is data element DE-0001 (item recipientNo of 430100-MZ-00001, catalogue "HN-MZ") in another case; write it DE-0001, so that repeated collection and the consistency report find it' },
      { path: 'resources[0].items[3].element', message: '"de-0009" is data element DE-0009 (resources[0].items[2]) in another case; write it DE-0009, so that repeated collection and the consistency report find it' },
    ],
  },
];

const linkCases: Case[] = [
  {
    name: 'a link to a resource that does not exist',
    mutate: (d) => (d.resources[0].items[4].link.resource = '430000-SCJG-00404'),
    problems: [
      {
        path: 'resources[0].items[4].link.resource',
        message: '"430000-SCJG-00404" is not a resource of this catalogue or of any catalogue in effect',
      },
    ],
  },
  {
    name: 'a link to an item the resource does not have',
    mutate: (d) => (d.resources[0].items[4].link.item = 'creditKode'),
    problems: [
      {
        path: 'resources[0].items[4].link.item',
        message:
          '"creditKode" is not an item of resource 430000-SCJG-00001 (its key is "creditCode"; items: creditCode, name, legalRepresentative, status, registeredCapital)',
      },
    ],
  },
  {
    name: 'a link between items of different types',
    mutate: (d) => (d.resources[0].items[4].link.item = 'registeredCapital'),
    problems: [
      {
        path: 'resources[0].items[4].link.item',
        message:
          '"registeredCapital" of resource 430000-SCJG-00001 is decimal but this item is string; a link joins items of the same type (string and text go together)',
      },
    ],
  },
  {
    name: 'a related resource that does not exist',
    mutate: (d) => (d.resources[0].related = ['430000-SCJG-00001', '430000-SCJG-00002']),
    problems: [
      { path: 'resources[0].related[1]', message: '"430000-SCJG-00002" is not a resource of this catalogue or of any catalogue in effect' },
    ],
  },
  {
    name: 'a new version dropping a resource another catalogue links to',
    mutate: (d) => {
      d.resources[0].code = '430000-GA-00005';
    },
    others: [enterprise, civilAffairs, validateCatalogue(household, platform, [enterprise]).catalogue!],
    problems: [
      {
        path: 'resources',
        message:
          'resource 430000-GA-00001 is linked from catalogue "HN-MZ" (resources[0].items[1].link, resource 430100-MZ-00001) and must stay in the catalogue',
      },
    ],
  },
];

const shareCases: Case[] = [
  {
    name: "an item loosening the resource's share type",
    mutate: (d) => (d.resources[0].items[3].share.type = 'unconditional'),
    problems: [
      {
        path: 'resources[0].items[3].share.type',
        message:
          '"unconditional" would loosen the resource\'s "conditional"; an item may only keep or tighten it (unconditional < conditional < none)',
      },
    ],
  },
  {
    name: 'an item adding a method',
    mutate: (d) => (d.resources[0].items[3].share.methods = ['api', 'copy']),
    problems: [
      {
        path: 'resources[0].items[3].share.methods[1]',
        message: '"copy" is not among the resource\'s methods (api, download); an item may only drop methods',
      },
    ],
  },
  {
    name: 'an item widening the purposes',
    mutate: (d) => (d.resources[0].items[3].share.scope.purposes = ['market-regulation']),
    problems: [
      {
        path: 'resources[0].items[3].share.scope.purposes[0]',
        message:
          '"market-regulation" is not among the resource\'s purposes (administrative-licensing, social-assistance); an item may only narrow the scope',
      },
    ],
  },
  {
    name: 'an item widening the levels',
    mutate: (d) => (d.resources[0].items[3].share.scope.levels = ['city', 'county']),
    problems: [
      {
        path: 'resources[0].items[3].share.scope.levels[1]',
        message: '"county" is not among the resource\'s levels (province, city); an item may only narrow the scope',
      },
    ],
  },
  {
    name: 'an item department pattern reaching beyond the resource',
    mutate: (d) => {
      d.resources[0].share.scope.departments = ['430000-*'];
      d.resources[0].items[3].share.scope.departments = ['4301*'];
    },
    problems: [
      {
        path: 'resources[0].items[3].share.scope.departments[0]',
        message:
          '"4301*" matches 430100-MZ, 430121-MZ, which the resource\'s departments (430000-*) do not allow; an item may only narrow the scope',
      },
    ],
  },
  {
    name: 'a conditional item of an unconditional resource without conditions or basis',
    mutate: (d) => (d.resources[0].share = { type: 'unconditional', methods: ['api', 'download'] }),
    problems: [
      { path: 'resources[0].items[3].share.conditions', message: 'is required: the item is conditional and the resource gives no conditions' },
      { path: 'resources[0].items[3].share.basis', message: 'is required: the item is conditional and the resource gives no legal basis' },
    ],
  },
];

describe('validateCatalogue: broken documents', () => {
  for (const [family, cases] of Object.entries({ schemaCases, platformCases, uniquenessCases, itemCases, linkCases, shareCases })) {
    describe(family, () => {
      for (const c of cases) {
        it(c.name, () => {
          expect(problemsOf(c.mutate, c.others)).toEqual(c.problems);
        });
      }
    });
  }

  it('lists every problem of a document at once', () => {
    expect(
      problemsOf((d) => {
        d.compiler = '430000-XX';
        d.resources[0].key = 'idNo';
        d.resources[0].items[4].link.resource = '430000-SCJG-00404';
      }),
    ).toEqual([
      {
        path: 'compiler',
        message: '"430000-XX" is not the code of any department of the platform (430000-GA, 430000-SCJG, 430000-ZWB, 430100-MZ, 430121-MZ)',
      },
      {
        path: 'resources[0].key',
        message: '"idNo" is not an item of this resource (items: idNumber, fullName, birthDate, address, employerCode)',
      },
      {
        path: 'resources[0].items[4].link.resource',
        message: '"430000-SCJG-00404" is not a resource of this catalogue or of any catalogue in effect',
      },
    ]);
  });

  // A connected platform's types come in under its namespace's prefix (City_Permit for `city`): a type of
  // ours under that prefix clashed with them, and every namespace was left out of the schema, the
  // platform's status still saying "reachable".
  it('refuses a type name under the prefix of a connected platform\'s types', () => {
    const connected = { ...platform, connected: [{ region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'changsha' }] };
    const doc = structuredClone(household) as Doc;
    doc.resources[0].graphql.type = 'Changsha_HouseholdRegistration';
    expect(validateCatalogue(doc, connected, [enterprise]).problems).toEqual([{
      path: 'resources[0].graphql.type',
      message: '"Changsha_HouseholdRegistration" starts with Changsha_, the prefix of the types of connected platform changsha (430100); choose another type name',
    }]);
    expect(validateCatalogue(doc, platform, [enterprise]).problems).toEqual([]); // no platform connected: a name like any other
    doc.resources[0].graphql.type = 'CHANGSHA_HouseholdRegistration'; // one name for a typed client (type names ignore case)
    expect(validateCatalogue(doc, connected, [enterprise]).problems).toEqual([{
      path: 'resources[0].graphql.type',
      message: '"CHANGSHA_HouseholdRegistration" starts with Changsha_ (ignoring case), the prefix of the types of connected platform changsha (430100); choose another type name',
    }]);
  });

  // Found by the §3/§4/§5 names walk: the types generated for an enum item were not compared with the
  // prefix, and an item `_kind` under the type Changsha gave Changsha_kind (and Changsha_kindFilter).
  it('refuses an enum item whose generated type falls under the prefix of a connected platform\'s types', () => {
    const connected = { ...platform, connected: [{ region: '430100', name: 'Changsha', url: 'https://changsha.example/graphql', namespace: 'changsha' }] };
    const doc = structuredClone(household) as Doc;
    doc.resources[0].graphql.type = 'Changsha';
    doc.resources[0].items.push({ name: '_kind', type: 'enum', values: ['A', 'B'] });
    const prefix = 'the prefix of the types of connected platform changsha (430100); rename the enum item or the type';
    expect(validateCatalogue(doc, connected, [enterprise]).problems).toEqual([
      { path: 'resources[0].graphql.type', message: `"Changsha" would generate the type Changsha_kind, which starts with Changsha_, ${prefix}` },
      { path: 'resources[0].graphql.type', message: `"Changsha" would generate the type Changsha_kindFilter, which starts with Changsha_, ${prefix}` },
    ]);
    expect(validateCatalogue(doc, platform, [enterprise]).problems).toEqual([]); // no platform connected
  });

  it('refuses a document that is not a mapping', () => {
    expect(validateCatalogue(['id: HN-GA'], platform, [])).toEqual({
      problems: [{ path: '', message: 'expected an object (a mapping), got a list' }],
    });
  });
});

describe('validateCatalogue: good documents', () => {
  it("accepts the catalogue of SPEC §4 and makes personal items' default mask explicit", () => {
    const { catalogue, problems } = validateCatalogue(household, platform, [enterprise]);
    expect(problems).toEqual([]);
    expect(catalogue!.resources[0].items.map((i) => [i.name, i.mask])).toEqual([
      ['idNumber', 'idcard'],
      ['fullName', 'name'],
      ['birthDate', undefined],
      ['address', undefined],
      ['employerCode', undefined],
    ]);
  });

  it('gives a personal item without a mask the full mask and leaves an absent scope absent', () => {
    expect(enterprise.resources[0].items[2]).toEqual({ name: 'legalRepresentative', type: 'string', sensitivity: 'personal', mask: 'full' });
    expect(enterprise.resources[0].share).toEqual({ type: 'unconditional', methods: ['api', 'online-query'] });
    expect('scope' in enterprise.resources[0].share).toBe(false);
  });

  it('does not change the document it is given', () => {
    const doc = readDocument(fixture('enterprise.json')) as Catalogue;
    validateCatalogue(doc, platform, []);
    expect(doc.resources[0].items[2].mask).toBeUndefined();
  });

  it('ignores the published version it replaces', () => {
    const published = validateCatalogue(household, platform, [enterprise]).catalogue!;
    expect(validateCatalogue(household, platform, [enterprise, published]).problems).toEqual([]);
  });

  it('accepts a basic catalogue gathering several providers', () => {
    const problems = problemsOf((d) => {
      d.kind = 'basic';
      addSecondResource(d).provider = '430000-ZWB';
    });
    expect(problems).toEqual([]);
  });
});

describe('validateCatalogues: documents validated together', () => {
  it('resolves links between the documents of a batch', () => {
    const docs = [household, readDocument(fixture('enterprise.json')), ...readDocuments(fixture('two-catalogues.yaml'))];
    const results = validateCatalogues(docs, platform, []);
    expect(results.map((r) => [r.catalogue?.id, r.problems])).toEqual([
      ['HN-GA', []],
      ['HN-SCJG', []],
      ['HN-MZ-CS', []],
      ['HN-MZ-CSX', []],
    ]);
  });

  it('reports each document on its own and refuses two documents of one id', () => {
    const results = validateCatalogues([household, enterprise, { ...household, title: 'Again' }], platform, []);
    expect(results.map((r) => r.problems)).toEqual([
      [],
      [],
      [
        // The first HN-GA is not compared with the second: only the clash of ids is reported.
        { path: 'id', message: '"HN-GA" is also the id of document 1 of this batch; catalogue ids are unique' },
      ],
    ]);
  });

  // A document of the batch refused by its shape (here a type name GraphQL does not take) is left out of
  // the others' checks; their links to its resources used to say that no such resource exists anywhere,
  // sending the developer to look for a typo in the right code.
  it("says a link's resource is in a refused document of the batch, not that there is none", () => {
    const badHousehold = structuredClone(household) as Doc;
    badHousehold.resources[0].graphql.type = 'Household-Registration';
    const results = validateCatalogues([badHousehold, civilAffairs], platform, [enterprise]);
    expect(results[1]!.problems).toEqual([
      {
        path: 'resources[0].items[1].link.resource',
        message: '"430000-GA-00001" is a resource of document 1 of this batch, which is refused for problems of its own; the link counts once they are fixed',
      },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-batch-'));
    writeFileSync(join(dir, 'ga.json'), JSON.stringify(badHousehold));
    writeFileSync(join(dir, 'mz.json'), JSON.stringify(civilAffairs));
    const report = validateCatalogueFiles([join(dir, 'ga.json'), join(dir, 'mz.json')], platform, [enterprise]);
    expect(report.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `${join(dir, 'ga.json')}: resources[0].graphql.type: "Household-Registration" is not a valid GraphQL type name (letters, digits and _, starting with a capital letter) like "HouseholdRegistration"`,
      `${join(dir, 'mz.json')}: resources[0].items[1].link.resource: "430000-GA-00001" is a resource of ${join(dir, 'ga.json')}, which is refused for problems of its own; the link counts once they are fixed`,
    ]);
  });

  it('replaces the published catalogues of the same ids', () => {
    const renamed = structuredClone(enterprise);
    renamed.resources[0].graphql.type = 'Enterprise';
    const results = validateCatalogues([household, renamed], platform, [enterprise]);
    expect(results.map((r) => r.problems)).toEqual([[], []]);
  });
});

describe('reading documents', () => {
  it('says a comma cut an unquoted text in { }, where the rest reads as a key without a value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-comma-'));
    const file = join(dir, 'register.yaml');
    const doc = readFileSync(fixture('household.yaml'), 'utf8');
    expect(doc).toContain('{ name: birthDate, type: date }');
    writeFileSync(file, doc.replace('{ name: birthDate, type: date }', '{ name: birthDate, title: 出生日期（公历, 年月日）, type: date }'));
    const problems = validateCatalogue(readDocument(file), platform, [enterprise]).problems;
    expect(problems).toEqual([
      {
        path: 'resources[0].items[2]["年月日）"]',
        message:
          'is not a known property; it reads as the end of a text cut at a comma: inside { }, an unquoted text ends at its first comma, so quote a text holding one (title: "a, b")',
      },
    ]);
  });

  it('names the file, line and column of a YAML syntax error', () => {
    const file = fixture('syntax-error.yaml');
    expect(() => readDocument(file)).toThrow(DocumentInvalidError);
    try {
      readDocument(file);
      expect.unreachable();
    } catch (err) {
      expect((err as DocumentInvalidError).problems).toEqual([
        { path: `${file}:3:21`, message: 'YAML syntax error: Missing closing "quote' },
      ]);
    }
  });

  it('names the file, line and column of a JSON syntax error', () => {
    const file = fixture('syntax-error.json');
    try {
      readDocument(file);
      expect.unreachable();
    } catch (err) {
      expect((err as DocumentInvalidError).problems).toEqual([
        { path: `${file}:5:3`, message: 'JSON syntax error: expected "," or "}", found "\\""' },
      ]);
      expect((err as Error).message).toBe(`${file} is invalid (1 problem):\n  ${file}:5:3: JSON syntax error: expected "," or "}", found "\\""`);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'govgraph-read-'));
  const problemsReading = (name: string, text: string): Problem[] => {
    const file = join(dir, name);
    writeFileSync(file, text);
    try {
      readDocuments(file);
      return [];
    } catch (err) {
      return (err as DocumentInvalidError).problems.map((p) => ({ ...p, path: p.path.replace(dir + '/', '') }));
    }
  };

  it('refuses duplicate keys in YAML and in JSON', () => {
    expect(problemsReading('dup.yaml', 'id: A\nkind: basic\nid: B\n')).toEqual([
      { path: 'dup.yaml:3:1', message: 'YAML syntax error: Map keys must be unique' },
    ]);
    expect(problemsReading('dup.json', '{\n  "id": "A",\n  "id": "B"\n}\n')).toEqual([
      { path: 'dup.json:3:3', message: 'JSON syntax error: duplicate property "id"' },
    ]);
  });

  it('refuses a trailing comma and an unterminated JSON document', () => {
    expect(problemsReading('comma.json', '{ "a": [1, 2,] }')).toEqual([
      { path: 'comma.json:1:14', message: 'JSON syntax error: expected a value, found "]"' },
    ]);
    expect(problemsReading('short.json', '{ "a": 1')).toEqual([
      { path: 'short.json:1:9', message: 'JSON syntax error: expected "," or "}", found the end of the file' },
    ]);
  });

  it('reads the several catalogues of a YAML file, and refuses them where one is expected', () => {
    expect(readDocuments(fixture('two-catalogues.yaml')).map((d) => (d as Catalogue).id)).toEqual(['HN-MZ-CS', 'HN-MZ-CSX']);
    const file = fixture('two-catalogues.yaml');
    expect(() => readDocument(file)).toThrow(`${file} is invalid (1 problem):\n  ${file}: holds 2 documents; expected one`);
  });

  it('names a file that does not exist', () => {
    const file = join(dir, 'missing.yaml');
    expect(() => readDocuments(file)).toThrow(`${file}: no such file`);
  });

  // A folder given for the documents in it used to be `cannot be read: EISDIR: illegal operation on a directory, read`.
  it('says a folder is one, and how to name the documents in it', () => {
    expect(() => readDocuments(dir)).toThrow(`${dir}: a folder, not a file; name the documents in it (such as ${join(dir, '*.yaml')})`);
  });
});

describe('govgraph catalogue validate', () => {
  const run = promisify(execFile);
  // An empty data folder: nothing published, so the documents are checked against the platform alone.
  const noData = join(mkdtempSync(join(tmpdir(), 'govgraph-validate-')), 'data');

  it('prints every problem as FILE: path: message, ok for good documents, and exits 1', async () => {
    const args = ['bin/govgraph.js', 'catalogue', 'validate', '--data', noData, '--platform', fixtures + 'platform.yaml'];
    const files = ['household.yaml', 'enterprise.json', 'broken.yaml', 'syntax-error.json'].map((f) => fixtures + f);
    const result = await run('node', [...args, ...files], { cwd: root }).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${fixtures}household.yaml: ok (1 resource)`,
      `${fixtures}enterprise.json: ok (1 resource)`,
      `${fixtures}broken.yaml: resources[0].items[0].required: the key item "permitNo" must be required: true`,
      `${fixtures}broken.yaml: resources[0].items[1].link.resource: "430000-GA-00404" is not a resource of this catalogue or of any catalogue in effect`,
      `${fixtures}syntax-error.json:5:3: JSON syntax error: expected "," or "}", found "\\""`,
      '',
    ]);
  });

  // A platform file given as a catalogue (or a catalogue given with --platform) used to be answered with
  // the schema's list of missing and unknown fields, without saying what had happened.
  it('says so in one line when a platform file is given as a catalogue, or a catalogue as the platform file', async () => {
    const validate = (...args: string[]) => runGovgraph(['catalogue', 'validate', '--data', noData, ...args], { cwd: root });
    expect(await validate('--platform', fixtures + 'platform.yaml', fixtures + 'platform.yaml')).toEqual({
      code: 1,
      stdout: `${fixtures}platform.yaml: this is a platform file, not a catalogue (it has departments:); the platform file goes with --platform\n`,
      stderr: `govgraph: platform ${fixtures}platform.yaml\n`,
    });
    expect(await validate('--platform', fixtures + 'household.yaml', fixtures + 'household.yaml')).toEqual({
      code: 1,
      stdout: `${fixtures}household.yaml: this is a catalogue, not a platform file (it has resources:); catalogues go as the arguments of catalogue validate or import\n`,
      stderr: '',
    });
  });

  it('exits 0 when every document is valid', async () => {
    const files = ['household.yaml', 'enterprise.json', 'two-catalogues.yaml'].map((f) => fixtures + f);
    const { stdout } = await run('node', ['bin/govgraph.js', 'catalogue', 'validate', '--data', noData, '--platform', fixtures + 'platform.yaml', ...files], {
      cwd: root,
    });
    expect(stdout).toBe(
      [
        `${fixtures}household.yaml: ok (1 resource)`,
        `${fixtures}enterprise.json: ok (1 resource)`,
        `${fixtures}two-catalogues.yaml (document 1): ok (1 resource)`,
        `${fixtures}two-catalogues.yaml (document 2): ok (1 resource)`,
        '',
      ].join('\n'),
    );
  });
});
