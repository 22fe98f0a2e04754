// test/fixtures/shandong-rows, as the tests of the submission warnings' figures use it: a province, two
// cities (Jinan, Qingdao), a county of Jinan (Lixia); conditional recipients under row scope by county.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Role } from '../../src/identity/roles.ts';
import type { Catalogue } from '../../src/model/catalogue.ts';
import type { TestGateway } from './gateway.ts';
import { versionWarnings, type VersionRef, type VersionWarning } from './version-warnings.ts';

export const FIXTURE = 'test/fixtures/shandong-rows';
export const RECIPIENTS = '370000-MZ-00001';
export const PAYMENTS = '370000-MZ-00002';
export const COMPILER = { dept: '370000-MZ', roles: ['compiler' as Role] }; // the provider
export const BUREAU = '370000-DSJ'; // the competent department

/** The fixture's catalogue, parsed: a version to edit. */
export const catalogueDocument = (): Catalogue => parse(readFileSync(`${FIXTURE}/catalogue.yaml`, 'utf8')) as Catalogue;

/** Version 2: `high` taken from the recipients' tier, their name made required. */
export function narrowedVersion(): Catalogue {
  const doc = catalogueDocument();
  const items = doc.resources[0].items;
  items.find((i) => i.name === 'tier')!.values = ['low', 'middle'];
  items.find((i) => i.name === 'fullName')!.required = true;
  return doc;
}

/** The warnings of `version` about the recipients' tier and name, as `dept` with `roles` reads them. */
export async function recipientWarnings(gw: TestGateway, version: VersionRef, dept: string, roles: Role[]): Promise<VersionWarning[]> {
  return (await versionWarnings(gw, version, { dept, roles }))
    .filter((w) => w.resource === RECIPIENTS && (w.kind === 'RECORDS_LACK_ITEM' || w.change === 'RETYPED'));
}
