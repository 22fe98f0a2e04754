// A gateway whose tokens come from an identity provider (GOVGRAPH_JWKS_URL) that does not answer. The
// request got `500 INTERNAL_SERVER_ERROR "Internal server error."`, a code SPEC §8 does not have, and the
// log an `unexpected error` naming only `KeySetUnavailableError`: the operator could not tell that the
// provider's key set was unreachable, nor why. Now the client gets 503 PLATFORM_UNAVAILABLE with
// Retry-After, and the log the reason (the URL without credentials or query, and the connection's code).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guizhouFixture as fixture } from './helpers/guizhou.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
let jwksUrl: string;
const logged: unknown[] = [];

beforeAll(async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/keys/jwks.json`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('police.yaml')],
    gateway: { jwksUrl: `${jwksUrl}?api_key=k3y`, log: (err) => logged.push(err) },
  });
}, 60_000);

afterAll(async () => gw?.close());

describe('an identity provider whose keys cannot be fetched', () => {
  it('is the platform\'s unavailability for the client (503, Retry-After), and the reason for the operator', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ dept: '520000-SWJ' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('li.wei').setExpirationTime('1h').sign(privateKey);
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { user } }' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toEqual([{ message: expect.stringMatching(/^Tokens signed by the identity provider cannot be checked now/), extensions: { code: 'PLATFORM_UNAVAILABLE' } }]);
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
    const reasons = logged.map((e) => ({ name: (e as Error).name, message: (e as Error).message, userFacing: (e as { userFacing?: boolean }).userFacing }));
    expect(reasons).toEqual([{
      name: 'KeySetUnavailableError',
      message: `cannot fetch the JSON Web Key Set of GOVGRAPH_JWKS_URL (${jwksUrl}): connect ECONNREFUSED ${new URL(jwksUrl).host}`,
      userFacing: true, // src/cli/serve.ts logs the message of such an error as its reason
    }]);
  });

  // SPEC §7: "keys from GOVGRAPH_JWKS_URL in production". The secret kept in the store is in every backup
  // of it: whoever read one could sign a token of any department and role, beside the provider's.
  it('a token signed with the secret kept in the store is refused: tokens come from the identity provider', async () => {
    const refused = await gw.query('{ me { user } }', { dept: '520000-SWJ' });
    expect(refused.status).toBe(401);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors).toEqual([{ message: expect.stringMatching(/get a new one from the identity provider/), extensions: { code: 'UNAUTHENTICATED' } }]);
  });
});

describe('an identity provider beside a secret the operator gives (GOVGRAPH_JWT_SECRET)', () => {
  it('checks HS256 tokens with that secret, and the provider\'s with its keys', async () => {
    const saved = process.env.GOVGRAPH_JWT_SECRET; // put back after: other files may run in this process (isolate: false)
    process.env.GOVGRAPH_JWT_SECRET = 'an-operator-secret-of-at-least-32-bytes!';
    let both: TestGateway | undefined;
    try {
      both = await startTestGateway({
        platformFile: fixture('platform.yaml'),
        catalogueFiles: [fixture('police.yaml')],
        gateway: { jwksUrl, log: () => {} },
      });
      expect(await both.query('{ me { user } }', { dept: '520000-SWJ' })).toMatchObject({ status: 200, data: { me: { user: 'tester' } } });
    } finally {
      if (saved === undefined) delete process.env.GOVGRAPH_JWT_SECRET;
      else process.env.GOVGRAPH_JWT_SECRET = saved;
      await both?.close();
    }
  });
});
