import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, base64url, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { AuthenticationError, BadUserInputError, KeySetUnavailableError } from '../src/identity/errors.ts';
import { parsePurpose } from '../src/identity/purpose.ts';
import { ROLES } from '../src/identity/roles.ts';
import { JWT_SECRET_KEY, SETTINGS, platformSecret, storedSecret } from '../src/identity/secret.ts';
import { parseTtl, signToken } from '../src/identity/token.ts';
import { FETCH_RETRY_MS, MAX_PROVIDER_JWKS_BYTES } from '../src/identity/provider-key-set.ts';
import { BOTH_TOKEN_MESSAGE, HEADER_MESSAGE, KEY_SET_TOKEN_MESSAGE, TOKEN_MESSAGE, createVerifier } from '../src/identity/verify.ts';
import type { Platform } from '../src/model/platform.ts';
import type { Store } from '../src/store/port.ts';
import { SQLITE_FILE, openSqliteStore } from '../src/store/sqlite.ts';
import Database from 'better-sqlite3';

const platform: Platform = {
  platform: { region: '430000', level: 'province', name: 'Hunan', competentDepartment: '430000-ZWB', holidays: [] },
  purposes: [
    { code: 'administrative-licensing', name: 'Administrative licensing review' },
    { code: 'social-assistance', name: 'Social assistance eligibility' },
  ],
  departments: [
    { code: '430000-GA', name: 'Public Security Department', graphqlName: 'publicSecurity', level: 'province', region: '430000' },
    { code: '430000-ZWB', name: 'Administrative Service Bureau', graphqlName: 'adminService', level: 'province', region: '430000' },
  ],
  connected: [],
};
const GA = platform.departments[0];

const secret = new TextEncoder().encode('a-test-secret-of-more-than-32-bytes!!');
const otherSecret = new TextEncoder().encode('another-secret-of-more-than-32-bytes!');
const hs = createVerifier({ secret, platform });
const now = () => Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>, opts: { key?: Uint8Array | CryptoKey; alg?: string; kid?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', ...(opts.kid ? { kid: opts.kid } : {}) })
    .sign(opts.key ?? secret);
}
const good = { sub: 'li.wei', dept: '430000-GA', roles: ['compiler'], exp: now() + 3600 };

/** The AuthenticationError `verify` throws, with what a client sees and why. */
async function refusal(verify: Promise<unknown>) {
  const error = await verify.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthenticationError);
  const e = error as AuthenticationError;
  return { code: e.code, message: e.message, reason: e.reason };
}

