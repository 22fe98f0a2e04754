// Bodies that never end, forwarded (src/limits/bodies.ts): each department a connected platform forwards is
// a department of its own here (`dept@platform`), with its own bound of 16 × maxRequestBytes of bodies
// arriving at once, and a platform may name any code within its region. So 80 made-up codes each holding
// one body short of its end held 80 bodies, and a thousand would have held 16 GiB: the departments of one
// platform hold at most 64 × maxRequestBytes together, past which a body is refused with 429 (Retry-After),
// read no further, while another platform's departments are read on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { guiyangConnectedTo, guizhouFixture as fixture } from './helpers/guizhou.ts';
import { keysOnlyPlatform, type KeysOnlyPlatform } from './helpers/keys-only-platform.ts';
import { errorOf, trickleBodies, type TrickledBodies } from './helpers/trickled-bodies.ts';

const MAX = 64 * 1024; // maxRequestBytes: one platform's departments' bodies arriving at once hold at most 4 MiB
const SENT = 60_000; // of each body, 4,000 bytes short of its Content-Length
const BODIES = 80; // one per department: 69 fit in 4 MiB

let work: string;
let guizhou: KeysOnlyPlatform;
let nanming: KeysOnlyPlatform;
let guiyang: TestGateway;
let trickled: TrickledBodies | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-bodies-platform-'));
  [guizhou, nanming] = await Promise.all([keysOnlyPlatform('520000', work), keysOnlyPlatform('520102', work)]);
  const cityFile = guiyangConnectedTo(work, [
    { region: '520000', name: '贵州省平台', url: guizhou.url, namespace: 'guizhou' },
    { region: '520102', name: '南明区平台', url: nanming.url, namespace: 'nanming' },
  ]);
  guiyang = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('city-housing.yaml')], limits: { maxRequestBytes: MAX }, gateway: { connectedPollMs: 0 } });
}, 60_000);

afterAll(async () => {
  trickled?.destroy();
  await guiyang?.close();
  await guizhou?.close();
  await nanming?.close();
  rmSync(work, { recursive: true, force: true });
});

const LEVEL = { '520000': 'province', '520102': 'county' } as const;
const tokenOf = (from: KeysOnlyPlatform, dept: string) =>
  signForwarded(from.keys, { iss: from.region, aud: '520100', sub: 'clerk', dept, deptLevel: LEVEL[from.region as keyof typeof LEVEL], deptRegion: from.region, purpose: null });

/** A forwarded `{ __typename }` whose body is padded to `pad` bytes more. */
async function forwarded(from: KeysOnlyPlatform, dept: string, pad: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${guiyang.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(from, dept)}`, [FORWARDED_HEADER]: from.region },
    body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'p'.repeat(pad) } }),
  });
  return { status: res.status, body: await res.json() };
}

describe("bodies of one connected platform's departments arriving at once", () => {
  it('are bounded together (429, Retry-After), whatever codes it names; another platform is read on, and they are given back', async () => {
    const tokens = await Promise.all(Array.from({ length: BODIES }, (_, i) => tokenOf(guizhou, `520000-T${String(i).padStart(3, '0')}`)));
    trickled = trickleBodies(guiyang.gateway.url, tokens.map((token) => `authorization: Bearer ${token}\r\n${FORWARDED_HEADER}: 520000\r\n`), SENT);
    const { answers } = trickled;
    await eventually(async () => expect(answers.filter((a) => a.startsWith('HTTP/1.1 429')).length).toBeGreaterThanOrEqual(BODIES - 69), 30_000);
    const refused = answers.find((a) => a.startsWith('HTTP/1.1 429'))!;
    expect(refused).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(refused).toMatch(/connection: close/i);
    expect(errorOf(refused)).toEqual({
      message: 'The departments connected platform 520000 forwards have more request bodies arriving at once than this gateway holds for one platform (4194304 bytes: 64 times limits.maxRequestBytes); this one was read no further. Send large requests one after another, not all at once.',
      extensions: { code: 'BAD_REQUEST' },
    });
    // Another platform's department, its body as large, is read and answered meanwhile.
    expect(await forwarded(nanming, '520102-XCZX', SENT)).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    // Their connections closed, what they held is given back: the platform's departments are read again.
    trickled.destroy();
    await eventually(async () => expect(await forwarded(guizhou, '520000-T000', SENT)).toEqual({ status: 200, body: { data: { __typename: 'Query' } } }));
  }, 60_000);
});
