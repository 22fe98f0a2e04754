// The quality, demand and operations surfaces (SPEC §14, §15) tried by departments that may not see what
// they reach for, on a platform of its own (test/fixtures/yinchuan-ops: Yinchuan 640100 in Ningxia 640000).
// The one that worked: a request target whose dot segments (percent-encoded too) or backslashes the
// gateway resolved, so that `/.well-known/%2e%2e/metrics` passed a proxy's rule for `/.well-known/` and
// was answered as /metrics (http/request-target.ts). The rest held and are pinned: another department's
// demand, a record outside the rows, NOT_SHARED and GRANT_REQUIRED items objected to, supervisors' views
// asked by a department developer, refused tokens, and /metrics after requests that typed a key.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { signToken } from '../src/identity/token.ts';
import { importRecords } from '../src/records/import.ts';
import { AMBIGUOUS_TARGET_MESSAGE } from '../src/server/http/request-target.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/yinchuan-ops/${name}`, import.meta.url));
const HOUSEHOLDS = '640100-GAJ-001';
const XIXIA_ID = '640105198502023456'; // a Xixia (640105) household: outside Xingqing's rows
const XINGQING_ID = '640104199001011234';
const XINGQING = { dept: '640104-MZJ', roles: ['applicant' as const], purpose: 'relief-check' };
const SHIZUISHAN = '640200-MZJ';
const RAISE = 'mutation($i: ObjectionInput!) { raiseObjection(input: $i) { id } }';
const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

let gw: TestGateway;
let demandId: string;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('hr.yaml')] });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const resource = (code: string) => resources.find((r) => r.code === code)!;
  await importRecords(gw.store, resource(HOUSEHOLDS), fixture('households.jsonl'));
  await importRecords(gw.store, resource('640100-GAJ-002'), fixture('permits.jsonl'));
  await importRecords(gw.store, resource('640100-RSJ-001'), fixture('seekers.jsonl'));
  // Yinchuan's civil affairs bureau asks the police, in lower case, for data no catalogue offers.
  const filed = await gw.query('mutation($i: DemandInput!) { requestData(input: $i) { id provider } }', {
    dept: '640100-MZJ', roles: ['applicant'],
    variables: { i: { title: 'Marriage registrations', description: `Checking ${XINGQING_ID} for relief`, items: ['spouse'], purposes: ['relief-check'], provider: '640100-gaj' } },
  });
  expect(filed.data?.requestData.provider).toBe('640100-GAJ');
  demandId = filed.data!.requestData.id;
}, 60_000);
afterAll(() => gw?.close());

/** One GET with the target exactly as given (fetch and http.request(url) resolve its dot segments first). */
function rawGet(target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(gw.gateway.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: target, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

describe('/metrics behind a proxy that passes /graphql, /graphiql, /healthz and /.well-known/ by prefix', () => {
  it('is not reached through a dot segment, percent-encoded or not, a backslash, or two slashes before a passed prefix', async () => {
    for (const target of [
      '/.well-known/../metrics', '/.well-known/%2e%2e/metrics', '/healthz/%2E%2E/metrics', '/graphql/.%2e/metrics',
      '/graphiql/../metrics', '/.well-known/jwks.json/../../metrics', '/graphql\\..\\metrics', '/graphql/%2e%2e/readyz',
      // Two slashes first: a URL parser takes `graphql` for a host and `/metrics` for the path, while nginx
      // (merge_slashes) matches `location /graphql` and passes the target on as sent.
      '//graphql/metrics', '//.well-known/metrics', '//healthz/metrics', '/\\graphql/metrics',
    ]) {
      const answer = await rawGet(target);
      expect([target, answer.status]).toEqual([target, 400]);
      expect(answer.body).not.toContain('govgraph_');
      expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: AMBIGUOUS_TARGET_MESSAGE, extensions: { code: 'BAD_REQUEST' } }] });
    }
  });

  it('still answers the plain paths, and a query string holding dots', async () => {
    expect((await rawGet('/metrics')).body).toContain('govgraph_graphql_requests_total');
    expect(await rawGet('/healthz')).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect((await rawGet('/.well-known/jwks.json')).status).toBe(200);
    expect((await rawGet('/healthz?from=/../metrics')).status).toBe(200);
  });
});

