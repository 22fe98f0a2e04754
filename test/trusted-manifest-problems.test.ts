// Trusted documents' manifests an operator gets wrong (SPEC §13; found by the §13 walk): one hash naming
// two documents (two manifests, or a hash that is another document's sha256), and manifests that cannot
// be read when `govgraph serve` starts. Documents of a platform of its own (a Gansu tax service); no gateway.
// And a hash a client sends in upper case.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrustedDocumentStore } from '../src/limits/trusted.ts';
import { refuseUnreadManifests } from '../src/cli/serve.ts';
import type { Platform } from '../src/model/platform.ts';

const hash = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('hex');
const FIRMS = 'query Firms { taxService { taxpayers(first: 5) { nodes { taxNo } } } }';
const OWNERS = 'query Owners { pensionOffice { pensioners(first: 1) { nodes { fullName } } } }';

let dir: string;
let first: string;
let second: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gg-manifests-'));
  first = join(dir, 'tax-client.json');
  second = join(dir, 'pension-client.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a manifest with a later modification time, as an edit seen by the next look. */
function write(file: string, documents: Record<string, string>, secondsLater = 0): void {
  writeFileSync(file, JSON.stringify(documents));
  const at = new Date(Date.now() + secondsLater * 1000);
  utimesSync(file, at, at);
}

describe('a hash that would name two documents', () => {
  it("is not taken from a second manifest: the first client's documentId runs its own document", async () => {
    write(first, { [hash('sha256', FIRMS)]: FIRMS });
    write(second, { [hash('sha256', FIRMS)]: OWNERS });
    const said: string[] = [];
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [first, second] }, (m) => said.push(m));
    expect(said).toEqual([`trusted documents: ${second}: "${hash('sha256', FIRMS)}" names another document in ${first}; a hash may name one document only`]);
    await expect(store.cache.get(`apq:${hash('sha256', FIRMS)}`)).resolves.toBe(FIRMS);
    expect(store.trusts(undefined, parse(OWNERS), OWNERS)).toBe(false);
    expect(store.unread).toEqual([`trustedDocuments.manifests[1]: ${second}: "${hash('sha256', FIRMS)}" names another document in ${first}; a hash may name one document only`]);
  });

  it("is not taken when a manifest keys a document by another document's sha256 (a sha1 manifest beside)", async () => {
    write(first, { [hash('sha1', FIRMS)]: FIRMS });
    write(second, { [hash('sha256', FIRMS)]: OWNERS });
    const said: string[] = [];
    const store = new TrustedDocumentStore({ mode: 'off', manifests: [first, second] }, (m) => said.push(m));
    expect(said).toHaveLength(1);
    await expect(store.cache.get(`apq:${hash('sha256', FIRMS)}`)).resolves.toBe(FIRMS);
  });

  it('is found within one manifest too', () => {
    write(first, { a: FIRMS, [hash('sha256', FIRMS)]: OWNERS });
    const said: string[] = [];
    new TrustedDocumentStore({ mode: 'off', manifests: [first] }, (m) => said.push(m));
    expect(said).toEqual([`trusted documents: ${first}: "${hash('sha256', FIRMS)}" names another document in this manifest; a hash may name one document only`]);
  });

  it('in an edit made while the gateway runs, keeps the last good contents of the edited manifest', async () => {
    write(first, { [hash('sha256', FIRMS)]: FIRMS });
    write(second, { [hash('sha256', OWNERS)]: OWNERS });
    const said: string[] = [];
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [first, second] }, (m) => said.push(m));
    expect(said).toEqual([]);
    // The first manifest's edit takes the second's hash: the edit is refused, whichever comes first in the list.
    write(first, { [hash('sha256', FIRMS)]: FIRMS, [hash('sha256', OWNERS)]: 'query Other { __typename }' }, 5);
    store.reload();
    expect(said).toEqual([`trusted documents: ${first}: "${hash('sha256', OWNERS)}" names another document in ${second}; a hash may name one document only`]);
    await expect(store.cache.get(`apq:${hash('sha256', OWNERS)}`)).resolves.toBe(OWNERS);
    await expect(store.cache.get(`apq:${hash('sha256', FIRMS)}`)).resolves.toBe(FIRMS);
    // Mended, it is taken.
    write(first, { [hash('sha256', FIRMS)]: FIRMS, other: 'query Other { __typename }' }, 10);
    store.reload();
    expect(store.unread).toEqual([]);
    await expect(store.cache.get('apq:other')).resolves.toBe('query Other { __typename }');
  });
});

