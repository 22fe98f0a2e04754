import { describe, expect, it } from 'vitest';
import { decide, decideItems, decideResource, ACCESS_ROWS, type Decision } from '../src/access/decide.ts';
import { effectiveItems, resourceShare } from '../src/access/effective-share.ts';
import { compileGlob, compileGlobSet } from '../src/access/glob.ts';
import type { Grant } from '../src/access/grant-model.ts';
import type { Item, Resource, Share } from '../src/model/catalogue.ts';
import type { Department } from '../src/model/platform.ts';

const GA: Department = { code: '430000-GA', name: 'Public Security', graphqlName: 'publicSecurity', level: 'province', region: '430000' };
const ZWB: Department = { code: '430000-ZWB', name: 'Administrative Service Bureau', graphqlName: 'adminService', level: 'province', region: '430000' };
const CS_MZ: Department = { code: '430100-MZ', name: 'Changsha Civil Affairs', graphqlName: 'changshaCivilAffairs', level: 'city', region: '430100' };
const ZZ_MZ: Department = { code: '430200-MZ', name: 'Zhuzhou Civil Affairs', graphqlName: 'zhuzhouCivilAffairs', level: 'city', region: '430200' };
const CS_COUNTY: Department = { code: '430121-MZ', name: 'Changsha County Civil Affairs', graphqlName: 'changshaCounty', level: 'county', region: '430121' };

const NOW = new Date('2026-06-15T10:00:00Z');

function resource(share: Share, items: Item[], over: Partial<Resource> = {}): Resource {
  return {
    code: '430000-GA-00001',
    name: 'Household registration',
    provider: '430000-GA',
    graphql: { type: 'HouseholdRegistration', list: 'householdRegistrations', byKey: 'householdRegistration' },
    key: items[0].name,
    share,
    items,
    ...over,
  };
}

/** The demo resource of SPEC §4, shared on conditions. */
const household = resource(
  {
    type: 'conditional',
    methods: ['api', 'download'],
    scope: { purposes: ['administrative-licensing', 'social-assistance'], departments: ['430000-*', '4301*'], levels: ['province', 'city'] },
  },
  [
    { name: 'idNumber', type: 'string', sensitivity: 'personal', mask: 'idcard' },
    { name: 'fullName', type: 'string', sensitivity: 'personal', mask: 'name' },
    { name: 'birthDate', type: 'date' },
    { name: 'address', type: 'string', share: { type: 'conditional', scope: { purposes: ['social-assistance'] } } },
    { name: 'secretNote', type: 'string', sensitivity: 'secret' },
  ],
);

function grant(over: Partial<Grant> = {}): Grant {
  return {
    id: 'g1',
    requester: '430000-ZWB',
    resource: '430000-GA-00001',
    items: ['idNumber', 'fullName', 'birthDate', 'address', 'secretNote'],
    purposes: ['social-assistance'],
    unmasked: [],
    from: '2026-01-01T00:00:00Z',
    until: null,
    revokedAt: null,
    revokedBy: null,
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'operator',
    requestId: null,
    ...over,
  };
}

function ask(
  r: Resource,
  itemName: string | null,
  requester: Department,
  purpose: string | null,
  grants: Grant[] = [],
  now = NOW,
): Decision {
  const item = itemName === null ? null : effectiveItems(r).get(itemName)!;
  return decide({ requester, purpose, resource: r, item, grants, now });
}

const allowed = (mask: string | null = null) => ({ allowed: true, mask });

