// Breaking-change warnings (SPEC §14): a submitted version is compared with the version in effect, and
// what it removes, renames (same element), retypes or shares more tightly is listed with the departments
// whose audited reads of the last 90 days used it. The auditor sees them in reviewCatalogue's view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EffectiveShare } from '../src/access/effective-share.ts';
import { compileGlobSet } from '../src/access/glob.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { tightenings } from '../src/catalogue/widening.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { breakingChanges } from '../src/workflow/warnings.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { demoCatalogue, SUBMIT, ZWB_AUDITOR } from './helpers/workflow.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === '430000-SCJG-00001')!;
  await gw.store.upsert(collectionOf(resource), 'creditCode', [{ creditCode: '91430100MA4L16JQ9B', name: 'Hunan Test Co., Ltd.', enterpriseType: 'joint_stock', registeredCapital: 100 }]);
});
afterAll(() => gw?.close());

const WARNINGS = `{ kind path message resource item change renamedTo usedBy }`;

describe('a version that breaks what departments read', () => {
  it('lists each removal, rename, retyping and tightening with the departments that read it', async () => {
    // The Department of Human Resources reads three items; nobody reads the address.
    const read = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 5) { nodes { name enterpriseType registeredCapital } } } }`,
      { dept: '430000-RST', purpose: 'administrative-licensing' });
    expect(read.errors).toBeUndefined();

    const c = demoCatalogue('legal-entities.yaml');
    const r = c.resources[0];
    r.items = r.items
      .filter((i) => i.name !== 'address')
      .map((i) => {
        if (i.name === 'name') return { ...i, name: 'enterpriseName' }; // same element DE-0102
        if (i.name === 'registeredCapital') return { ...i, type: 'float' as const };
        if (i.name === 'enterpriseType') return { ...i, share: { methods: ['download' as const] } };
        return i;
      });
    const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } warnings ${WARNINGS} } }`,
      { dept: '430000-SCJG', roles: ['compiler'], variables: { doc: JSON.stringify(c) } });
    expect(sub.errors).toBeUndefined();
    const breaking = sub.data!.submitCatalogue.warnings.filter((w: { kind: string }) => w.kind === 'BREAKING_CHANGE');
    const summary = breaking.map((w: { item: string; change: string; renamedTo: string | null; usedBy: string[] }) => [w.item, w.change, w.renamedTo, w.usedBy]);
    expect(summary).toEqual([
      ['name', 'RENAMED', 'enterpriseName', ['430000-RST']],
      ['enterpriseType', 'TIGHTENED', null, ['430000-RST']],
      ['registeredCapital', 'RETYPED', null, ['430000-RST']],
      ['address', 'REMOVED', null, []],
    ]);
    expect(breaking[1].message).toBe('Item enterpriseType of 430000-SCJG-00001 is shared more tightly: no longer by api, online-query; read in the last 90 days by 430000-RST');

    // The auditor sees them in the view reviewCatalogue returns.
    const { id, version } = sub.data!.submitCatalogue.version;
    const review = await gw.query(`mutation { reviewCatalogue(id: "${id}", version: ${version}, decision: APPROVE) { status warnings { kind item change usedBy } } }`, ZWB_AUDITOR);
    expect(review.errors).toBeUndefined();
    expect(review.data!.reviewCatalogue.warnings.filter((w: { kind: string }) => w.kind === 'BREAKING_CHANGE')).toHaveLength(4);
  });

  it('names a department whose query selected the item removed, denied to it: the query fails once the item goes', async () => {
    // Human Resources selects legalRepresentativeId, which it holds no grant for: partial, the item null.
    const read = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 2) { nodes { creditCode legalRepresentativeId } } } }`,
      { dept: '430000-RST', purpose: 'administrative-licensing' });
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
    // Without the item its query is refused whole (GRAPHQL_VALIDATION_FAILED), creditCode with it.
    const c = demoCatalogue('legal-entities.yaml');
    const r = c.resources[0];
    r.items = r.items.filter((i) => i.name !== 'legalRepresentativeId');
    const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { warnings ${WARNINGS} } }`,
      { dept: '430000-SCJG', roles: ['compiler'], variables: { doc: JSON.stringify(c) } });
    expect(sub.errors).toBeUndefined();
    const removed = sub.data!.submitCatalogue.warnings.find((w: { kind: string; item: string }) => w.kind === 'BREAKING_CHANGE' && w.item === 'legalRepresentativeId');
    expect(removed).toMatchObject({ change: 'REMOVED', usedBy: ['430000-RST'] });
  });
});

