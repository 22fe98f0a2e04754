// What the schema says of a masked item (GraphiQL's docs, an editor's hover, a generated client's
// comments) on a platform of the test's own (Shaanxi, test/fixtures/shaanxi-masks). Every masked item
// used to say "masked unless a grant unmasks it", and its filter field "only eq and in, unless a grant
// unmasks it"; but only an item shared on conditions is granted (SPEC §9): for a masked item of an
// unconditional resource grant add and requestSharing refuse ("no grant is needed"), so a developer
// sent there by the docs could never read it in clear. Its description now says so; an item tightened to
// conditional, and the items of a conditional resource, keep the grant. So too the refusal of a link by
// such an item (a masked boolean: following it would tell the hidden values), which said "not followed
// unless a grant unmasks audited". (Found by the devday walk.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';
import { afterAll, describe, expect, test } from 'vitest';
import { grantProblems } from '../src/access/grant-problems.ts';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/shaanxi-masks/${p}`, import.meta.url));
const platform = loadPlatform(fixture('platform.yaml'));
const report = validateCatalogueFiles([fixture('catalogues.yaml')], platform, []);
const catalogues = report.catalogues!;
const { schema } = buildGatewaySchema(platform, catalogues, { rules: false });

function said(s: GraphQLSchema, type: string): Record<string, string | null | undefined> {
  const t = s.getType(type);
  if (!isObjectType(t) && !isInputObjectType(t)) throw new Error(`no type ${type}`);
  return Object.fromEntries(Object.values(t.getFields()).map((f) => [f.name, f.description]));
}

describe('a masked item of an unconditional resource', () => {
  test('says no grant unmasks it, as grant add answers', () => {
    expect(said(schema, 'SxFirm').phone).toBe(
      '联系电话 · string · personal, masked (phone) for every department but its provider (shared unconditionally: no grant unmasks it)',
    );
    expect(said(schema, 'SxFirm').audited).toBe(
      '是否审计 · boolean · secret, masked (full) for every department but its provider (shared unconditionally: no grant unmasks it)',
    );
    const refused = grantProblems(
      { platform, catalogues },
      { requester: '610100-MZJ', resource: '610000-SCJ-00001', items: ['legalRepId', 'phone'], purposes: ['subsidy-review'], unmasked: ['legalRepId', 'phone'], createdBy: 'op' },
      new Date(),
    );
    // legalRepId (conditional) is granted and unmasked; phone is refused as needing no grant.
    expect(refused.map((p) => [p.path, p.message])).toEqual([['items[1]', expect.stringContaining('shared unconditionally: no grant is needed')]]);
  });

  test('its filter field names the operators it takes, without a grant to lift them', () => {
    const filter = said(schema, 'SxFirmFilter');
    expect([filter.phone, filter.audited]).toEqual(['联系电话 · personal: only eq and in', '是否审计 · secret: no filter']);
  });
});

describe('a masked item a grant can unmask', () => {
  test('tightened to conditional in an unconditional resource, it names the grant', () => {
    expect(said(schema, 'SxFirm').legalRepId).toBe(
      '法定代表人身份证号 · string · personal, masked (idcard) unless a grant unmasks it · shared conditional\nConditions: 经批准\nBasis: 市场监管条例',
    );
    expect(said(schema, 'SxFirmFilter').legalRepId).toBe('法定代表人身份证号 · personal: only eq and in, unless a grant unmasks it');
  });

  test('of a conditional resource, it names the grant', () => {
    expect([said(schema, 'SxPenalty').partyName, said(schema, 'SxPenalty').fine]).toEqual([
      '当事人 · string · personal, masked (name) unless a grant unmasks it',
      '罚款金额 · decimal · personal, masked (full) unless a grant unmasks it',
    ]);
    expect(said(schema, 'SxPenaltyFilter').fine).toBe('罚款金额 · personal: only eq and in, unless a grant unmasks it');
  });
});

test('an item shared with no one promises neither', () => {
  expect(said(schema, 'SxFirm').taxNote).toBe('税务备注 · string · secret, masked (full) · shared none\nBasis: 税收征管法');
  expect(said(schema, 'SxFirmFilter').taxNote).toBe('税务备注 · secret: only eq and in');
});

describe('a link by a masked boolean shared unconditionally', () => {
  let gw: TestGateway | undefined;
  afterAll(() => gw?.close());

  test('is refused without sending the reader after a grant', async () => {
    gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogues.yaml'), fixture('xian.yaml')] });
    const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
    for (const [code, row] of [['610000-SCJ-00001', { creditCode: 'F1', audited: true }], ['610100-MZJ-00001', { checkNo: 'K1', audited: true }]] as const) {
      const file = join(gw.dataDir, `${code}.jsonl`);
      writeFileSync(file, JSON.stringify(row) + '\n');
      await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
    }
    const res = await gw.query('{ xianCivil { checks { nodes { checkNo firmByAudited { creditCode } } } } }', { dept: '610000-GAT', purpose: 'subsidy-review' });
    expect(res.data).toEqual({ xianCivil: { checks: { nodes: [{ checkNo: 'K1', firmByAudited: null }] } } });
    expect(res.errors?.map((e) => e.message)).toEqual([
      "audited of 610000-SCJ-00001 is masked for you, and its values are a few known words: following the link firmByAudited by it would tell the linked records' hidden values, so it is not followed (shared unconditionally, audited is masked for every department but its provider: no grant unmasks it).",
    ]);
  }, 60_000);
});