describe('the table, row by row', () => {
  it('lists the rows in the order of SPEC §6', () => {
    expect(ACCESS_ROWS.map((r) => [r.row, r.name])).toEqual([
      [0, 'PROVIDER'], [1, 'NOT_SHARED'], [2, 'METHOD_NOT_API'], [3, 'OUT_OF_SCOPE'],
      [4, 'PURPOSE_REQUIRED'], [5, 'PURPOSE_OUT_OF_SCOPE'], [6, 'GRANT_REQUIRED'], [7, 'ALLOWED'],
    ]);
  });

  it('row 0: the provider reads everything unmasked, without purpose or grant, even items not shared', () => {
    const r = resource({ type: 'none', methods: ['copy'] }, [{ name: 'idNumber', type: 'string', sensitivity: 'personal', mask: 'idcard' }]);
    expect(ask(r, 'idNumber', GA, null)).toEqual(allowed());
    expect(ask(household, 'idNumber', GA, null)).toEqual(allowed());
    expect(ask(household, null, GA, null)).toEqual(allowed());
  });

  it('row 1: an item of type none is NOT_SHARED', () => {
    const r = resource({ type: 'unconditional', methods: ['api'] }, [
      { name: 'code', type: 'string' },
      { name: 'internal', type: 'string', share: { type: 'none' } },
    ], { code: '430000-GA-00009', name: 'Police stations' });
    expect(ask(r, 'internal', ZWB, 'social-assistance')).toEqual({
      allowed: false,
      code: 'NOT_SHARED',
      message: 'Item `internal` of 430000-GA-00009 (Police stations) is not shared; only its provider 430000-GA can read it.',
    });
    expect(ask(r, 'code', ZWB, 'social-assistance')).toEqual(allowed());
  });

  it('row 2: no api among the methods is METHOD_NOT_API, naming the methods', () => {
    const r = resource({ type: 'unconditional', methods: ['download', 'copy'] }, [{ name: 'certificateNo', type: 'string' }],
      { code: '430000-MZ-00002', name: 'Marriage registration', provider: '430000-MZ' });
    expect(ask(r, 'certificateNo', ZWB, 'social-assistance')).toEqual({
      allowed: false,
      code: 'METHOD_NOT_API',
      message: 'Item `certificateNo` of 430000-MZ-00002 (Marriage registration) is shared by download, copy, not through the API; ask its provider 430000-MZ for it by one of those methods.',
    });
    expect(ask(r, null, ZWB, 'social-assistance')).toEqual({
      allowed: false,
      code: 'METHOD_NOT_API',
      message: '430000-MZ-00002 (Marriage registration) is shared by download, copy, not through the API; ask its provider 430000-MZ for it by one of those methods.',
    });
  });

  it('row 3: a department outside the patterns or levels is OUT_OF_SCOPE', () => {
    expect(ask(household, 'birthDate', ZZ_MZ, 'social-assistance')).toEqual({
      allowed: false,
      code: 'OUT_OF_SCOPE',
      message: 'Item `birthDate` of 430000-GA-00001 (Household registration) is shared only with departments 430000-*, 4301* at the province, city levels; department 430200-MZ (city) is outside that scope.',
    });
    // matches the pattern 4301* but is a county
    expect(ask(household, 'birthDate', CS_COUNTY, 'social-assistance')).toMatchObject({ allowed: false, code: 'OUT_OF_SCOPE' });
    // matches a pattern and a level: passes row 3, stops at row 6 (no grant)
    expect(ask(household, 'birthDate', CS_MZ, 'social-assistance')).toMatchObject({ allowed: false, code: 'GRANT_REQUIRED' });
  });

  it('row 4: no purpose is PURPOSE_REQUIRED, listing the purposes', () => {
    expect(ask(household, 'birthDate', ZWB, null)).toEqual({
      allowed: false,
      code: 'PURPOSE_REQUIRED',
      message: 'Item `birthDate` of 430000-GA-00001 (Household registration) is read only for a stated purpose; send the `x-purpose` header with one of: administrative-licensing, social-assistance.',
    });
    const open = resource({ type: 'unconditional' }, [{ name: 'code', type: 'string' }]);
    expect(ask(open, 'code', ZWB, null)).toEqual({
      allowed: false,
      code: 'PURPOSE_REQUIRED',
      message: "Item `code` of 430000-GA-00001 (Household registration) is read only for a stated purpose; send the `x-purpose` header with one of the platform's purpose codes.",
    });
  });

  it('row 5: a purpose outside the scope is PURPOSE_OUT_OF_SCOPE', () => {
    expect(ask(household, 'birthDate', ZWB, 'tax-collection', [grant()])).toEqual({
      allowed: false,
      code: 'PURPOSE_OUT_OF_SCOPE',
      message: 'Item `birthDate` of 430000-GA-00001 (Household registration) may be used only for administrative-licensing, social-assistance; purpose `tax-collection` is outside its scope of use.',
    });
  });

  it('row 6: conditional without a covering active grant is GRANT_REQUIRED', () => {
    expect(ask(household, 'birthDate', ZWB, 'social-assistance')).toEqual({
      allowed: false,
      code: 'GRANT_REQUIRED',
      message: 'Item `birthDate` of 430000-GA-00001 (Household registration) is shared on conditions: department 430000-ZWB holds no active grant covering it for purpose `social-assistance`; request sharing from its provider 430000-GA.',
    });
    // a grant for another item, another purpose, another department or another resource does not cover it
    const others = [
      grant({ items: ['fullName'] }),
      grant({ purposes: ['administrative-licensing'] }),
      grant({ requester: '430100-MZ' }),
      grant({ resource: '430000-GA-00002' }),
    ];
    expect(ask(household, 'birthDate', ZWB, 'social-assistance', others)).toMatchObject({ code: 'GRANT_REQUIRED' });
    expect(ask(household, 'birthDate', ZWB, 'social-assistance', [grant()])).toEqual(allowed());
  });

  it('row 7: allowed; unconditional needs no grant; personal and secret items masked', () => {
    const open = resource({ type: 'unconditional', methods: ['api'] }, [
      { name: 'name', type: 'string' },
      { name: 'phone', type: 'string', sensitivity: 'personal', mask: 'phone' },
      { name: 'bank', type: 'string', sensitivity: 'secret' },
    ]);
    expect(ask(open, 'name', ZZ_MZ, 'anything')).toEqual(allowed());
    expect(ask(open, 'phone', ZZ_MZ, 'anything')).toEqual(allowed('phone'));
    expect(ask(open, 'bank', ZZ_MZ, 'anything')).toEqual(allowed('full'));
    const g = [grant()];
    expect(ask(household, 'idNumber', ZWB, 'social-assistance', g)).toEqual(allowed('idcard'));
    expect(ask(household, 'fullName', ZWB, 'social-assistance', g)).toEqual(allowed('name'));
    expect(ask(household, 'secretNote', ZWB, 'social-assistance', g)).toEqual(allowed('full'));
  });
});

