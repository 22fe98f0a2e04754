import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GRANTS, GrantInputError, GrantNotFoundError, activeGrantsFor, addGrant, listGrants, revokeGrant, type GrantInput,
} from '../src/access/grants.ts';
import { decide } from '../src/access/decide.ts';
import { effectiveItems } from '../src/access/effective-share.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const platform: Platform = {
  platform: { region: '430000', level: 'province', name: 'Hunan', competentDepartment: '430000-ZWB', holidays: [] },
  purposes: [
    { code: 'administrative-licensing', name: 'Administrative licensing review' },
    { code: 'social-assistance', name: 'Social assistance eligibility' },
    { code: 'tax-collection', name: 'Tax collection' },
  ],
  departments: [
    { code: '430000-GA', name: 'Public Security', graphqlName: 'publicSecurity', level: 'province', region: '430000' },
    { code: '430000-ZWB', name: 'Administrative Service Bureau', graphqlName: 'adminService', level: 'province', region: '430000' },
    { code: '430200-MZ', name: 'Zhuzhou Civil Affairs', graphqlName: 'zhuzhouCivilAffairs', level: 'city', region: '430200' },
  ],
  connected: [],
};

const graphql = (t: string) => ({ type: t, list: t.toLowerCase() + 's', byKey: t.toLowerCase() });
const catalogues: Catalogue[] = [{
  id: 'HN-GA',
  kind: 'departmental',
  title: 'Public Security',
  compiler: '430000-GA',
  resources: [
    {
      code: '430000-GA-00001', name: 'Household registration', provider: '430000-GA', graphql: graphql('Household'), key: 'idNumber',
      share: { type: 'conditional', methods: ['api'], scope: { purposes: ['administrative-licensing', 'social-assistance'], departments: ['430000-*'] } },
      items: [
        { name: 'idNumber', type: 'string', sensitivity: 'personal', mask: 'idcard' },
        { name: 'fullName', type: 'string', sensitivity: 'personal', mask: 'name' },
        { name: 'birthDate', type: 'date' },
        { name: 'internalNote', type: 'string', share: { type: 'none' } },
        { name: 'archiveRef', type: 'string', share: { methods: [] } },
      ],
    },
    {
      code: '430000-GA-00002', name: 'Police stations', provider: '430000-GA', graphql: graphql('Station'), key: 'code',
      share: { type: 'unconditional' }, items: [{ name: 'code', type: 'string' }],
    },
    {
      code: '430000-GA-00003', name: 'Case files', provider: '430000-GA', graphql: graphql('Case'), key: 'no',
      share: { type: 'conditional', methods: ['download'] }, items: [{ name: 'no', type: 'string' }],
    },
  ],
}];
const ctx = { platform, catalogues };
const NOW = new Date('2026-06-15T02:00:00Z'); // 10:00 in Changsha

