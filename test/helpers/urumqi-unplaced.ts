// Urumqi's platform (test/fixtures/urumqi-placing) with records stored as a release before places stored
// them: without `_o` (a record's place in a masked key's list), written straight through the store in key
// order, as a provider's file sorted by ID number was. For the tests of placing them when a gateway starts.
import { fileURLToPath } from 'node:url';
import { idCardCheckDigit } from '../../src/formats/idcard.ts';
import { RECORD_ORDER_FIELD } from '../../src/model/catalogue.ts';
import { eq, type Store } from '../../src/store/port.ts';

export const urumqiFixture = (p: string): string => fileURLToPath(new URL(`../fixtures/urumqi-placing/${p}`, import.meta.url));
export const URUMQI_PLATFORM = urumqiFixture('platform.yaml');
export const URUMQI_CATALOGUE = urumqiFixture('police.yaml');
export const RESIDENTS = { code: '650100-GAJ-00001', collection: 'r_650100_gaj_00001' };
export const VEHICLES = { code: '650100-GAJ-00002', collection: 'r_650100_gaj_00002' };
/** The reader who sees both keys masked. */
export const URUMQI_READER = { dept: '650100-MZJ', purpose: 'wlmq-relief' };

/** The nth resident's ID number: Urumqi's Tianshan district, a birth date a week after the (n-1)th's, a check digit. */
export function urumqiIdNumber(n: number): string {
  const born = new Date(Date.UTC(1950, 0, 1) + n * 7 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `650102${born}${String(100 + (n % 900)).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}

/** Stores `residents` and `vehicles` records without places, in key order, in pages of 5,000 rows; tags `r<n>` and `v<n>`. */
export async function storeUnplaced(store: Store, residents: number, vehicles: number): Promise<void> {
  for (let from = 0; from < residents; from += 5000) {
    const n = Math.min(5000, residents - from);
    await store.insert(RESIDENTS.collection, Array.from({ length: n }, (_, i) => ({ idNumber: urumqiIdNumber(from + i), tag: `r${from + i}` })));
  }
  if (vehicles > 0) {
    await store.insert(VEHICLES.collection, Array.from({ length: vehicles }, (_, n) => ({ ownerPhone: `1399${String(n).padStart(7, '0')}`, tag: `v${n}` })));
  }
}

/** How many records of `collection` have no place. */
export const unplacedCount = (store: Store, collection: string): Promise<number> => store.count(collection, eq(RECORD_ORDER_FIELD, null));

/** Each record's place, by its tag. */
export async function placesByTag(store: Store, collection: string): Promise<Map<string, unknown>> {
  const rows = await store.find(collection, { projection: ['tag', RECORD_ORDER_FIELD] });
  return new Map(rows.map((r) => [r.tag as string, r[RECORD_ORDER_FIELD]]));
}

/** Of neighbours in `list` (tags `r<n>`, where key order is n's order), the share that come in key order. */
export function keyOrderedShare(list: string[]): number {
  const n = list.map((t) => Number(t.slice(1)));
  let ordered = 0;
  for (let i = 1; i < n.length; i++) if (n[i - 1] < n[i]) ordered++;
  return ordered / (n.length - 1);
}
