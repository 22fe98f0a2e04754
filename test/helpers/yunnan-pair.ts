// Two real gateway processes on loopback, a province and the city it connects to
// (test/fixtures/yunnan-connected; the county left out), each with its own store holding the fixture's
// catalogue and records; for tests of what the two platforms keep apart (the audit log's own entries, usage).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditKey } from '../../src/audit/key.ts';
import { importCatalogueFiles } from '../../src/catalogue/import.ts';
import { loadPlatform } from '../../src/catalogue/platform.ts';
import { signToken } from '../../src/identity/token.ts';
import type { Role } from '../../src/identity/roles.ts';
import { collectionOf } from '../../src/model/catalogue.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Row, Store } from '../../src/store/port.ts';
import { GOVGRAPH_BIN } from './cli.ts';
import type { TestGateway } from './gateway.ts';
import { freePort } from './guizhou.ts';
import { waitReady } from './served.ts';

export const yunnanFixture = (name: string) => join(fileURLToPath(new URL('..', import.meta.url)), 'fixtures/yunnan-connected', name);

export interface Side { dir: string; file: string; url: string; port: number; secret: string; proc?: ChildProcess }
export interface Pair { work: string; province: Side; city: Side }

export async function startSide(s: Side): Promise<void> {
  s.proc = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--platform', s.file, '--data', s.dir, '--port', String(s.port)], {
    env: { ...process.env, GOVGRAPH_JWT_SECRET: s.secret, GOVGRAPH_LOG_LEVEL: 'error', NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(s.url, 90_000);
}

export async function stopSide(s: Side): Promise<void> {
  const proc = s.proc;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

/** A GraphQL request to `s` as a user of `dept` (a token signed with that platform's secret). */
export async function queryAs(s: Side, dept: string, document: string, roles: Role[] = []) {
  const token = await signToken(new TextEncoder().encode(s.secret), { dept, user: `user-of-${dept}`, roles, ttl: '1h' });
  const res = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'minimum-living-allowance' },
    body: JSON.stringify({ query: document }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

/** The province's department list with the city's civil affairs bureau added, as a province might list it. */
export const listingKunmingCivil = (text: string) =>
  text.replace('connected:', '  - { code: "530100-MZJ", name: 昆明市民政局, graphqlName: kunmingCivilAffairs, level: city, region: "530100" }\nconnected:');

/**
 * A work folder and two sides in it, named `names`: on GOVGRAPH_TEST_PORT and the next one when it is set
 * (where only some ports may be used), on free ports otherwise. Their platform files are to be written.
 */
export async function twoSides(prefix: string, names: [string, string]): Promise<{ work: string; sides: [Side, Side] }> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const base = Number(process.env.GOVGRAPH_TEST_PORT ?? 0);
  const side = async (name: string, n: number): Promise<Side> => {
    const port = base ? base + n : await freePort();
    return { dir: join(work, name), file: join(work, `${name}.yaml`), port, url: `http://127.0.0.1:${port}`, secret: `secret-of-${name}-${port}-0123456789abcdef` };
  };
  return { work, sides: [await side(names[0], 0), await side(names[1], 1)] };
}

/**
 * A side's store before it serves: its catalogue files published, and `records[i]` in the first one's i-th
 * resource, or `records` writing what it will into the store.
 */
export async function prepareSide(s: Side, catalogueFiles: string | string[], records: unknown[][] | ((store: Store) => Promise<void>)): Promise<void> {
  const store = await openSideStore(s);
  try {
    const [imported] = await importCatalogueFiles(store, loadPlatform(s.file), [catalogueFiles].flat(), { publish: true });
    if (typeof records === 'function') await records(store);
    else for (const [i, rows] of records.entries()) await store.insert(collectionOf(imported.version.catalogue.resources[i]), rows as Row[]);
  } finally {
    await store.close();
  }
}

/** A side's store opened by this process (beside its gateway, as a second instance would be). */
export async function openSideStore(s: Side): Promise<Store> {
  const store = await openSqliteStore(s.dir);
  // What this process writes to the platform's log is keyed with the platform's own secret, as its gateway's.
  await auditKey(store, { GOVGRAPH_JWT_SECRET: s.secret });
  return store;
}

/**
 * Requests to `s` as TestGateway.query sends them: as a user of `dept` (a token signed with the side's
 * secret), with the purpose header only when given.
 */
export function sideQuery(s: Side): TestGateway['query'] {
  return async (document, q = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...q.headers };
    const bearer = q.token === undefined ? await signToken(new TextEncoder().encode(s.secret), { dept: q.dept ?? '', user: `user-of-${q.dept}`, roles: q.roles ?? [], ttl: '1h' }) : q.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (q.purpose) headers['x-purpose'] = q.purpose;
    const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: document, variables: q.variables }) });
    return { status: res.status, ...((await res.json()) as object) };
  };
}

/** Records of a JSON Lines file. */
export const jsonLines = (file: string): unknown[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** The province and the city, served. */
export async function startPair(prefix: string): Promise<Pair> {
  const { work, sides: [province, city] } = await twoSides(prefix, ['province', 'city']);
  writeFileSync(province.file, readFileSync(yunnanFixture('province.yaml'), 'utf8').replace('CITY_URL', city.url));
  writeFileSync(city.file, readFileSync(yunnanFixture('city.yaml'), 'utf8').replace('PROVINCE_URL', province.url).replace(/^.*COUNTY_URL.*\n/m, ''));
  await prepareSide(province, yunnanFixture('province-catalogue.yaml'), [jsonLines(yunnanFixture('residents.jsonl'))]);
  await prepareSide(city, yunnanFixture('city-catalogue.yaml'), [jsonLines(yunnanFixture('recipients.jsonl'))]);
  await Promise.all([startSide(province), startSide(city)]);
  return { work, province, city };
}

/** Stops the sides in the order given and removes their work folder. */
export async function stopSides(work: string, sides: Side[]): Promise<void> {
  for (const s of sides) await stopSide(s);
  rmSync(work, { recursive: true, force: true });
}

export async function stopPair(pair: Pair | undefined): Promise<void> {
  if (pair) await stopSides(pair.work, [pair.city, pair.province]);
}
