// An item moved to another resource, or a resource split into two, was warned only as removed (and the
// new ones not at all): the compiler and the auditor could not tell "the bank account is gone" from "the
// bank account is now offered by the care home register". A removal now says where the data went
// (BREAKING_CHANGE, REMOVED, `movedTo`) when that is certain: an item of the same data element, in a
// resource of the same provider whose key carries the same element (the same persons), which did not carry
// it before, and the only one. Anything less is told as a removal only. On a Qinghai fixture
// (test/fixtures/qinghai-quality/elderly.yaml).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue, Resource } from '../src/model/catalogue.ts';
import { breakingChanges } from '../src/workflow/warnings/breaking-changes.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const elderly = () => parse(readFileSync(join(FIXTURE, 'elderly.yaml'), 'utf8')) as Catalogue;
const resource = (c: Catalogue, code: string) => c.resources.find((r) => r.code === code)!;
const without = (r: Resource, ...names: string[]) => ({ ...r, items: r.items.filter((i) => !names.includes(i.name)) });
const removals = (next: Catalogue) =>
  breakingChanges(elderly(), next, new Map()).filter((w) => w.kind === 'BREAKING_CHANGE' && w.change === 'removed')
    .map((w) => (w.kind === 'BREAKING_CHANGE' ? { item: w.item, movedTo: w.movedTo?.map((m) => `${m.resource}.${m.item}`), message: w.message } : null));

/** A new resource of `provider` keyed by an item of element `keyElement`, carrying `items` (name: element). */
function part(code: string, type: string, items: Record<string, string>, provider = '630000-MZ', keyElement = 'QH-DE-ID'): Resource {
  const base = resource(elderly(), '630000-MZ-00031');
  return {
    ...base, code, name: `Part ${code}`, provider, graphql: { type, list: `${type[0].toLowerCase()}${type.slice(1)}s`, byKey: `${type[0].toLowerCase()}${type.slice(1)}` },
    key: 'personId',
    items: [{ name: 'personId', type: 'string', required: true, element: keyElement }, ...Object.entries(items).map(([name, element]) => ({ name, type: 'string' as const, element }))],
  };
}

describe('an item moved to another resource', () => {
  it('is told as moved when the other resource is the provider\'s, keyed by the same element, and newly carries it', () => {
    const next = elderly();
    next.resources[0] = without(next.resources[0], 'bankAccount');
    next.resources[1].items.push({ name: 'account', type: 'string', element: 'QH-DE-BANK' });
    expect(removals(next)).toEqual([{
      item: 'bankAccount', movedTo: ['630000-MZ-00032.account'],
      message: 'Item bankAccount of 630000-MZ-00031 is removed: moved to 630000-MZ-00032.account (element QH-DE-BANK), a resource of the same provider with the same key element (records and grants do not carry over: its consumers read it there once the provider imports it there, under grants of that resource)',
    }]);
  });

  const moveTo = (target: Resource) => {
    const next = elderly();
    next.resources[0] = without(next.resources[0], 'bankAccount');
    next.resources.push(target);
    return removals(next);
  };
  const removedOnly = [{ item: 'bankAccount', movedTo: undefined, message: 'Item bankAccount of 630000-MZ-00031 is removed' }];

  it('is told as removed only when the other resource is another provider\'s', () => {
    expect(moveTo(part('630000-GA-00039', 'QhGaPart', { account: 'QH-DE-BANK' }, '630000-GA'))).toEqual(removedOnly);
  });
  it('is told as removed only when the other resource is keyed by another element (other records)', () => {
    expect(moveTo(part('630000-MZ-00039', 'QhPart', { account: 'QH-DE-BANK' }, '630000-MZ', 'QH-DE-HOUSEHOLD'))).toEqual(removedOnly);
  });
  it('is told as removed only when the item has no element, or when two resources could have taken it', () => {
    const next = elderly();
    next.resources[0] = without(next.resources[0], 'bankAccount', 'note');
    next.resources.push(part('630000-MZ-00038', 'QhPartA', { account: 'QH-DE-BANK', note: 'QH-DE-NOTE' }), part('630000-MZ-00039', 'QhPartB', { bank: 'QH-DE-BANK' }));
    expect(removals(next).map((w) => [w!.item, w!.movedTo])).toEqual([['bankAccount', undefined], ['note', undefined]]);
  });
  it('is told as removed only when two items of the element left and one item took it: which one went there is not certain', () => {
    const before = elderly();
    before.resources[0].items.push({ name: 'spareAccount', type: 'string', element: 'QH-DE-BANK' });
    const next = elderly();
    next.resources[0] = without(next.resources[0], 'bankAccount');
    next.resources[1].items.push({ name: 'account', type: 'string', element: 'QH-DE-BANK' });
    expect(breakingChanges(before, next, new Map()).filter((w) => w.kind === 'BREAKING_CHANGE').map((w) => [w.kind === 'BREAKING_CHANGE' && w.movedTo, w.message]))
      .toEqual([[undefined, 'Item bankAccount of 630000-MZ-00031 is removed'], [undefined, 'Item spareAccount of 630000-MZ-00031 is removed']]);
  });
  it('is told as removed only when the other resource carried the element already, or the resource still does', () => {
    const next = elderly();
    next.resources[0] = without(next.resources[0], 'fullName');
    // 00032 carried no name: it now does, but so does 00031 under another item carrying the element.
    next.resources[1].items.push({ name: 'name', type: 'string', element: 'QH-DE-NAME' });
    next.resources[0].items.push({ name: 'alias', type: 'string', element: 'QH-DE-NAME' });
    const before = elderly();
    before.resources[0].items.push({ name: 'alias', type: 'string', element: 'QH-DE-NAME' });
    expect(breakingChanges(before, next, new Map()).filter((w) => w.kind === 'BREAKING_CHANGE').map((w) => w.message))
      .toEqual(['Item fullName of 630000-MZ-00031 is removed']);
    // 00032 carried the home already: dropping it from 00031 moves nothing there.
    const twice = elderly();
    twice.resources[0].items.push({ name: 'home', type: 'string', element: 'QH-DE-HOME' });
    const dropped = elderly();
    expect(breakingChanges(twice, dropped, new Map()).map((w) => w.message)).toEqual(['Item home of 630000-MZ-00031 is removed']);
  });
});

