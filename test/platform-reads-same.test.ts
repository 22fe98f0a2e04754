// The platform's catalogue and grant fields read only what they need, once a request: `catalogues` reads
// no version's document (their summaries), a version's document once when a field needs it, a version's
// warnings once and the audit log's readers once for every version, a grant's provider once a code
// without reading every version. And every role's answers are what they were: compared, on a Hebei
// platform of the test's own (bench/hebei-platform.ts, small), with the answers read from the documents
// whole (the versions' summaries taken out of the store, as versions stored before them), with
// submissionWarnings called on each version alone, and with the providers found by reading every version.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS, listVersions, publishedCatalogues } from '../src/catalogue/repository.ts';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { GRANTS } from '../src/access/grants.ts';
import { codeKey } from '../src/catalogue/codes.ts';
import { signToken } from '../src/identity/token.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { and, eq, type Store } from '../src/store/port.ts';
import { submissionWarnings } from '../src/workflow/catalogues.ts';
import { itemReaders } from '../src/audit/usage.ts';
import { HB, catalogueId, compilerOf, fillHebei, writeHebeiPlatform } from '../bench/hebei-platform.ts';

const SIZES = { catalogues: 5, versions: 4, resources: 6, grants: 1200, audit: 600 };

/** Reads of the store since the last reset: catalogue documents, and finds in the audit log by resource. */
const counts = { documents: 0, audit: 0 };
function countingStore(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.find = async (collection, query) => {
    const rows = await inner.find(collection, query);
    if (collection === CATALOGUE_VERSIONS && (!query?.projection || query.projection.includes('document'))) counts.documents += rows.length;
    // The scans of the read entries for their readers (not the audit entries' own writes, which read the log's tail).
    if (collection === AUDIT_COLLECTION && JSON.stringify(query?.filter ?? null).includes('"read"')) counts.audit++;
    return rows;
  };
  return store;
}

let dir: string;
let raw: Store;
let gw: Gateway;
let platform: Platform;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-platform-reads-'));
  platform = loadPlatform(writeHebeiPlatform(dir));
  raw = await openSqliteStore(join(dir, 'store'));
  await fillHebei(raw, SIZES);
  gw = await startGateway({ platform, store: countingStore(raw), port: 0, pollMs: 0, auditCheckpoints: { file: null } });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await raw?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function query(document: string, dept: string, roles: string[] = []) {
  const token = await signToken(gw.secret, { dept, user: 'tester', roles: roles as never, ttl: '1h' });
  const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: document }) });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const WARNING = '{ kind path message element resource item grants change renamedTo usedBy useInstead { resource item } }';
const VERSION = `{ id version status title kind compiler submittedBy submittedAt reviewedBy reviewComment reviewedAt publishedAt
  revision { trigger since note dueDate publishedAt overdue } document resources { code name provider catalogue } warnings ${WARNING} }`;
const EVERYTHING = `{
  all: catalogues { id title kind compiler overdue revision { trigger since dueDate publishedAt overdue } published ${VERSION} versions ${VERSION} }
  submitted: catalogues(status: SUBMITTED) { id title }
  theirs: catalogues(compiler: "${compilerOf(1)}") { id versions { version status } }
  overdue: catalogues(overdue: true) { id }
  ${Array.from({ length: SIZES.catalogues }, (_, c) => `c${c}: catalogue(id: "${catalogueId(c).toLowerCase()}") { id title versions { version title warnings { kind usedBy } } }`).join('\n  ')}
  grants { id requester resource provider active items setAside }
}`;
const ROLES: [string, string[]][] = [[HB.city, []], [compilerOf(0), []], [compilerOf(1), ['compiler']], [HB.supervisor, ['supervisor', 'auditor']], [HB.departments[2], []]];

