// Under trustedDocuments require, introspection is refused (no manifest holds it), and the refusal told a
// department developer running codegen's schema load against the gateway to have the operator add its
// client's persisted-documents.json to the manifests: done, the introspection was refused all the same.
// It now says where the schema comes from (`govgraph schema print --dept CODE`). Found by following
// docs/typed-clients.md on a Fujian platform (test/fixtures/fujian-siming) whose gateway runs `require`.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/fujian-siming/${name}`, import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PERSONS = 'query SimingPersons { fjPolice { fjPersons(first: 5) { nodes { pid areaCode } } } }';
const SCHEMA_HINT = /introspection is in no manifest: generate your typed client from the schema file that `govgraph schema print --dept CODE` prints/;
const MANIFEST_HINT = /Ask the platform operator to add your client's persisted-documents.json to the manifests/;

describe('introspection under trustedDocuments require', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-fj-trusted-'));
  let gw: TestGateway;
  beforeAll(async () => {
    writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [`sha256:${sha256(PERSONS)}`]: PERSONS }));
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(platformFile, `${readFileSync(fixture('platform.yaml'), 'utf8')}trustedDocuments:\n  mode: require\n  manifests: [persisted-documents.json]\n`);
    gw = await startTestGateway({ platformFile, catalogueFiles: [fixture('register.yaml')] });
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (query: string) => gw.query(query, { dept: '350203-CA9', purpose: 'fj-housing-aid' });

  it("says where a client's schema comes from, for codegen's schema load and a small __type", async () => {
    for (const query of [getIntrospectionQuery(), '{ __type(name: "FjPerson") { fields { name } } __typename }']) {
      const answer = await ask(query);
      expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'DOCUMENT_NOT_TRUSTED' }) })]);
      expect(answer.errors![0]!.message).toMatch(SCHEMA_HINT);
      expect(answer.errors![0]!.message).not.toMatch(MANIFEST_HINT);
    }
  });

  it('keeps asking for the manifest for an operation that reads data, introspection beside it or not', async () => {
    for (const query of ['query Other { fjPolice { fjPersons(first: 1) { nodes { pid } } } }', '{ __schema { queryType { name } } fjPolice { fjPersons(first: 1) { totalCount } } }', '{ __typename }']) {
      const answer = await ask(query);
      expect(answer.errors![0]!.extensions).toEqual(expect.objectContaining({ code: 'DOCUMENT_NOT_TRUSTED' }));
      expect(answer.errors![0]!.message).toMatch(MANIFEST_HINT);
    }
    const persons = await ask(PERSONS);
    expect(persons.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRANT_REQUIRED' }) })]);
  });
});