describe('a resource split into two', () => {
  it('names the parts and the items each took, and the items none took', () => {
    const next = elderly();
    next.resources.splice(0, 1,
      part('630000-MZ-00034', 'QhAllowancePayment', { amount: 'QH-DE-AMOUNT', account: 'QH-DE-BANK' }),
      part('630000-MZ-00035', 'QhAllowancePerson', { name: 'QH-DE-NAME' }));
    expect(removals(next)).toEqual([{
      item: null, movedTo: ['630000-MZ-00035.name', '630000-MZ-00034.amount', '630000-MZ-00034.account'],
      message: 'Resource 630000-MZ-00031 (Elderly allowance) is removed; split into 630000-MZ-00035 (name), 630000-MZ-00034 (amount, account), note carried by none, each a resource of the same provider with the same key element (records and grants do not carry over: its consumers read it there once the provider imports it there, under grants of that resource)',
    }]);
  });
  it('into one resource of another provider is a removal only', () => {
    const next = elderly();
    next.resources.splice(0, 1, part('630000-GA-00034', 'QhGaAllowance', { name: 'QH-DE-NAME', amount: 'QH-DE-AMOUNT' }, '630000-GA'));
    expect(removals(next)).toEqual([{ item: null, movedTo: undefined, message: 'Resource 630000-MZ-00031 (Elderly allowance) is removed' }]);
  });
});

/** The catalogue with 60 more resources of the provider between the care home register and the allowance. */
function large(): Catalogue {
  const c = elderly();
  const [allowance, care, households] = c.resources;
  const fillers = Array.from({ length: 60 }, (_, i) => {
    const n = String(100 + i);
    return { ...households, code: `630000-MZ-00${n}`, name: `Register ${n}`, graphql: { type: `QhRegister${n}`, list: `qhRegisters${n}`, byKey: `qhRegister${n}` },
      items: [{ name: 'householdNo', type: 'string' as const, required: true }, { name: 'members', type: 'int' as const }] };
  });
  return { ...c, resources: [care, ...fillers, households, allowance] };
}

describe('through the platform schema', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'elderly.yaml')] });
  }, 60_000);
  afterAll(() => gw?.close());

  it('the submission\'s warning carries movedTo, with the resource\'s name and provider', async () => {
    const next = elderly();
    next.resources[0] = without(next.resources[0], 'bankAccount');
    next.resources[1].items.push({ name: 'account', type: 'string', element: 'QH-DE-BANK' });
    const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { warnings { kind change item movedTo { resource resourceName provider item } } } }`,
      { dept: '630000-MZ', roles: ['compiler'], variables: { doc: JSON.stringify(next) } });
    expect(sub.errors).toBeUndefined();
    expect(sub.data!.submitCatalogue.warnings.filter((w: { kind: string }) => w.kind === 'BREAKING_CHANGE')).toEqual([
      { kind: 'BREAKING_CHANGE', change: 'REMOVED', item: 'bankAccount', movedTo: [{ resource: '630000-MZ-00032', resourceName: 'Care home residents', provider: '630000-MZ', item: 'account' }] },
    ]);
  });
  it('judges a destination against the whole version in effect, not the 50 resources compared in one turn', async () => {
    // Found: the version in effect is compared 50 resources at a time; the care home register, in the
    // first 50, carried the home already, and the allowance, compared in a later turn, dropping its own
    // home was told "moved to" the care home register. Version 2 in effect: the large one, with the home.
    const v1 = large();
    v1.resources.at(-1)!.items.push({ name: 'home', type: 'string', element: 'QH-DE-HOME' });
    const submit = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } } }`,
      { dept: '630000-MZ', roles: ['compiler'], variables: { doc: JSON.stringify(v1) } });
    expect(submit.errors).toBeUndefined();
    const { id, version } = submit.data!.submitCatalogue.version;
    expect((await gw.query(`mutation { reviewCatalogue(id: "${id}", version: ${version}, decision: APPROVE) { status } }`, { dept: '630000-DSJ', roles: ['auditor'] })).errors).toBeUndefined();
    expect((await gw.query(`mutation { publishCatalogue(id: "${id}", version: ${version}) { status } }`, { dept: '630000-MZ', roles: ['compiler'] })).errors).toBeUndefined();
    const v2 = large(); // version 3: without the allowance's home
    const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { warnings { kind change item message movedTo { resource } } } }`,
      { dept: '630000-MZ', roles: ['compiler'], variables: { doc: JSON.stringify(v2) } });
    expect(sub.errors).toBeUndefined();
    expect(sub.data!.submitCatalogue.warnings.filter((w: { kind: string }) => w.kind === 'BREAKING_CHANGE')).toEqual([
      { kind: 'BREAKING_CHANGE', change: 'REMOVED', item: 'home', message: 'Item home of 630000-MZ-00031 is removed', movedTo: null },
    ]);
  });
});
