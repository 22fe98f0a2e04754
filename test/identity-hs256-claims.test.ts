// An HS256 token naming another audience was taken even when the operator named this gateway's
// (GOVGRAPH_JWT_AUDIENCE): RFC 7519 §4.1.3 says a recipient that does not identify itself with a token's
// `aud` must reject it, and another system signing with a GOVGRAPH_JWT_SECRET shared with it had its tokens
// (made for itself, with a `dept` claim) taken here. On a gateway that names no audience or issuer, tokens
// made by hand that name them are taken as they always were; `govgraph token`'s tokens name neither, and
// are taken with their `iat` ahead of the gateway's clock too.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signToken } from '../src/identity/token.ts';
import { BOTH_TOKEN_MESSAGE, TOKEN_MESSAGE, createVerifier } from '../src/identity/verify.ts';
import type { Platform } from '../src/model/platform.ts';

const platform = {
  platform: { region: '340000', level: 'province', name: '安徽省数据共享平台', competentDepartment: '340000-SJJ' },
  departments: [{ code: '340100-MZJ', name: '合肥市民政局', graphqlName: 'hfCivil', level: 'city', region: '340100' }],
  purposes: [], connected: [],
} as unknown as Platform;
const secret = new TextEncoder().encode('an-anhui-secret-of-more-than-32-bytes!');
const now = () => Math.floor(Date.now() / 1000);
const hs = (claims: Record<string, unknown>, iat = now()) =>
  new SignJWT({ dept: '340100-MZJ', roles: [], ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('wang.fang').setIssuedAt(iat).setExpirationTime(iat + 3600).sign(secret);
const refusal = (p: Promise<unknown>) => p.then(() => null, (e) => ({ message: e.message, reason: e.reason }));

describe('an HS256 token', () => {
  it('naming an audience or issuer is taken on a gateway that names none, as it always was', async () => {
    const v = createVerifier({ secret, platform });
    expect(await v.verify(`Bearer ${await hs({ aud: 'govgraph-test' })}`)).toMatchObject({ user: 'wang.fang' });
    expect(await v.verify(`Bearer ${await hs({ iss: 'https://harness.example' })}`)).toMatchObject({ user: 'wang.fang' });
  });

  it("naming another audience or issuer is refused where the gateway names its own, with the secret alone", async () => {
    const v = createVerifier({ secret, platform, provider: { issuer: 'https://idp.ah.gov.cn', audience: 'govgraph' } });
    expect(await refusal(v.verify(`Bearer ${await hs({ aud: 'mail-system' })}`))).toEqual({ message: TOKEN_MESSAGE, reason: 'wrong-audience' });
    expect(await refusal(v.verify(`Bearer ${await hs({ aud: ['mail-system'] })}`))).toEqual({ message: TOKEN_MESSAGE, reason: 'wrong-audience' });
    expect(await refusal(v.verify(`Bearer ${await hs({ iss: 'https://mail.example' })}`))).toEqual({ message: TOKEN_MESSAGE, reason: 'wrong-issuer' });
    expect(await v.verify(`Bearer ${await hs({ aud: 'govgraph' })}`)).toMatchObject({ user: 'wang.fang' });
  });

  it('is held to GOVGRAPH_JWT_AUDIENCE and GOVGRAPH_JWT_ISSUER when it names them', async () => {
    const v = createVerifier({ secret, jwksUrl: 'http://127.0.0.1:9/jwks.json', platform, provider: { issuer: 'https://idp.ah.gov.cn', audience: 'govgraph' } });
    expect(await v.verify(`Bearer ${await hs({ aud: ['mail-system', 'govgraph'], iss: 'https://idp.ah.gov.cn' })}`)).toMatchObject({ user: 'wang.fang' });
    expect(await v.verify(`Bearer ${await hs({ aud: 'govgraph' })}`)).toMatchObject({ user: 'wang.fang' });
    expect(await refusal(v.verify(`Bearer ${await hs({ aud: 'mail-system' })}`))).toEqual({ message: BOTH_TOKEN_MESSAGE, reason: 'wrong-audience' });
    expect(await refusal(v.verify(`Bearer ${await hs({ iss: 'https://mail.example' })}`))).toEqual({ message: BOTH_TOKEN_MESSAGE, reason: 'wrong-issuer' });
  });

  it("made by govgraph token is taken as before, with its clock ahead of the gateway's too", async () => {
    const v = createVerifier({ secret, platform });
    const ahead = new Date(Date.now() + 10 * 60_000);
    expect(await v.verify(`Bearer ${await signToken(secret, { dept: '340100-MZJ', user: 'wang.fang', roles: [], ttl: '1h' })}`)).toMatchObject({ user: 'wang.fang' });
    expect(await v.verify(`Bearer ${await signToken(secret, { dept: '340100-MZJ', user: 'li.na', roles: [], ttl: '1h' }, ahead)}`)).toMatchObject({ user: 'li.na' });
  });
});
