// A catalogue version submitted through the gateway, and its warnings as one department and its roles
// read them (a version's `warnings` are counted again when read, SPEC §14): the steps of the tests of
// the submission warnings' figures.
import { expect } from 'vitest';
import type { Role } from '../../src/identity/roles.ts';
import type { Catalogue } from '../../src/model/catalogue.ts';
import type { TestGateway } from './gateway.ts';

export interface VersionRef { id: string; version: number }
export interface Reader { dept: string; roles: Role[] }
export type VersionWarning = { kind: string; change: string | null; resource: string; item: string; records: number | null; message: string };

/** Submits `doc` as `by` (a compiler of its catalogue); the version stored. */
export async function submitVersion(gw: TestGateway, doc: Catalogue, by: Reader): Promise<VersionRef> {
  const sub = await gw.query(`mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } } }`,
    { ...by, variables: { doc: JSON.stringify(doc) } });
  expect(sub.errors).toBeUndefined();
  return sub.data!.submitCatalogue.version;
}

/** The warnings of version `ref` as `reader` reads them. */
export async function versionWarnings(gw: TestGateway, ref: VersionRef, reader: Reader): Promise<VersionWarning[]> {
  const res = await gw.query(`{ catalogue(id: "${ref.id}") { versions { version warnings { kind change resource item records message } } } }`, reader);
  expect(res.errors).toBeUndefined();
  return res.data!.catalogue.versions.find((v: { version: number }) => v.version === ref.version).warnings;
}