describe('on a Hebei platform of 5 catalogues x 4 versions', () => {
  it('lists the catalogues reading no document, and each version read whole once for the fields needing it', async () => {
    counts.documents = 0;
    await query('{ a: catalogues { id title kind compiler revision { dueDate } versions { version status title revision { trigger } } } b: catalogues(status: SUBMITTED) { id } }', HB.supervisor, ['supervisor']);
    expect(counts.documents).toBe(0);
    counts.documents = 0;
    await query(`{ a: catalogue(id: "${catalogueId(1)}") { versions { document resources { code } } } b: catalogue(id: "${catalogueId(1)}") { versions { document } } }`, compilerOf(1));
    expect(counts.documents).toBe(SIZES.versions);
  });

  it("scans the audit log for a catalogue's drafts' warnings once, whatever the aliases and versions", async () => {
    const warnings = (aliases: number) => `{ ${Array.from({ length: aliases }, (_, a) => `a${a}: catalogue(id: "${catalogueId(0)}") { versions { version warnings { kind usedBy } } }`).join(' ')} }`;
    counts.audit = 0;
    const one = await query(warnings(1), compilerOf(0));
    const scans = counts.audit;
    // One scan of the period for the version in effect's resources (two pages), not one scan each.
    expect(scans).toBeLessThan(SIZES.resources);
    expect(one.a0.versions.filter((v: any) => v.warnings.length).length).toBe(2); // both drafts warn
    counts.audit = 0;
    await query(warnings(3), compilerOf(0));
    expect(counts.audit).toBe(scans);
  });

  it('finds the readers of many resources in one scan, the same departments in the same order as a scan for each', async () => {
    const since = new Date(Date.now() - 90 * 24 * 60 * 60 * 1000).toISOString();
    const codes = (await publishedCatalogues(raw)).flatMap((c) => c.resources.map((r) => r.code));
    const shown = (m: Map<string, Map<string, Set<string>>>) => [...m].map(([code, byItem]) => [code, [...byItem].map(([item, readers]) => [item, [...readers]])]);
    const apart = [];
    for (const code of codes) apart.push(...shown(await itemReaders(raw, [code], since)));
    const together = shown(await itemReaders(raw, codes, since));
    expect(together).toEqual(apart);
    expect(together.filter(([, byItem]) => byItem.length).length).toBeGreaterThan(SIZES.catalogues);
  });

  it("looks up a grant's provider whose resource no version carries without reading every version", async () => {
    const gone = await raw.find(GRANTS, { filter: eq('provider', null), projection: ['id'] });
    expect(gone.length).toBeGreaterThan(1);
    counts.documents = 0;
    const { grants } = await query('{ grants { id provider } }', HB.supervisor, ['supervisor']);
    expect(grants.filter((g: any) => g.provider === null).length).toBe(gone.length);
    expect(counts.documents).toBeLessThanOrEqual(SIZES.catalogues); // the versions in effect, once
  });

  it('answers every role as the documents read whole do, and the warnings and providers as read alone', async () => {
    const answers = new Map<string, unknown>();
    for (const [dept, roles] of ROLES) answers.set(dept, await query(EVERYTHING, dept, roles));
    // The versions as stored before summaries: every list reads the documents whole, as it always did.
    const summaries = await raw.find(CATALOGUE_VERSIONS, { projection: ['id', 'version', 'summary'] });
    for (const r of summaries) await raw.update(CATALOGUE_VERSIONS, and(eq('id', r.id), eq('version', r.version)), { summary: null });
    try {
      for (const [dept, roles] of ROLES) expect(await query(EVERYTHING, dept, roles)).toEqual(answers.get(dept));
    } finally {
      for (const r of summaries) await raw.update(CATALOGUE_VERSIONS, and(eq('id', r.id), eq('version', r.version)), { summary: r.summary });
    }
    // Drafts only to their compiler and the supervisor.
    expect((answers.get(HB.city) as any).submitted).toEqual([]);
    expect((answers.get(compilerOf(0)) as any).submitted.map((c: any) => c.id)).toEqual([catalogueId(0)]);
    expect((answers.get(HB.supervisor) as any).submitted).toHaveLength(SIZES.catalogues);
    // Each version's warnings as submissionWarnings makes them for that version alone.
    const versions = await listVersions(raw);
    for (const [dept, roles] of ROLES) {
      for (const c of (answers.get(dept) as any).all) {
        for (const shown of c.versions) {
          if (!shown.warnings.length) continue;
          const v = versions.find((x) => x.id === c.id && x.version === shown.version)!;
          const alone = await submissionWarnings({ store: raw, platform, now: new Date() }, v.catalogue, { dept, roles });
          expect(shown.warnings.map((w: any) => [w.kind, w.path, w.message, w.resource, w.item, w.usedBy, w.grants])).toEqual(
            alone.map((w: any) => [w.kind, w.path, w.message, w.resource ?? null, w.item ?? null, w.usedBy ?? null, w.grants ?? null]));
        }
      }
    }
    // Each grant's provider as found by reading every version (the newest carrying the code), as before.
    const published = await publishedCatalogues(raw);
    const find = (cs: readonly Catalogue[], code: string) => cs.flatMap((x) => x.resources).find((r) => codeKey(r.code) === codeKey(code))?.provider ?? null;
    const everyVersion = versions.reverse().map((v) => v.catalogue);
    for (const g of (answers.get(HB.supervisor) as any).grants) expect(g.provider).toBe(find(published, g.resource) ?? find(everyVersion, g.resource));
  }, 60_000);
});