describe('rows are tried in order', () => {
  it('a none item without a purpose is NOT_SHARED, not PURPOSE_REQUIRED', () => {
    const r = resource({ type: 'conditional', methods: ['download'], scope: { departments: ['nowhere'] } }, [
      { name: 'a', type: 'string', share: { type: 'none' } },
    ]);
    expect(ask(r, 'a', ZWB, null)).toMatchObject({ code: 'NOT_SHARED' });
  });

  it('method before scope, scope before purpose, purpose before grant', () => {
    const r = (share: Share) => resource(share, [{ name: 'a', type: 'string' }]);
    expect(ask(r({ type: 'conditional', methods: ['copy'], scope: { levels: ['county'] } }), 'a', ZWB, null))
      .toMatchObject({ code: 'METHOD_NOT_API' });
    expect(ask(r({ type: 'conditional', scope: { levels: ['county'] } }), 'a', ZWB, null)).toMatchObject({ code: 'OUT_OF_SCOPE' });
    expect(ask(r({ type: 'conditional', scope: { purposes: ['x'] } }), 'a', ZWB, null)).toMatchObject({ code: 'PURPOSE_REQUIRED' });
    expect(ask(r({ type: 'conditional', scope: { purposes: ['x'] } }), 'a', ZWB, 'y')).toMatchObject({ code: 'PURPOSE_OUT_OF_SCOPE' });
    expect(ask(r({ type: 'conditional', scope: { purposes: ['x'] } }), 'a', ZWB, 'x')).toMatchObject({ code: 'GRANT_REQUIRED' });
  });
});

