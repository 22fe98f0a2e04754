// A manifest key that is not the SHA-256 of its document (SPEC §13): a key kept when its document was
// edited (a field withdrawn), or a tool's hash of the text as written beside its printed text. The key
// named the new document; the old text, whose SHA-256 the key is, was taken for trusted under `require`,
// sent whole or beside that hash, and ran: the withdrawn field answered. A hash warrants only the document
// the manifest gives it. On a Zhoushan platform of the test's own.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustedDocumentStore } from '../src/limits/trusted.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/zhoushan-trusted/${name}`, import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The operation as it was: the skipper's name selected. */
const WITHDRAWN = 'query Boats { ocean { fishingBoats(first: 5) { nodes { boatNo skipper } } } }';
/** The operation as edited in the manifest, under the key it had. */
const EDITED = 'query Boats { ocean { fishingBoats(first: 5) { nodes { boatNo } } } }';
const REFUSED = 'DOCUMENT_NOT_TRUSTED';

/** Starts a gateway of the Zhoushan platform under `mode`, its manifest naming EDITED by WITHDRAWN's SHA-256. */
async function gatewayUnder(mode: string, dir: string): Promise<{ gw: TestGateway; manifest: string }> {
  const manifest = join(dir, 'persisted-documents.json');
  writeFileSync(manifest, JSON.stringify({ [sha256(WITHDRAWN)]: EDITED }));
  const platformFile = join(dir, 'platform.yaml');
  writeFileSync(platformFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}trustedDocuments:\n  mode: ${mode}\n  manifests: [persisted-documents.json]\n`);
  const gw = await startTestGateway({
    platformFile,
    catalogueFiles: [fixture('ocean.yaml')],
    seed: (store) => importRecordsOf(store, '330900-HYJ-01', [{ boatNo: 'ZS-0001', skipper: '陈阿四', port: '沈家门' }]),
  });
  return { gw, manifest };
}

/** Posts `request` to `gw` as Zhoushan's emergency bureau: the status and the body as text. */
async function send(gw: TestGateway, request: object): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('330900-YJJ')}`, 'x-purpose': 'typhoon-watch' },
    body: JSON.stringify(request),
  });
  return { status: res.status, text: await res.text() };
}

const EDITED_ANSWER = { data: { ocean: { fishingBoats: { nodes: [{ boatNo: 'ZS-0001' }] } } } };

describe('a manifest key that is the SHA-256 of another text than its document, under require', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-hash-of-another-'));
  let gw: TestGateway;
  let manifest: string;
  beforeAll(async () => {
    ({ gw, manifest } = await gatewayUnder('require', dir));
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the text whose SHA-256 the key is, sent whole or beside the key', async () => {
    for (const request of [{ query: WITHDRAWN }, { query: WITHDRAWN, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(WITHDRAWN) } } }]) {
      const answer = await send(gw, request);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.text).toContain(REFUSED);
      expect(answer.text).not.toContain('陈');
    }
  });

  it('runs the document the key names, by its key or as its text', async () => {
    for (const request of [{ documentId: sha256(WITHDRAWN) }, { query: EDITED }, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(WITHDRAWN) } } }]) {
      const answer = await send(gw, request);
      expect(answer.status, answer.text).toBe(200);
      expect(JSON.parse(answer.text)).toEqual(EDITED_ANSWER);
    }
  });

  it('is not taken for trusted after Apollo resolved it either (the check of log mode): the hash names the text that runs', () => {
    const store = new TrustedDocumentStore({ mode: 'log', manifests: [manifest] });
    expect(store.trusts(sha256(WITHDRAWN), parse(WITHDRAWN), WITHDRAWN)).toBe(false);
    expect(store.trusts(sha256(WITHDRAWN), parse(EDITED), EDITED)).toBe(true);
    expect(store.trusts(sha256(EDITED), parse(EDITED), EDITED)).toBe(true);
  });
});

describe('the same manifest under log, where the withdrawn text runs (logged)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-hash-of-another-log-'));
  let gw: TestGateway;
  beforeAll(async () => {
    ({ gw } = await gatewayUnder('log', dir));
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the documentId\'s own document after the text whose SHA-256 it is ran: not the parsed text kept under that hash', async () => {
    const withdrawn = await send(gw, { query: WITHDRAWN });
    expect(withdrawn.text).toContain('陈');
    for (const request of [{ documentId: sha256(WITHDRAWN) }, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(WITHDRAWN) } } }]) {
      const answer = await send(gw, request);
      expect(JSON.parse(answer.text), answer.text).toEqual(EDITED_ANSWER);
    }
  });
});
