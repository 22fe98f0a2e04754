// The text a catalogue or the platform file writes (a resource's name, an item's title, a department's
// name) becomes descriptions of the generated schema (SPEC §5). Found by the §3/§4/§5 names walk:
// - a resource named `Permits of the "Green Channel"` was validated and published, and then `schema print`
//   and `serve` failed with a GraphQL syntax error and a stack: the filter input's description put the name
//   in a one-line string without escaping its quotes;
// - half of a surrogate pair (a JSON or YAML escape `\ud800`) in such a text was validated and published
//   too, and GraphQL refuses it in any string: the same failure, and UTF-8 stores cannot hold it either;
// - a resource name, title, legal basis or department name of spaces or of characters that show nothing
//   (U+200B, U+3164) passed the JSON Schema's one character: a nameless resource in GraphiQL and every
//   listing, and a conditional share whose required legal basis said nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputObjectType, isObjectType } from 'graphql';
import { afterAll, describe, expect, test } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { validateCatalogue, validateCatalogues } from '../src/catalogue/validate.ts';
import type { Platform } from '../src/model/platform.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';

const platformDoc = {
  platform: { region: '510000', level: 'province', name: 'Sichuan names test platform', competentDepartment: '510000-DSJ' },
  purposes: [{ code: 'licensing', name: 'Licensing' }],
  departments: [
    { code: '510000-DSJ', name: 'Big Data Centre', graphqlName: 'scData', level: 'province', region: '510000' },
    { code: '510000-GAT', name: 'Public Security "Sichuan" \\ Dept', graphqlName: 'scPolice', level: 'province', region: '510000' },
  ],
  connected: [],
};

const platform = (): Platform => {
  const { platform: p, problems } = validatePlatform(structuredClone(platformDoc));
  expect(problems).toEqual([]);
  return p!;
};

const quoted = 'Permits of the "Green Channel" \\ 绿色通道';

const catalogue = (name: string, title: string) => ({
  id: 'SC-GAT',
  kind: 'departmental',
  title: 'Sichuan public security catalogue',
  compiler: '510000-GAT',
  resources: [
    {
      code: '510000-GAT-00001',
      name,
      summary: 'Ends in a backslash and a quote \\"',
      provider: '510000-GAT',
      graphql: { type: 'ScPermit', list: 'scPermits', byKey: 'scPermit' },
      key: 'permitNo',
      share: { type: 'conditional', conditions: 'Only "licensing" checks', basis: 'Rule 7 """quoted"""', methods: ['api'] },
      items: [
        { name: 'permitNo', title, type: 'string', required: true },
        { name: 'status', title, type: 'enum', values: ['ACTIVE', 'LAPSED'] },
      ],
    },
  ],
});

describe('catalogue text in the schema', () => {
  test('a resource name, titles and texts with quotes and backslashes give a schema that says them as written', () => {
    const [result] = validateCatalogues([catalogue(quoted, 'No. "1" of """3"""\\')], platform(), []);
    expect(result!.problems).toEqual([]);
    const { schema } = buildGatewaySchema(platform(), [result!.catalogue!], { rules: false });
    const filter = schema.getType('ScPermitFilter');
    if (!isInputObjectType(filter)) throw new Error('no filter type');
    expect(filter.description).toBe(`Conditions on ${quoted}; the fields of one filter all apply (and).`);
    expect(filter.getFields().permitNo!.description).toBe('No. "1" of """3"""\\');
    const type = schema.getType('ScPermit');
    if (!isObjectType(type)) throw new Error('no resource type');
    expect(type.description).toContain(quoted);
    expect(type.description).toContain('Conditions: Only "licensing" checks');
    expect(type.description).toContain('Basis: Rule 7 """quoted"""');
    expect(type.description).toContain('Ends in a backslash and a quote \\"');
    expect(schema.getQueryType()!.getFields().scPolice!.description).toBe('Public Security "Sichuan" \\ Dept (510000-GAT)');
  });

  test('half of a surrogate pair in a catalogue is refused at its path', () => {
    const doc = catalogue('Permits \ud83d', 'ok');
    (doc.resources[0]!.items[0] as { title: string }).title = 'A \udc00 title';
    expect(validateCatalogue(doc, platform(), []).problems).toEqual([
      { path: 'resources[0].name', message: 'holds half of a surrogate pair (\\ud83d, character 9), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair' },
      { path: 'resources[0].items[0].title', message: 'holds half of a surrogate pair (\\udc00, character 3), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair' },
    ]);
    // A whole pair is a character like any other.
    expect(validateCatalogue(catalogue('Permits \ud83d\ude00', 'ok'), platform(), []).problems).toEqual([]);
  });

  test('a name, title, conditions or legal basis that shows nothing is refused at its path', () => {
    const doc = catalogue('\u00ad \u3164', 'ok');
    doc.title = '  ';
    doc.resources[0]!.share.conditions = '\u115f';
    (doc.resources[0]!.items[1] as { share?: object }).share = { type: 'none', basis: '\u2800' };
    const nothing = '(it is blank or holds only characters that show nothing)';
    expect(validateCatalogue(doc, platform(), []).problems).toEqual([
      { path: 'title', message: `"  " shows nothing ${nothing}; write the catalogue's title` },
      { path: 'resources[0].name', message: `"\\u00ad \\u3164" shows nothing ${nothing}; write the resource's name` },
      { path: 'resources[0].share.conditions', message: `"\\u115f" shows nothing ${nothing}; write the conditions of use` },
      { path: 'resources[0].items[1].share.basis', message: `"\\u2800" shows nothing ${nothing}; write the legal basis` },
    ]);
    // Text with something to show around such characters is text (a zero-width space or U+FEFF within a
    // text is refused on its own: test/hidden-characters.test.ts).
    expect(validateCatalogue(catalogue('绿色\u00ad通道 permits', 'ok'), platform(), []).problems).toEqual([]);

    const p = structuredClone(platformDoc);
    p.departments[0]!.name = '\u3164';
    expect(validatePlatform(p).problems).toEqual([
      { path: 'departments[0].name', message: `"\\u3164" shows nothing ${nothing}; write the department's name` },
    ]);
  });

  test('half of a surrogate pair in the platform file is refused at its path, in a file too', () => {
    const doc = structuredClone(platformDoc);
    doc.departments[1]!.name = 'Public Security \ud800';
    expect(validatePlatform(doc).problems).toEqual([
      { path: 'departments[1].name', message: 'holds half of a surrogate pair (\\ud800, character 17), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair' },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'gg-text-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'platform.yaml');
    writeFileSync(file, 'platform:\n  name: "Sichuan \\ud800"\n');
    let thrown: unknown;
    try {
      readDocument(file);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DocumentInvalidError);
    expect((thrown as DocumentInvalidError).problems).toEqual([
      { path: `${file}: platform.name`, message: 'holds half of a surrogate pair (\\ud800, character 9), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair' },
    ]);
  });
});
