// The document hash of an audit entry (SPEC §10: "a hash of the document"; "Variables are not stored").
// It was the plain SHA-256 of the text: a client that wrote an ID number into its filter instead of a
// variable left in the log a hash that anyone reading the log or a backup of the store, guessing the
// query's shape, turned back into the number by hashing the likely ones. Now an ad-hoc document is recorded
// by a hash keyed with the platform secret (equal texts, equal hashes), and a manifest's document by its
// public SHA-256, the id its client sends. Entries written before keep their plain hash and still verify.
// On the Shanxi platform of the trusted documents' tests, and a city connected to a province (SPEC §12:
// both sides audit).
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveDocumentKey, keyedDocumentHash } from '../src/audit/document-hash.ts';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { eq } from '../src/store/port.ts';
import { startCityHop, type CityHop } from './helpers/city-hop.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/shanxi-trusted/${name}`, import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A lookup with the ID number written into the text, as a careless client sends it. */
const peek = (sfzh: string) => `query Peek { police { citizen(sfzh: "${sfzh}") { xzqh } } }`;
const SFZH = '140105199001011238';
/** The manifest's documents: one under its SHA-256 (the client preset's id), one under a key of its own. */
const CITIZENS = 'query Citizens($first: Int) { police { citizens(first: $first) { nodes { xzqh } } } }';
const CITIZEN = 'query Citizen($sfzh: String!) { police { citizen(sfzh: $sfzh) { xzqh } } }';

/** The ID numbers of one district born on one day: what a guesser hashes (a few million for a province and a span of years). */
function guesses(): string[] {
  const out: string[] = [];
  for (let n = 0; n < 1000; n++) out.push(`14010519900101${String(n).padStart(3, '0')}X`, `14010519900101${String(n).padStart(3, '0')}${n % 10}`);
  return [...out, SFZH];
}

