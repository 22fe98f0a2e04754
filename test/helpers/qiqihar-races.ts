// Qiqihar's platform (test/fixtures/qiqihar-races) for the tests of records placed in a masked key's list
// while other processes share the embedded store: gateways killed with SIGKILL while they place, two on
// one data folder, commands run meanwhile, a lock another process holds (test/placing-races.test.ts).
import { fileURLToPath } from 'node:url';
import { idCardCheckDigit } from '../../src/formats/idcard.ts';
import { RECORD_ORDER_FIELD } from '../../src/model/catalogue.ts';
import { signToken } from '../../src/identity/token.ts';
import type { Store } from '../../src/store/port.ts';

export const qiqiharFixture = (p: string): string => fileURLToPath(new URL(`../fixtures/qiqihar-races/${p}`, import.meta.url));
export const QIQIHAR_PLATFORM = qiqiharFixture('platform.yaml');
export const QIQIHAR_POLICE = qiqiharFixture('police.yaml');
export const QIQIHAR_SOCIAL = qiqiharFixture('social.yaml');
export const INSURED = { code: '230200-RSJ-00001', collection: 'r_230200_rsj_00001', catalogue: 'QQHR-RSJ' };
/** The reader who sees the keys masked. */
export const QIQIHAR_READER = { dept: '230200-MZJ', purpose: 'qqhr-relief' };

/** The nth person's ID number: Qiqihar's Longsha district, a birth date three days after the (n-1)th's, a check digit. */
export function qiqiharIdNumber(n: number): string {
  const born = new Date(Date.UTC(1940, 0, 1) + n * 3 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `230202${born}${String(300 + (n % 600)).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}

/** `count` insured persons' records without places, in key order (as an older release stored a file sorted by ID number); tags `i<n>`. */
export async function storeUnplacedInsured(store: Store, count: number): Promise<void> {
  for (let from = 0; from < count; from += 5000) {
    const n = Math.min(5000, count - from);
    await store.insert(INSURED.collection, Array.from({ length: n }, (_, i) => ({ personId: qiqiharIdNumber(from + i), tag: `i${from + i}` })));
  }
}

/** The insured persons' tags in the order of their places, or null while one has no place. */
export async function insuredInPlaceOrder(store: Store): Promise<string[] | null> {
  const rows = await store.find(INSURED.collection, { projection: ['tag', RECORD_ORDER_FIELD] });
  if (rows.some((r) => typeof r[RECORD_ORDER_FIELD] !== 'number')) return null;
  return rows.sort((a, b) => (a[RECORD_ORDER_FIELD] as number) - (b[RECORD_ORDER_FIELD] as number)).map((r) => r.tag as string);
}

/** The masked list of insured persons as the civil affairs bureau walks it, page after page, at `url` (its tags in order). */
export async function walkInsured(url: string, secret: Uint8Array, page = 1000): Promise<string[]> {
  const token = await signToken(secret, { dept: QIQIHAR_READER.dept, user: 'clerk', roles: [], ttl: '1h' });
  const tags: string[] = [];
  for (let after: string | null = null; ;) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-purpose': QIQIHAR_READER.purpose, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($after: String, $first: Int) { qqhrSocial { insured(first: $first, after: $after) { nodes { personId tag } pageInfo { endCursor hasNextPage } } } }',
        variables: { after, first: page },
      }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(`the list answered ${JSON.stringify(body.errors)}`);
    const list = body.data.qqhrSocial.insured;
    for (const n of list.nodes as { personId: string; tag: string }[]) {
      if (!/^230202\*{8}\d{3}[\dX]$/.test(n.personId)) throw new Error(`${n.tag}'s ID number not masked: ${n.personId}`);
      tags.push(n.tag);
    }
    if (!list.pageInfo.hasNextPage) return tags;
    after = list.pageInfo.endCursor;
  }
}