describe('govgraph serve with a manifest it cannot read', () => {
  const platform = (manifests: string[]) => ({ trustedDocuments: { mode: 'require', manifests } }) as unknown as Platform;

  it('refuses to start, naming each manifest as path: problem', () => {
    write(first, { [hash('sha256', FIRMS)]: FIRMS });
    writeFileSync(second, '{ "abc": ');
    const missing = join(dir, 'gone.json');
    expect(() => refuseUnreadManifests(platform([first, second, missing]))).toThrow(
      new RegExp(`^trustedDocuments\\.manifests\\[1\\]: ${second}: not JSON \\(.+\\)\\ntrustedDocuments\\.manifests\\[2\\]: ${missing}: no such file\\nmend the manifests`),
    );
  });

  it('names the manifest once in each problem, as `path: problem` (an array, a document that is no string)', () => {
    writeFileSync(first, '["not", "an object"]');
    writeFileSync(second, JSON.stringify({ [hash('sha256', FIRMS)]: { query: FIRMS } }));
    expect(() => refuseUnreadManifests(platform([first, second]))).toThrow(
      `trustedDocuments.manifests[0]: ${first}: not a JSON object of hash to document\ntrustedDocuments.manifests[1]: ${second}: "${hash('sha256', FIRMS)}": the document is not a string\n`,
    );
    const said: string[] = [];
    new TrustedDocumentStore({ mode: 'log', manifests: [first] }, (m) => said.push(m));
    expect(said).toEqual([`trusted documents: ${first}: not a JSON object of hash to document`]);
  });

  it('refuses to start with a hash naming two documents', () => {
    write(first, { [hash('sha256', FIRMS)]: FIRMS });
    write(second, { [hash('sha256', FIRMS)]: OWNERS });
    expect(() => refuseUnreadManifests(platform([first, second]))).toThrow(`trustedDocuments.manifests[1]: ${second}: "${hash('sha256', FIRMS)}" names another document in ${first}`);
  });

  it('starts with manifests that read, two of them holding one document under one hash', () => {
    write(first, { [hash('sha256', FIRMS)]: FIRMS });
    write(second, { [hash('sha1', OWNERS)]: OWNERS, [hash('sha256', FIRMS)]: FIRMS });
    expect(() => refuseUnreadManifests(platform([first, second]))).not.toThrow();
    expect(() => refuseUnreadManifests({} as Platform)).not.toThrow();
  });
});

describe('a hash sent in another case (found by the §13 walk)', () => {
  it('names the same document: documentId, Apollo\'s sha256Hash and the hash Apollo resolves', async () => {
    write(first, { [hash('sha256', FIRMS)]: FIRMS });
    write(second, { [hash('sha1', OWNERS)]: OWNERS });
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [first, second] });
    for (const sent of [hash('sha256', FIRMS).toUpperCase(), hash('sha1', OWNERS).toUpperCase()]) {
      expect(store.admits({ hash: sent })).toBe(true);
      expect(store.trusts(sent, undefined, undefined)).toBe(true);
    }
    await expect(store.cache.get(`apq:${hash('sha256', FIRMS).toUpperCase()}`)).resolves.toBe(FIRMS);
    // Not another hash: one character more, or a key that is no hexadecimal, stays unknown.
    expect(store.admits({ hash: `${hash('sha256', FIRMS).toUpperCase()}0` })).toBe(false);
    write(first, { 'Firms-v1': FIRMS }, 5);
    store.reload();
    expect(store.admits({ hash: 'Firms-v1' })).toBe(true);
    expect(store.admits({ hash: 'FIRMS-V1' })).toBe(false);
  });
});

describe('a manifest that writes its hexadecimal hashes in upper case (found by the review)', () => {
  it('names its document to a client sending the hash in lower case, as the other way round', async () => {
    write(first, { [hash('sha1', OWNERS).toUpperCase()]: OWNERS });
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [first] });
    expect(store.admits({ hash: hash('sha1', OWNERS) })).toBe(true);
    expect(store.trusts(hash('sha1', OWNERS), undefined, undefined)).toBe(true);
    await expect(store.cache.get(`apq:${hash('sha1', OWNERS)}`)).resolves.toBe(OWNERS);
  });

  it('is a clash when it names another document than a hash differing in case only: a client could not say which it means', async () => {
    write(first, { [hash('sha1', FIRMS)]: FIRMS });
    write(second, { [hash('sha1', FIRMS).toUpperCase()]: OWNERS });
    const said: string[] = [];
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [first, second] }, (m) => said.push(m));
    expect(said).toEqual([`trusted documents: ${second}: "${hash('sha1', FIRMS).toUpperCase()}" names another document in ${first}; a hash may name one document only`]);
    for (const sent of [hash('sha1', FIRMS), hash('sha1', FIRMS).toUpperCase()]) await expect(store.cache.get(`apq:${sent}`)).resolves.toBe(FIRMS);
    expect(store.trusts(undefined, parse(OWNERS), OWNERS)).toBe(false);
  });
});

describe('a manifest naming one hash twice in its JSON (found by the review)', () => {
  it('is not taken when the two name different documents (JSON.parse kept the last silently)', () => {
    const h = hash('sha1', FIRMS);
    writeFileSync(first, `{"${h}": ${JSON.stringify(FIRMS)},\n "other": "query O { __typename }",\n "${h}": ${JSON.stringify(OWNERS)}}`);
    const said: string[] = [];
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [first] }, (m) => said.push(m));
    expect(said).toEqual([`trusted documents: ${first}: "${h}" names two documents in this manifest; a hash may name one document only`]);
    expect(store.admits({ hash: h })).toBe(false);
  });

  it('is taken when both name the same document, escapes and all', async () => {
    const text = 'query Q { a: __typename } # "quoted" \\\\ {';
    writeFileSync(first, `{"k\\u0031": ${JSON.stringify(text)}, "k1": ${JSON.stringify(text)}, "x\\"y": "{ __typename }"}`);
    const said: string[] = [];
    const store = new TrustedDocumentStore({ mode: 'require', manifests: [first] }, (m) => said.push(m));
    expect(said).toEqual([]);
    await expect(store.cache.get('apq:k1')).resolves.toBe(text);
    await expect(store.cache.get('apq:x"y')).resolves.toBe('{ __typename }');
  });
});
