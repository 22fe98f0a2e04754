// Two generated platforms (test/helpers/random-platform.ts) connected as SPEC §12 says, for the oracle
// through a hop (test/access-oracle-connected.test.ts): a province and one of its cities, drawn from one
// seed with names apart and the same purposes, each published into its own store and served by a real
// `govgraph serve` process on loopback (yunnan-pair.ts's sides), each listing the other: the province
// reads the city under `city`, the city the province under `province`.
import { join } from 'node:path';
import { loadPlatform } from '../../src/catalogue/platform.ts';
import { DocumentInvalidError } from '../../src/catalogue/problems.ts';
import type { Store } from '../../src/store/port.ts';
import { eventually } from './eventually.ts';
import { DENIAL_CODES, loadOracle, type OPlatform } from './oracle.ts';
import { ORACLE_LIMITS, telling, type HopBatch, type OracleHome, type OracleHop, type OracleRunResult } from './oracle-run.ts';
import { generatePlatform, PROVINCES, storeOlderRows, type GeneratedPlatform } from './random-platform.ts';
import { mulberry32 } from './random.ts';
import { importRecordsOf } from './records-of.ts';
import { openSideStore, prepareSide, sideQuery, startSide, stopSides, twoSides, type Side } from './yunnan-pair.ts';

export type Level = 'province' | 'city';

/** One platform of the pair: served, its store opened beside its gateway, the oracle's reading of its files. */
export interface PairSide {
  level: Level;
  side: Side;
  drawn: GeneratedPlatform;
  oracle: OPlatform;
  region: string;
  store?: Store;
  /** The namespace the other platform reads this one under, and the prefix of its types there. */
  namespace: string;
  typePrefix: string;
}

export interface OraclePair {
  work: string;
  province: PairSide;
  city: PairSide;
}

const other = (l: Level): Level => (l === 'province' ? 'city' : 'province');

/** The pair of `seed`, both served and reading each other. */
export async function startOraclePair(seed: number): Promise<OraclePair> {
  const rand = mulberry32(seed ^ 0x5ca1ab1e);
  const pp = PROVINCES[Math.floor(rand() * PROVINCES.length)];
  const city = `${pp}${['01', '02', '03', '05', '07', '11'][Math.floor(rand() * 6)]}00`;
  const { work, sides: [p, c] } = await twoSides('govgraph-oracle-pair-', ['province', 'city']);
  // What a served process reads from its file: the oracle's limits (as startTestGateway's), and no rates.
  const limits = {
    maxAliases: ORACLE_LIMITS.maxAliases,
    maskedProbes: ORACLE_LIMITS.maskedProbes,
    rate: { perDepartment: 'off', perUser: 'off', perPlatform: 'off' },
  };
  const taken = new Set<string>();
  const listing = (region: string, s: Side, namespace: string) => [{ region, name: `${namespace} ${region}`, url: s.url, namespace, timeoutMs: 30_000 }];
  const provinceDrawn = generatePlatform(seed, join(work, 'province-files'), { province: pp, taken, limits, connected: listing(city, c, 'city') });
  const provinceOracle = loadOracle(provinceDrawn.platformFile, provinceDrawn.catalogueFiles);
  const cityDrawn = generatePlatform(seed + 1, join(work, 'city-files'), { city, taken, limits, purposes: provinceOracle.purposes, connected: listing(`${pp}0000`, p, 'province') });
  p.file = provinceDrawn.platformFile;
  c.file = cityDrawn.platformFile;
  const pair: OraclePair = {
    work,
    province: { level: 'province', side: p, drawn: provinceDrawn, oracle: provinceOracle, region: `${pp}0000`, namespace: 'province', typePrefix: 'Province_' },
    city: { level: 'city', side: c, drawn: cityDrawn, oracle: loadOracle(cityDrawn.platformFile, cityDrawn.catalogueFiles), region: city, namespace: 'city', typePrefix: 'City_' },
  };
  try {
    for (const s of [pair.province, pair.city]) {
      await prepareSide(s.side, s.drawn.catalogueFiles, async (store) => {
        for (const [code, records] of s.drawn.records) await importRecordsOf(store, code, records);
        await storeOlderRows(store, s.drawn);
      }).catch((err: unknown) => {
        // The generator writes only what the catalogue checks accept: a refusal is its bug or theirs.
        if (err instanceof DocumentInvalidError) throw new Error(`seed ${seed}, ${s.level}: the generated catalogues are refused:\n${err.message}\n${s.drawn.summary.join('\n')}`);
        throw err;
      });
    }
    await Promise.all([startSide(p), startSide(c)]);
    // Either may have started before the other answered: its namespace comes with a later schema poll.
    for (const s of [pair.province, pair.city]) {
      const asking = pair[other(s.level)];
      await eventually(async () => {
        const r = await sideQuery(asking.side)(`{ ${s.namespace} { __typename } }`, { dept: asking.oracle.departments[0].code });
        if (r.data?.[s.namespace]?.__typename !== `${s.typePrefix}Query`) throw new Error(`no ${s.namespace} namespace yet: ${JSON.stringify(r.errors)}`);
      }, 60_000);
    }
    for (const s of [pair.province, pair.city]) s.store = await openSideStore(s.side);
  } catch (err) {
    await stopOraclePair(pair);
    throw err;
  }
  return pair;
}

