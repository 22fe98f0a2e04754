// A token whose `nbf` is ahead of the gateway's clock (the issuing machine's clock ahead, or the gateway's
// behind) was answered "The token is invalid or expired; get a new one ...": a new one from the same clock
// is refused too, and the log's `not-yet-valid` was the operator's only clue. Now the answer says the token
// is not valid yet, from when, and to check the clocks; the code (UNAUTHENTICATED, 401, invalid_token) and
// the log's reason stay. A token that does not carry the gateway's signature is told nothing of its nbf.
// On a Chongqing platform of the test's own, over HTTP.
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_MESSAGE } from '../src/identity/verify.ts';
import { createLogger, loggingPlugin } from '../src/server/plugins/logging.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/chongqing-left/${p}`, import.meta.url));
const lines: Record<string, unknown>[] = [];
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('relief.yaml')],
    gateway: { plugins: [loggingPlugin(createLogger(lineSink((l) => lines.push(JSON.parse(l) as Record<string, unknown>)), 'info'))] },
  });
}, 60_000);
afterAll(() => gw?.close());

const nowS = () => Math.floor(Date.now() / 1000);

function signed(claims: Record<string, unknown>, secret: Uint8Array = gw.gateway.secret): Promise<string> {
  return new SignJWT({ sub: 'ran.qing', dept: '500000-MZJ', roles: [], iat: nowS(), exp: nowS() + 7200, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(secret);
}

/** Asks `{ me { department } }` with the token: the HTTP status, challenge, error, and the request's log line. */
async function asked(token: string) {
  const before = lines.length;
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { department } }' }),
  });
  const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  await expect.poll(() => lines.length).toBeGreaterThan(before);
  const line = lines.slice(before).find((l) => l.msg === 'graphql request refused')!;
  return { status: res.status, challenge: res.headers.get('www-authenticate'), error: body.errors?.[0], line };
}

describe('a token not valid yet (its nbf ahead of the gateway clock)', () => {
  it('is told so, with its nbf, how far ahead, and to check the clocks; UNAUTHENTICATED, logged not-yet-valid', async () => {
    const nbf = nowS() + 600;
    const token = await signed({ nbf });
    const { status, challenge, error, line } = await asked(token);
    expect({ status, challenge, code: error?.extensions?.code }).toEqual({ status: 401, challenge: 'Bearer error="invalid_token"', code: 'UNAUTHENTICATED' });
    expect(error?.message).toContain(`The token is not valid yet: its nbf (not before) is ${new Date(nbf * 1000).toISOString()}, 10 min ahead of this gateway's clock`);
    expect(error?.message).toContain('Check the clock of the machine that issued it');
    expect(error?.message).not.toBe(TOKEN_MESSAGE);
    expect(line).toMatchObject({ outcome: 'denied', codes: ['UNAUTHENTICATED'], reason: 'not-yet-valid' });
  });

  it('within the 30 s allowed for drifting clocks it is taken', async () => {
    const { status } = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signed({ nbf: nowS() + 10 })}` },
      body: JSON.stringify({ query: '{ me { department } }' }),
    });
    expect(status).toBe(200);
  });

  it('one signed with another secret gets the general message: nothing of its claims is said', async () => {
    const forged = await signed({ nbf: nowS() + 600 }, new TextEncoder().encode('not-the-chongqing-secret-of-32-bytes-or-more'));
    const { status, error, line } = await asked(forged);
    expect({ status, message: error?.message }).toEqual({ status: 401, message: TOKEN_MESSAGE });
    expect(line).toMatchObject({ reason: 'bad-signature' });
  });
});