describe('bearer tokens with the platform secret', () => {
  it('a valid token names the user, the department and the known roles', async () => {
    const token = await sign({ ...good, roles: ['compiler', 'approver', 'root', 'compiler'] });
    expect(await hs.verify(`Bearer ${token}`)).toEqual({ user: 'li.wei', dept: GA, roles: ['compiler', 'approver'], otherRoles: ['root'] });
    expect(await hs.verify(`bearer  ${token} `)).toMatchObject({ user: 'li.wei' });
  });

  it('unknown roles are kept apart, a few and cut short, for a refusal to name', async () => {
    const token = await sign({ ...good, roles: ['APPLICANT', 'Compiler', 'APPLICANT', 'x'.repeat(100), 'a', 'b', 'c', 'd'] });
    expect(await hs.verify(`Bearer ${token}`)).toEqual({
      user: 'li.wei',
      dept: GA,
      roles: [],
      otherRoles: ['APPLICANT', 'Compiler', `${'x'.repeat(32)}…`, 'a', 'b'],
    });
    // Cut short without half of a surrogate pair.
    const emoji = await sign({ ...good, roles: [`${'z'.repeat(31)}😀😀`] });
    expect(await hs.verify(`Bearer ${emoji}`)).toMatchObject({ otherRoles: [`${'z'.repeat(31)}…`] });
  });

  it('roles may be absent', async () => {
    const { roles: _roles, ...claims } = good;
    expect(await hs.verify(`Bearer ${await sign(claims)}`)).toEqual({ user: 'li.wei', dept: GA, roles: [] });
  });

  it.each([
    ['no header', undefined, 'missing-header'],
    ['an empty header', '  ', 'missing-header'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'malformed-header'],
    ['Bearer alone', 'Bearer', 'malformed-header'],
    ['not a JWT', 'Bearer not-a-jwt', 'malformed-header'],
    ['a token without the scheme', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'malformed-header'],
    ['an over-long header', 'Bearer ' + 'a'.repeat(20000) + '.b.c', 'malformed-header'],
  ])('%s: UNAUTHENTICATED, send a Bearer header', async (_name, header, reason) => {
    expect(await refusal(hs.verify(header))).toEqual({ code: 'UNAUTHENTICATED', message: HEADER_MESSAGE, reason });
  });

  const invalid = (reason: string) => ({ code: 'UNAUTHENTICATED', message: TOKEN_MESSAGE, reason });

  it('expired', async () => {
    const token = await signToken(secret, { dept: '430000-GA', user: 'u', roles: [], ttl: '1h' }, new Date(Date.now() - 2 * 3600_000));
    expect(await refusal(hs.verify(`Bearer ${token}`))).toEqual(invalid('expired'));
  });

  it('a token first seen up to 30 s past its exp is accepted (drifting clocks), one 31 s past it refused as expired', async () => {
    // operations.md: "A gateway accepts a token up to 30 s past its `exp`"; seen for the first time, not from the cache.
    expect(await hs.verify(`Bearer ${await sign({ ...good, exp: now() - 1 })}`)).toMatchObject({ user: 'li.wei' });
    expect(await hs.verify(`Bearer ${await sign({ ...good, exp: now() - 25 })}`)).toMatchObject({ user: 'li.wei' });
    expect(await refusal(hs.verify(`Bearer ${await sign({ ...good, exp: now() - 31 })}`))).toEqual(invalid('expired'));
  });

  it('not yet valid: said so, with its nbf and to check the clocks (the reason as before)', async () => {
    const nbf = now() + 3600;
    const token = await sign({ ...good, nbf });
    expect(await refusal(hs.verify(`Bearer ${token}`))).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'not-yet-valid',
      message: expect.stringMatching(new RegExp(`^The token is not valid yet: its nbf \\(not before\\) is ${new Date(nbf * 1000).toISOString().replace(/\./g, '\\.')}, 60 min ahead of this gateway's clock .*Check the clock of the machine that issued it`)),
    });
  });

  it('forged: the payload changed after signing', async () => {
    const [h, , s] = (await sign(good)).split('.');
    const payload = base64url.encode(JSON.stringify({ ...good, dept: '430000-ZWB', roles: ['supervisor'] }));
    expect(await refusal(hs.verify(`Bearer ${h}.${payload}.${s}`))).toEqual(invalid('bad-signature'));
  });

  it('alg none', async () => {
    const h = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const p = base64url.encode(JSON.stringify(good));
    expect(await refusal(hs.verify(`Bearer ${h}.${p}.`))).toEqual(invalid('algorithm-not-allowed'));
  });

  it('another HMAC algorithm', async () => {
    expect(await refusal(hs.verify(`Bearer ${await sign(good, { alg: 'HS512' })}`))).toEqual(invalid('algorithm-not-allowed'));
  });

  it('the wrong secret', async () => {
    expect(await refusal(hs.verify(`Bearer ${await sign(good, { key: otherSecret })}`))).toEqual(invalid('bad-signature'));
    // The usual causes: the secret rotated since the token was made, or `govgraph token` run on another data
    // folder (an exported GOVGRAPH_DATA_DIR), whose secret is not this gateway's. The message names both and
    // says where a token that works comes from.
    expect((await refusal(hs.verify(`Bearer ${await sign(good, { key: otherSecret })}`))).message).toBe(
      'The token is invalid or expired, or signed with a secret this gateway no longer accepts (the platform secret was rotated since it was made, or it was made for another data folder\'s store); get a new one with `govgraph token` run on this gateway\'s store (the same --data or --mongodb-uri, or GOVGRAPH_JWT_SECRET).',
    );
  });

  it('a malformed token header', async () => {
    expect(await refusal(hs.verify('Bearer e30.e30.c2ln'))).toEqual(invalid('malformed-token'));
  });

  it.each([
    ['exp', { sub: 'u', dept: '430000-GA' }],
    ['sub', { dept: '430000-GA', exp: now() + 60 }],
    ['dept', { sub: 'u', exp: now() + 60 }],
    ['an empty sub', { sub: '', dept: '430000-GA', exp: now() + 60 }],
    ['a blank sub (govgraph token refuses a blank --user)', { sub: ' \t ', dept: '430000-GA', exp: now() + 60 }],
    // trim() leaves these: a zero-width space, a Hangul filler, a byte order mark and a Braille blank show nothing.
    ['a sub of a zero-width space', { sub: '\u200b', dept: '430000-GA', exp: now() + 60 }],
    ['a sub of a Hangul filler', { sub: '\u3164', dept: '430000-GA', exp: now() + 60 }],
    ['a sub of a byte order mark and a Braille blank', { sub: '\ufeff\u2800 \u3000', dept: '430000-GA', exp: now() + 60 }],
  ])('missing %s', async (_name, claims) => {
    expect(await refusal(hs.verify(`Bearer ${await sign(claims)}`))).toEqual(invalid('missing-claims'));
  });

  it.each([
    ['a dept that is a list', { ...good, dept: ['430000-GA'] }],
    ['a dept that is a number', { ...good, dept: 430000 }],
    ['a dept that is null', { ...good, dept: null }],
  ])('%s is a claim of the wrong type: invalid, not missing-claims', async (_name, claims) => {
    expect(await refusal(hs.verify(`Bearer ${await sign(claims)}`))).toEqual(invalid('invalid'));
  });

  it('a sub holding a control character: invalid (a line break makes a second line of every listing that prints the user)', async () => {
    // And half of a surrogate pair: no character, which MongoDB's store cannot keep in the user's audit entries.
    for (const sub of ['clerk\nsupervisor', 'clerk\u001b[2J', 'clerk\u0085', 'clerk\ud800']) {
      expect(await refusal(hs.verify(`Bearer ${await sign({ ...good, sub })}`))).toEqual(invalid('invalid'));
    }
    expect((await hs.verify(`Bearer ${await sign({ ...good, sub: '王小明 (clerk)' })}`)).user).toBe('王小明 (clerk)');
  });

  it('roles that are not a list of strings', async () => {
    expect(await refusal(hs.verify(`Bearer ${await sign({ ...good, roles: 'supervisor' })}`))).toEqual(invalid('invalid'));
  });

  it('a department the platform does not have, said plainly (the signature is good: `govgraph token` would refuse it too)', async () => {
    const refused = await refusal(hs.verify(`Bearer ${await sign({ ...good, dept: '990000-XX' })}`));
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'unknown-department' });
    expect(refused.message).toBe(
      'The token\'s department "990000-XX" is not one of this platform\'s departments (its platform file does not list it, or no longer does): ask the platform\'s operator for a token of a listed department.',
    );
    // A long claim is quoted and cut.
    const long = await refusal(hs.verify(`Bearer ${await sign({ ...good, dept: `990000-${'X'.repeat(500)}` })}`));
    expect(long.message).toContain('"990000-XXXX');
    expect(long.message.length).toBeLessThan(300);
    // One holding a control or format character, or not in NFC, is no code (src/model/identifier-text.ts):
    // a bad token, its claim not repeated; `430000-G\u200bA` reads as 430000-GA.
    for (const dept of [`\u001b[2J${'X'.repeat(500)}`, '430000-G\u200bA', '\u202e430000-GA', '430000-GA\ufeff']) {
      expect(await refusal(hs.verify(`Bearer ${await sign({ ...good, dept })}`))).toEqual(invalid('invalid'));
    }
  });
});

