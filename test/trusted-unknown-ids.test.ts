// Ids no manifest holds, under trustedDocuments require (SPEC §13): each refusal names the id as its audit
// entry records it, so that a client can quote it to the operator who finds the entry, and the entry says
// which document and why without the text of a query that did not run. An id of 300,000 characters was
// sent back whole in the refusal's `hash` (found by the §13 walk); an id as sent may be a client's SHA-256
// of a text holding a value (an APQ client sends it before the text), so it is recorded keyed with the
// platform secret, as a text is (docs/operations.md, The document hash). On a Shanxi platform of the test's own.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { eq } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/shanxi-trusted/${name}`, import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const CITIZENS = 'query Citizens { police { citizens(first: 5) { nodes { xzqh } } } }';

describe('ids no manifest holds, under require', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-unknown-ids-'));
  let gw: TestGateway;
  beforeAll(async () => {
    writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [sha256(CITIZENS)]: CITIZENS }));
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(platformFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}trustedDocuments:\n  mode: require\n  manifests: [persisted-documents.json]\n`);
    gw = await startTestGateway({ platformFile, catalogueFiles: [fixture('police.yaml')] });
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `request` by POST as 140000-RSJ: the answer and the request's audit entries. */
  async function send(request: object) {
    const requestId = randomUUID();
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('140000-RSJ')}`, 'x-purpose': 'pension-check', 'x-request-id': requestId },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
    const rows = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
    return { status: res.status, body, text: JSON.stringify(body), entries: rows.map(fromRow), stored: JSON.stringify(rows) };
  }

  it('names an unknown id as its audit entry records it: keyed, the hash in lower case and without its sha256: first', async () => {
    for (const [documentId, named] of [['f'.repeat(64), 'f'.repeat(64)], [`sha256:${'AB'.repeat(32)}`, 'ab'.repeat(32)], ['ab'.repeat(32), 'ab'.repeat(32)], ['citizens-v2', 'citizens-v2']]) {
      const sent = await send({ documentId });
      // Never as sent: an APQ client's hash of its own text would confirm a guess of the text.
      expect(sent.stored).not.toContain(named);
      const recorded = gw.documentHash(named);
      expect(sent.status).toBe(400);
      expect(sent.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'DOCUMENT_NOT_TRUSTED', hash: recorded } })]);
      expect(sent.entries).toEqual([expect.objectContaining({ outcome: 'refused', documentHash: recorded, resources: [] })]);
      expect(sent.entries[0].detail).toMatch(/^DOCUMENT_NOT_TRUSTED: This gateway runs only trusted documents/);
    }
  });

  it('names an id of 300,000 characters by its keyed hash, in the refusal as in its entry', async () => {
    const documentId = 'a'.repeat(300_000);
    const sent = await send({ documentId });
    expect(sent.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'DOCUMENT_NOT_TRUSTED', hash: gw.documentHash(documentId) } })]);
    expect(sent.text.length).toBeLessThan(2_000);
    expect(sent.stored.length).toBeLessThan(2_000);
    expect(sent.entries).toEqual([expect.objectContaining({ outcome: 'refused', documentHash: gw.documentHash(documentId) })]);
  });

  it('records a refused text by its hash, never the text', async () => {
    const text = 'query Peek { police { citizen(sfzh: "140105199001011238") { xm } } }';
    const sent = await send({ query: text });
    expect(sent.body.errors?.[0].extensions).toEqual({ code: 'DOCUMENT_NOT_TRUSTED', hash: gw.documentHash(text) });
    expect(sent.entries).toEqual([expect.objectContaining({ outcome: 'refused', documentHash: gw.documentHash(text), resources: [] })]);
    expect(sent.stored).not.toContain('140105199001011238');
    expect(sent.text).not.toContain('140105199001011238');
  });
});
