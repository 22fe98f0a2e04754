// A 401 answer names the scheme to send (RFC 9110 §11.6.1: a 401 MUST carry WWW-Authenticate; RFC 6750
// §3 for Bearer tokens). Without it, HTTP clients that retry with credentials on a challenge, and proxies
// that pass a 401 on, were told nothing but the status. The challenge does not say which check failed.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_PATH } from '../src/federation/connected.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { yunnanFixture } from './helpers/yunnan-folder.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: yunnanFixture('platform.yaml'), catalogueFiles: [yunnanFixture('police.yaml')] });
}, 60_000);
afterAll(() => gw?.close());

/** A token signed with the gateway's secret with these claims (and its own header). */
function signed(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'he.wei', iat: now, exp: now + 600, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(gw.gateway.secret);
}

async function challengeOf(authorization: string | null, method: 'GET' | 'POST' = 'POST') {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'apollo-require-preflight': '1' };
  if (authorization !== null) headers.authorization = authorization;
  const res =
    method === 'POST'
      ? await fetch(`${gw.gateway.url}/graphql`, { method, headers, body: JSON.stringify({ query: '{ me { department } }' }) })
      : await fetch(`${gw.gateway.url}/graphql?query=${encodeURIComponent('{ me { department } }')}`, { headers });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code, challenge: res.headers.get('www-authenticate') };
}

describe('WWW-Authenticate on a refused token', () => {
  it('no Authorization header: Bearer, without an error (RFC 6750 §3.1), by POST and by GET', async () => {
    expect(await challengeOf(null)).toEqual({ status: 401, code: 'UNAUTHENTICATED', challenge: 'Bearer' });
    expect(await challengeOf(null, 'GET')).toEqual({ status: 401, code: 'UNAUTHENTICATED', challenge: 'Bearer' });
  });

  it('a header that is not one Bearer token: invalid_request', async () => {
    expect(await challengeOf('Basic dXNlcjpwYXNz')).toEqual({ status: 401, code: 'UNAUTHENTICATED', challenge: 'Bearer error="invalid_request"' });
    expect(await challengeOf('Bearer not-a-jwt')).toEqual({ status: 401, code: 'UNAUTHENTICATED', challenge: 'Bearer error="invalid_request"' });
  });

  for (const [name, claims] of [
    ['expired', { dept: '530000-GAT', exp: Math.floor(Date.now() / 1000) - 3600 }],
    ['a department the platform does not list', { dept: '530000-gat' }],
    ['roles as a string', { dept: '530000-GAT', roles: 'applicant' }],
  ] as const) {
    it(`${name}: invalid_token`, async () => {
      expect(await challengeOf(`Bearer ${await signed(claims)}`)).toEqual({ status: 401, code: 'UNAUTHENTICATED', challenge: 'Bearer error="invalid_token"' });
    });
  }

  it('a token signed with another secret: invalid_token', async () => {
    const forged = await new SignJWT({ sub: 'he.wei', dept: '530000-GAT', exp: Math.floor(Date.now() / 1000) + 600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'));
    expect(await challengeOf(`Bearer ${forged}`)).toEqual({ status: 401, code: 'UNAUTHENTICATED', challenge: 'Bearer error="invalid_token"' });
  });

  it("the data schema connected platforms ask for, asked with a department's token: invalid_token", async () => {
    const res = await fetch(`${gw.gateway.url}${SCHEMA_PATH}`, { headers: { authorization: `Bearer ${await gw.token('530000-GAT')}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('an answered request has no challenge', async () => {
    expect(await challengeOf(`Bearer ${await gw.token('530000-GAT')}`)).toEqual({ status: 200, code: undefined, challenge: null });
  });
});