const input = (over: Partial<GrantInput> = {}): GrantInput => ({
  requester: '430000-ZWB',
  resource: '430000-GA-00001',
  items: ['idNumber', 'birthDate'],
  purposes: ['social-assistance'],
  unmasked: ['idNumber'],
  until: '2026-12-31',
  createdBy: 'operator',
  ...over,
});

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'govgraph-grants-'));
  store = await openSqliteStore(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The problems addGrant refuses the input with, having written nothing. */
async function refused(over: Partial<GrantInput>) {
  const error = await addGrant(store, ctx, input(over), NOW).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(GrantInputError);
  expect(await store.count(GRANTS)).toBe(0);
  return (error as GrantInputError).problems;
}

describe('addGrant', () => {
  it('stores a grant in force from now and reads it back', async () => {
    const g = await addGrant(store, ctx, input({ items: ['idNumber', 'birthDate', 'idNumber'] }), NOW);
    expect(g).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      requester: '430000-ZWB',
      resource: '430000-GA-00001',
      items: ['idNumber', 'birthDate'],
      purposes: ['social-assistance'],
      unmasked: ['idNumber'],
      rows: null,
      from: '2026-06-15T02:00:00.000Z',
      until: '2026-12-31',
      revokedAt: null,
      revokedBy: null,
      createdAt: '2026-06-15T02:00:00.000Z',
      createdBy: 'operator',
      requestId: null,
      // The catalogues here were not read from a store: no version to record (item-since.ts then dates it).
      decidedOnCatalogue: null,
      decidedOnVersion: null,
      // Its resource's provider, kept for good (a code's provider never changes): the grants lists read by it.
      provider: '430000-GA',
    });
    expect(await listGrants(store)).toEqual([g]);
    expect(await activeGrantsFor(store, '430000-ZWB', NOW)).toEqual([g]);
  });

  it('a stored grant opens its items to the decision, unmasking what it lists', async () => {
    const grants = await activeGrantsFor(store, '430000-ZWB', NOW);
    const r = catalogues[0].resources[0];
    const zwb = platform.departments[1];
    const ask = (item: string) => decide({ requester: zwb, purpose: 'social-assistance', resource: r, item: effectiveItems(r).get(item)!, grants, now: NOW });
    expect(ask('idNumber')).toMatchObject({ code: 'GRANT_REQUIRED' });
    await addGrant(store, ctx, input({ items: ['idNumber', 'fullName'], unmasked: ['idNumber'] }), NOW);
    const now = await activeGrantsFor(store, '430000-ZWB', NOW);
    const askNow = (item: string) => decide({ requester: zwb, purpose: 'social-assistance', resource: r, item: effectiveItems(r).get(item)!, grants: now, now: NOW });
    expect([askNow('idNumber'), askNow('fullName'), askNow('birthDate')]).toEqual([
      { allowed: true, mask: null },
      { allowed: true, mask: 'name' },
      expect.objectContaining({ allowed: false, code: 'GRANT_REQUIRED' }),
    ]);
  });

  it('no end date is allowed; today is a valid last day', async () => {
    expect((await addGrant(store, ctx, input({ until: null }), NOW)).until).toBe(null);
    expect((await addGrant(store, ctx, input({ until: '2026-06-15' }), NOW)).until).toBe('2026-06-15');
  });

  it('refuses an unknown requester and resource', async () => {
    expect(await refused({ requester: '990000-XX', resource: '430000-GA-09999' })).toEqual([
      { path: 'requester', message: 'No department "990000-XX" on the platform.' },
      { path: 'resource', message: 'No published resource "430000-GA-09999".' },
    ]);
  });

  it('reads the resource code in any case, as requestSharing does, and stores it as published', async () => {
    // Codes ignore case (src/catalogue/codes.ts): `grant add --resource 430000-ga-00001` was refused as
    // "No published resource", and a grant stored under that spelling would never match the rules.
    const g = await addGrant(store, ctx, input({ resource: ' 430000-ga-00001' }), NOW);
    expect(g.resource).toBe('430000-GA-00001');
    expect((await listGrants(store, { resource: '430000-GA-00001' })).map((x) => x.id)).toEqual([g.id]);
  });

  it('reads a listed department\'s code in another case as that department\'s, and stores it as listed', async () => {
    // `grant add --requester 430000-zwb` was refused as "No department" while the resource's code was read
    // in any case; stored as typed it would never match the department's tokens.
    expect(await refused({ requester: '430000-zwb-x' })).toEqual([{ path: 'requester', message: 'No department "430000-zwb-x" on the platform.' }]);
    const g = await addGrant(store, ctx, input({ requester: ' 430000-zwb' }), NOW);
    expect(g.requester).toBe('430000-ZWB');
    expect((await activeGrantsFor(store, '430000-ZWB', NOW)).map((x) => x.id)).toEqual([g.id]);
  });

  it('refuses a resource that is not conditional', async () => {
    expect(await refused({ resource: '430000-GA-00002', items: ['code'], unmasked: [], purposes: ['tax-collection'] })).toEqual([
      { path: 'resource', message: '430000-GA-00002 (Police stations) is shared unconditionally; grants are only for conditional resources.' },
    ]);
  });

  it('refuses unknown items, items not shared, and unmasked items not granted', async () => {
    expect(await refused({ items: ['idNumber', 'spouse', 'internalNote', 'archiveRef'], unmasked: ['fullName'] })).toEqual([
      { path: 'items[1]', message: '430000-GA-00001 has no item "spouse"; its items are: idNumber, fullName, birthDate, internalNote, archiveRef.' },
      { path: 'items[2]', message: 'Item `internalNote` of 430000-GA-00001 (Household registration) is not shared; only its provider 430000-GA can read it. A grant cannot open it.' },
      { path: 'items[3]', message: expect.stringMatching(/^Item `archiveRef` of 430000-GA-00001 .* A grant cannot open it\.$/) },
      { path: 'unmasked[0]', message: '"fullName" is not among the granted items (idNumber, spouse, internalNote, archiveRef); only a granted item can be unmasked.' },
    ]);
    expect(await refused({ items: [], unmasked: [] })).toEqual([{ path: 'items', message: 'List at least one item.' }]);
    // A slip of case: the granted item meant.
    expect(await refused({ items: ['idNumber', 'fullName'], unmasked: ['fullname'] })).toEqual([
      { path: 'unmasked[0]', message: '"fullname" is not among the granted items (idNumber, fullName); only a granted item can be unmasked: did you mean "fullName"?' },
    ]);
  });

  it('refuses to unmask a granted item that has no mask, saying it is read in clear once granted', async () => {
    expect(await refused({ items: ['idNumber', 'birthDate'], unmasked: ['idNumber', 'birthDate'] })).toEqual([
      { path: 'unmasked[1]', message: 'Item `birthDate` of 430000-GA-00001 has no mask: it is read in clear once granted; leave it out of unmasked.' },
    ]);
  });

  it('refuses purposes outside the vocabulary or the scope of use', async () => {
    expect(await refused({ purposes: ['fishing', 'tax-collection'] })).toEqual([
      { path: 'purposes[0]', message: 'Unknown purpose "fishing"; valid codes: administrative-licensing, social-assistance, tax-collection.' },
      { path: 'purposes[1]', message: 'tax-collection is outside the scope of use of 430000-GA-00001 (administrative-licensing, social-assistance).' },
    ]);
    expect(await refused({ purposes: [] })).toEqual([{ path: 'purposes', message: 'List at least one purpose.' }]);
  });

  it('refuses a requester outside the scope, the provider, and a resource not offered through the API', async () => {
    expect(await refused({ requester: '430200-MZ' })).toEqual([{
      path: 'requester',
      message: '430000-GA-00001 (Household registration) is shared only with departments 430000-*; department 430200-MZ (city) is outside that scope.',
    }]);
    expect(await refused({ requester: '430000-GA' })).toEqual([
      { path: 'requester', message: '430000-GA provides 430000-GA-00001; its provider needs no grant.' },
    ]);
    expect(await refused({ resource: '430000-GA-00003', items: ['no'], unmasked: [], purposes: ['tax-collection'] })).toEqual([{
      path: 'requester',
      message: '430000-GA-00003 (Case files) is shared by download, not through the API; ask its provider 430000-GA for it by one of those methods.',
    }]);
  });

  it('refuses an end date that is not a date or has passed (on the platform calendar)', async () => {
    expect(await refused({ until: '2026-02-30' })).toEqual([{ path: 'until', message: '"2026-02-30" is not a date; write YYYY-MM-DD.' }]);
    expect(await refused({ until: 'tomorrow' })).toEqual([{ path: 'until', message: '"tomorrow" is not a date; write YYYY-MM-DD.' }]);
    expect(await refused({ until: '2026-06-14' })).toEqual([{ path: 'until', message: '2026-06-14 has passed; give a date from today (2026-06-15) on.' }]);
  });
});

