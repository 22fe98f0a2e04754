// The embedded store reads what may walk much of a large collection on reader threads (src/store/
// sqlite-readers.ts), the rest on the event loop. Whichever path a read takes, the gateway's answers must
// be the same: two gateways on one data folder, one whose store sends every walking read to a thread
// (`readerThreadRows: -1`, as the third run of test/store-contract.test.ts) and one whose store never does
// (`Infinity`), are sent the same queries as several departments, and their whole answers compared,
// errors included. A platform of its own (test/fixtures/threads): benefit payments (conditional, row scope
// by `qh`) with a masked name, an item shared with no one, an item some grants leave out, a decimal, a
// date, nullable items and a link to persons, which link back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Role } from '../src/identity/roles.ts';
import { signToken } from '../src/identity/token.ts';
import { limitsOf, type Platform } from '../src/model/platform.ts';
import { createCursorCodec } from '../src/server/cursors.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';
import { runGovgraph } from './helpers/cli.ts';
import { mulberry32 } from './helpers/random.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/threads/${name}`, import.meta.url));
const PAYMENTS = '620000-RST-00001';
const PERSONS = '620000-RST-00002';
const RECORDS = 3000;
const PEOPLE = 800;
const PROVIDER = '620000-RST';
/** The provider, the province's civil affairs (grant without reviewNote), a city (grant, unmasked name), a city whose grant has rows, one with no grant. */
const DEPARTMENTS = [PROVIDER, '620000-MZT', '620100-MZJ', '620500-MZJ', '620000-SJJ'];

/** The same queries and records at every run. */
const random = mulberry32;
const rnd = random(20261205);
const pick = <T>(list: readonly T[], r = rnd): T => list[Math.floor(r() * list.length)]!;

const NAMES = ['张三', '李四', '王五', '赵𠀀', 'Zoë', 'Ólafur', '欧阳娜娜', 'A', null];
const DIVISIONS = ['620102', '620103', '620105', '620100', '620502', '620503', '620000', '630102', '6201', null];
const AMOUNTS = ['1.1', '1.10', '1.100', '0', '0.00', '-3.5', '450.10', '450.1', '9.75', '10.5', '12345678901234567890.123', '-0.01', null];
const NOTES = ['é', 'e\u0301', 'ß', '東京', 'a_b%', "O'Brien", '', '😀 emoji', 'abc', 'ABC', 'ab', 'tab\tand "quote" \\', 'lone \ud800 surrogate', null];
/** The notes records hold: `data import` refuses a lone surrogate (records-validate); filters still send one. */
const STORED_NOTES = NOTES.filter((n) => n === null || !/[\uD800-\uDFFF]/u.test(n));
const DATES = ['2020-01-01', '2020-02-29', '2023-06-15', '2024-12-31', null];

function paymentRecord(i: number, r: () => number, version: number): Record<string, unknown> {
  const omit = (v: unknown) => v;
  return {
    paymentNo: `P${String(i).padStart(5, '0')}`,
    fullName: pick(NAMES, r),
    qh: pick(DIVISIONS, r),
    amount: r() < 0.5 ? pick(AMOUNTS, r) : `${Math.floor(r() * 1000)}.${Math.floor(r() * 100)}`,
    paidOn: r() < 0.5 ? pick(DATES, r) : `202${Math.floor(r() * 5)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`,
    batch: r() < 0.1 ? null : Math.floor(r() * 8),
    note: omit(version === 1 ? pick(STORED_NOTES, r) : `v${version} ${pick(STORED_NOTES, r) ?? ''}`),
    bankAccount: `62${String(Math.floor(r() * 1e9)).padStart(9, '0')}`,
    reviewNote: r() < 0.3 ? null : `审核 ${i % 17}`,
    personNo: r() < 0.1 ? null : r() < 0.05 ? 'Q-missing' : `Q${String(Math.floor(r() * PEOPLE)).padStart(4, '0')}`,
  };
}