export async function stopOraclePair(pair: OraclePair | undefined): Promise<void> {
  if (!pair) return;
  for (const s of [pair.city, pair.province]) await s.store?.close();
  await stopSides(pair.work, [pair.city.side, pair.province.side]);
}

/**
 * The oracle's run where the departments of `from` read the other platform through its namespace: the
 * other's gateway and store are the home of the resources, `from`'s gateway the way in.
 */
export function hopFrom(pair: OraclePair, from: Level, label: string): { home: OracleHome; oracle: OPlatform; hop: OracleHop } {
  const [asking, read] = [pair[from], pair[other(from)]];
  const ask = sideQuery(asking.side);
  return {
    home: { query: sideQuery(read.side), store: read.store!, platform: loadPlatform(read.side.file) },
    oracle: read.oracle,
    hop: {
      query: (document, q) => ask(document, q),
      namespace: read.namespace,
      typePrefix: read.typePrefix,
      departments: asking.oracle.departments,
      requestId: (batch) => `${label}-${batch}`,
    },
  };
}

const ENTRIES = `query Entries($id: String) { auditLog(first: 10, filter: { requestId: $id }) {
  nodes { department user purpose via outcome detail resources { resource items denied { item code } masked records filtered ordered counted } } } }`;

/**
 * What both audit logs hold of each batch the run sent through the hop (SPEC §10, §12: both audit): on
 * the platform read, one entry naming the department, its purpose and `via` the asking platform's region;
 * on the asking one, one entry saying the namespace answered, with as many errors as its answer held,
 * naming each denial `CODE at namespace.fields` as the answer's errors give them (a refusal at a field the
 * read platform's entry counts as a denial too); both with one outcome. The read platform's parts deny and
 * mask, per resource, what the oracle says (HopBatch.expected); the asking platform's entry has no parts.
 * Neither holds any value the department could not read in clear. Returns what disagrees.
 */