describe('the document hash of an entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-document-hash-'));
  let gw: TestGateway;
  beforeAll(async () => {
    writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [sha256(CITIZENS)]: CITIZENS, 'citizen-v2': CITIZEN }));
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(platformFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}trustedDocuments:\n  mode: log\n  manifests: [persisted-documents.json]\n`);
    gw = await startTestGateway({ platformFile, catalogueFiles: [fixture('police.yaml')] });
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Sends `body` by POST as 140000-RSJ: the request's audit entries. It holds no grant: each read is refused
   * GRANT_REQUIRED, and its entry records the document as an allowed read's does.
   */
  async function send(body: object): Promise<AuditEntry[]> {
    const requestId = randomUUID();
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('140000-RSJ')}`, 'x-purpose': 'pension-check', 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { errors?: { extensions: { code: string } }[] };
    expect(answer.errors?.map((e) => e.extensions.code)).toEqual(['GRANT_REQUIRED']);
    const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow);
    expect(entries).toHaveLength(1);
    return entries;
  }
  const hashOf = async (body: object) => (await send(body))[0].documentHash;

  it('cannot be turned back into a value written in the document by hashing guesses', async () => {
    const stored = await hashOf({ query: peek(SFZH) });
    // What a reader of the log does: hash the document's shape with each likely number, look for the stored hash.
    const found = guesses().filter((g) => sha256(peek(g)) === stored);
    expect(found).toEqual([]);
    // The platform's key, which the reader lacks, makes it: a supervisor can still tell the same query again.
    expect(stored).toBe(keyedDocumentHash(deriveDocumentKey(gw.gateway.secret), peek(SFZH)));
    expect(await hashOf({ query: peek(SFZH) })).toBe(stored);
    expect(await hashOf({ query: peek('140105199001011246') })).not.toBe(stored);
    // Nor under another platform's secret: the key is the platform's.
    expect(keyedDocumentHash(deriveDocumentKey(Buffer.from('another platform secret, 32 bytes long')), peek(SFZH))).not.toBe(stored);
  });

  it("records a manifest's document by the SHA-256 its client sends, however it is named", async () => {
    const variables = { first: 1 };
    expect(await hashOf({ documentId: sha256(CITIZENS), variables })).toBe(sha256(CITIZENS));
    expect(await hashOf({ documentId: `sha256:${sha256(CITIZENS).toUpperCase()}`, variables })).toBe(sha256(CITIZENS));
    expect(await hashOf({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(CITIZENS) } }, variables })).toBe(sha256(CITIZENS));
    expect(await hashOf({ query: CITIZENS, variables })).toBe(sha256(CITIZENS));
    // One the manifest names by a key of its own: by its text's SHA-256 too, one hash for one document.
    expect(await hashOf({ documentId: 'citizen-v2', variables: { sfzh: SFZH } })).toBe(sha256(CITIZEN));
    expect(await hashOf({ query: CITIZEN, variables: { sfzh: SFZH } })).toBe(sha256(CITIZEN));
  });

  it('keys a text that is not the manifest\'s own, however close', async () => {
    // The manifest's document spaced otherwise runs (log mode), but is not the manifest's text: keyed.
    const spaced = CITIZENS.replace('{ police', '{\n  police');
    expect(await hashOf({ query: spaced, variables: { first: 1 } })).toBe(keyedDocumentHash(deriveDocumentKey(gw.gateway.secret), spaced));
  });

  it('records a hash alone that the requester registered (APQ) as its text, refused or run', async () => {
    const text = peek('140105199001011262');
    const persisted = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } };
    const ran = await hashOf({ query: text, ...persisted }); // registered as it runs
    expect(ran).toBe(keyedDocumentHash(deriveDocumentKey(gw.gateway.secret), text));
    expect(await hashOf(persisted)).toBe(ran);
    // The same hash alone refused before it runs (an unknown purpose): its entry named another hash, the
    // keyed hash of the hash as sent, so the department's refused attempt was not seen as the same query.
    const requestId = randomUUID();
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('140000-RSJ')}`, 'x-purpose': 'no-such-purpose', 'x-request-id': requestId },
      body: JSON.stringify(persisted),
    });
    expect(res.status).toBe(400);
    const refused = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow);
    expect(refused.map((e) => [e.outcome, e.documentHash, e.operationName])).toEqual([['refused', ran, 'Peek']]);
  });

  it('leaves the hashes of entries written before as they are, and the chain verifies', async () => {
    const before = await appendAudit(gw.store, {
      requestId: randomUUID(), department: '140000-RSJ', user: 'older', purpose: 'pension-check', operationName: 'Peek',
      documentHash: sha256(peek(SFZH)), kind: 'read', action: null, resources: [], outcome: 'allowed', detail: null,
    });
    await send({ query: peek(SFZH) });
    const rows = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('seq', before.seq) })).map(fromRow);
    expect(rows[0].documentHash).toBe(sha256(peek(SFZH)));
    expect(await verifyAuditChain(gw.store)).toMatchObject({ ok: true });
  });
});

describe('the document hash on both sides of a connected platform', () => {
  let hop: CityHop;
  beforeAll(async () => {
    hop = await startCityHop({ name: 'Document hash test city', units: [{ unitNo: 'U-7731', name: 'Seven', parentNo: null }] });
  }, 60_000);
  afterAll(() => hop?.close());

  async function read(query: string) {
    const requestId = randomUUID();
    const res = await fetch(`${hop.province.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await hop.province.token('650000-ZWB')}`, 'x-purpose': 'survey', 'x-request-id': requestId },
      body: JSON.stringify({ query }),
    });
    expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
    const entry = async (gw: TestGateway) => (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow)[0];
    return { province: await entry(hop.province), city: await entry(hop.city) };
  }

  it('is keyed by each platform with its own secret', async () => {
    const query = '{ city { cityStatistics { unit(unitNo: "U-7731") { name } } } }';
    const first = await read(query);
    expect(first.province.documentHash).toBe(keyedDocumentHash(deriveDocumentKey(hop.province.gateway.secret), query));
    // The city hashes the province's delegation of the query, with the city's key: never a plain SHA-256.
    expect(first.city.via).toBe('650000');
    expect(first.city.documentHash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect((await read(query)).city.documentHash).toBe(first.city.documentHash);
  }, 30_000);
});