describe('item tightening', () => {
  const base: Share = {
    type: 'unconditional',
    methods: ['api', 'download'],
    scope: { purposes: ['p', 'q'], departments: ['430000-*', '4301*'], levels: ['province', 'city'] },
  };

  it('a stricter type wins; a looser one is ignored', () => {
    const r = resource({ ...base, type: 'conditional' }, [
      { name: 'a', type: 'string', share: { type: 'unconditional' } },
      { name: 'b', type: 'string', share: { type: 'none' } },
    ]);
    const items = effectiveItems(r);
    expect(items.get('a')!.share.type).toBe('conditional');
    expect(items.get('b')!.share.type).toBe('none');
    expect(ask(r, 'a', ZWB, 'p')).toMatchObject({ code: 'GRANT_REQUIRED' });
  });

  it('methods are intersected', () => {
    const r = resource(base, [
      { name: 'a', type: 'string', share: { methods: ['download'] } },
      { name: 'b', type: 'string', share: { methods: ['api', 'copy'] } },
    ]);
    expect(effectiveItems(r).get('a')!.share.methods).toEqual(['download']);
    expect(effectiveItems(r).get('b')!.share.methods).toEqual(['api']);
    expect(ask(r, 'a', ZWB, 'p')).toMatchObject({ code: 'METHOD_NOT_API' });
    expect(ask(r, 'b', ZWB, 'p')).toEqual(allowed());
  });

  it('absent methods offer every method, api among them', () => {
    const r = resource({ type: 'unconditional' }, [{ name: 'a', type: 'string', share: { methods: ['api'] } }]);
    expect(resourceShare(r).methods).toEqual(['api', 'system-integration', 'online-query', 'download', 'copy', 'other']);
    expect(effectiveItems(r).get('a')!.share.methods).toEqual(['api']);
  });

  it('purposes are intersected', () => {
    const r = resource(base, [{ name: 'a', type: 'string', share: { scope: { purposes: ['q', 'z'] } } }]);
    expect(effectiveItems(r).get('a')!.share.purposes).toEqual(['q']);
    expect(ask(r, 'a', ZWB, 'p')).toMatchObject({ code: 'PURPOSE_OUT_OF_SCOPE' });
    expect(ask(r, 'a', ZWB, 'z')).toMatchObject({ code: 'PURPOSE_OUT_OF_SCOPE' });
    expect(ask(r, 'a', ZWB, 'q')).toEqual(allowed());
  });

  it('levels are intersected', () => {
    const r = resource(base, [{ name: 'a', type: 'string', share: { scope: { levels: ['city', 'county'] } } }]);
    expect(effectiveItems(r).get('a')!.share.levels).toEqual(['city']);
    expect(ask(r, 'a', ZWB, 'p')).toMatchObject({ code: 'OUT_OF_SCOPE' });
    expect(ask(r, 'a', CS_MZ, 'p')).toEqual(allowed());
  });

  it("department patterns: both the resource's and the item's must match", () => {
    const r = resource(base, [{ name: 'a', type: 'string', share: { scope: { departments: ['*-MZ'] } } }]);
    expect(ask(r, 'a', ZWB, 'p')).toEqual({
      allowed: false,
      code: 'OUT_OF_SCOPE',
      message: 'Item `a` of 430000-GA-00001 (Household registration) is shared only with departments 430000-*, 4301* and *-MZ at the province, city levels; department 430000-ZWB (province) is outside that scope.',
    });
    expect(ask(r, 'a', CS_MZ, 'p')).toEqual(allowed());
    expect(ask(r, 'a', ZZ_MZ, 'p')).toMatchObject({ code: 'OUT_OF_SCOPE' }); // matches *-MZ, not the resource's
  });

  it('an item with no restriction of its own inherits the resource scope', () => {
    const r = resource({ type: 'unconditional' }, [{ name: 'a', type: 'string', share: { scope: { purposes: ['p'] } } }]);
    expect(effectiveItems(r).get('a')!.share).toMatchObject({ type: 'unconditional', purposes: ['p'], levels: null, departments: [] });
    expect(ask(r, 'a', ZZ_MZ, 'p')).toEqual(allowed());
  });

  it('is computed once per resource object', () => {
    expect(effectiveItems(household)).toBe(effectiveItems(household));
    expect(effectiveItems(household).get('idNumber')!.mask).toBe('idcard');
    expect(effectiveItems(household).get('secretNote')!.mask).toBe('full');
    expect(effectiveItems(household).get('birthDate')!.mask).toBe(null);
  });

  it('the address of SPEC §4 needs social-assistance', () => {
    expect(ask(household, 'address', ZWB, 'administrative-licensing', [grant({ purposes: ['administrative-licensing'] })]))
      .toMatchObject({ code: 'PURPOSE_OUT_OF_SCOPE' });
    expect(ask(household, 'address', ZWB, 'social-assistance', [grant()])).toEqual(allowed());
  });
});

