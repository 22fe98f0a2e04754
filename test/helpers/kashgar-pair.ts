// Xinjiang (650000) and its prefecture Kashgar (653100) as two real `govgraph serve` processes on loopback,
// each with its own store (test/fixtures/kashgar-connected), listing each other: Xinjiang reads Kashgar's
// clinic visits under the namespace `kashgar`. Started and stopped with yunnan-pair.ts's sides.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signToken } from '../../src/identity/token.ts';
import type { Role } from '../../src/identity/roles.ts';
import { eventually } from './eventually.ts';
import { jsonLines, prepareSide, startSide, stopSides, twoSides, type Side } from './yunnan-pair.ts';

export const kashgarFixture = (name: string) => join(fileURLToPath(new URL('..', import.meta.url)), 'fixtures/kashgar-connected', name);

export interface KashgarPair { work: string; xinjiang: Side; kashgar: Side }

/** Changes to a side's platform file before it serves (limits, purposes of its own), its text in, text out. */
export interface KashgarEdits { xinjiang?: (text: string) => string; kashgar?: (text: string) => string }

/** Both platforms served; GOVGRAPH_TEST_PORT, when set, is the first of the two ports (else free ones). */
export async function startKashgarPair(prefix: string, edits: KashgarEdits = {}): Promise<KashgarPair> {
  const { work, sides: [xinjiang, kashgar] } = await twoSides(prefix, ['xinjiang', 'kashgar']);
  const same = (text: string) => text;
  writeFileSync(xinjiang.file, (edits.xinjiang ?? same)(readFileSync(kashgarFixture('xinjiang.yaml'), 'utf8').replace('KASHGAR_URL', kashgar.url)));
  writeFileSync(kashgar.file, (edits.kashgar ?? same)(readFileSync(kashgarFixture('kashgar.yaml'), 'utf8').replace('XINJIANG_URL', xinjiang.url)));
  await prepareSide(xinjiang, kashgarFixture('xinjiang-catalogue.yaml'), []);
  await prepareSide(kashgar, kashgarFixture('kashgar-catalogue.yaml'), [jsonLines(kashgarFixture('visits.jsonl')), jsonLines(kashgarFixture('staff.jsonl'))]);
  await Promise.all([startSide(xinjiang), startSide(kashgar)]);
  // Xinjiang may have started before Kashgar answered: its namespace comes with a later schema poll.
  await eventually(async () => {
    const r = await askAs(xinjiang, '650000-FGW', { query: '{ kashgar { __typename } }' });
    if (r.data?.kashgar?.__typename !== 'Kashgar_Query') throw new Error(`no kashgar namespace yet: ${JSON.stringify(r.errors)}`);
  }, 60_000);
  return { work, xinjiang, kashgar };
}

export async function stopKashgarPair(pair: KashgarPair | undefined): Promise<void> {
  if (pair) await stopSides(pair.work, [pair.kashgar, pair.xinjiang]);
}

/**
 * A GraphQL request to `s`: as a user of `dept` (a token signed with `secret`, that side's by default;
 * `user`, else user-of-DEPT), or anonymous when dept is null.
 */
export async function askAs(
  s: Side,
  dept: string | null,
  body: { query: string; variables?: Record<string, unknown> },
  opts: { purpose?: string; roles?: Role[]; secret?: string; headers?: Record<string, string>; user?: string } = {},
): Promise<{ status: number; data?: any; errors?: any[] }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-purpose': opts.purpose ?? 'epidemic-survey', ...opts.headers };
  if (dept) {
    const token = await signToken(new TextEncoder().encode(opts.secret ?? s.secret), { dept, user: opts.user ?? `user-of-${dept}`, roles: opts.roles ?? [], ttl: '1h' });
    headers.authorization = `Bearer ${token}`;
  }
  const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: any[] }) };
}

const ENTRY = 'query Entry($id: String) { auditLog(first: 5, filter: { requestId: $id }) { nodes { department via outcome detail } } }';

/** The audit entries of request `id` on each side, read by each side's supervisor. */
export async function entriesOfRequest(pair: KashgarPair, id: string) {
  const xinjiang = await askAs(pair.xinjiang, '650000-FGW', { query: ENTRY, variables: { id } }, { roles: ['supervisor'] });
  const kashgar = await askAs(pair.kashgar, '653100-FGW', { query: ENTRY, variables: { id } }, { roles: ['supervisor'] });
  return { xinjiang: xinjiang.data!.auditLog.nodes, kashgar: kashgar.data!.auditLog.nodes };
}
