// A refused forwarded request in the receiving platform's log (SPEC §12, issue 11 "Bad input"). The caller
// gets one message whatever failed, so that an attacker learns nothing; the operator of the receiving
// platform must still learn which platform was refused and why: a platform listed on one side only asks
// for the schema every 3 s and was refused without a line in this platform's log, so that only the
// other side's operator could see a problem, and not which of the possible causes it was. Said at most
// once a minute per platform and failure, without the token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_PATH } from '../src/federation/connected.ts';
import { FORWARDED_HEADER, FORWARDED_MESSAGE, signForwarded, type ForwardedClaims } from '../src/identity/forwarded.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { keysOnlyPlatform, type KeysOnlyPlatform } from './helpers/keys-only-platform.ts';
import { levelsCityEntry, startLevelsProvince } from './helpers/stand-in-province.ts';

const logLines: Record<string, unknown>[] = [];
const logger = pino({ level: 'warn' }, new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } }));
let work: string;
let gw: TestGateway;
let city: KeysOnlyPlatform;
let stranger: KeysOnlyPlatform;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-refusal-log-'));
  city = await keysOnlyPlatform('610100', work);
  stranger = await keysOnlyPlatform('610200', work);
  ({ gw } = await startLevelsProvince(work, [levelsCityEntry(city.url)], { logger, connectedPollMs: 0 }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await city?.close();
  await stranger?.close();
  rmSync(work, { recursive: true, force: true });
});

const cityClaims: ForwardedClaims = { iss: '610100', aud: '610000', sub: 'clerk', dept: '610100-ZJ', deptLevel: 'city', deptRegion: '610100', purpose: 'land-survey' };
const refusals = () => logLines.filter((l) => l.event === 'forwarded-refused');

async function schemaAsk(token: string, region: string): Promise<number> {
  const res = await fetch(`${gw.gateway.url}${SCHEMA_PATH}`, { headers: { authorization: `Bearer ${token}`, [FORWARDED_HEADER]: region } });
  await res.text();
  return res.status;
}
async function graphqlAsk(token: string, region: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: region },
    body: JSON.stringify({ query: '{ naturalResources { parcels { totalCount } } }' }),
  });
  return { status: res.status, body: await res.text() };
}

describe('a refused forwarded request in the receiving platform\'s log', () => {
  it('names a platform this one does not list, once a minute, without the token', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const token = await signForwarded(stranger.keys, { ...cityClaims, iss: '610200', dept: '610200-ZJ', deptRegion: '610200' });
      tokens.push(token);
      expect(await schemaAsk(token, '610200')).toBe(401);
    }
    const token = await signForwarded(stranger.keys, { ...cityClaims, iss: '610200', dept: '610200-ZJ', deptRegion: '610200' });
    const answer = await graphqlAsk(token, '610200');
    expect(answer.status).toBe(401);
    expect(answer.body).toContain(FORWARDED_MESSAGE);
    expect(answer.body).not.toContain('610200');
    expect(refusals()).toEqual([expect.objectContaining({
      level: 40, msg: 'forwarded request refused', platform: '610200', failure: 'unknown-platform',
      reason: 'region 610200 is not among this platform\'s connected platforms: list it (region and url) to accept its requests',
    })]);
    for (const t of [...tokens, token]) expect(JSON.stringify(logLines)).not.toContain(t.split('.')[2]);
  });

  it('names the url whose keys do not verify a listed platform\'s token, and a replay', async () => {
    // Signed by another platform's key under the city's region: the keys at the city's url do not verify it.
    const forged = await signForwarded(stranger.keys, cityClaims);
    expect((await graphqlAsk(forged, '610100')).status).toBe(401);
    expect(refusals().find((l) => l.failure === 'bad-signature')).toMatchObject({
      platform: '610100',
      reason: `the signature does not verify with the keys at ${city.url}/.well-known/jwks.json: the gateway there is not the one that signed; check the url listed for 610100`,
    });
    const good = await signForwarded(city.keys, cityClaims);
    expect((await graphqlAsk(good, '610100')).status).toBe(200);
    expect((await graphqlAsk(good, '610100')).status).toBe(401);
    expect(refusals().find((l) => l.failure === 'replayed')).toMatchObject({
      platform: '610100', reason: 'the token was used before (each forwarded token is accepted once)',
    });
  });
});