describe('grants', () => {
  const sa = 'social-assistance';
  it('a revoked grant stops working', () => {
    expect(ask(household, 'birthDate', ZWB, sa, [grant({ revokedAt: '2026-06-15T09:59:00Z', revokedBy: 'x' })]))
      .toMatchObject({ code: 'GRANT_REQUIRED' });
  });

  it('until is inclusive: valid through its whole day in Asia/Shanghai, not after', () => {
    const g = [grant({ until: '2026-06-15' })];
    expect(ask(household, 'birthDate', ZWB, sa, g, new Date('2026-06-15T15:59:59Z'))).toEqual(allowed());
    expect(ask(household, 'birthDate', ZWB, sa, g, new Date('2026-06-15T16:00:00Z'))).toMatchObject({ code: 'GRANT_REQUIRED' });
    const instant = [grant({ until: '2026-06-15T12:00:00Z' })];
    expect(ask(household, 'birthDate', ZWB, sa, instant, new Date('2026-06-15T12:00:00Z'))).toEqual(allowed());
    expect(ask(household, 'birthDate', ZWB, sa, instant, new Date('2026-06-15T12:00:01Z'))).toMatchObject({ code: 'GRANT_REQUIRED' });
  });

  it('a grant not yet in force does not count', () => {
    const g = [grant({ from: '2026-06-15T10:00:01Z' })];
    expect(ask(household, 'birthDate', ZWB, sa, g)).toMatchObject({ code: 'GRANT_REQUIRED' });
    expect(ask(household, 'birthDate', ZWB, sa, g, new Date('2026-06-15T10:00:01Z'))).toEqual(allowed());
  });

  it('unmasks only the listed items, only when active and covering the purpose', () => {
    const g = grant({ unmasked: ['idNumber'] });
    expect(ask(household, 'idNumber', ZWB, sa, [g])).toEqual(allowed());
    expect(ask(household, 'fullName', ZWB, sa, [g])).toEqual(allowed('name'));
    // a second grant for another purpose lists fullName as unmasked: it does not lift the mask here
    const other = grant({ id: 'g2', purposes: ['administrative-licensing'], unmasked: ['fullName'] });
    expect(ask(household, 'fullName', ZWB, sa, [g, other])).toEqual(allowed('name'));
    expect(ask(household, 'fullName', ZWB, 'administrative-licensing', [g, other])).toEqual(allowed());
    // revoked: masked again
    const revoked = grant({ unmasked: ['fullName'], revokedAt: '2026-06-01T00:00:00Z', revokedBy: 'x' });
    expect(ask(household, 'fullName', ZWB, sa, [g, revoked])).toEqual(allowed('name'));
  });

  it('a grant can unmask an item of an unconditional resource', () => {
    const open = resource({ type: 'unconditional' }, [{ name: 'phone', type: 'string', sensitivity: 'personal', mask: 'phone' }]);
    expect(ask(open, 'phone', ZWB, sa)).toEqual(allowed('phone'));
    expect(ask(open, 'phone', ZWB, sa, [grant({ items: ['phone'], unmasked: ['phone'] })])).toEqual(allowed());
  });
});

