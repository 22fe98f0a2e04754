// Bidirectional controls and invisible characters in a catalogue's or platform file's texts (Trojan
// Source): they reached the generated schema raw, so `schema print`, GraphiQL's docs and typed clients showed
// a text that reads otherwise than it is. Refused at their path, shown as \uXXXX; ZWJ, ZWNJ, variation
// selectors and the direction marks (RLM, LRM, ALM), which real words, emoji and right-to-left text beside
// digits need, are taken. On a Yunnan platform of the test's own.
import { describe, expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { parseDocuments } from '../src/catalogue/read.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { buildSchemaModel } from '../src/generate/model.ts';

const platformText = `platform: { region: "530000", level: province, name: Yunnan Data Sharing Platform, competentDepartment: "530000-SJJ" }
purposes: [{ code: tourism-licensing, name: Tourism licensing }]
departments:
  - { code: "530000-SJJ", name: Yunnan Data Bureau, graphqlName: yunnanData, level: province, region: "530000" }
  - { code: "530000-LY", name: Yunnan Tourism Department, graphqlName: yunnanTourism, level: province, region: "530000" }
connected: []
`;
const platform = validatePlatform(parseDocuments(platformText, 'yn.yaml')[0]).platform!;

const catalogue = (name: string, basis: string, title: string) => ({
  id: 'YN-LY', kind: 'departmental', title: 'Yunnan tourism resources', compiler: '530000-LY',
  resources: [{
    code: '530000-LY-00001', name, provider: '530000-LY', format: 'database', updateCycle: 'daily', open: false,
    graphql: { type: 'ScenicSpot', list: 'scenicSpots', byKey: 'scenicSpot' }, key: 'spotNo',
    share: { type: 'conditional', conditions: 'Tourism licensing only', basis, methods: ['api'] },
    items: [{ name: 'spotNo', title, type: 'string', required: true }],
  }],
});

describe('hidden characters in a catalogue', () => {
  it('refuses a right-to-left override, an isolate and a zero-width space at their paths, shown as \\uXXXX', () => {
    const { problems } = validateCatalogue(catalogue('Scenic \u202Etops', 'Regulations\u2067, Art. 3', 'Spot\u200Bnumber'), platform, []);
    expect(problems).toEqual([
      { path: 'resources[0].name', message: expect.stringContaining('"Scenic \\u202etops" holds \\u202e (character 8)') as string },
      { path: 'resources[0].share.basis', message: expect.stringContaining('holds \\u2067 (character 12)') as string },
      { path: 'resources[0].items[0].title', message: expect.stringContaining('"Spot\\u200bnumber" holds \\u200b') as string },
    ]);
    expect(problems[0].message).toContain('a bidirectional control or an invisible character');
  });

  it('takes ZWJ, ZWNJ, variation selectors, direction marks and right-to-left text itself; the schema shows what was written', () => {
    // A Uyghur name with a number after it needs a right-to-left mark to keep the number where it is read.
    const title = '景点编号 👩\u200D💻 \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 葛\uDB40\uDD00 \u0646\u0648\u0645\u06C7\u0631\u200F 3 \u200E\u061C';
    const { catalogue: ok, problems } = validateCatalogue(catalogue('Scenic spots 景点', 'Yunnan Tourism Regulations, Art. 3', title), platform, []);
    expect(problems).toEqual([]);
    expect(buildSchemaModel(platform, [ok!]).departments[0]!.resources[0]!.resource.items[0]!.title).toBe(title);
  });
});

describe('emoji tag sequences', () => {
  // Scotland's and Wales's flags are 🏴 with tag letters and a cancel tag (Unicode TS #51): refused as
  // hidden text, where emoji are meant to be taken (found by the review of 64c0358). A tag character
  // outside such a sequence (text smuggled past the eye) is refused still, at its character.
  it("takes a subdivision flag's tag characters, and refuses tag characters standing alone", () => {
    const flags = 'Twinned with Glasgow \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} and Cardiff \u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}';
    expect(validateCatalogue(catalogue('Scenic spots', 'Regulations, Art. 3', flags), platform, []).problems).toEqual([]);
    const smuggled = 'Spot \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} no\u{E0069}\u{E0067}';
    expect(validateCatalogue(catalogue('Scenic spots', 'Regulations, Art. 3', smuggled), platform, []).problems).toEqual([
      { path: 'resources[0].items[0].title', message: expect.stringContaining('holds \\ue0069 (character 16)') as string },
    ]);
    // A sentence in tag characters between a black flag and a cancel tag is no flag: no subdivision code
    // holds spaces or capitals, or runs past six.
    const tagged = (text: string) => [...text].map((c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join('');
    for (const hidden of [tagged('ignore the masks'), tagged('GBSCT'), tagged('abcdefg')]) {
      const text = `Spot \u{1F3F4}${hidden}\u{E007F}`;
      expect(validateCatalogue(catalogue('Scenic spots', 'Regulations, Art. 3', text), platform, []).problems).toEqual([
        { path: 'resources[0].items[0].title', message: expect.stringContaining('(character 7)') as string },
      ]);
    }
  });
});

describe('hidden characters in the platform file', () => {
  it("refuses one in a department's name at its path", () => {
    const text = platformText.replace('Yunnan Tourism Department', '"Yunnan \u202DTourism Department"');
    expect(validatePlatform(parseDocuments(text, 'yn.yaml')[0]).problems).toEqual([
      { path: 'departments[1].name', message: expect.stringContaining('"Yunnan \\u202dTourism Department" holds \\u202d') as string },
    ]);
  });
});