describe('breakingChanges (pure)', () => {
  it('names a removed resource and a resource renamed in GraphQL, and nothing for an unchanged version', () => {
    const c = demoCatalogue('natural-resources.yaml');
    const readers = new Map([['430000-ZRZYT-00002', new Map([['area', new Set(['430000-SCJG'])]])]]);
    expect(breakingChanges(c, structuredClone(c), readers)).toEqual([]);
    expect(breakingChanges(undefined, c, readers)).toEqual([]);
    const next = structuredClone(c);
    next.resources = [{ ...next.resources[0], graphql: { ...next.resources[0].graphql, type: 'RealEstateTitle' } }];
    expect(breakingChanges(c, next, readers).map((w) => w.kind === 'BREAKING_CHANGE' && [w.resource, w.item, w.change, w.usedBy])).toEqual([
      ['430000-ZRZYT-00001', null, 'renamed', []],
      ['430000-ZRZYT-00002', null, 'removed', ['430000-SCJG']],
    ]);
  });

  it('names row scope added, or put on another item, as sharing every item more tightly', () => {
    const withRows = demoCatalogue('population.yaml');
    const resource = withRows.resources.find((r) => r.share.scope?.rows)!;
    const readers = new Map([[resource.code, new Map([[resource.key, new Set(['430000-RST'])]])]]);
    const without = structuredClone(withRows);
    delete without.resources.find((r) => r.code === resource.code)!.share.scope!.rows;
    const tightened = (from: typeof withRows, to: typeof withRows) => breakingChanges(from, to, readers)
      .flatMap((w) => (w.kind === 'BREAKING_CHANGE' && w.change === 'tightened' ? [[w.item, w.usedBy, w.message]] : []));
    const added = tightened(without, withRows);
    expect(added.map(([item]) => item)).toEqual(resource.items.map((i) => i.name));
    expect(added[0]).toEqual([resource.key, ['430000-RST'], `Item ${resource.key} of ${resource.code} is shared more tightly: rows limited to the reader's region by regionCode; read in the last 90 days by 430000-RST`]);
    const moved = structuredClone(withRows);
    const other = moved.resources.find((r) => r.code === resource.code)!;
    const otherItem = other.items.find((i) => i.type === 'string' && i.name !== 'regionCode' && !i.share)!.name;
    other.share.scope!.rows = { item: otherItem };
    expect(tightened(withRows, moved)[0][2]).toContain(`rows limited by ${otherItem} instead of regionCode`);
    expect(tightened(withRows, without)).toEqual([]); // dropping it is a widening, not a breaking change
  });

  it('names a mask made full, after one that showed part of the value, as sharing the item more tightly', () => {
    const c = demoCatalogue('population.yaml');
    const resource = c.resources.find((r) => r.items.some((i) => i.mask && i.mask !== 'full'))!;
    const item = resource.items.find((i) => i.mask && i.mask !== 'full')!;
    const next = structuredClone(c);
    next.resources.find((r) => r.code === resource.code)!.items.find((i) => i.name === item.name)!.mask = 'full';
    const tightened = breakingChanges(c, next, new Map()).flatMap((w) => (w.kind === 'BREAKING_CHANGE' ? [[w.item, w.change, w.message]] : []));
    expect(tightened).toEqual([[item.name, 'tightened', `Item ${item.name} of ${resource.code} is shared more tightly: masked "full" instead of "${item.mask}"`]]);
    expect(breakingChanges(next, c, new Map())).toEqual([]); // the other way is a widening
  });
});

describe('what counts as sharing more tightly (the widening check read the other way)', () => {
  const share = (s: Partial<EffectiveShare>): EffectiveShare => ({
    type: 'conditional', methods: ['api', 'download'], purposes: null, levels: null, departments: [], ...s,
  });
  it('names each part an item loses, and nothing for the same share or a wider one', () => {
    const before = share({ purposes: ['a', 'b'], departments: [compileGlobSet(['430000-*'])] });
    expect(tightenings(before, before)).toEqual([]);
    expect(tightenings(before, share({ type: 'unconditional', purposes: ['a', 'b', 'c'] }))).toEqual([]);
    expect(tightenings(before, share({
      type: 'none', methods: ['api'], purposes: ['a'], levels: ['province'], departments: [compileGlobSet(['430100-*'])],
    }))).toEqual([
      'shared none instead of conditional',
      'no longer by download',
      'purposes narrowed to a',
      'levels narrowed to province',
      'departments limited to 430100-*',
    ]);
  });
});

describe('a sensitivity added to or taken from an item of another type than string', () => {
  it('is a RETYPED warning: the field returns String while the item is personal or secret, its own type otherwise', () => {
    const c = demoCatalogue('legal-entities.yaml');
    const r = c.resources[0];
    const capital = r.items.find((i) => i.name === 'registeredCapital')!;
    expect(capital.sensitivity).toBeUndefined();
    const masked = { ...c, resources: [{ ...r, items: r.items.map((i) => (i === capital ? { ...i, sensitivity: 'secret' as const, mask: 'full' as const } : i)) }] };
    const summary = (from: typeof c, to: typeof c) =>
      breakingChanges(from, to, new Map()).filter((w) => w.kind === 'BREAKING_CHANGE' && w.item === 'registeredCapital')
        .map((w) => [w.kind === 'BREAKING_CHANGE' ? w.change : null, w.message]);
    const added = summary(c, masked);
    expect(added.map(([change]) => change).sort()).toEqual(['retyped', 'tightened']);
    expect(added.find(([change]) => change === 'retyped')![1]).toContain('its field returns String instead of ');
    // Taken away: a widening, not a tightening, but the field's type changes back all the same.
    const taken = summary(masked, c);
    expect(taken).toEqual([['retyped', expect.stringContaining('instead of String (no longer secret')]]);
  });
});