export async function hopAuditProblems(pair: OraclePair, from: Level, run: OracleRunResult): Promise<string[]> {
  const [asking, read] = [pair[from], pair[other(from)]];
  const supervisorOf = (s: PairSide) => (id: string) => sideQuery(s.side)(ENTRIES, { dept: s.oracle.departments[0].code, roles: ['supervisor'], variables: { id } });
  const problems: string[] = [];
  const secrets = [...run.secrets].filter(telling);
  for (const b of run.batches) {
    const [there, here] = await Promise.all([supervisorOf(read)(b.requestId), supervisorOf(asking)(b.requestId)]);
    if (there.errors || here.errors) {
      problems.push(`${b.requestId}: the audit logs could not be read: ${JSON.stringify([there.errors, here.errors])}`);
      continue;
    }
    const [t, h] = [there.data!.auditLog.nodes, here.data!.auditLog.nodes];
    const say = (what: string) => problems.push(`${b.requestId} (${b.dept}, purpose ${b.purpose}): ${what}\n  ${from}: ${JSON.stringify(h)}\n  ${read.level}: ${JSON.stringify(t)}`);
    if (t.length !== 1 || h.length !== 1) {
      say(`${t.length} entries on the ${read.level}'s platform and ${h.length} on the ${from}'s, expected one each`);
      continue;
    }
    const [te, he] = [t[0], h[0]];
    if (te.department !== b.dept || te.via !== asking.region || te.purpose !== b.purpose || te.user !== `user-of-${b.dept}`) say(`the ${read.level}'s entry names another requester`);
    if (he.department !== b.dept || he.via !== null || he.purpose !== b.purpose) say(`the ${from}'s entry names another requester`);
    // The read platform's denials, and its refusals at a field (a masked item filtered with `contains` or
    // ordered by: BAD_USER_INPUT) when its entry counts them as denials (any outcome but allowed and error):
    // the same refusal of the asking platform's own resources is a denial in its entry (operations.md).
    const refusalsDenied = te.outcome !== 'ALLOWED' && te.outcome !== 'ERROR';
    const isDenial = (e: { extensions?: Record<string, unknown> }) => (DENIAL_CODES as readonly string[]).includes(String(e.extensions?.code))
      || (refusalsDenied && ['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED'].includes(String(e.extensions?.code)));
    const denied = [...new Set(b.errors.filter(isDenial).map((e) => `${e.extensions!.code} at ${fieldNames(read, b, e.path ?? [])}`))];
    const n = b.errors.length;
    // Other errors passed back named first, `CODE at path` (read-failures.ts).
    const failures = b.errors.filter((e) => !isDenial(e)).map((e) => `${e.extensions?.code} at ${(e.path ?? []).join('.')}; `);
    const detail = `${failures.join('')}connected platforms: ${read.namespace} (${read.region}) answered${n ? ` with ${n} error${n > 1 ? 's' : ''}` : ''}`;
    // The denials in the order the platform read gave them (the first 8 named): here as a set and a count.
    const [said, named] = String(he.detail).split(', denying ');
    const [list, more] = (named ?? '').split(/ and (?=\d+ more$)/);
    const names = named ? list.split(', ') : [];
    const counted = names.length + (more ? parseInt(more, 10) : 0);
    if (said !== detail || counted !== denied.length || names.some((x) => !denied.includes(x)) || names.length !== Math.min(8, denied.length)) {
      say(`the ${from}'s entry says ${JSON.stringify(he.detail)}, expected ${JSON.stringify(detail)} and ${denied.length} denials of ${JSON.stringify(denied)}`);
    }
    // One outcome on both sides, the read platform's (docs/operations.md), a refusal there included: only
    // an error the read platform's entry does not tell as a denial is an `error` here (read-failures.ts).
    const failed = b.errors.some((e) => !isDenial(e));
    if (failed ? he.outcome !== 'ERROR' : te.outcome !== he.outcome) say(`outcomes ${te.outcome} (${read.level}) and ${he.outcome} (${from})${failed ? ', expected ERROR here' : ''}`);
    if (!failed && denied.length && !['PARTIAL', 'DENIED', 'REFUSED'].includes(he.outcome)) say(`outcome ${he.outcome} beside denials`);
    // Per resource, what the oracle says the department was denied and shown masked (SPEC §10).
    type Part = { resource: string; denied: { item: string; code: string }[]; masked: string[] };
    // (an item the batch denied with several codes: the entry's code, when one of them, read as the oracle's first)
    const asOracle = (resource: string, d: { item: string; code: string }) => (b.expected[resource]?.deniedAlso?.[d.item]?.includes(d.code) ? b.expected[resource].denied[d.item] : d.code);
    const got = Object.fromEntries((te.resources as Part[]).map((p) => [p.resource, {
      denied: Object.fromEntries(p.denied.map((d) => [d.item, asOracle(p.resource, d)])), masked: [...p.masked].sort(),
    }]));
    // A part that denied and masked nothing (items read plain) is left out on both sides.
    const shown = (x: HopBatch['expected']) => JSON.stringify(Object.keys(x).sort().filter((k) => Object.keys(x[k].denied).length || x[k].masked.length).map((k) => [k, Object.keys(x[k].denied).sort().map((i) => `${i}:${x[k].denied[i]}`), x[k].masked]));
    if (shown(got) !== shown(b.expected)) say(`the ${read.level}'s parts deny and mask ${shown(got)}, the oracle ${shown(b.expected)}`);
    const text = JSON.stringify([te, he]);
    for (const s of secrets) if (text.includes(s)) say(`an entry holds ${JSON.stringify(s)}, a value the department may not read in clear`);
  }
  return problems;
}

/**
 * An error's path under the namespace as the asking platform's entry names it: the oracle's aliases by
 * their fields (`c0` the namespace, `d` the department, `r` the list or lookup), list indices left out.
 */
function fieldNames(read: PairSide, b: OracleRunResult['batches'][number], path: readonly (string | number)[]): string {
  const [alias, , , ...rest] = path;
  return [read.namespace, ...(b.fields[String(alias)] ?? ['?', '?']), ...rest.filter((p) => typeof p === 'string')].join('.');
}
