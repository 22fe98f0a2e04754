// The clock going back (an NTP step, a date set by hand, one machine behind the others on a shared store):
// found by the chaos walk on a Sichuan platform of the tests' (test/fixtures/sichuan-grants). A command run with its clock an hour behind
// wrote its entries an hour before the entries before them; `audit verify` said `audit chain ok` and
// nothing else, so the operator learned nothing of a log whose times no longer follow its order (a period
// read by time then holds entries written after it). The chain does hold, so verify still passes (exit 0),
// and now says which entry went back first, how far, and how many did.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';

vi.setConfig({ testTimeout: 120_000 });
const FIXTURE = fileURLToPath(new URL('./fixtures/sichuan-grants/', import.meta.url));
const CLOCK_SHIFT = fileURLToPath(new URL('./helpers/clock-shift.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-clock-back-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
/** `grant add` of a grant ending in month `m` of 2027: each month another grant, so each run writes its entries. */
const grantAdd = (m: number) => ['grant', 'add', '--requester', '510100-MZJ', '--resource', '510000-WJW-00001', '--items', 'certificate,weightGrams', '--purposes', 'welfare-review', '--until', `2027-${String(m).padStart(2, '0')}-28`];

/** A store with the fixture's catalogue published; `env` runs commands on it, `behind(ms)` with the clock that far back. */
async function published(name: string) {
  const { data, env } = storeOfCase(dir, name, join(FIXTURE, 'platform.yaml'));
  const run = (args: string[], shift = 0) =>
    runGovgraph(args, { cwd: dir, env: shift ? { ...env, NODE_OPTIONS: `--import ${CLOCK_SHIFT}`, CLOCK_SHIFT_MS: String(-shift) } : env });
  expect((await run(['catalogue', 'import', '--publish', join(FIXTURE, 'health.yaml')])).code).toBe(0);
  const times = () => withSqliteStore(data, async (s) => (await s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow).map((e) => ({ seq: e.seq, time: Date.parse(e.time) })));
  return { run, times };
}

describe('audit verify on a log written by a clock that went back', () => {
  let store: Awaited<ReturnType<typeof published>>;
  beforeAll(async () => {
    store = await published('back');
    expect((await store.run(grantAdd(1))).code).toBe(0);
    expect((await store.run(grantAdd(2), HOUR)).code).toBe(0); // an hour behind
    expect((await store.run(grantAdd(3), HOUR)).code).toBe(0);
  });

  it('the entries are stored as their clock said: an hour before the entries before them', async () => {
    const times = await store.times();
    const back = times.filter((e, i) => i > 0 && times[i - 1].time - e.time > 59 * 60_000);
    expect(back).toHaveLength(1); // the first entry of the first command behind; the ones after it follow it
  });

  it('verify passes (the chain holds) and names the first entry that went back, and how far', async () => {
    const times = await store.times();
    const first = times.findIndex((e, i) => i > 0 && times[i - 1].time - e.time > 59 * 60_000);
    const verified = await store.run(['audit', 'verify']);
    expect(verified.code).toBe(0);
    const [ok, note, ...rest] = verified.stdout.trim().split('\n');
    expect(ok).toMatch(/^audit chain ok: \d+ entries/);
    expect(note).toMatch(new RegExp(`^  entry #${times[first].seq} is timed \\S+, (59|60) min before entry #${times[first - 1].seq} \\(\\S+\\): the clock of the process that wrote it`));
    expect(note).not.toContain('more entr'); // one step back; the entries after it follow it
    expect(rest).toEqual([]);
  });
});

it('a log whose clock never went back gets no such note', async () => {
  const store = await published('steady');
  expect((await store.run(grantAdd(4))).code).toBe(0);
  const verified = await store.run(['audit', 'verify']);
  expect({ code: verified.code, lines: verified.stdout.trim().split('\n').length }).toEqual({ code: 0, lines: 1 });
});

it('counts each step back: a second command behind again after one on time', async () => {
  const store = await published('twice');
  expect((await store.run(grantAdd(5), HOUR)).code).toBe(0);
  expect((await store.run(grantAdd(6))).code).toBe(0);
  expect((await store.run(grantAdd(7), 2 * HOUR)).code).toBe(0);
  const verified = await store.run(['audit', 'verify']);
  expect(verified.code).toBe(0);
  expect(verified.stdout).toContain('(and 1 more entry so, further on)');
});
