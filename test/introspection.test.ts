// Introspection per department (SPEC §15): a department introspecting the running gateway gets its view of
// the schema, the one `govgraph schema print --dept` prints, so GraphiQL and a client generated from the
// gateway never offer what it can never read; another department sees what it may read; anonymous
// introspection gets nothing; and no way of writing the operation (an extra field, a fragment) shows
// the whole schema.
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { departmentCatalogues } from '../src/generate/department-view.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw?.close());

const TYPE = 'query($name: String!) { __type(name: $name) { name fields { name } } }';

describe('introspection answers with the department\'s view', () => {
  it('is the schema `schema print --dept` prints, for one department and another', async () => {
    const catalogues = await publishedCatalogues(gw.store);
    for (const dept of ['430000-MZ', '430000-GA']) {
      const r = await gw.query(getIntrospectionQuery({ descriptions: true }), { dept });
      expect(r.errors).toBeUndefined();
      const printed = printSchema(buildClientSchema(r.data as unknown as IntrospectionQuery));
      const expected = printSchema(buildGatewaySchema(gw.platform, departmentCatalogues(gw.platform, catalogues, dept), { rules: false }).schema);
      expect(printed).toBe(expected);
    }
  });

  it('leaves out a resource the department can never read, which its provider sees', async () => {
    // Criminal case files are `share: none`: only the Public Security Department reads them.
    const mz = await gw.query(TYPE, { dept: '430000-MZ', variables: { name: 'CriminalCaseFile' } });
    expect(mz).toEqual({ status: 200, data: { __type: null } });
    const ga = await gw.query(TYPE, { dept: '430000-GA', variables: { name: 'CriminalCaseFile' } });
    expect(ga.data?.__type?.name).toBe('CriminalCaseFile');
    const types = async (dept: string) =>
      ((await gw.query('{ __schema { types { name } } }', { dept })).data?.__schema.types as { name: string }[]).map((t) => t.name);
    expect(await types('430000-MZ')).not.toContain('CriminalCaseFile');
    expect(await types('430000-GA')).toContain('CriminalCaseFile');
  });

  it('leaves out an item the department can never read, and keeps the others', async () => {
    // monthlyWage of employment registrations is not shared: only Human Resources reads it.
    const fields = async (dept: string) =>
      ((await gw.query(TYPE, { dept, variables: { name: 'EmploymentRegistration' } })).data?.__type.fields as { name: string }[]).map((f) => f.name);
    const mz = await fields('430000-MZ');
    expect(mz).toContain('registrationNo');
    expect(mz).not.toContain('monthlyWage');
    expect(await fields('430000-RST')).toContain('monthlyWage');
  });

  it('refuses anonymous introspection with nothing of the schema', async () => {
    const r = await gw.query('{ __schema { types { name } } }', { token: null });
    expect(r.status).toBe(401);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(r)).not.toContain('CriminalCaseFile');
  });

  it('refuses introspection mixed with other fields, also through a fragment, instead of showing the whole schema', async () => {
    for (const document of [
      '{ __type(name: "CriminalCaseFile") { name } me { user } }',
      'query { ...F } fragment F on Query { __type(name: "CriminalCaseFile") { name } me { user } }',
      'query { ... on Query { __schema { types { name } } } publicSecurity { __typename } }',
    ]) {
      const r = await gw.query(document, { dept: '430000-MZ' });
      expect(r.status, document).toBe(400);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(r)).not.toContain('CriminalCaseFile"');
    }
    // __typename beside data is no introspection of the schema.
    const typename = await gw.query('{ __typename me { department } }', { dept: '430000-MZ' });
    expect(typename).toEqual({ status: 200, data: { __typename: 'Query', me: { department: '430000-MZ' } } });
  });

  it('offers no names of the whole schema in the suggestions of a validation error ("Did you mean ...?")', async () => {
    // Each misspells, or comes close to, a name of the Public Security Department's criminal case files,
    // which Civil Affairs can never read: the whole schema's suggestions would spell them out.
    for (const [document, variables] of [
      ['{ publicSecurity { criminalCase { caseNo } } }', undefined],
      ['fragment F on CriminalCaseFil { caseNo } { ...F }', undefined],
      ['query($f: CriminalCaseFileFilter) { publicSecurity { criminalCaseFiles(filter: $f) { totalCount } } }', { f: { caseN: { eq: 'x' } } }],
    ] as const) {
      const r = await gw.query(document, { dept: '430000-MZ', variables });
      expect(r.status, document).toBe(400);
      expect(r.errors?.length, document).toBeGreaterThan(0);
      for (const e of r.errors ?? []) expect(e.message, document).not.toMatch(/Did you mean|criminalCaseFile"|CriminalCaseFile"|"caseNo"/);
    }
  });
});