describe('listing, revoking, expiry', () => {
  it('lists by requester, resource and activity', async () => {
    const a = await addGrant(store, ctx, input(), NOW);
    const b = await addGrant(store, ctx, input({ until: '2026-06-20' }), new Date(NOW.getTime() + 1000));
    await revokeGrant(store, a.id, 'operator', new Date(NOW.getTime() + 2000));
    expect((await listGrants(store)).map((g) => g.id)).toEqual([a.id, b.id]);
    expect((await listGrants(store, { active: true, now: new Date(NOW.getTime() + 3000) })).map((g) => g.id)).toEqual([b.id]);
    expect(await listGrants(store, { active: true, now: NOW })).toEqual([]); // b is not yet in force
    expect(await listGrants(store, { active: true, now: new Date('2026-06-21T00:00:00Z') })).toEqual([]);
    expect(await listGrants(store, { requester: '430200-MZ' })).toEqual([]);
    expect((await listGrants(store, { resource: '430000-GA-00001' })).length).toBe(2);
  });

  it('a revoked grant stops working on the next read; revoking again changes nothing', async () => {
    const g = await addGrant(store, ctx, input(), NOW);
    const later = new Date('2026-07-01T00:00:00Z');
    const revoked = await revokeGrant(store, g.id, 'approver.wang', later);
    expect(revoked).toEqual({ ...g, revokedAt: '2026-07-01T00:00:00.000Z', revokedBy: 'approver.wang' });
    expect(await activeGrantsFor(store, '430000-ZWB', later)).toEqual([]);
    expect(await revokeGrant(store, g.id, 'someone.else', new Date('2026-08-01T00:00:00Z'))).toEqual(revoked);
  });

  it('an expired grant is not active after its last day in Changsha', async () => {
    await addGrant(store, ctx, input({ until: '2026-06-20' }), NOW);
    expect(await activeGrantsFor(store, '430000-ZWB', new Date('2026-06-20T15:59:59Z'))).toHaveLength(1);
    expect(await activeGrantsFor(store, '430000-ZWB', new Date('2026-06-20T16:00:00Z'))).toEqual([]);
  });

  it('revoking an unknown id is NOT_FOUND', async () => {
    const error = await revokeGrant(store, 'nope', 'operator').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrantNotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No grant "nope"; `govgraph grant list` shows the grants.' });
  });
});