describe('signToken', () => {
  it('signs sub, dept, roles, iat and exp = iat + ttl', async () => {
    const at = new Date();
    const token = await signToken(secret, { dept: '430000-ZWB', user: 'zhang', roles: ['auditor', 'supervisor'], ttl: '8h' }, at);
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1])));
    const iat = Math.floor(at.getTime() / 1000);
    expect(payload).toEqual({ sub: 'zhang', dept: '430000-ZWB', roles: ['auditor', 'supervisor'], iat, exp: iat + 8 * 3600 });
    expect(await hs.verify(`Bearer ${token}`)).toMatchObject({ user: 'zhang', roles: ['auditor', 'supervisor'] });
  });

  it('lifetimes', () => {
    expect([parseTtl('90s'), parseTtl('30m'), parseTtl('8h'), parseTtl('7d')]).toEqual([90, 1800, 28800, 604800]);
    for (const bad of ['', '8', 'h', '0h', '1.5h', '8 hours', '-1h', '400d']) expect(() => parseTtl(bad)).toThrow(RangeError);
  });

  it('roles are the five of the spec', () => {
    expect(ROLES).toEqual(['compiler', 'auditor', 'applicant', 'approver', 'supervisor']);
  });
});

describe('keys from a JWKS URL', () => {
  let server: Server;
  let url: string;
  let rsa: CryptoKey;
  let ec: CryptoKey;
  let stranger: CryptoKey;
  let rsaPublic: JWK;

  beforeAll(async () => {
    const r = await generateKeyPair('RS256', { extractable: true });
    const e = await generateKeyPair('ES256', { extractable: true });
    stranger = (await generateKeyPair('RS256')).privateKey;
    rsa = r.privateKey;
    ec = e.privateKey;
    rsaPublic = { ...(await exportJWK(r.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    const keys = [rsaPublic, { ...(await exportJWK(e.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }];
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts RS256 and ES256 tokens signed by a key of the set', async () => {
    const v = createVerifier({ jwksUrl: url, platform });
    expect(await v.verify(`Bearer ${await sign(good, { key: rsa, alg: 'RS256', kid: 'rsa-1' })}`))
      .toEqual({ user: 'li.wei', dept: GA, roles: ['compiler'] });
    expect(await v.verify(`Bearer ${await sign(good, { key: ec, alg: 'ES256', kid: 'ec-1' })}`)).toMatchObject({ user: 'li.wei' });
  });

  // WHATWG fetch refuses the ports a browser blocks (6665-6669, 5060, 10080, ...) as "bad port": a
  // provider's key set served on one was never fetched, and every provider token was refused (503).
  it('fetches a key set served on a port WHATWG fetch refuses', async (ctx) => {
    const blocked = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [rsaPublic] })));
    const listen = (port: number) => new Promise<boolean>((r) => {
      blocked.once('error', () => r(false));
      blocked.listen(port, '127.0.0.1', () => r(true));
    });
    const port = (await listen(6666)) ? 6666 : (await listen(6667)) ? 6667 : null;
    if (port === null) return ctx.skip(); // both taken on this machine: said as skipped, not passed
    try {
      const v = createVerifier({ jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, platform });
      expect(await v.verify(`Bearer ${await sign(good, { key: rsa, alg: 'RS256', kid: 'rsa-1' })}`)).toMatchObject({ user: 'li.wei' });
    } finally {
      await new Promise<void>((resolve) => blocked.close(() => resolve()));
    }
  });

  it('refuses a key not in the set, HS256 tokens, and HS256 signed with the public key', async () => {
    const v = createVerifier({ jwksUrl: url, platform });
    // `govgraph token` cannot make these tokens: the message sends the client to the identity provider.
    const invalid = (reason: string) => ({ code: 'UNAUTHENTICATED', message: KEY_SET_TOKEN_MESSAGE, reason });
    expect(await refusal(v.verify(`Bearer ${await sign(good, { key: stranger, alg: 'RS256', kid: 'rsa-1' })}`))).toEqual(invalid('bad-signature'));
    expect(await refusal(v.verify(`Bearer ${await sign(good, { key: stranger, alg: 'RS256', kid: 'other' })}`))).toEqual(invalid('bad-signature'));
    expect(await refusal(v.verify(`Bearer ${await sign(good)}`))).toEqual(invalid('algorithm-not-allowed'));
    const confused = await sign(good, { key: new TextEncoder().encode(JSON.stringify(rsaPublic)) });
    expect(await refusal(v.verify(`Bearer ${confused}`))).toEqual(invalid('algorithm-not-allowed'));
  });

  // A provider that also signs tokens for other systems: without these checks a token it made for one of
  // them, carrying a `dept` claim, got in. HS256 tokens (govgraph token's) name neither and are not held to them.
  it('with GOVGRAPH_JWT_ISSUER and GOVGRAPH_JWT_AUDIENCE, a provider token must name both', async () => {
    const v = createVerifier({ secret, jwksUrl: url, platform, provider: { issuer: 'https://idp.example.gov.cn', audience: 'govgraph' } });
    const rs = (claims: Record<string, unknown>) => sign(claims, { key: rsa, alg: 'RS256', kid: 'rsa-1' });
    const ours = { ...good, iss: 'https://idp.example.gov.cn', aud: 'govgraph' };
    expect(await v.verify(`Bearer ${await rs(ours)}`)).toMatchObject({ user: 'li.wei' });
    expect(await v.verify(`Bearer ${await rs({ ...ours, aud: ['mail', 'govgraph'] })}`)).toMatchObject({ user: 'li.wei' });
    const refused = (reason: string) => ({ code: 'UNAUTHENTICATED', message: BOTH_TOKEN_MESSAGE, reason });
    expect(await refusal(v.verify(`Bearer ${await rs({ ...ours, aud: 'mail' })}`))).toEqual(refused('wrong-audience'));
    expect(await refusal(v.verify(`Bearer ${await rs({ ...good, iss: 'https://idp.example.gov.cn' })}`))).toEqual(refused('wrong-audience'));
    expect(await refusal(v.verify(`Bearer ${await rs({ ...ours, iss: 'https://other.example' })}`))).toEqual(refused('wrong-issuer'));
    expect(await v.verify(`Bearer ${await sign(good)}`)).toMatchObject({ user: 'li.wei' });
  });

  it('with a secret and a key set, each algorithm goes to its own key', async () => {
    const v = createVerifier({ secret, jwksUrl: url, platform });
    expect(await v.verify(`Bearer ${await sign(good)}`)).toMatchObject({ user: 'li.wei' });
    expect(await v.verify(`Bearer ${await sign(good, { key: rsa, alg: 'RS256', kid: 'rsa-1' })}`)).toMatchObject({ user: 'li.wei' });
    // A refused token's holder is told both ways to a token: the general message sent it to `govgraph token`
    // "run on this gateway's store", which refuses to sign with the store's secret beside a provider.
    const expired = `Bearer ${await sign({ ...good, exp: now() - 3600 }, { key: rsa, alg: 'RS256', kid: 'rsa-1' })}`;
    expect(await refusal(v.verify(expired))).toEqual({ code: 'UNAUTHENTICATED', message: BOTH_TOKEN_MESSAGE, reason: 'expired' });
    expect(await refusal(v.verify(`Bearer ${await sign(good, { key: otherSecret })}`))).toEqual({ code: 'UNAUTHENTICATED', message: BOTH_TOKEN_MESSAGE, reason: 'bad-signature' });
  });

  // A token verified once was kept until its `exp`: a provider that removed the key (rotation, a leak)
  // still had its tokens accepted, for years with a long `exp`, while new tokens of the key were refused.
  it('a kept token whose key the provider no longer publishes is checked again, and refused', async () => {
    const old = await generateKeyPair('RS256', { extractable: true });
    const next = await generateKeyPair('ES256', { extractable: true });
    let published = [{ ...(await exportJWK(old.publicKey)), kid: 'old', alg: 'RS256' }];
    const rotating = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => rotating.listen(0, '127.0.0.1', resolve));
    try {
      const v = createVerifier({ jwksUrl: `http://127.0.0.1:${(rotating.address() as AddressInfo).port}/jwks.json`, platform, keySetTimes: { cooldownDuration: 0 } });
      const oldToken = `Bearer ${await sign({ ...good, exp: now() + 100 * 366 * 86400 }, { key: old.privateKey, alg: 'RS256', kid: 'old' })}`;
      expect(await v.verify(oldToken)).toMatchObject({ user: 'li.wei' });
      expect(v.known(oldToken)).toMatchObject({ user: 'li.wei' });
      // The provider rotates: the new key only. A token of it makes the gateway fetch the set again.
      published = [{ ...(await exportJWK(next.publicKey)), kid: 'next', alg: 'ES256' }];
      expect(await v.verify(`Bearer ${await sign(good, { key: next.privateKey, alg: 'ES256', kid: 'next' })}`)).toMatchObject({ user: 'li.wei' });
      expect(v.known(oldToken)).toBeUndefined();
      expect(await refusal(v.verify(oldToken))).toEqual({ code: 'UNAUTHENTICATED', message: KEY_SET_TOKEN_MESSAGE, reason: 'bad-signature' });
    } finally {
      await new Promise<void>((resolve) => rotating.close(() => resolve()));
    }
  });

  // jose's own errors for these answers are plain JOSEErrors, which read as a malformed token: every
  // token of the provider was refused 401 ('get a new one from the identity provider') and the log said
  // nothing of the provider. And each token jose lacked a key for fetched again, the provider failing.
  it('a provider answering no key set (error, redirect, login page, megabytes) is unavailable, fetched again only after a pause', async () => {
    let answer: (res: import('node:http').ServerResponse) => void = () => {};
    let fetches = 0;
    const provider = createServer((req, res) => {
      fetches++;
      answer(res);
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    let clock = Date.now();
    try {
      const v = createVerifier({ jwksUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/jwks.json?k=1`, platform, now: () => clock });
      const token = `Bearer ${await sign(good, { key: rsa, alg: 'RS256', kid: 'rsa-1' })}`;
      const failure = async () => {
        clock += FETCH_RETRY_MS; // past the pause after the previous failure
        const error = await v.verify(token).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KeySetUnavailableError);
        return (error as Error).message.replace(/^cannot fetch the JSON Web Key Set of GOVGRAPH_JWKS_URL \(http:\/\/127\.0\.0\.1:\d+\/jwks\.json\): /, '');
      };
      answer = (res) => { res.statusCode = 500; res.end('oops'); };
      expect(await failure()).toBe('the provider answered HTTP 500');
      answer = (res) => { res.statusCode = 302; res.setHeader('location', 'https://login.example.org/keys?session=s3cret'); res.end(); };
      expect(await failure()).toBe('the provider answered HTTP 302, a redirect to https://login.example.org/keys, which is not followed: set GOVGRAPH_JWKS_URL to the key set\'s own URL');
      answer = (res) => { res.setHeader('content-type', 'text/html'); res.end('<html><body>Sign in</body></html>'); };
      expect(await failure()).toBe('the provider\'s answer is not JSON (content-type "text/html")');
      answer = (res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ keys: [rsaPublic], pad: 'x'.repeat(MAX_PROVIDER_JWKS_BYTES) })); };
      expect(await failure()).toBe(`the provider's answer is larger than ${MAX_PROVIDER_JWKS_BYTES} bytes`);
      // Within the pause, tokens are refused at once, without a fetch each.
      const before = fetches;
      for (let i = 0; i < 20; i++) {
        const kid = `unknown-${i}`;
        expect(await v.verify(`Bearer ${await sign(good, { key: rsa, alg: 'RS256', kid })}`).catch((e: unknown) => e)).toBeInstanceOf(KeySetUnavailableError);
      }
      expect(fetches).toBe(before);
      // The provider answers its key set again: after the pause, its tokens are accepted.
      answer = (res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ keys: [rsaPublic] })); };
      clock += FETCH_RETRY_MS;
      expect(await v.verify(token)).toMatchObject({ user: 'li.wei' });
      expect(fetches).toBe(before + 1);
    } finally {
      await new Promise<void>((resolve) => provider.close(() => resolve()));
    }
  });

  it('a key set that cannot be fetched is not the client token’s fault', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const v = createVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, platform });
    const error = await v.verify(`Bearer ${await sign(good, { key: rsa, alg: 'RS256', kid: 'rsa-1' })}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeySetUnavailableError);
  });
});

describe('the stored secret', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is made once and shared by two stores on one folder, even when they race', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-secret-'));
    dirs.push(dir);
    const a = await openSqliteStore(dir);
    const b = await openSqliteStore(dir);
    try {
      const [sa, sb] = await Promise.all([storedSecret(a), storedSecret(b)]);
      expect(sa.length).toBeGreaterThanOrEqual(32);
      expect(Buffer.from(sa).equals(Buffer.from(sb))).toBe(true);
      expect(Buffer.from(await storedSecret(b)).equals(Buffer.from(sa))).toBe(true);
      expect(await a.find(SETTINGS, { filter: { kind: 'compare', field: 'key', op: 'eq', value: JWT_SECRET_KEY } })).toHaveLength(1);
      // a token made with one store's secret is accepted by a verifier using the other's
      const token = await signToken(sa, { dept: '430000-GA', user: 'u', roles: [], ttl: '1h' });
      expect(await createVerifier({ secret: sb, platform }).verify(`Bearer ${token}`)).toMatchObject({ user: 'u' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('once made, is read without waiting for another process’s write lock (a long data import)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-secret-'));
    dirs.push(dir);
    const a = await openSqliteStore(dir);
    const made = await storedSecret(a);
    await a.close();
    const b = await openSqliteStore(dir);
    const holder = new Database(path.join(dir, SQLITE_FILE));
    try {
      holder.exec('BEGIN IMMEDIATE');
      // The holder keeps the lock until `finally` (this process's own synchronous connection: nothing can
      // release it meanwhile), so this answers only if it never waits for the lock: waiting, it would fail
      // with StoreUnavailableError after the lock's bound (5 s). No clock bound a loaded machine could break.
      expect(Buffer.from(await storedSecret(b)).equals(Buffer.from(made))).toBe(true);
      expect(holder.inTransaction).toBe(true);
    } finally {
      holder.exec('COMMIT');
      holder.close();
      await b.close();
    }
  });

  it('a process that loses the race reads the winner’s secret back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-secret-'));
    dirs.push(dir);
    const a = await openSqliteStore(dir);
    const b = await openSqliteStore(dir);
    try {
      // b's first read happens before a inserts: it then tries to insert too and hits the unique index
      let stale = true;
      const late: Store = Object.create(b);
      late.find = async (collection, query) => {
        if (stale) {
          stale = false;
          await storedSecret(a);
          return [];
        }
        return b.find(collection, query);
      };
      const [lost, won] = [await storedSecret(late), await storedSecret(a)];
      expect(Buffer.from(lost).equals(Buffer.from(won))).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('GOVGRAPH_JWT_SECRET wins and leaves the store alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-secret-'));
    dirs.push(dir);
    const store = await openSqliteStore(dir);
    try {
      const s = await platformSecret(store, { GOVGRAPH_JWT_SECRET: 'from-the-environment' });
      expect(new TextDecoder().decode(s)).toBe('from-the-environment');
      expect(await store.find(SETTINGS, {})).toEqual([]);
      const made = await platformSecret(store, {});
      expect(new TextDecoder().decode(made)).not.toBe('from-the-environment');
    } finally {
      await store.close();
    }
  });
});

describe('the purpose header', () => {
  const bad = (header: string | string[]) => {
    try {
      parsePurpose(header, platform);
    } catch (e) {
      expect(e).toBeInstanceOf(BadUserInputError);
      return { code: (e as BadUserInputError).code, message: (e as Error).message };
    }
    throw new Error('expected BAD_USER_INPUT');
  };
  const valid = 'administrative-licensing, social-assistance';

  it('absent is null; a known code is returned', () => {
    expect(parsePurpose(undefined, platform)).toBe(null);
    expect(parsePurpose('social-assistance', platform)).toBe('social-assistance');
    expect(parsePurpose(' social-assistance ', platform)).toBe('social-assistance');
    expect(parsePurpose(['social-assistance'], platform)).toBe('social-assistance');
  });

  it('unknown, empty, several or over-long is BAD_USER_INPUT listing the valid codes', () => {
    expect(bad('tax-collection')).toEqual({
      code: 'BAD_USER_INPUT',
      message: `Unknown purpose "tax-collection" in the \`x-purpose\` header; send one of: ${valid}.`,
    });
    // A name typed in Chinese reaches Node as Latin-1 characters of its UTF-8 bytes; the message says it as typed.
    expect(bad(Buffer.from('社会救助', 'utf8').toString('latin1')).message).toBe(`Unknown purpose "社会救助" in the \`x-purpose\` header; send one of: ${valid}.`);
    expect(bad('café').message).toMatch(/^Unknown purpose "café"/);
    expect(bad('')).toEqual({ code: 'BAD_USER_INPUT', message: `The \`x-purpose\` header is empty; send one of: ${valid}.` });
    const several = { code: 'BAD_USER_INPUT', message: `Send one purpose in the \`x-purpose\` header, not several; valid codes: ${valid}.` };
    expect(bad('social-assistance, administrative-licensing')).toEqual(several);
    expect(bad(['social-assistance', 'administrative-licensing'])).toEqual(several);
    expect(bad([])).toEqual(several);
    expect(bad('x'.repeat(101))).toEqual({
      code: 'BAD_USER_INPUT',
      message: `The \`x-purpose\` header is longer than 100 characters; send one of: ${valid}.`,
    });
  });
});