describe("another department's demand", () => {
  it('is in none of the lists of a third department, by id neither, nor in its view of the log', async () => {
    const seen = await gw.query(`{ demands { id } one: demands(id: "${demandId}") { id } auditLog(first: 50) { totalCount } }`, { dept: SHIZUISHAN });
    expect(seen.data).toEqual({ demands: [], one: [], auditLog: { totalCount: 0 } });
  });

  it('answered by an approver of another department: refused without its title, justification or requester', async () => {
    const answer = await gw.query('mutation($i: DemandAnswerInput!) { answerDemand(input: $i) { id } }', {
      dept: '640100-RSJ', roles: ['approver'], variables: { i: { id: demandId, decision: 'CANNOT_SHARE', basis: 'None' } },
    });
    expect(codes(answer)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(answer)).not.toMatch(/Marriage|Checking|640100-MZJ|640104199/);
  });
});

describe('objections reaching past the access table', () => {
  const raise = (key: string, item: string, resource = HOUSEHOLDS) =>
    gw.query(RAISE, { ...XINGQING, variables: { i: { resource, key, item, reason: 'Wrong', proposedValue: '640104' } } });

  it('to a record outside the rows: answered as to a record that is not there', async () => {
    const outside = await raise(XIXIA_ID, 'division');
    const missing = await raise('640105198502029999', 'division');
    expect(codes(outside)).toEqual(['NOT_FOUND']);
    expect(outside.errors![0].message).toBe(missing.errors![0].message);
  });

  it('to a NOT_SHARED item or an item of a resource without a grant: the access code, whether or not the record exists', async () => {
    expect(codes(await raise(XINGQING_ID, 'address'))).toEqual(['NOT_SHARED']);
    const permit = await raise('YCP-0001', 'employer', '640100-gaj-002');
    const none = await raise('YCP-9999', 'employer', '640100-gaj-002');
    expect(codes(permit)).toEqual(['GRANT_REQUIRED']);
    expect(permit.errors![0].message).toBe(none.errors![0].message);
  });

  it("leaves the key typed out of the provider's view of the refusals", async () => {
    const log = await gw.query('{ auditLog(first: 50, filter: { action: "raiseObjection" }) { nodes { detail } } }', { dept: '640100-GAJ' });
    const text = JSON.stringify(log.data);
    expect(log.data!.auditLog.nodes.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/640105198502023456|640105198502029999|YCP-/);
  });
});

describe("supervisors' and providers' views asked by a department developer", () => {
  it('a supervisor role of a department other than the competent one opens neither the report nor the chain check', async () => {
    const asked = await gw.query('{ a: consistencyReport(element: "YC-NAME") { compared } }', { dept: '640100-GAJ', roles: ['supervisor'], purpose: 'relief-check' });
    expect(codes(asked)).toEqual(['FORBIDDEN']);
    expect(codes(await gw.query('{ verifyAuditChain { ok } }', { dept: '640100-GAJ', roles: ['supervisor'] }))).toEqual(['FORBIDDEN']);
  });

  it("the usage figures of a consumer hold none of the provider's resources, in any case of the code", async () => {
    const usage = await gw.query('{ usage(from: "2020-01-01", to: "2040-12-31", resource: "640100-gaj-001") { resources { resource } maskedProbes { department } } }', { dept: '640104-MZJ', roles: ['supervisor'] });
    expect(usage.data).toEqual({ usage: { resources: [], maskedProbes: [] } });
  });
});

describe('refused tokens', () => {
  it('an expired token and one signed with another secret read nothing and are told nothing of the platform', async () => {
    const expired = await signToken(gw.gateway.secret, { dept: '640000-DSJ', user: 'u', roles: ['supervisor'], ttl: '1h' }, new Date(Date.now() - 2 * 3600_000));
    const forged = await signToken(new TextEncoder().encode('x'.repeat(32)), { dept: '640000-DSJ', user: 'u', roles: ['supervisor'], ttl: '1h' });
    for (const token of [expired, forged, null]) {
      const r = await gw.query(`{ demands { id title } objections { id } usage(from: "2020-01-01", to: "2040-12-31") { resources { resource } } }`, { token });
      expect(r.data ?? null).toBeNull();
      expect(codes(r)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(r)).not.toMatch(/640100|Marriage/);
    }
  });
});

describe('/metrics after requests that typed a key', () => {
  it('holds no key, no department, no user and no demand title', async () => {
    await gw.query(`query { ycPolice { household(idNo: "${XINGQING_ID}") { division address } } }`, { dept: '640100-MZJ', purpose: 'relief-check' });
    const metrics = (await rawGet('/metrics')).body;
    expect(metrics).toContain('govgraph_denials_total{code="NOT_SHARED",resource="640100-GAJ-001"}');
    expect(metrics).not.toMatch(/6401041990|6401051985|640100-MZJ|640104-MZJ|640200-MZJ|tester|Marriage/);
  });
});
