// Issue 8, point 3: masked values cannot be probed back through counts. `in` on a masked item takes at
// most maskedProbes.maxIn values, and every value compared with a masked item counts toward a quota per
// department and resource; the attacks of the issue (an `in` search on totalCount, an `eq` brute force)
// stop within the quota. The records are made here: nothing depends on the demo's data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { probeUsage, MASKED_PROBES } from '../src/limits/probes.ts';
import { DEFAULT_LIMITS } from '../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PROVIDER_RESOURCE = '430000-GA-00001';
const PROBER = '430000-MZ';
const UNMASKED = '430000-RST';
const BRUTE = '430100-MZ';
const PURPOSE = 'social-assistance';
const { maxIn, perHour } = DEFAULT_LIMITS.maskedProbes;

/** A valid ID number of region 430102 born on `date` (YYYYMMDD) with sequence `seq`. */
const idNumber = (date: string, seq: number): string => {
  const first17 = `430102${date}${String(seq).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
};

/** Every candidate an attacker who knows the region and the year tries, in order. */
function candidates(n: number): string[] {
  const out: string[] = [];
  for (let day = 0; out.length < n; day++) {
    const d = new Date(Date.UTC(1990, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    for (let seq = 0; seq < 10 && out.length < n; seq++) out.push(idNumber(d, seq));
  }
  return out;
}

const COUNT = 'query($f: HouseholdRegistrationFilter) { publicSecurity { householdRegistrations(filter: $f) { totalCount } } }';
const LOOKUP = 'query($id: String!) { publicSecurity { householdRegistration(idNumber: $id) { birthDate } } }';

describe('masked probes', () => {
  let gw: TestGateway;
  const pool = candidates(1000);
  const target = pool[pool.length - 1]; // the attacker's candidate order puts it last: the quota must stop first

  beforeAll(async () => {
    gw = await startTestGateway();
    const model = gw.gateway.holder.schema.model.byCode.get(PROVIDER_RESOURCE)!;
    await gw.store.insert(model.collection, [
      { idNumber: target, fullName: '张三', birthDate: '1990-03-14', regionCode: '430102' },
      { idNumber: idNumber('19800101', 1), fullName: '李四', birthDate: '1980-01-01', regionCode: '430102' },
    ]);
    const ctx = { platform: gw.platform, catalogues: gw.gateway.holder.schema.model.catalogues };
    for (const [requester, unmasked] of [[PROBER, []], [BRUTE, []], [UNMASKED, ['idNumber']]] as const) {
      await addGrant(gw.store, ctx, {
        requester, resource: PROVIDER_RESOURCE, items: ['idNumber', 'birthDate'], purposes: [PURPOSE], unmasked: [...unmasked], createdBy: 'test',
      });
    }
  });
  afterAll(() => gw?.close());

  const count = (dept: string, f: unknown) => gw.query(COUNT, { dept, purpose: PURPOSE, variables: { f } });

  it(`refuses an in of more than ${maxIn} values on a masked item, naming the limit, and counts nothing`, async () => {
    const res = await count(PROBER, { idNumber: { in: pool.slice(0, maxIn + 1) } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', resource: PROVIDER_RESOURCE, item: 'idNumber' });
    expect(res.errors?.[0].message).toContain(`at most ${maxIn} values (limits.maskedProbes.maxIn); this one has ${maxIn + 1}`);
    expect(res.data ?? null).toBeNull();
    expect(await gw.store.count(MASKED_PROBES)).toBe(0);
  });

  it('refuses an or of in lists that together pass the hour in one request', async () => {
    const chunks = Array.from({ length: Math.ceil((perHour + 1) / maxIn) }, (_, i) => ({ idNumber: { in: pool.slice(i * maxIn, (i + 1) * maxIn) } }));
    const res = await count(PROBER, { or: chunks });
    expect(res.status).toBe(429);
    expect(res.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('stops the in search on totalCount within the hourly quota, saying when it resets', async () => {
    let tried = 0;
    let found = false;
    let refusal: { message: string; extensions?: Record<string, any> } | undefined;
    for (let i = 0; i < pool.length && !refusal; i += maxIn) {
      const res = await count(PROBER, { idNumber: { in: pool.slice(i, i + maxIn) } });
      if (res.errors) refusal = res.errors[0];
      else {
        tried += maxIn;
        found ||= res.data?.publicSecurity.householdRegistrations.totalCount > 0;
      }
    }
    expect(found).toBe(false);
    expect(tried).toBeLessThanOrEqual(perHour);
    expect(refusal?.extensions).toMatchObject({ code: 'RATE_LIMITED', resource: PROVIDER_RESOURCE, quota: 'perHour' });
    expect(refusal?.message).toMatch(/the quota is 100 an hour and 500 a day \(limits.maskedProbes\)\..*Try again after \d{4}-\d\d-\d\dT\d\d:00:00Z/);
  });

  it('stops the eq brute force, by filter and by lookup, within the quota', async () => {
    let tried = 0;
    let refusal: { extensions?: Record<string, any> } | undefined;
    for (const id of pool) {
      const res = tried % 2
        ? await gw.query(LOOKUP, { dept: BRUTE, purpose: PURPOSE, variables: { id } })
        : await count(BRUTE, { idNumber: { eq: id } });
      if (res.errors) {
        refusal = res.errors[0];
        break;
      }
      tried++;
    }
    expect(tried).toBe(perHour);
    expect(refusal?.extensions).toMatchObject({ code: 'RATE_LIMITED', quota: 'perHour' });
  });

  it('refuses with HTTP 429 and Retry-After', async () => {
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(PROBER)}`, 'x-purpose': PURPOSE },
      body: JSON.stringify({ query: LOOKUP, variables: { id: target } }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    const eq = await count(PROBER, { idNumber: { eq: target } });
    expect(eq.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('counts nothing for a department whose grant unmasks the item, nor for filters on items that are not masked', async () => {
    for (const id of pool.slice(0, 5)) expect((await count(UNMASKED, { idNumber: { eq: id } })).errors).toBeUndefined();
    expect((await count(PROBER, { birthDate: { in: ['1990-03-14', '1980-01-01'] } })).data?.publicSecurity.householdRegistrations.totalCount).toBe(2);
    const probes = await probeUsage(gw.store, '2000-01-01', '2999-12-31');
    expect(probes.map((p) => p.department)).toEqual([PROBER, BRUTE].sort());
    expect(probes.find((p) => p.department === PROBER)).toMatchObject({ resource: PROVIDER_RESOURCE, values: perHour });
    expect(probes.find((p) => p.department === PROBER)?.refused).toBeGreaterThanOrEqual(3);
  });

  it('shows supervisors the probes and refusals in usage', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const res = await gw.query(`{ usage(from: "${today}", to: "${today}") { maskedProbes { department resource day values refused } } }`, {
      dept: gw.platform.platform.competentDepartment,
      roles: ['supervisor'],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.usage.maskedProbes).toContainEqual({ department: PROBER, resource: PROVIDER_RESOURCE, day: today, values: perHour, refused: 4 });
    // The provider sees the probes on its resource; another department sees none.
    const provider = await gw.query(`{ usage(from: "${today}", to: "${today}") { maskedProbes { department } } }`, { dept: '430000-GA' });
    expect(provider.data?.usage.maskedProbes).toHaveLength(2);
    const other = await gw.query(`{ usage(from: "${today}", to: "${today}") { maskedProbes { department } } }`, { dept: '430000-SCJG' });
    expect(other.data?.usage.maskedProbes).toEqual([]);
  });
});

