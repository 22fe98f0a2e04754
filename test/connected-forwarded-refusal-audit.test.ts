// What a city records of the requests its province forwards (SPEC §10, §12: both audit, denied requests
// are logged too). A forwarded request may read the departments' data fields only; the province's gateway
// sends nothing else, so a forwarded request that selects a platform field (`auditLog`, `__type`) or a
// mutation is the province's signing key used otherwise. It was refused with
// FORBIDDEN and written nowhere but the request's log line: the city's supervisor, reading the audit log,
// never learnt of it. And that log line named the department without `via`, so an operator could not tell
// a province department's reads from a county's of the same division, nor from the city's own.
// Two real gateway processes on loopback (test/fixtures/yunnan-connected: Yunnan 530000 and Kunming
// 530100); the province's signing key read from its store, as its gateway signs.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { GOVGRAPH_BIN } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { waitReady } from './helpers/served.ts';
import { queryAs, startPair, stopPair, stopSide, type Pair } from './helpers/yunnan-pair.ts';

let pair: Pair | undefined;
let cityLog = '';

beforeAll(async () => {
  pair = await startPair('govgraph-forwarded-refusal-');
  // The city again, its log lines read (the helper's gateways log errors only).
  await stopSide(pair.city);
  const { city } = pair;
  const proc: ChildProcess = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--platform', city.file, '--data', city.dir, '--port', String(city.port)], {
    env: { ...process.env, GOVGRAPH_JWT_SECRET: city.secret, GOVGRAPH_LOG_LEVEL: 'info', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  proc.stdout!.on('data', (d) => (cityLog += d));
  city.proc = proc;
  await waitReady(city.url, 90_000);
}, 180_000);

afterAll(() => stopPair(pair));

/** A request to the city signed with the province's key for its department 530000-MZT, as the province's gateway signs one. */
async function forwarded(document: string): Promise<{ status: number; body: any }> {
  const store = await openSqliteStore(pair!.province.dir);
  let token: string;
  try {
    token = await signForwarded(new PlatformKeys(store), {
      iss: '530000', aud: '530100', sub: 'analyst-7', dept: '530000-MZT', deptLevel: 'province', deptRegion: '530000', purpose: 'minimum-living-allowance',
    });
  } finally {
    await store.close();
  }
  const res = await fetch(`${pair!.city.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '530000' },
    body: JSON.stringify({ query: document }),
  });
  return { status: res.status, body: await res.json() };
}

const FORWARDED_ENTRIES = '{ auditLog(first: 20, filter: { via: "530000" }) { nodes { department user via purpose operationName outcome detail resources { resource records } } } }';

describe('requests the province forwards, on the city', () => {
  it('one selecting more than the departments\' data fields is refused and has its audit entry, with via', async () => {
    const attempts = [
      'query Everything { kunmingCivil { recipients { totalCount } } auditLog { totalCount } }',
      'mutation Doubt { raiseObjection(input: { resource: "530100-MZJ-R01", key: "K1", item: "amount", reason: "lowered", proposedValue: "1" }) { id } }',
      'query Look { __type(name: "Recipient") { fields { name } } }',
    ];
    for (const document of attempts) {
      const res = await forwarded(document);
      expect(res).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
      expect(res.body.data).toBeUndefined();
    }
    const log = await queryAs(pair!.city, '530100-SJJ', FORWARDED_ENTRIES, ['supervisor']);
    expect(log.errors).toBeUndefined();
    const refused = (name: string, resources: unknown[]) => ({
      department: '530000-MZT', user: 'analyst-7', via: '530000', purpose: 'minimum-living-allowance', operationName: name, outcome: 'REFUSED',
      detail: "FORBIDDEN: A request forwarded by a connected platform may only read the departments' data fields.", resources,
    });
    // Newest first; the one that selected the city's resource names it, so its provider sees the attempt.
    expect(log.data.auditLog.nodes).toEqual([
      refused('Look', []),
      refused('Doubt', []),
      refused('Everything', [{ resource: '530100-MZJ-R01', records: 0 }]),
    ]);
    const provider = await queryAs(pair!.city, '530100-MZJ', FORWARDED_ENTRIES);
    expect(provider.data.auditLog.nodes.map((n: { operationName: string }) => n.operationName)).toEqual(['Everything']);
  });

  it('the log line of a forwarded request names the platform that forwarded it', async () => {
    const read = await eventually(async () => {
      const res = await queryAs(pair!.province, '530000-MZT', 'query ProvinceReadsKunming { kunming { kunmingCivil { recipients { totalCount } } } }');
      expect(res.data?.kunming?.kunmingCivil?.recipients?.totalCount).toBe(3);
      return res;
    }, 30_000);
    expect(read.errors).toBeUndefined();
    await queryAs(pair!.city, '530100-MZJ', 'query OwnRead { kunmingCivil { recipients { totalCount } } }');
    const lines = await eventually(async () => {
      const found = cityLog.split('\n').filter((l) => l.includes('"msg":"graphql request"')).map((l) => JSON.parse(l));
      expect(found.some((l) => l.operationName === 'OwnRead')).toBe(true);
      return found;
    }, 10_000);
    const byName = (name: string) => lines.filter((l) => l.operationName === name);
    expect(byName('ProvinceReadsKunming')).toEqual([expect.objectContaining({ department: '530000-MZT', via: '530000', outcome: 'ok' })]);
    expect(byName('Everything')).toEqual([expect.objectContaining({ department: '530000-MZT', via: '530000', outcome: 'denied', codes: ['FORBIDDEN'] })]);
    expect(byName('OwnRead')).toEqual([expect.objectContaining({ department: '530100-MZJ', outcome: 'ok' })]);
    expect(byName('OwnRead')[0]).not.toHaveProperty('via');
  });
});
