// graphql-jit against graphql-js, differentially (src/server/executor.ts): a fixed-seed walk over documents
// made at random on a Nanning platform of the test's own (test/fixtures/nanning-jitdiff,
// test/helpers/nanning-documents.ts). Each document is sent twice to one real gateway (HTTP, JWT, rules,
// audit, SQLite store): once through the gateway's executor (executeOperation: graphql-jit, or graphql-js
// for the documents it routes there) and once on graphql-js alone, on the same schema and store. The two
// answers must be the same text (status, data with its keys in order, errors with their messages, paths and
// codes); the two audit entries the same but for their sequence, time and request id; the store read the
// same (the same calls, in any order). Nanning's civil affairs bureau reads the region's residents (ID
// number and name masked, rows by division) and enterprises (a secret item under a grant it lacks: denied).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { executeOperation, compiledFor } from '../src/server/executor.ts';
import type { Store } from '../src/store/port.ts';
import { recordingStore } from './helpers/jit-differential.ts';
import { mulberry32 } from './helpers/random.ts';
import { documentGenerator, type Case } from './helpers/nanning-documents.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/nanning-jitdiff/${p}`, import.meta.url));
const NANNING = '450100-MZJ';
const PURPOSE = 'relief-review';
const SEED = Number(process.env.JITDIFF_SEED ?? 450100);
// JITDIFF_SEED, JITDIFF_CASES: another walk; JITDIFF_OUT: a file for every difference in full.
const CASES = Number(process.env.JITDIFF_CASES ?? 1000);

const id = (first17: string) => first17 + idCardCheckDigit(first17);
const LONG_NOTE = '南宁市青秀区'.repeat(400);
const residents = [
  { idNumber: id('45010219800101001'), division: '450102', fullName: '黄志强', income: '1200.50', born: '1980-01-01', updatedAt: '2026-01-01T00:00:00Z', household: 3, score: 1.5, disabled: false, status: 'settled', notes: 'line\nbreak "quoted" \\ back', employerCode: '91450100MA5K000001' },
  { idNumber: id('45010319900228002'), division: '450103', fullName: '韦秀兰', income: '-0.01', born: '1990-02-28', updatedAt: '2026-06-30T23:59:59.999Z', household: 2147483647, score: 1e308, disabled: true, status: 'moved', notes: LONG_NOTE, employerCode: '91450100MA5K000002' },
  { idNumber: id('45010519700707003'), division: '450105', fullName: '覃😀明', income: '99999999999999999999.99', born: '1970-07-07', household: -2147483648, score: -0, disabled: false, status: 'deceased', notes: '__proto__', employerCode: '91450100MA5K000001' },
  { idNumber: id('45010719851111004'), division: '450107', fullName: 'Lù Xiǎo', income: '0', household: 0, score: 5e-324, status: 'settled', notes: '\u2028</script>', employerCode: 'missing' },
  { idNumber: id('45010819950505005'), division: '450108', fullName: '莫', income: '1000', born: '2024-02-29', household: 1, disabled: true, notes: '' },
  { idNumber: id('45012219600101006'), division: '450122', fullName: '陆春燕', income: '450.10', status: 'moved', employerCode: '91450100MA5K000003' },
  { idNumber: id('45020219750303007'), division: '450202', fullName: '柳州人', income: '10', status: 'settled', employerCode: '91450100MA5K000001' },
  { idNumber: id('45030219750303008'), division: '450302', fullName: '桂林人', income: '20', status: 'moved' },
];
const enterprises = [
  { creditCode: '91450100MA5K000001', name: '南宁糖业', capital: '100000000.00', kind: 'state', founded: '1950-10-01', legalRepId: residents[0].idNumber, taxNote: '欠税记录' },
  { creditCode: '91450100MA5K000002', name: 'Yong "River" Ltd\\', capital: '0.01', kind: 'private', founded: '2024-02-29', legalRepId: residents[6].idNumber, taxNote: 'none' },
  { creditCode: '91450100MA5K000003', name: '😀', kind: 'foreign', legalRepId: residents[1].idNumber },
  { creditCode: '91450100MA5K000004', name: '', capital: '-5', kind: 'private', legalRepId: id('45010219991231999') }, // an ID number no resident holds: the link meets no record (a malformed one is refused at import: records/validate/links.ts)
];