// The figures of a filter written in the document (no variables) are kept with the document; which of
// its items are masked is the request's own: the same document is refused, counted or free by who sends it.
describe('masked probes, the filter written in the document', () => {
  let gw: TestGateway;
  const pool = candidates(maxIn + 1);
  beforeAll(async () => {
    gw = await startTestGateway();
    const ctx = { platform: gw.platform, catalogues: gw.gateway.holder.schema.model.catalogues };
    for (const [requester, unmasked] of [[PROBER, []], [UNMASKED, ['idNumber']]] as const) {
      await addGrant(gw.store, ctx, {
        requester, resource: PROVIDER_RESOURCE, items: ['idNumber', 'birthDate'], purposes: [PURPOSE], unmasked: [...unmasked], createdBy: 'test',
      });
    }
  });
  afterAll(() => gw?.close());

  const written = (filter: string) => `{ publicSecurity { householdRegistrations(filter: ${filter}) { totalCount } } }`;
  const values = async (dept: string) =>
    (await probeUsage(gw.store, '2000-01-01', '2999-12-31')).filter((p) => p.department === dept).reduce((n, p) => n + p.values, 0);

  it(`refuses an in of more than ${maxIn} values on a masked item on every request, and runs it for a department that sees the item`, async () => {
    const q = written(`{ idNumber: { in: [${pool.map((id) => JSON.stringify(id)).join(', ')}] } }`);
    for (let i = 0; i < 2; i++) {
      const res = await gw.query(q, { dept: PROBER, purpose: PURPOSE });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', resource: PROVIDER_RESOURCE, item: 'idNumber' });
      expect(res.errors?.[0].message).toBe(
        `householdRegistrations.filter.idNumber.in: idNumber of ${PROVIDER_RESOURCE} is masked for you, and in on a masked item takes at most ${maxIn} values (limits.maskedProbes.maxIn); this one has ${maxIn + 1}.`,
      );
    }
    const unmasked = await gw.query(q, { dept: UNMASKED, purpose: PURPOSE });
    expect(unmasked.errors).toBeUndefined();
    expect(unmasked.data?.publicSecurity.householdRegistrations.totalCount).toBe(0);
    expect(await gw.store.count(MASKED_PROBES)).toBe(0);
  });

  it('counts an eq on a masked item on every request, and nothing for a department that sees the item', async () => {
    const q = written(`{ or: [{ idNumber: { eq: ${JSON.stringify(pool[0])} } }, { idNumber: { in: [${JSON.stringify(pool[1])}, ${JSON.stringify(pool[2])}] } }] }`);
    for (let i = 0; i < 3; i++) expect((await gw.query(q, { dept: PROBER, purpose: PURPOSE })).errors).toBeUndefined();
    for (let i = 0; i < 3; i++) expect((await gw.query(q, { dept: UNMASKED, purpose: PURPOSE })).errors).toBeUndefined();
    expect(await values(PROBER)).toBe(9);
    expect(await values(UNMASKED)).toBe(0);
  });
});

