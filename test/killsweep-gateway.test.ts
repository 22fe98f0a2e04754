// A gateway killed with SIGKILL under the workflow mutations no earlier walk killed it under (docs/operations.md,
// "Commands and gateways killed midway"; crash-serve-mutations.test.ts has the sharing requests): on a Hohhot
// platform of its own, a real `govgraph serve` takes, from four clients at once, objections raised and
// answered, demands filed and answered, and the civil affairs catalogue submitted, reviewed, published and
// withdrawn, over and over. It is killed at three moments read from its store: once objections are stored,
// once demands are answered, once a later version is published. At each: every objection, demand and version
// stored has its audit entry (each is written before its change), `audit verify` passes, and a gateway
// started again on the folder takes each mutation and leaves one version of the catalogue in effect. The
// sweep found no defect here; this holds what it checked.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository/rows.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { DEMANDS } from '../src/workflow/demands/rows.ts';
import { OBJECTIONS } from '../src/workflow/objections/record.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/hohhot-killsweep/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-killsweep-gateway-'));
const published = join(dir, 'published');
// Rates off: the clients send as fast as the gateway answers.
const platformFile = join(dir, 'platform.yaml');
const tokens: Record<'civil' | 'bigData' | 'police' | 'labour', string> = { civil: '', bigData: '', police: '', labour: '' };
const running: ServedProcess[] = [];

