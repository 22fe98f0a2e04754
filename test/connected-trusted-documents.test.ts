// A platform that requires trusted documents (SPEC §13) and is connected to another (SPEC §12). The
// requests the other platform forwards carry graphql-tools' delegation of its own client's document: a
// text no client's manifest holds. Under `require` every one of them was refused with DOCUMENT_NOT_TRUSTED,
// so the namespace was PLATFORM_UNAVAILABLE on the connecting platform at every read, while /healthz and
// `platform status` said reachable. A forwarded request is verified (signed by a listed platform, used
// once) and may read the departments' data fields only; its client's document is checked against the
// manifests of the platform it came from. The platform's own departments are still held to its manifests.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { keysOnlyPlatform, type KeysOnlyPlatform } from './helpers/keys-only-platform.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/guizhou', name);
/** A delegated document as graphql-tools writes it: aliased root fields and the root's __typename. */
const DELEGATED = '{\n  __typename\n  __gqtld0__: gyHousing {\n    subsidisedHomes(first: 1) {\n      totalCount\n    }\n  }\n}';

let work: string;
let guizhou: KeysOnlyPlatform;
let guiyang: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-trusted-'));
  guizhou = await keysOnlyPlatform('520000', work);
  const manifest = join(work, 'persisted-documents.json');
  writeFileSync(manifest, JSON.stringify({ abc: '{ gyHousing { subsidisedHomes(first: 1) { totalCount } } }' }));
  const cityFile = join(work, 'city.yaml');
  writeFileSync(cityFile, readFileSync(fixture('city.yaml'), 'utf8').replace(/connected:\n.*\n?$/, [
    `trustedDocuments: { mode: require, manifests: ["${manifest}"] }`,
    'connected:',
    `  - { region: "520000", name: 贵州省平台, url: "${guizhou.url}", namespace: guizhou, timeoutMs: 1000 }`,
  ].join('\n')));
  guiyang = await startTestGateway({ platformFile: cityFile, catalogueFiles: [fixture('city-housing.yaml')], gateway: { connectedPollMs: 0 } });
}, 60_000);

afterAll(async () => {
  await guiyang?.close();
  await guizhou?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a platform under trustedDocuments: require', () => {
  it('answers a request its connected province forwards, whose document is the province\'s delegation', async () => {
    const token = await signForwarded(guizhou.keys, { iss: '520000', aud: '520100', sub: 'clerk', dept: '520000-MZT', deptLevel: 'province', deptRegion: '520000', purpose: 'poverty-relief' });
    const res = await fetch(`${guiyang.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '520000' },
      body: JSON.stringify({ query: DELEGATED }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.map((e) => e.extensions?.code)).toBeUndefined();
    expect(res.status).toBe(200);
    expect(body.data).toMatchObject({ __typename: 'Query', __gqtld0__: { subsidisedHomes: { totalCount: expect.any(Number) } } });
  });

  it('still refuses its own department\'s document that no manifest holds', async () => {
    const res = await guiyang.query(DELEGATED, { dept: '520100-DSJ', purpose: 'poverty-relief' }) as { status: number; errors?: { extensions?: { code?: string } }[] };
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('DOCUMENT_NOT_TRUSTED');
  });
});