let gw: TestGateway;
let store: Store & { calls: string[] };
/** Which executor the gateway's next request runs on: its own (graphql-jit, mostly) or graphql-js alone. */
let executor: 'gateway' | 'graphql-js' = 'gateway';
let compiledRuns = 0;
let lastSeq = 0;

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('catalogues.yaml'), fixture('enterprises.yaml')],
    wrapStore: (s) => (store = recordingStore(s)),
    // The masked-probe quota counts every request: both runs of a document must meet the same room.
    limits: { maskedProbes: { maxIn: 20, perHour: 1_000_000, perDay: 1_000_000 } },
    gateway: {
      // The log's signed checkpoints, written on the gateway's own timer, land among the walk's requests
      // every second of every run (not only past its first minute, as under load): none is a request's read.
      auditCheckpoints: { intervalMs: 1000 },
      executor: (op) => {
        if (executor === 'gateway') {
          if (compiledFor(op.schema, op.document, op.operationName)) compiledRuns++;
          return executeOperation(op);
        }
        return Promise.resolve(execute({ schema: op.schema, document: op.document, contextValue: op.context, variableValues: op.variables, operationName: op.operationName }));
      },
    },
  });
  for (const [code, rows] of [['450000-GAT-00201', residents], ['450000-SCJ-00301', enterprises]] as const) {
    const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === code)!;
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect((await importRecords(gw.store, resource, file)).problems).toEqual([]);
  }
}, 60_000);
afterAll(() => gw?.close());
/**
 * The walk, settled once it stops: at the end of its test, a timeout too (it stops after the document at
 * hand). Every case waits for it: one still sending would put its reads and entries among the case's.
 */
let walking: Promise<unknown> = Promise.resolve();
beforeEach(() => walking);

interface Run {
  status: number;
  body: string;
  audit: string[];
  reads: string[];
}

/** Sends a case through the executor named, and what came of it: the answer's text, its audit entries, the store's reads. */
async function run(c: Case, on: typeof executor): Promise<Run> {
  executor = on;
  store.calls.splice(0);
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(NANNING)}`, 'x-purpose': PURPOSE },
    // A variable the operation does not declare goes along: graphql-js ignores it.
    body: JSON.stringify({ query: c.text, variables: { ...c.variables, undeclared: '450102' }, operationName: c.operationName }),
  });
  // A cursor is sealed afresh each time (src/server/cursors.ts): the same position reads differently.
  const answer = (await res.text()).replace(/"endCursor":"[^"]+"/g, '"endCursor":"…"');
  // Errors come in the order their fields failed: links read concurrently fail in either order, graphql-js's too.
  const parsed = JSON.parse(answer) as { errors?: unknown[] };
  if (parsed.errors) parsed.errors = parsed.errors.map((e) => JSON.stringify(e)).sort().map((e) => JSON.parse(e));
  const body = JSON.stringify(parsed);
  const reads = [...new Set(store.calls.splice(0))].sort();
  const rows = await gw.store.find(AUDIT_COLLECTION, { filter: { kind: 'compare', field: 'seq', op: 'gt', value: lastSeq }, sort: [{ field: 'seq', direction: 'asc' }] });
  const entries = rows.map(fromRow);
  lastSeq = entries.at(-1)?.seq ?? lastSeq;
  const audit = entries.map(({ seq: _s, time: _t, requestId: _r, hash: _h, prevHash: _p, ...rest }) => JSON.stringify(rest));
  return { status: res.status, body, audit, reads };
}

/** What the walk draws from: the records' keys, and cursors of real pages (sealed under this gateway's secret). */
async function corpus() {
  const res = await gw.query('{ gxPublicSecurity { residents(first: 2) { pageInfo { endCursor } } } gxMarketRegulation { enterprises(first: 1) { pageInfo { endCursor } } } }', { dept: NANNING, purpose: PURPOSE });
  return {
    idNumbers: residents.map((r) => r.idNumber),
    creditCodes: enterprises.map((e) => e.creditCode),
    cursors: [res.data!.gxPublicSecurity.residents.pageInfo.endCursor, res.data!.gxMarketRegulation.enterprises.pageInfo.endCursor],
  };
}

describe('graphql-jit against graphql-js on random documents', () => {
  it(`answers, audits and reads the same, document after document (seed ${SEED}, ${CASES} documents)`, ({ signal }) => {
    const walk = walkAll(signal);
    walking = walk.catch(() => undefined);
    return walk;
  }, 300_000);
  async function walkAll(signal: AbortSignal) {
    const next = documentGenerator(mulberry32(SEED), await corpus());
    await run({ text: '{ me { department } }', variables: {} }, 'gateway'); // past the set-up's own audit entries
    const differ: string[] = [];
    const full: string[] = [];
    let answered = 0;
    const statuses: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      if (signal.aborted) return; // the test ended (timed out): the cases after it are theirs alone
      const c = next();
      const viaGateway = await run(c, 'gateway');
      const viaGraphqlJs = await run(c, 'graphql-js');
      if (viaGateway.status === 200 && viaGateway.body.includes('"data":{')) answered++;
      const why = /"code":"([A-Z_]+)"/.exec(viaGateway.body)?.[1] ?? 'none';
      statuses[`${viaGateway.status} ${why}`] = (statuses[`${viaGateway.status} ${why}`] ?? 0) + 1;
      if (JSON.stringify(viaGateway) !== JSON.stringify(viaGraphqlJs)) {
        full.push(`#${i} ${JSON.stringify(c)}\n  gateway:    ${JSON.stringify(viaGateway)}\n  graphql-js: ${JSON.stringify(viaGraphqlJs)}`);
        differ.push(`#${i} ${JSON.stringify(c)}\n  gateway:    ${JSON.stringify(viaGateway).slice(0, 3000)}\n  graphql-js: ${JSON.stringify(viaGraphqlJs).slice(0, 3000)}`);
      }
    }
    if (process.env.JITDIFF_OUT) writeFileSync(process.env.JITDIFF_OUT, `${JSON.stringify({ answered, compiledRuns, statuses })}\n\n${full.join('\n\n')}`);
    expect(differ.slice(0, 3)).toEqual([]);
    // The walk means something: most documents answer data, and many are compiled (graphql-jit runs them
    // unless a request leaves out a variable inside a literal).
    expect(answered).toBeGreaterThan(CASES / 3);
    expect(compiledRuns).toBeGreaterThan(CASES / 8);
  }
});