describe('the resource as a whole', () => {
  it('conditional without any grant is GRANT_REQUIRED for the resource', () => {
    expect(decideResource({ requester: ZWB, purpose: 'social-assistance', resource: household, grants: [], now: NOW })).toEqual({
      allowed: false,
      code: 'GRANT_REQUIRED',
      message: '430000-GA-00001 (Household registration) is shared on conditions: department 430000-ZWB holds no active grant covering it for purpose `social-assistance`; request sharing from its provider 430000-GA.',
    });
  });

  it('is readable when one item is allowed', () => {
    const g = [grant({ items: ['birthDate'] })];
    expect(decideResource({ requester: ZWB, purpose: 'social-assistance', resource: household, grants: g, now: NOW })).toEqual(allowed());
    const all = decideItems({ requester: ZWB, purpose: 'social-assistance', resource: household, grants: g, now: NOW });
    expect([...all].map(([n, d]) => [n, d.allowed ? 'allowed' : d.code])).toEqual([
      ['idNumber', 'GRANT_REQUIRED'], ['fullName', 'GRANT_REQUIRED'], ['birthDate', 'allowed'],
      ['address', 'GRANT_REQUIRED'], ['secretNote', 'GRANT_REQUIRED'],
    ]);
  });

  it('the first row that denies: out of scope, purpose required', () => {
    expect(decideResource({ requester: ZZ_MZ, purpose: 'social-assistance', resource: household, grants: [], now: NOW }))
      .toMatchObject({ allowed: false, code: 'OUT_OF_SCOPE' });
    expect(decideResource({ requester: ZWB, purpose: null, resource: household, grants: [], now: NOW }))
      .toMatchObject({ allowed: false, code: 'PURPOSE_REQUIRED', message: expect.stringMatching(/^430000-GA-00001 \(Household registration\) is read only/) });
  });

  it('when the resource itself would allow but every item denies, the lowest row among the items', () => {
    const r = resource({ type: 'unconditional' }, [
      { name: 'a', type: 'string', share: { methods: ['copy'] } },
      { name: 'b', type: 'string', share: { type: 'none' } },
      { name: 'c', type: 'string', share: { type: 'none' } },
    ]);
    expect(decideResource({ requester: ZWB, purpose: 'p', resource: r, grants: [], now: NOW })).toEqual({
      allowed: false,
      code: 'NOT_SHARED',
      message: 'Item `b` of 430000-GA-00001 (Household registration) is not shared; only its provider 430000-GA can read it.',
    });
  });

  it('the provider always reads its resource', () => {
    const r = resource({ type: 'none' }, [{ name: 'a', type: 'string' }]);
    expect(decideResource({ requester: GA, purpose: null, resource: r, grants: [], now: NOW })).toEqual(allowed());
  });
});

describe('department globs', () => {
  it('* is any run, ? exactly one, other characters literal, whole code', () => {
    expect(compileGlob('4301*').test('430100-MZ')).toBe(true);
    expect(compileGlob('4301*').test('4301')).toBe(true);
    expect(compileGlob('4301*').test('x4301')).toBe(false);
    expect(compileGlob('43010?-MZ').test('430100-MZ')).toBe(true);
    expect(compileGlob('43010?-MZ').test('43010-MZ')).toBe(false);
    expect(compileGlob('430000-GA').test('430000-GAX')).toBe(false);
    expect(compileGlob('4.0*').test('430000')).toBe(false);
    expect(compileGlob('a+b(c)[d]').test('a+b(c)[d]')).toBe(true);
    expect(compileGlobSet(['430000-*', '4301*']).test('430100-MZ')).toBe(true);
    expect(compileGlobSet([]).test('430100-MZ')).toBe(false);
  });
});

describe('messages never include record values', () => {
  it('every denial names only catalogue and request facts', () => {
    const d = ask(household, 'idNumber', ZZ_MZ, 'social-assistance');
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.message).not.toMatch(/\d{17}[\dX]/);
  });
});
