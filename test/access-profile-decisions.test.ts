// Access decisions kept per access profile (issue 10): requests with the same department, purpose and
// active grants share them; anything else that decides (another level or region under the same code,
// another grant, a republished resource) gets its own.
import { describe, expect, it } from 'vitest';
import { accessProfile, createAccessContext, profileDecisions } from '../src/access/context.ts';
import type { Grant } from '../src/access/grant-model.ts';
import type { Resource } from '../src/model/catalogue.ts';
import type { Department } from '../src/model/platform.ts';

const MZ: Department = { code: '430000-MZ', name: 'Civil Affairs', graphqlName: 'civilAffairs', level: 'province', region: '430000' };
const GA: Department = { code: '430000-GA', name: 'Public Security', graphqlName: 'publicSecurity', level: 'province', region: '430000' };
const NOW = new Date('2026-06-15T10:00:00Z');

const conditional = (purposes: string[]): Resource => ({
  code: '430000-GA-00001',
  name: 'Household registration',
  provider: '430000-GA',
  graphql: { type: 'HouseholdRegistration', list: 'householdRegistrations', byKey: 'householdRegistration' },
  key: 'idNumber',
  share: { type: 'conditional', methods: ['api'], scope: { purposes } },
  items: [{ name: 'idNumber', type: 'string', sensitivity: 'personal', mask: 'idcard' }, { name: 'address', type: 'string' }],
});

const grant = (id: string, over: Partial<Grant> = {}): Grant => ({
  id, requester: MZ.code, resource: '430000-GA-00001', items: ['idNumber', 'address'], purposes: ['social-assistance'], unmasked: [],
  from: '2026-01-01T00:00:00Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-01-01T00:00:00Z', createdBy: 'x', requestId: null, ...over,
});

describe('access decisions per profile', () => {
  const resource = conditional(['social-assistance']);
  const model = { resource, provider: GA };

  it('are shared by requests of one profile, while each request records only what it took', () => {
    const shared = profileDecisions();
    const q = { requester: MZ, purpose: 'social-assistance', grants: [grant('g1')], now: NOW };
    const first = createAccessContext(q, shared);
    const d = first.item(model, 'address');
    expect(d.allowed).toBe(true);
    const second = createAccessContext({ ...q, now: new Date(NOW.getTime() + 1000) }, shared);
    expect(second.taken().size).toBe(0);
    expect(second.peekItem(model, 'address')).toBe(d); // the same decision object: not taken again
    expect(second.taken().size).toBe(0);
    expect(second.item(model, 'address')).toBe(d);
    expect([...second.taken().get(resource.code)!.keys()]).toEqual(['address']);
  });

  it('are not shared across profiles: another grant set, purpose, level or region makes another profile', () => {
    const base = { requester: MZ, purpose: 'social-assistance', grants: [grant('g1')] };
    const key = accessProfile(base);
    expect(accessProfile({ ...base, grants: [] })).not.toBe(key);
    expect(accessProfile({ ...base, grants: [grant('g1'), grant('g2')] })).not.toBe(key);
    expect(accessProfile({ ...base, grants: [grant('g2'), grant('g1')] })).toBe(accessProfile({ ...base, grants: [grant('g1'), grant('g2')] }));
    expect(accessProfile({ ...base, purpose: 'public-credit' })).not.toBe(key);
    expect(accessProfile({ ...base, purpose: null })).not.toBe(key);
    expect(accessProfile({ ...base, requester: { ...MZ, level: 'city' } })).not.toBe(key);
    expect(accessProfile({ ...base, requester: { ...MZ, region: '430100' } })).not.toBe(key);
    // Without the grant the same department is refused: the allowed decision of the other profile is not reused.
    const withGrant = createAccessContext({ ...base, now: NOW }, profileDecisions());
    expect(withGrant.item(model, 'address').allowed).toBe(true);
    const without = createAccessContext({ ...base, grants: [], now: NOW }, profileDecisions());
    expect(without.item(model, 'address')).toMatchObject({ allowed: false, code: 'GRANT_REQUIRED' });
  });

  it('start afresh for a republished resource (a new object under the same code)', () => {
    const shared = profileDecisions();
    const q = { requester: MZ, purpose: 'social-assistance', grants: [grant('g1')], now: NOW };
    expect(createAccessContext(q, shared).item(model, 'address').allowed).toBe(true);
    const narrowed = { resource: conditional(['public-credit']), provider: GA };
    expect(createAccessContext(q, shared).item(narrowed, 'address')).toMatchObject({ allowed: false, code: 'PURPOSE_OUT_OF_SCOPE' });
    expect(createAccessContext(q, shared).resource(narrowed).allowed).toBe(false);
  });
});