function personRecord(i: number, r: () => number): Record<string, unknown> {
  return {
    personNo: `Q${String(i).padStart(4, '0')}`,
    name: pick(NAMES, r),
    born: pick(DATES, r),
    lastPaymentNo: r() < 0.15 ? null : `P${String(Math.floor(r() * RECORDS * 1.1)).padStart(5, '0')}`,
    payer: r() < 0.1 ? null : `Q${String(i).padStart(4, '0')}`,
  };
}

/** Writes records as JSON Lines (no null members: an absent item is null) and imports them with the CLI, in a process of its own. */
async function importRecords(resource: string, rows: Record<string, unknown>[]): Promise<void> {
  const file = join(work, `${resource}-${Date.now()}-${Math.random()}.jsonl`);
  writeFileSync(file, rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)))).join('\n') + '\n');
  const done = await runGovgraph(['data', 'import', '--resource', resource, file, '--platform', fixture('platform.yaml'), '--data', dataDir]);
  expect(done.code, done.stderr).toBe(0);
  expect(done.stdout + done.stderr).toMatch(/imported \d+ records/);
}

interface Side {
  store: SqliteStore;
  gateway: Gateway;
}

let work: string;
let dataDir: string;
let platform: Platform;
let threads: Side;
let loop: Side;
let threadsCut: Side;
let loopCut: Side;

async function open(readerThreadRows: number, timeoutMs?: number): Promise<Side> {
  const store = await openSqliteStore(dataDir, { readerThreadRows });
  // No request rates, and no quota of values compared with a masked item (a link by the masked key of
  // persons): both are counted in the store the two gateways share, so the second of a pair would pay for both.
  const base = limitsOf(platform);
  const limits = { ...base, rate: { perDepartment: null, perUser: null }, maskedProbes: { ...base.maskedProbes, perHour: 1e9, perDay: 1e9 }, ...(timeoutMs ? { timeoutMs } : {}) };
  // Any free port: a fixed one failed to start when another process on the machine held it.
  const gateway = await startGateway({ platform: { ...platform, limits }, store, port: 0, pollMs: 0 });
  return { store, gateway };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-threads-'));
  dataDir = join(work, 'data');
  platform = loadPlatform(fixture('platform.yaml'));
  const seed = await openSqliteStore(dataDir);
  await importCatalogueFiles(seed, platform, [fixture('catalogue.yaml')], { publish: true });
  const ctx = { platform, catalogues: await publishedCatalogues(seed) };
  const all = ['paymentNo', 'fullName', 'qh', 'amount', 'paidOn', 'batch', 'note', 'reviewNote', 'personNo'];
  const grant = (requester: string, items: string[], extra: { unmasked?: string[]; rows?: string[] | null } = {}) =>
    addGrant(seed, ctx, { requester, resource: PAYMENTS, items, purposes: ['subsidy'], rows: extra.rows ?? null, unmasked: extra.unmasked, createdBy: 'test' });
  await grant('620000-MZT', all.filter((i) => i !== 'reviewNote'));
  await grant('620100-MZJ', all, { unmasked: ['fullName'] });
  await grant('620500-MZJ', all, { rows: ['620502'] });
  await seed.close();
  const r = random(7);
  await importRecords(PAYMENTS, Array.from({ length: RECORDS }, (_, i) => paymentRecord(i, r, 1)));
  await importRecords(PERSONS, Array.from({ length: PEOPLE }, (_, i) => personRecord(i, r)));
  threads = await open(-1);
  loop = await open(Number.POSITIVE_INFINITY);
}, 120_000);

