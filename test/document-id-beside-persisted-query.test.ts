// A request naming its document twice, by `documentId` and by Apollo's `extensions.persistedQuery`, is read
// one way by POST and by GET (SPEC §13): two names of one document run it, two names of different documents
// are the client's error (BAD_REQUEST, HTTP 400), in every mode. A POST ran the documentId's document and a
// GET the persisted query's, each ignoring the other, and a GET dropped its documentId when it sent other
// extensions (found by the §13 walk). A persisted query's hash is one hash in either case, with its text and
// for an APQ registration too. On a Shanxi platform of the test's own.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustMode } from '../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/shanxi-trusted/${name}`, import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DEPT = 'query Department { me { department } }';
const ROLES = 'query Roles { me { roles } }';
/** A manifest key that is no SHA-256 (a hand-made manifest's): it and its text's SHA-256 name one document. */
const NAMED = 'roles-v1';
const DEPT_ID = sha256(DEPT);
const ROLES_ID = sha256(ROLES);
const UNKNOWN_ID = 'c'.repeat(64);
const DEPARTMENT = { me: { department: '140100-RSJ' } };

type Answer = { status: number; data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

/** Sends a request by POST (a JSON body) and by GET (its fields as parameters, objects as JSON): both answers. */
async function send(gw: TestGateway, request: Record<string, unknown>): Promise<{ post: Answer; get: Answer }> {
  const headers = { authorization: `Bearer ${await gw.token('140100-RSJ')}`, 'x-purpose': 'pension-check' };
  const read = async (res: Response) => ({ status: res.status, ...((await res.json()) as object) });
  const post = await read(await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  }));
  const params = new URLSearchParams(Object.entries(request).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
  const get = await read(await fetch(`${gw.gateway.url}/graphql?${params}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } }));
  return { post, get };
}

/** Sends `documentId` beside `extensions` by POST and by GET. */
const both = (gw: TestGateway, documentId: string, extensions: object | null) => send(gw, { documentId, extensions });

for (const mode of ['require', 'log', 'off'] as TrustMode[]) {
  describe(`a documentId beside a persisted query, trustedDocuments ${mode}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-documentid-'));
    let gw: TestGateway;
    beforeAll(async () => {
      writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [DEPT_ID]: DEPT, [NAMED]: ROLES }));
      const platformFile = join(dir, 'platform.yaml');
      writeFileSync(platformFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}trustedDocuments:\n  mode: ${mode}\n  manifests: [persisted-documents.json]\n`);
      gw = await startTestGateway({ platformFile, catalogueFiles: [fixture('police.yaml')] });
    }, 30_000);
    afterAll(async () => {
      await gw?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses two names of different documents with BAD_REQUEST on POST and on GET, running neither', async () => {
      for (const [documentId, hash] of [[DEPT_ID, ROLES_ID], [`sha256:${DEPT_ID}`, ROLES_ID], [NAMED, DEPT_ID], [UNKNOWN_ID, DEPT_ID], [DEPT_ID, UNKNOWN_ID]]) {
        const { post, get } = await both(gw, documentId, persisted(hash));
        for (const answer of [post, get]) {
          expect(answer.status, `${documentId} ${hash}`).toBe(400);
          expect(answer.data ?? null).toBeNull();
          expect(answer.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
          expect(answer.errors?.[0].message).toMatch(/^documentId and extensions\.persistedQuery\.sha256Hash name different documents/);
        }
      }
    });

    it('runs two names of one document on POST and on GET: one hash in either case or prefixed, or a manifest key and its text\'s SHA-256', async () => {
      for (const [documentId, hash, data] of [
        [DEPT_ID, DEPT_ID, DEPARTMENT],
        [`sha256:${DEPT_ID.toUpperCase()}`, DEPT_ID, DEPARTMENT],
        [NAMED, ROLES_ID, { me: { roles: [] } }],
      ] as const) {
        const { post, get } = await both(gw, documentId, persisted(hash));
        expect(post, `${documentId} ${hash}`).toEqual({ status: 200, data });
        expect(get, `${documentId} ${hash}`).toEqual({ status: 200, data });
      }
    });

    it('runs a documentId beside other extensions, or extensions null, on GET as on POST', async () => {
      for (const extensions of [{ tracing: true }, null]) {
        const { post, get } = await both(gw, DEPT_ID, extensions);
        expect(post, JSON.stringify(extensions)).toEqual({ status: 200, data: DEPARTMENT });
        expect(get, JSON.stringify(extensions)).toEqual({ status: 200, data: DEPARTMENT });
      }
    });

    it('runs a persisted query whose hash is in upper case sent with its text, on POST and on GET', async () => {
      const { post, get } = await send(gw, { query: DEPT, extensions: persisted(DEPT_ID.toUpperCase()) });
      expect(post).toEqual({ status: 200, data: DEPARTMENT });
      expect(get).toEqual({ status: 200, data: DEPARTMENT });
    });

    if (mode !== 'require') {
      it('finds an APQ registration by its hash in either case, sent as a persisted query or as a documentId', async () => {
        const text = 'query Mine { me { department } }';
        const hash = sha256(text);
        expect((await send(gw, { extensions: persisted(hash) })).post.errors?.[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
        expect((await send(gw, { query: text, extensions: persisted(hash.toUpperCase()) })).post).toEqual({ status: 200, data: DEPARTMENT });
        for (const request of [{ extensions: persisted(hash) }, { extensions: persisted(hash.toUpperCase()) }, { documentId: hash.toUpperCase() }]) {
          const { post, get } = await send(gw, request);
          expect(post, JSON.stringify(request)).toEqual({ status: 200, data: DEPARTMENT });
          expect(get, JSON.stringify(request)).toEqual({ status: 200, data: DEPARTMENT });
        }
      });
    }

    it('refuses a GET naming two documentIds, as Apollo refuses two queries', async () => {
      const params = new URLSearchParams([['documentId', DEPT_ID], ['documentId', NAMED]]);
      const res = await fetch(`${gw.gateway.url}/graphql?${params}`, {
        headers: { authorization: `Bearer ${await gw.token('140100-RSJ')}`, 'x-purpose': 'pension-check', 'apollo-require-preflight': 'true' },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ errors: [{ message: "The 'documentId' search parameter may only be specified once.", extensions: { code: 'BAD_REQUEST' } }] });
    });

    it('refuses a documentId that is no string, saying so', async () => {
      for (const documentId of [123, [DEPT_ID], { sha256: DEPT_ID }]) {
        const { post } = await send(gw, { documentId });
        expect(post, JSON.stringify(documentId)).toEqual({ status: 400, errors: [{ message: 'documentId must be a string: the hash of a persisted document.', extensions: { code: 'BAD_REQUEST' } }] });
      }
    });

    it('refuses a documentId beside extensions that are no object, on GET as on POST', async () => {
      const { post, get } = await both(gw, DEPT_ID, ['persistedQuery']);
      for (const answer of [post, get]) {
        expect(answer.status).toBe(400);
        expect(answer.data ?? null).toBeNull();
        expect(answer.errors?.[0].extensions.code).toBe('BAD_REQUEST');
      }
    });
  });
}