// What the walk found, each as the gateway now answers it: the same as graphql-js (src/server/conditioned-duplicates.ts).
describe('a field asked twice, once under a condition that leaves it out', () => {
  const both = async (text: string) => {
    await run({ text: '{ me { department } }', variables: {} }, 'gateway'); // the audit entries before
    return { gateway: await run({ text, variables: {} }, 'gateway'), graphqlJs: await run({ text, variables: {} }, 'graphql-js') };
  };
  const entry = (r: Run) => JSON.parse(r.audit[0]) as { outcome: string; resources: { items: string[]; denied: unknown[]; masked: string[]; records: number }[] };

  it('answers the keys in graphql-js\'s order', async () => {
    const { gateway, graphqlJs } = await both(`{ gxPublicSecurity { resident(idNumber: "${residents[0].idNumber}") { fullName @skip(if: true) division fullName } } }`);
    expect(gateway.body).toBe('{"data":{"gxPublicSecurity":{"resident":{"division":"450102","fullName":"黄**"}}}}');
    expect(gateway).toEqual(graphqlJs);
  });

  it('records no denial of a denied item the condition left out', async () => {
    const { gateway, graphqlJs } = await both('{ gxMarketRegulation { enterprises @skip(if: true) { nodes { taxNote } } enterprises { nodes { name } } } }');
    expect(entry(gateway)).toMatchObject({ outcome: 'allowed', resources: [{ items: ['name'], denied: [] }] });
    expect(gateway).toEqual(graphqlJs);
  });

  it('records no masked item as read where the request read a count', async () => {
    const { gateway, graphqlJs } = await both('{ gxPublicSecurity { residents @skip(if: true) { nodes { fullName } } residents { totalCount } } }');
    expect(entry(gateway).resources[0]).toMatchObject({ items: [], masked: [], records: 0 });
    expect(gateway).toEqual(graphqlJs);
  });

  it('locates a denial at the field asked, not at the one left out', async () => {
    const { gateway, graphqlJs } = await both(`{ gxMarketRegulation { enterprise(creditCode: "${enterprises[0].creditCode}") { taxNote @include(if: false) taxNote } } }`);
    expect(JSON.parse(gateway.body).errors.map((e: { locations: unknown }) => e.locations)).toEqual([[{ line: 1, column: 99 }]]);
    expect(gateway).toEqual(graphqlJs);
  });
});

// Found by the walk: graphql-jit names a field's resolve info by its path joined with "_" (src/server/jit-info-names.ts).
describe('two fields whose paths join to the same name', () => {
  it('each lookup reads, answers and audits its own selection', async () => {
    const text = `{ gxPublicSecurity { a_resident: resident(idNumber: "${residents[2].idNumber}") { idNumber fullName } resident(idNumber: "${residents[2].idNumber}") { a: _objections { item } } } }`;
    await run({ text: '{ me { department } }', variables: {} }, 'gateway');
    const gateway = await run({ text, variables: {} }, 'gateway');
    expect(JSON.parse(gateway.body).data.gxPublicSecurity.a_resident).toEqual({ idNumber: '450105********003X', fullName: '覃**' });
    expect(JSON.parse(gateway.audit[0]).resources[0]).toMatchObject({ items: ['fullName', 'idNumber'], masked: ['fullName', 'idNumber'] });
    expect(gateway).toEqual(await run({ text, variables: {} }, 'graphql-js'));
  });
});
