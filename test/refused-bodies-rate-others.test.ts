// Requests refused before Apollo take their rate token (request-context.ts, refusedBodyRate): only a
// verified caller's. A body sent with no token, or a token not signed by this platform that names a
// department, must not take that department's tokens (else anyone could drain another department's
// bucket by naming it), each refused body takes one token (not one here and one in Apollo), and the
// refusal's audit entry records nothing of the body. On a platform of the tests' own (Sichuan).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { signToken } from '../src/identity/token.ts';
import { eq } from '../src/store/port.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { startSichuanGateway } from './helpers/sichuan.ts';

const HEALTH = '510000-WJW';
const NOT_JSON = '{"query":"query SecretName { __typename }", "operationName": "SecretName", "x": [1,';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startSichuanGateway({
    rates: true,
    limits: { rate: { perUser: null, perDepartment: { requests: 3, perMs: 60_000 }, perPlatform: null } },
  });
});
afterAll(() => gw?.close());

let n = 0;
async function post(authorization: string | undefined, body: string) {
  const requestId = `refused-others-${++n}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (authorization) headers.authorization = authorization;
  const res = await fetch(`${gw.gateway.url}/graphql`, { method: 'POST', headers, body });
  const json = (await res.json()) as { errors?: { extensions: Record<string, unknown> }[] };
  return { status: res.status, code: json.errors?.[0]?.extensions.code, requestId };
}

describe("refused bodies and another department's bucket", () => {
  it('bodies with no token or a forged one naming a department take none of its tokens', async () => {
    const forged = await signToken(new TextEncoder().encode('not-this-platforms-secret-0123456789-abcdef'), { dept: HEALTH, user: 'mallory', roles: [], ttl: '1h' });
    for (let i = 0; i < 6; i++) {
      // Refused as their callers are (401), never as a department past its rate.
      expect((await post(undefined, NOT_JSON)).status).toBe(401);
      expect((await post(`Bearer ${forged}`, NOT_JSON)).status).toBe(401);
    }
    // The department's three tokens are all there: one refused body of its own each, then its 429.
    const own = `Bearer ${await gw.token(HEALTH, [], 'nurse')}`;
    for (let i = 0; i < 3; i++) expect(await post(own, NOT_JSON)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const over = await post(own, NOT_JSON);
    expect(over).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Its audit entry names neither the operation nor a hash of the body that was refused.
    const [entry] = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', over.requestId) })).map(fromRow);
    expect(entry).toMatchObject({ outcome: 'refused', department: HEALTH });
    expect(JSON.stringify(entry)).not.toMatch(/SecretName|__typename/);
  });
});