beforeAll(async () => {
  writeFileSync(platformFile, `${readFileSync(join(FIXTURE, 'platform.yaml'), 'utf8')}limits: { rate: { perDepartment: off, perUser: off } }\n`);
  const secret = await withSqliteStore(published, async (store) => {
    await importCatalogueFiles(store, loadPlatform(platformFile), [join(FIXTURE, 'civil.yaml'), join(FIXTURE, 'police.yaml')], { publish: true });
    return storedSecret(store);
  });
  const records = join(dir, 'reliefs.jsonl');
  writeFileSync(records, Array.from({ length: 40 }, (_, i) => JSON.stringify({ caseNo: `HH-${i}`, district: 'Xincheng', amount: '120.50' })).join('\n'));
  const env = cliEnv({ GOVGRAPH_DATA_DIR: published, GOVGRAPH_PLATFORM: platformFile });
  expect(await runGovgraph(['data', 'import', records, '--resource', '150100-MZJ-00301'], { env })).toMatchObject({ code: 0 });
  const sign = (dept: string, roles: ('compiler' | 'auditor' | 'applicant' | 'approver')[]) => signToken(secret, { dept, user: `clerk-${dept}`, roles, ttl: '1h' });
  tokens.civil = await sign('150100-MZJ', ['compiler', 'approver']);
  tokens.bigData = await sign('150100-DSJ', ['auditor']);
  tokens.police = await sign('150100-GAJ', ['approver']);
  tokens.labour = await sign('150100-RSJ', ['applicant']);
}, 90_000);
afterAll(() => {
  for (const s of running) s.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type Answer = { data?: Record<string, Record<string, unknown> | null> | null; errors?: { message: string; extensions?: { code?: string } }[] };
function client(url: string) {
  return (token: string, query: string, variables?: Record<string, unknown>): Promise<Answer> =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-purpose': 'relief-check', 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }).then((r) => r.json() as Promise<Answer>);
}
const edition = (n: number) => readFileSync(join(FIXTURE, 'civil.yaml'), 'utf8').replace('title: Hohhot civil affairs catalogue', `title: Hohhot civil affairs catalogue, edition ${n}`);

/** One round of each client's work: n numbers the round. */
function rounds(gql: ReturnType<typeof client>) {
  const idOf = (a: Answer, field: string) => (a.data?.[field]?.id as string | undefined) ?? null;
  return [
    async (n: number) => {
      const raised = idOf(await gql(tokens.labour, `mutation { raiseObjection(input: { resource: "150100-MZJ-00301", key: "HH-${n % 40}", item: "district", reason: "not this district" }) { id } }`), 'raiseObjection');
      if (raised) await gql(tokens.civil, `mutation { answerObjection(input: { id: "${raised}", decision: ${n % 2 ? 'CONFIRM' : 'REJECT'}, reason: "checked" }) { id } }`);
    },
    async (n: number) => {
      const filed = idOf(await gql(tokens.labour, `mutation { requestData(input: { title: "Herd sizes ${n}", description: "relief checks", items: ["herd size"], purposes: ["relief-check"], provider: "150100-GAJ" }) { id } }`), 'requestData');
      if (filed) await gql(tokens.police, `mutation { answerDemand(input: { id: "${filed}", decision: CANNOT_SHARE, basis: "Household registration regulations" }) { id } }`);
    },
    async (n: number) => {
      const submitted = await gql(tokens.civil, 'mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { d: edition(n) });
      const version = (submitted.data?.submitCatalogue?.version as { version?: number } | undefined)?.version;
      if (!version) return;
      await gql(tokens.bigData, `mutation { reviewCatalogue(id: "HH-MZ", version: ${version}, decision: APPROVE) { version } }`);
      await gql(tokens.civil, `mutation { publishCatalogue(id: "HH-MZ", version: ${version}) { version } }`);
      if (n % 3 === 2) await gql(tokens.civil, 'mutation { withdrawCatalogue(id: "HH-MZ", reason: "a new edition follows") { version } }');
    },
  ];
}

function stored(data: string) {
  const db = new Database(join(data, SQLITE_FILE), { readonly: true, fileMustExist: true });
  const docs = (c: string) => {
    try {
      return (db.prepare(`SELECT doc FROM "c:${c}"`).all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as Record<string, unknown>);
    } catch {
      return []; // not made yet
    }
  };
  try {
    return { objections: docs(OBJECTIONS), demands: docs(DEMANDS), versions: docs(CATALOGUE_VERSIONS).filter((v) => v.id === 'HH-MZ'), entries: docs(AUDIT_COLLECTION) };
  } finally {
    db.close();
  }
}

/** The moments, each a count read from the store by another connection while the gateway writes. */
const MOMENTS: { name: string; sql: string }[] = [
  { name: 'once objections are stored', sql: `SELECT count(*) >= 3 FROM "c:${OBJECTIONS}"` },
  { name: 'once demands are answered', sql: `SELECT count(*) >= 3 FROM "c:${DEMANDS}" WHERE json_extract(doc, '$.status') <> 'open'` },
  {
    name: 'once a later version is published',
    sql: `SELECT count(*) >= 1 FROM "c:${CATALOGUE_VERSIONS}" WHERE json_extract(doc, '$.id') = 'HH-MZ' AND json_extract(doc, '$.version') > 1 AND json_extract(doc, '$.status') = 'published'`,
  },
];

/** Polls the store until `sql` holds, then stops the gateway at once (SIGSTOP) and kills it: its next write is not made. */
async function killWhen(served: ServedProcess, data: string, sql: string): Promise<void> {
  let db: Database.Database | undefined;
  try {
    for (;;) {
      try {
        db ??= new Database(join(data, SQLITE_FILE), { readonly: true, fileMustExist: true });
        if (Object.values(db.prepare(sql).raw().get() as unknown[])[0] === 1) break;
      } catch {
        // the collection is not made yet
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    served.child.kill('SIGSTOP');
    served.child.kill('SIGKILL');
  } finally {
    db?.close();
  }
  await served.exited;
}

it('killed under objections, demands and catalogue changes, leaves every change with its entry and a store the next gateway goes on from', async () => {
  for (const moment of MOMENTS) {
    const data = mkdtempSync(join(dir, 'case-'));
    cpSync(published, data, { recursive: true });
    const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile, GOVGRAPH_LOG_LEVEL: 'warn' });
    const first = await spawnServe([], env);
    running.push(first);
    const url = `http://127.0.0.1:${first.port}`;
    await waitReady(url, 60_000);
    let stop = false;
    const streams = rounds(client(url)).map(async (round) => {
      for (let n = 0; !stop; n++) await round(n).catch(() => undefined); // the gateway is gone
    });
    await killWhen(first, data, moment.sql);
    stop = true;
    await Promise.all(streams);

    const s = stored(data);
    const details = s.entries.map((e) => String(e.detail ?? '')).join('\n');
    const at = `killed ${moment.name}`;
    expect(s.objections.filter((o) => !details.includes(String(o.id))).map((o) => o.id), at).toEqual([]);
    expect(s.demands.filter((d) => !details.includes(String(d.id))).map((d) => d.id), at).toEqual([]);
    expect(s.versions.filter((v) => Number(v.version) > 1 && !details.includes(`HH-MZ v${v.version} submitted`)).map((v) => v.version), at).toEqual([]);
    expect(await withSqliteStore(data, (store) => verifyAuditChain(store)), at).toMatchObject({ ok: true });

    // Started again: each mutation is taken, and a publication leaves one version in effect.
    const next = await spawnServe([], env);
    running.push(next);
    const again = `http://127.0.0.1:${next.port}`;
    await waitReady(again, 60_000);
    const gql = client(again);
    const raised = await gql(tokens.labour, 'mutation { raiseObjection(input: { resource: "150100-MZJ-00301", key: "HH-39", item: "amount", reason: "not this amount" }) { id } }');
    expect(raised.errors, at).toBeUndefined();
    expect((await gql(tokens.civil, `mutation { answerObjection(input: { id: "${String(raised.data?.raiseObjection?.id)}", decision: REJECT, reason: "checked" }) { status } }`)).errors, at).toBeUndefined();
    const filed = await gql(tokens.labour, 'mutation { requestData(input: { title: "Herd sizes again", description: "relief checks", items: ["herd size"], purposes: ["relief-check"], provider: "150100-GAJ" }) { id } }');
    expect(filed.errors, at).toBeUndefined();
    const submitted = await gql(tokens.civil, 'mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { d: edition(999) });
    expect(submitted.errors, at).toBeUndefined();
    const version = (submitted.data?.submitCatalogue?.version as { version: number }).version;
    expect((await gql(tokens.bigData, `mutation { reviewCatalogue(id: "HH-MZ", version: ${version}, decision: APPROVE) { version } }`)).errors, at).toBeUndefined();
    expect((await gql(tokens.civil, `mutation { publishCatalogue(id: "HH-MZ", version: ${version}) { status } }`)).errors, at).toBeUndefined();
    expect(stored(data).versions.filter((v) => v.status === 'published').map((v) => v.version), at).toEqual([version]);
    next.child.kill('SIGTERM');
    await next.exited;
    expect(await withSqliteStore(data, (store) => verifyAuditChain(store)), at).toMatchObject({ ok: true });
    rmSync(data, { recursive: true, force: true });
  }
}, 300_000);