afterAll(async () => {
  for (const side of [threads, loop, threadsCut, loopCut]) {
    if (!side) continue;
    await side.gateway.close();
    await side.store.close();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Answer {
  status: number;
  data?: any;
  errors?: any[];
}

interface Ask {
  doc: string;
  variables?: Record<string, unknown>;
  dept: string;
  purpose?: string;
  /** The token's user: each of a pair its own, to find its audit entry. */
  user?: string;
  roles?: Role[];
}

async function send(side: Side, { doc, variables, dept, purpose, user = 'tester', roles = [] }: Ask): Promise<Answer> {
  const token = await signToken(side.gateway.secret, { dept, user, roles, ttl: '1h' });
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  if (purpose) headers['x-purpose'] = purpose;
  const res = await fetch(`${side.gateway.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: doc, variables }) });
  return { status: res.status, ...((await res.json()) as object) };
}

/**
 * The answer with what is not the data's own made comparable: each cursor (sealed with a random IV) as
 * the text it seals, and the time a request cut by the limit ran.
 */
function comparable(side: Side, answer: Answer): Answer {
  const cursors = createCursorCodec(side.gateway.secret);
  const walk = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    if (typeof value === 'string' && (key === 'endCursor' || key === 'startCursor')) {
      try {
        return `cursor:${cursors.open(value)}`;
      } catch {
        return value; // not sealed (the audit log's)
      }
    }
    if (typeof value === 'string' && key === 'message') return value.replace(/stopped after \d+ ms/, 'stopped after N ms');
    if (typeof value === 'number' && key === 'figure') return 'N';
    return value;
  };
  return walk(answer) as Answer;
}

let compared = 0;
let sent = 0;
/** The users of the pairs whose audit entries are compared (auditedAlike). */
let audited: [string, string][] = [];
/** What the answers compared held: records, and errors by code. */
const held = new Map<string, number>();
const tally = (what: string, n = 1) => held.set(what, (held.get(what) ?? 0) + n);
function count(answer: Answer): void {
  for (const e of answer.errors ?? []) tally(String(e.extensions?.code));
  const walk = (value: unknown, key?: string): void => {
    if (key === 'nodes' && Array.isArray(value)) tally('records', value.length);
    if (Array.isArray(value)) value.forEach((v) => walk(v));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(answer.data);
}
/** Both answers, compared whole; the threads' answer returned. */
async function same(ask: Ask, sides: [Side, Side] = [threads, loop]): Promise<Answer> {
  const n = ++sent;
  const users: [string, string] = [`threads-${n}`, `loop-${n}`];
  audited.push(users);
  const [a, b] = await Promise.all(sides.map((side, i) => send(side, { ...ask, user: users[i] })));
  compared++;
  count(a!);
  expect(comparable(sides[0], a), `${ask.dept} ${ask.purpose} ${ask.doc} ${JSON.stringify(ask.variables)}`).toEqual(comparable(sides[1], b));
  return a;
}

/**
 * The audit entries of each pair sent since the last call: alike but for what names the request (a
 * request refused before it ran, such as a document that does not validate, has none on either side).
 * A query cut by the time limit is audited as far as its execution got when it was cut, which the two
 * paths reach at different points (the event loop's reads ran to their end: its links were read, its
 * count counted): of those, the outcome, the detail and the records each resource returned (none).
 */
async function auditedAlike(): Promise<void> {
  const pairs = audited;
  audited = [];
  // The entries' group commit: until each pair has as many on both sides (or 10 s have passed).
  let byUser = new Map<string, unknown[]>();
  for (let tries = 0; tries < 40; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const rows = await loop.store.find(AUDIT_COLLECTION, { filter: { kind: 'or', filters: ['threads-', 'loop-'].map((value) => ({ kind: 'startsWith', field: 'user', value })) } });
    byUser = new Map();
    for (const row of rows) {
      const { seq: _s, time: _t, requestId: _r, user, prevHash: _p, hash: _h, ...entry } = fromRow(row);
      const cut = entry.detail?.includes('limits.timeoutMs') ?? false;
      const shown = { ...entry, detail: entry.detail?.replace(/after \d+ ms/, 'after N ms') ?? null, resources: entry.resources.map((r) => (cut ? { resource: r.resource, records: r.records } : r)) };
      byUser.set(user!, [...(byUser.get(user!) ?? []), shown]);
    }
    if (pairs.every(([t, l]) => (byUser.get(t)?.length ?? 0) === (byUser.get(l)?.length ?? 0))) break;
  }
  let entries = 0;
  for (const [t, l] of pairs) {
    entries += byUser.get(t)?.length ?? 0;
    expect(byUser.get(t), `audit of ${t} / ${l}`).toEqual(byUser.get(l));
  }
  expect(entries).toBeGreaterThan(pairs.length / 2);
}

const PAYMENT_FIELDS = 'paymentNo fullName qh amount paidOn batch note bankAccount reviewNote personNo person { personNo name born }';
const LIST = (fields = PAYMENT_FIELDS, count = true) => `query($filter: GsPaymentFilter, $orderBy: [GsPaymentOrder!], $first: Int, $after: String) {
  labour { payments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { ${count ? 'totalCount ' : ''}nodes { ${fields} } pageInfo { hasNextPage endCursor } } } }`;

type ItemKind = 'string' | 'masked' | 'decimal' | 'date' | 'int';
const ITEMS: Record<string, ItemKind> = {
  paymentNo: 'string', fullName: 'masked', qh: 'string', amount: 'decimal', paidOn: 'date', batch: 'int',
  note: 'string', bankAccount: 'string', reviewNote: 'string', personNo: 'string',
};
const OPS: Record<ItemKind, string[]> = {
  string: ['eq', 'ne', 'in', 'startsWith', 'contains'],
  masked: ['eq', 'ne', 'in', 'startsWith', 'contains'],
  decimal: ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'],
  date: ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'],
  int: ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'],
};

function valueOf(item: string, kind: ItemKind, r: () => number): unknown {
  switch (item) {
    case 'paymentNo': return `P${String(Math.floor(r() * RECORDS * 1.05)).padStart(5, '0')}`.slice(0, r() < 0.3 ? 3 : 6);
    case 'fullName': return pick(NAMES.filter((n) => n !== null), r);
    case 'qh': return pick(['620102', '6201', '620', '62050', '620000', '630102', '6'], r);
    case 'note': return pick(NOTES.filter((n) => n !== null).concat(['v2', 'b', 'É']), r);
    case 'bankAccount': return '62';
    case 'reviewNote': return pick(['审核', '审核 3', '核'], r);
    case 'personNo': return pick(['Q0001', 'Q00', 'Q-missing', 'Q0799'], r);
  }
  if (kind === 'decimal') return pick(['1.1', '1.10', '450.1', '0', '-3.5', '10.5', '9.75', '500', '12345678901234567890.123'], r);
  if (kind === 'date') return pick(['2020-01-01', '2020-02-29', '2023-06-15', '2024-12-31', '2022-05-15'], r);
  return Math.floor(r() * 9) - 1;
}

function condition(r: () => number): Record<string, unknown> {
  const item = pick(Object.keys(ITEMS), r);
  const kind = ITEMS[item]!;
  const op = r() < 0.12 ? pick(['eq', 'ne'], r) : pick(OPS[kind], r);
  if ((op === 'eq' || op === 'ne') && r() < 0.25) return { [item]: { [op]: null } };
  if (op === 'in') {
    const values = Array.from({ length: 1 + Math.floor(r() * 4) }, () => valueOf(item, kind, r));
    if (r() < 0.2) values.push(null);
    return { [item]: { in: values } };
  }
  if (op === 'startsWith' || op === 'contains') {
    const v = String(valueOf(item, kind, r));
    return { [item]: { [op]: op === 'contains' && v.length > 2 && r() < 0.5 ? v.slice(1, -1) : v } };
  }
  return { [item]: { [op]: valueOf(item, kind, r) } };
}

function filterOf(r: () => number, depth = 0): Record<string, unknown> | undefined {
  const roll = r();
  if (roll < 0.15 && depth === 0) return undefined;
  if (roll < 0.6 || depth >= 2) return condition(r);
  const parts = Array.from({ length: 2 + Math.floor(r() * 2) }, () => filterOf(r, depth + 1)!);
  if (roll < 0.78) return { and: parts };
  if (roll < 0.93) return { or: parts };
  return { ...parts[0], ...parts[1] }; // two items in one filter object: and
}

function orderOf(r: () => number): { field: string; direction: string }[] | undefined {
  if (r() < 0.3) return undefined;
  const fields = ['amount', 'paidOn', 'batch', 'note', 'qh', 'fullName', 'paymentNo', 'reviewNote', 'bankAccount'];
  return Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({ field: pick(fields, r), direction: pick(['ASC', 'DESC'], r) }));
}

const purposeOf = (r: () => number) => (r() < 0.85 ? 'subsidy' : r() < 0.7 ? 'audit' : undefined);

describe('the same answers on reader threads and on the event loop', () => {
  it('the stores take their paths: every walking read of one on a thread, none of the other', async () => {
    await same({ doc: LIST(), variables: { filter: { note: { contains: 'b' } }, first: 5 }, dept: PROVIDER });
    expect(threads.store.threadReads).toBeGreaterThan(0);
    expect(loop.store.threadReads).toBe(0);
  });

  it('hand-written lists: every operator on allowed, masked and denied items, as each department', async () => {
    audited = [];
    const filters: (Record<string, unknown> | undefined)[] = [
      undefined,
      { paymentNo: { eq: 'P00042' } },
      { paymentNo: { in: ['P00001', 'P00002', 'P02999', 'nope'] } },
      { note: { contains: 'b' } },
      { note: { contains: 'É' } },
      { note: { startsWith: '😀' } },
      { note: { eq: '' } },
      { note: { eq: null } },
      { note: { ne: null } },
      { note: { ne: 'abc' } },
      { note: { in: ['abc', null] } },
      { qh: { startsWith: '6201' } },
      { qh: { eq: null } },
      { amount: { eq: '1.1' } },
      { amount: { in: ['1.10', '450.1'] } },
      { amount: { gt: '9.75', lte: '450.10' } },
      { amount: { lt: '0' } },
      { amount: { eq: null } },
      { paidOn: { gte: '2023-06-15' } },
      { paidOn: { lt: '2020-02-29' }, batch: { in: [1, 2] } },
      { batch: { ne: 3 } },
      { fullName: { eq: '张三' } },
      { fullName: { in: ['李四', 'Zoë'] } },
      { fullName: { contains: '三' } },
      { fullName: { startsWith: '张' } },
      { bankAccount: { startsWith: '62' } },
      { bankAccount: { eq: '62' } },
      { reviewNote: { contains: '审核' } },
      { personNo: { startsWith: 'Q00' } },
      { or: [{ note: { eq: 'abc' } }, { amount: { gte: '500' } }] },
      { and: [{ or: [{ qh: { startsWith: '6205' } }, { qh: { eq: null } }] }, { paidOn: { ne: null } }] },
      { and: [] },
      { or: [] },
      { paymentNo: { in: [] } },
      // More keys than a lookup (1,000): a walk, on a thread.
      { paymentNo: { in: Array.from({ length: 1200 }, (_, i) => `P${String(i * 3).padStart(5, '0')}`) } },
      { fullName: { in: NAMES.filter((n) => n !== null) } },
    ];
    const orders = [undefined, [{ field: 'amount', direction: 'ASC' }], [{ field: 'amount', direction: 'DESC' }], [{ field: 'note', direction: 'ASC' }, { field: 'paidOn', direction: 'DESC' }], [{ field: 'batch', direction: 'DESC' }], [{ field: 'fullName', direction: 'ASC' }]];
    for (const dept of DEPARTMENTS) {
      for (const [i, filter] of filters.entries()) {
        await same({ doc: LIST(), variables: { filter, orderBy: orders[i % orders.length], first: 40 }, dept, purpose: 'subsidy' });
      }
      for (const orderBy of orders) await same({ doc: LIST(), variables: { orderBy, first: 60 }, dept, purpose: 'subsidy' });
      // totalCount alone, and with a filter.
      await same({ doc: '{ labour { payments { totalCount } } }', dept, purpose: 'subsidy' });
      await same({ doc: '{ labour { payments(filter: { note: { contains: "a" } }) { totalCount } } }', dept, purpose: 'subsidy' });
      await same({ doc: '{ labour { payments(filter: { amount: { gte: "1.1" } }) { totalCount } } }', dept, purpose: 'subsidy' });
      await same({ doc: '{ labour { persons { totalCount } } }', dept, purpose: 'subsidy' });
      // No purpose, another purpose.
      await same({ doc: LIST(), variables: { first: 3 }, dept });
      await same({ doc: LIST(), variables: { first: 3 }, dept, purpose: 'audit' });
    }
    await auditedAlike();
  });

  it('lookups and links both ways', async () => {
    audited = [];
    const keys = ['P00000', 'P00001', 'P00017', 'P01500', 'P02999', 'P03000', 'nope', ''];
    const people = ['Q0000', 'Q0001', 'Q0400', 'Q0799', 'Q-missing'];
    for (const dept of DEPARTMENTS) {
      for (const key of keys) {
        await same({ doc: `query($k: String!) { labour { payment(paymentNo: $k) { ${PAYMENT_FIELDS} } } }`, variables: { k: key }, dept, purpose: 'subsidy' });
      }
      for (const key of people) {
        await same({ doc: `query($k: String!) { labour { person(personNo: $k) { personNo name born lastPaymentNo lastPayment { paymentNo fullName qh amount note } } } }`, variables: { k: key }, dept, purpose: 'subsidy' });
      }
      for (const first of [10, 300, 1000]) {
        await same({ doc: `query($first: Int) { labour { persons(first: $first, orderBy: [{ field: born, direction: DESC }]) { totalCount nodes { personNo born lastPayment { paymentNo qh amount paidOn person { personNo lastPayment { paymentNo } } } } } } }`, variables: { first }, dept, purpose: 'subsidy' });
        // A link by an item many payments share: its reads walk an index that is not unique (on a thread).
        await same({ doc: `query($first: Int) { labour { persons(first: $first) { nodes { personNo payer aPayment { paymentNo fullName qh amount note reviewNote bankAccount aPerson: person { personNo aPayment { paymentNo } } } } } } }`, variables: { first }, dept, purpose: 'subsidy' });
      }
      await same({ doc: LIST(), variables: { first: 1000, orderBy: [{ field: 'paidOn', direction: 'ASC' }] }, dept, purpose: 'subsidy' });
    }
    await auditedAlike();
  });

  it('a few hundred random queries', async () => {
    audited = [];
    const r = random(99);
    for (let n = 0; n < 400; n++) {
      const dept = pick(DEPARTMENTS, r);
      const count = r() < 0.6;
      const fields = r() < 0.7 ? PAYMENT_FIELDS : 'paymentNo amount note';
      await same({ doc: LIST(fields, count), variables: { filter: filterOf(r), orderBy: orderOf(r), first: pick([1, 7, 50, 200], r) }, dept, purpose: purposeOf(r) });
    }
    await auditedAlike();
  }, 120_000);

  it('random queries sent many at once: the threads’ queues answer each as the loop does', async () => {
    audited = [];
    const r = random(1234);
    for (let round = 0; round < 15; round++) {
      await Promise.all(Array.from({ length: 10 }, () => {
        const dept = pick(DEPARTMENTS, r);
        return same({ doc: LIST(PAYMENT_FIELDS, r() < 0.5), variables: { filter: filterOf(r), orderBy: orderOf(r), first: pick([5, 100, 400], r) }, dept, purpose: purposeOf(r) });
      }));
    }
    await auditedAlike();
  }, 120_000);

  it('paging forward through the whole list: every page equal, and each side reads the other’s cursors', async () => {
    const r = random(5);
    const walks: { filter?: unknown; orderBy?: unknown }[] = [
      {},
      { orderBy: [{ field: 'amount', direction: 'ASC' }] },
      { orderBy: [{ field: 'amount', direction: 'DESC' }] },
      { orderBy: [{ field: 'note', direction: 'DESC' }, { field: 'amount', direction: 'ASC' }] },
      { orderBy: [{ field: 'paidOn', direction: 'ASC' }] },
      { orderBy: [{ field: 'batch', direction: 'DESC' }], filter: { note: { ne: null } } },
      { filter: { or: [{ amount: { gte: '10.5' } }, { note: { contains: 'b' } }] }, orderBy: [{ field: 'reviewNote', direction: 'ASC' }] },
      ...Array.from({ length: 6 }, () => ({ filter: filterOf(r), orderBy: orderOf(r) })),
    ];
    for (const dept of DEPARTMENTS.slice(0, 4)) {
      for (const { filter, orderBy } of walks) {
        let after: [string | null, string | null] = [null, null];
        const keys: string[] = [];
        for (let page = 0; page < 200; page++) {
          const answers = await Promise.all([threads, loop].map((side, i) => send(side, { doc: LIST('paymentNo amount', page === 0), variables: { filter, orderBy, first: 97, after: after[i] }, dept, purpose: 'subsidy' })));
          compared++;
          expect(comparable(threads, answers[0]!), `${dept} ${JSON.stringify({ filter, orderBy })} page ${page}`).toEqual(comparable(loop, answers[1]!));
          const c = answers[0]!.data?.labour?.payments;
          if (!c) break;
          keys.push(...c.nodes.map((n: { paymentNo: string }) => n.paymentNo));
          // The other side's cursor reads the same next page.
          if (c.pageInfo.hasNextPage && page % 5 === 1) {
            await same({ doc: LIST('paymentNo amount', false), variables: { filter, orderBy, first: 97, after: c.pageInfo.endCursor }, dept, purpose: 'subsidy' });
          }
          if (!c.pageInfo.hasNextPage) break;
          after = [c.pageInfo.endCursor, answers[1]!.data.labour.payments.pageInfo.endCursor];
        }
        expect(new Set(keys).size).toBe(keys.length);
      }
      // Persons: their key masked for all but the provider, so their pages break ties by the store's own order.
      for (const orderBy of [undefined, [{ field: 'born', direction: 'DESC' }], [{ field: 'name', direction: 'ASC' }]]) {
        const doc = `query($orderBy: [GsPersonOrder!], $after: String) { labour { persons(first: 61, orderBy: $orderBy, after: $after) { totalCount nodes { personNo name born lastPayment { paymentNo } } pageInfo { hasNextPage endCursor } } } }`;
        const after: [string | null, string | null] = [null, null];
        let read = 0;
        for (let page = 0; page < 50; page++) {
          const answers = await Promise.all([threads, loop].map((side, i) => send(side, { doc, variables: { orderBy, after: after[i] }, dept, purpose: 'subsidy' })));
          compared++;
          expect(comparable(threads, answers[0]!), `${dept} persons ${JSON.stringify(orderBy)} page ${page}`).toEqual(comparable(loop, answers[1]!));
          const c = answers[0]!.data?.labour?.persons;
          if (!c) break;
          read += c.nodes.length;
          if (!c.pageInfo.hasNextPage) break;
          after[0] = c.pageInfo.endCursor;
          after[1] = answers[1]!.data.labour.persons.pageInfo.endCursor;
        }
        expect(read).toBe(PEOPLE);
      }
    }
  }, 120_000);

  it('platform fields read from the store: catalogues, grants, the audit log paged whole', async () => {
    audited = [];
    const to = new Date(Date.now() - 1000).toISOString(); // entries written before: the same for both
    for (const [dept, roles] of [[PROVIDER, ['supervisor']], [PROVIDER, []], ['620500-MZJ', []], ['620000-SJJ', ['supervisor']]] as [string, Role[]][]) {
      await same({ doc: '{ catalogues { id title compiler published { version } } grants { id requester resource items purposes unmasked rows active } }', dept, roles });
      for (const filter of [{ to }, { to, department: '620100-MZJ' }, { to, resource: PAYMENTS, outcome: 'PARTIAL' }, { to, kind: 'READ', provider: PROVIDER }]) {
        const doc = `query($filter: AuditFilter, $after: String) { auditLog(filter: $filter, first: 200, after: $after) { totalCount nodes { seq department user purpose resources { resource records counted } outcome detail } pageInfo { hasNextPage endCursor } } }`;
        const after: [string | null, string | null] = [null, null];
        for (let page = 0; page < 100; page++) {
          const answers = await Promise.all([threads, loop].map((side, i) => send(side, { doc, variables: { filter, after: after[i] }, dept, roles })));
          compared++;
          expect(comparable(threads, answers[0]!), `${dept} ${roles} auditLog ${JSON.stringify(filter)} page ${page}`).toEqual(comparable(loop, answers[1]!));
          const c = answers[0]!.data?.auditLog;
          if (!c?.pageInfo.hasNextPage) break;
          after[0] = c.pageInfo.endCursor;
          after[1] = answers[1]!.data.auditLog.pageInfo.endCursor;
        }
      }
    }
    audited = []; // reads of platform fields are not audited as data reads
  }, 120_000);

  it('a query cut by a small time limit: both refuse it the same way, and audit it alike', async () => {
    audited = [];
    threadsCut = await open(-1, 1);
    loopCut = await open(Number.POSITIVE_INFINITY, 1);
    for (const dept of DEPARTMENTS.slice(0, 3)) {
      for (const filter of [undefined, { note: { contains: 'b' } }, { amount: { gte: '1.1' } }]) {
        const a = await same({ doc: LIST(), variables: { filter, first: 1000 }, dept, purpose: 'subsidy' }, [threadsCut, loopCut]);
        expect(a.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      }
    }
    await auditedAlike();
  });
});

describe('a new version of the data imported between two pages', () => {
  it('each path reads every record present throughout once, none twice', async () => {
    const WALKS = [
      { orderBy: undefined },
      { orderBy: [{ field: 'batch', direction: 'ASC' }] },
      { orderBy: [{ field: 'paidOn', direction: 'DESC' }, { field: 'batch', direction: 'ASC' }] },
    ];
    let version = 2;
    for (const dept of [PROVIDER, '620100-MZJ']) {
      for (const { orderBy } of WALKS) {
        const before = await send(loop, { doc: `{ labour { payments(first: 1000) { totalCount } } }`, dept, purpose: 'subsidy' });
        const present = new Set<string>();
        for (const side of [threads, loop]) {
          let after: string | null = null;
          for (;;) {
            const res = await send(side, { doc: LIST('paymentNo'), variables: { orderBy, first: 1000, after }, dept, purpose: 'subsidy' });
            const c = res.data!.labour.payments;
            for (const n of c.nodes) present.add(n.paymentNo);
            if (!c.pageInfo.hasNextPage) break;
            after = c.pageInfo.endCursor;
          }
        }
        expect(present.size).toBe(before.data!.labour.payments.totalCount);
        const read: Record<string, string[]> = {};
        for (const [name, side] of [['threads', threads], ['loop', loop]] as const) {
          const keys: string[] = [];
          let after: string | null = null;
          for (let page = 0; ; page++) {
            const res = await send(side, { doc: LIST('paymentNo note'), variables: { orderBy, first: 400, after }, dept, purpose: 'subsidy' });
            expect(res.errors).toBeUndefined();
            const c = res.data!.labour.payments;
            keys.push(...c.nodes.map((n: { paymentNo: string }) => n.paymentNo));
            if (page === 1) {
              // A new version in another process: every record's note changes, some records are new
              // (the keys past the last), the items the walks sort by stay.
              const r = random(7);
              const rows = Array.from({ length: RECORDS + 200 }, (_, i) => paymentRecord(i, r, version));
              await importRecords(PAYMENTS, rows.map((row, i) => (i < RECORDS ? { ...row, ...sortItems.get(row.paymentNo as string) } : row)));
              version++;
            }
            if (!c.pageInfo.hasNextPage) break;
            after = c.pageInfo.endCursor;
          }
          expect(new Set(keys).size, `${name}: a record read twice`).toBe(keys.length);
          const lost = [...present].filter((k) => !keys.includes(k));
          expect(lost, `${name}: records lost`).toEqual([]);
          read[name] = keys;
        }
      }
    }
    // After the imports, both read the last version alike.
    for (const dept of DEPARTMENTS) {
      await same({ doc: LIST(), variables: { first: 500, orderBy: [{ field: 'note', direction: 'DESC' }], filter: { note: { contains: 'v' } } }, dept, purpose: 'subsidy' });
    }
  }, 120_000);
});

/** The sort items (batch, paidOn, qh) of the first version's records, which later versions keep. */
const sortItems = (() => {
  const r = random(7);
  const kept = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < RECORDS; i++) {
    const row = paymentRecord(i, r, 1);
    kept.set(row.paymentNo as string, { batch: row.batch, paidOn: row.paidOn, qh: row.qh });
  }
  return kept;
})();

afterAll(() => {
  console.log(`reader-threads-answers: ${compared} queries compared; threads read ${threads?.store.threadReads}, loop ${loop?.store.threadReads}; held ${JSON.stringify(Object.fromEntries(held))}`);
});
