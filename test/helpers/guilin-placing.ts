// Guilin's platform (test/fixtures/guilin-placing) for the tests of a gateway reading which resources have
// records stored without a place (`_o`) and placing them: at its start, many resources read at once
// (test/placing-start-reads.test.ts), and after a publication it serves (test/placing-at-publication.test.ts).
import { fileURLToPath } from 'node:url';
import { readDocuments } from '../../src/catalogue/read.ts';
import { idCardCheckDigit } from '../../src/formats/idcard.ts';
import { RECORD_ORDER_FIELD, type Catalogue } from '../../src/model/catalogue.ts';
import type { Store } from '../../src/store/port.ts';

export const guilinFixture = (p: string): string => fileURLToPath(new URL(`../fixtures/guilin-placing/${p}`, import.meta.url));
export const GUILIN_PLATFORM = guilinFixture('platform.yaml');
export const GUILIN_POLICE = guilinFixture('police.yaml');
export const GUILIN_HOUSING = guilinFixture('housing.yaml');
export const OWNERS = { code: '450300-ZJJ-00001', collection: 'r_450300_zjj_00001' };
/** The reader who sees both keys masked. */
export const GUILIN_READER = { dept: '450300-MZJ', purpose: 'gl-relief' };

/** The nth person's ID number: Guilin's Qixing district, a birth date ten days after the (n-1)th's, a check digit. */
export function guilinIdNumber(n: number): string {
  const born = new Date(Date.UTC(1955, 0, 1) + n * 10 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `450305${born}${String(200 + (n % 700)).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}

/** `count` owners' records without places, in key order (as a file sorted by ID number was stored); tags `o<n>`. */
export async function storeUnplacedOwners(store: Store, count: number): Promise<void> {
  await store.insert(OWNERS.collection, Array.from({ length: count }, (_, n) => ({ ownerId: guilinIdNumber(n), tag: `o${n}` })));
}

/** One catalogue of `total` copies of the police's resident register, the nth reading collection `gl_res_<n>` (for reads, not for a schema). */
export function manyResidentRegisters(total: number): Catalogue[] {
  const police = readDocuments(GUILIN_POLICE)[0] as Catalogue;
  const resources = Array.from({ length: total }, (_, n) => ({
    ...structuredClone(police.resources[0]),
    code: `450300-GAJ-${String(10_000 + n)}`,
    source: { collection: `gl_res_${n}` },
  }));
  return [{ ...police, resources }];
}

/** The owners' tags in the order of their places (a masked key's list's order), or null while one has no place. */
export async function ownersInPlaceOrder(store: Store): Promise<string[] | null> {
  const rows = await store.find(OWNERS.collection, { projection: ['tag', RECORD_ORDER_FIELD] });
  if (rows.some((r) => typeof r[RECORD_ORDER_FIELD] !== 'number')) return null;
  return rows.sort((a, b) => (a[RECORD_ORDER_FIELD] as number) - (b[RECORD_ORDER_FIELD] as number)).map((r) => r.tag as string);
}

/** The masked owners' list as the civil affairs bureau gets it: `query` posts a document as GUILIN_READER. */
export const OWNERS_LIST = '{ glHousing { owners(first: 500) { nodes { ownerId tag } } } }';