// A link looks the linked resource up by its linked item with eq (docs/access-rules.md), so following it
// is a lookup by that item: when the item is masked for the reader, every value a link batch compares
// with it is a masked probe, on the same quota as a lookup's. The reader here provides the linking
// resource (it holds the ID numbers in clear on its side, 430000-MZ-00001 `recipient`) and tries to
// confirm which of its candidates the household register holds, a page of links at a time.
describe('masked probes through a link to a masked item', () => {
  let gw: TestGateway;
  const LINKING = '430000-MZ-00001';
  const pool = candidates(2 * perHour);
  const target = pool[pool.length - 1];
  const PAGE = `query($first: Int, $after: String) { civilAffairs { minimumLivingAllowances(first: $first, after: $after) {
    nodes { caseNo recipient { birthDate } } pageInfo { hasNextPage endCursor } } } }`;
  const BENEFITS = `{ humanResources { unemploymentBenefits(first: ${2 * perHour}) { nodes { claimNo claimant { birthDate } } } } }`;
  const values = async (dept: string) =>
    (await probeUsage(gw.store, '2000-01-01', '2999-12-31')).filter((p) => p.department === dept && p.resource === PROVIDER_RESOURCE).reduce((n, p) => n + p.values, 0);

  beforeAll(async () => {
    gw = await startTestGateway();
    const model = (code: string) => gw.gateway.holder.schema.model.byCode.get(code)!;
    await gw.store.insert(model(PROVIDER_RESOURCE).collection, [
      { idNumber: target, fullName: '张三', birthDate: '1990-03-14', regionCode: '430102' },
    ]);
    // The reader's own records, one candidate each, in the attacker's order (the real one last).
    await gw.store.insert(model(LINKING).collection, pool.map((idNumber, i) => ({
      caseNo: `DB${String(i).padStart(14, '0')}`, idNumber, category: 'urban', householdSize: 1, approvedOn: '2026-01-01', status: 'active',
    })));
    await gw.store.insert(model('430000-RST-00002').collection, pool.map((idNumber, i) => ({
      claimNo: `SY${String(i).padStart(12, '0')}`, idNumber, startDate: '2026-01-01', status: 'paying',
    })));
    const ctx = { platform: gw.platform, catalogues: gw.gateway.holder.schema.model.catalogues };
    for (const [requester, unmasked] of [[PROBER, []], [UNMASKED, ['idNumber']]] as const) {
      await addGrant(gw.store, ctx, {
        requester, resource: PROVIDER_RESOURCE, items: ['idNumber', 'birthDate'], purposes: [PURPOSE], unmasked: [...unmasked], createdBy: 'test',
      });
    }
  });
  afterAll(() => gw?.close());

  it('counts each value a link batch looks up by the masked item, and refuses the link past the quota as a lookup', async () => {
    const page = (variables: Record<string, unknown>) => gw.query(PAGE, { dept: PROBER, purpose: PURPOSE, variables });
    const first = await page({ first: 20 });
    expect(first.errors).toBeUndefined();
    expect(first.data?.civilAffairs.minimumLivingAllowances.nodes).toHaveLength(20);
    expect(await values(PROBER)).toBe(20);
    // Page on until the quota stops the links: the candidate the register holds is never reached.
    let after = first.data?.civilAffairs.minimumLivingAllowances.pageInfo.endCursor;
    let linked = 20;
    let refused: Awaited<ReturnType<typeof page>> | undefined;
    while (after && !refused) {
      const res = await page({ first: 20, after });
      const conn = res.data?.civilAffairs.minimumLivingAllowances;
      expect(conn.nodes).toHaveLength(20);
      if (res.errors) refused = res;
      else linked += 20;
      after = conn.pageInfo.endCursor;
    }
    expect(linked).toBe(perHour);
    expect(await values(PROBER)).toBe(perHour);
    // The refusal is the lookup's: RATE_LIMITED (HTTP 429, Retry-After), once, on the link; the page stands.
    expect(refused!.status).toBe(429);
    expect(refused!.errors).toHaveLength(1);
    expect(refused!.errors![0]).toMatchObject({
      path: ['civilAffairs', 'minimumLivingAllowances', 'nodes', 0, 'recipient'],
      extensions: { code: 'RATE_LIMITED', resource: PROVIDER_RESOURCE, quota: 'perHour' },
    });
    expect(refused!.errors![0].message).toMatch(/the quota is 100 an hour and 500 a day \(limits\.maskedProbes\)\./);
    expect(refused!.data?.civilAffairs.minimumLivingAllowances.nodes.every((n: { caseNo: string; recipient: unknown }) => n.caseNo && n.recipient === null)).toBe(true);
    // One quota for both ways of looking up: a lookup by the masked key is refused too.
    const lookup = await gw.query(LOOKUP, { dept: PROBER, purpose: PURPOSE, variables: { id: target } });
    expect(lookup.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', resource: PROVIDER_RESOURCE });
  });

  it('refuses a batch of more values than the quota whole, reading nothing of the linked resource', async () => {
    // Another department, granted the linking resource with its ID numbers in clear.
    const ctx = { platform: gw.platform, catalogues: gw.gateway.holder.schema.model.catalogues };
    await addGrant(gw.store, ctx, { requester: BRUTE, resource: PROVIDER_RESOURCE, items: ['idNumber', 'birthDate'], purposes: [PURPOSE], createdBy: 'test' });
    await addGrant(gw.store, ctx, { requester: BRUTE, resource: LINKING, items: ['caseNo', 'idNumber'], purposes: [PURPOSE], unmasked: ['idNumber'], createdBy: 'test' });
    const all = await gw.query(PAGE, { dept: BRUTE, purpose: PURPOSE, variables: { first: 2 * perHour } });
    expect(all.status).toBe(429);
    expect(all.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    const nodes = all.data?.civilAffairs.minimumLivingAllowances.nodes as { recipient: unknown }[];
    expect(nodes).toHaveLength(2 * perHour);
    expect(nodes.filter((n) => n.recipient !== null)).toEqual([]);
    expect(await values(BRUTE)).toBe(0);
  });

  it('counts nothing for a department whose grant unmasks the linked item', async () => {
    const res = await gw.query(BENEFITS, { dept: UNMASKED, purpose: PURPOSE });
    expect(res.errors).toBeUndefined();
    const linked = (res.data?.humanResources.unemploymentBenefits.nodes as { claimant: unknown }[]).filter((n) => n.claimant !== null);
    expect(linked).toEqual([{ claimNo: `SY${String(pool.length - 1).padStart(12, '0')}`, claimant: { birthDate: '1990-03-14' } }]);
    expect(await values(UNMASKED)).toBe(0);
  });
});
