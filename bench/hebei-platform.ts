// A Hebei platform of the benches' and tests' own (130000; no demo department, code or name), made in
// the store directly: `catalogues` catalogues of `versions` versions each (the first versions published in
// turn, so superseded, the last one in effect, then an approved and a submitted draft), each of
// `resources` resources of 8 items; `grants` grants (a few of resources no version carries: left by a
// catalogue since deleted from the store); `audit` read entries of the last 90 days about the resources.
// Nothing is committed but this generator: bench/platform-reads.ts and test/platform-reads-same.test.ts
// make the platform they measure or compare.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { addVersion, markPublished } from '../src/catalogue/repository.ts';
import { AUDIT_COLLECTION, toRow, type AuditEntry } from '../src/audit/entry.ts';
import { ensureAuditIndexes } from '../src/audit/log.ts';
import { GRANTS, ensureGrantIndexes } from '../src/access/grants.ts';
import type { Catalogue, Resource } from '../src/model/catalogue.ts';
import type { Store } from '../src/store/port.ts';

export const HB = {
  supervisor: '130000-SJJ',
  departments: Array.from({ length: 12 }, (_, i) => `130000-T${String(i + 1).padStart(2, '0')}`),
  city: '130100-GAJ',
} as const;

export interface HebeiSizes { catalogues: number; versions: number; resources: number; grants: number; audit: number }
export const BENCH_SIZES: HebeiSizes = { catalogues: 60, versions: 12, resources: 200, grants: 20_000, audit: 200_000 };

export function writeHebeiPlatform(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'hebei.yaml');
  writeFileSync(file, stringify({
    platform: { region: '130000', level: 'province', name: 'Hebei test platform', competentDepartment: HB.supervisor },
    purposes: [{ code: 'permit-checks', name: 'Permit checks' }],
    departments: [
      { code: HB.supervisor, name: 'Data Bureau', graphqlName: 'hbData', level: 'province', region: '130000' },
      ...HB.departments.map((code, i) => ({ code, name: `Department ${i + 1}`, graphqlName: `hbDept${i + 1}`, level: 'province', region: '130000' })),
      { code: HB.city, name: 'Shijiazhuang Police', graphqlName: 'sjzPolice', level: 'city', region: '130100' },
    ],
    connected: [],
  }));
  return file;
}

export const compilerOf = (c: number) => HB.departments[c % HB.departments.length];
export const catalogueId = (c: number) => `HB-K${String(c).padStart(3, '0')}`;
export const resourceCode = (c: number, r: number) => `${compilerOf(c)}-${String(c * 1000 + r).padStart(5, '0')}`;

function resource(c: number, r: number, v: number): Resource {
  const n = `K${c}R${r}`;
  return {
    code: resourceCode(c, r),
    name: `Permit register ${n}`,
    provider: compilerOf(c),
    graphql: { type: `Permit${n}`, list: `permits${n}`, byKey: `permit${n}` },
    key: 'permitNo',
    share: { type: 'conditional', conditions: 'Under a sharing grant', basis: 'Provincial rules, Art. 7', methods: ['api'], scope: { purposes: ['permit-checks'] } },
    items: [
      { name: 'permitNo', type: 'string', required: true },
      // An item renamed at each version: the drafts break what the version in effect offers.
      ...Array.from({ length: 7 }, (_, k) => ({ name: k === 0 ? `holder${v}` : `field${k}`, type: 'string' })),
    ],
  } as Resource;
}

function catalogue(c: number, v: number, resources: number): Catalogue {
  return {
    id: catalogueId(c), kind: 'departmental', title: `Permits ${c} (v${v})`, compiler: compilerOf(c),
    ...(c % 5 === 0 ? { revision: { trigger: 'routine', since: '2026-10-01' } } : {}),
    resources: Array.from({ length: resources }, (_, r) => resource(c, r, v)),
  } as Catalogue;
}

const DAY = 24 * 60 * 60 * 1000;

/** Fills `store` (empty) with the platform's catalogue versions, grants and audit entries. */
export async function fillHebei(store: Store, sizes: HebeiSizes, now = new Date()): Promise<void> {
  const drafts = Math.min(2, sizes.versions - 1);
  for (let c = 0; c < sizes.catalogues; c++) {
    for (let v = 1; v <= sizes.versions; v++) {
      const at = new Date(now.getTime() - (sizes.versions - v + 1) * 7 * DAY);
      const draft = v > sizes.versions - drafts;
      const status = !draft ? 'approved' : v === sizes.versions ? 'submitted' : 'approved';
      await addVersion(store, catalogue(c, v, sizes.resources), 'compiler', status, at);
      if (!draft && !(await markPublished(store, catalogueId(c), v, at))) throw new Error(`${catalogueId(c)} v${v} was not published`);
    }
  }
  await ensureGrantIndexes(store);
  const grants = [];
  for (let g = 0; g < sizes.grants; g++) {
    const c = g % sizes.catalogues;
    // One grant in 500 is of a resource no version carries (a catalogue deleted from the store): no provider.
    const gone = g % 500 === 7;
    const requester = HB.departments[(c + 1 + (g % 3)) % HB.departments.length];
    grants.push({
      id: `hb-grant-${g}`, requester, resource: gone ? `${compilerOf(c)}-9${String(g).padStart(5, '0')}` : resourceCode(c, g % sizes.resources),
      items: JSON.stringify(['permitNo', `holder${sizes.versions - drafts}`]), purposes: JSON.stringify(['permit-checks']), unmasked: '[]', rows: null,
      from: new Date(now.getTime() - 30 * DAY).toISOString(), until: null, revokedAt: null, revokedBy: null,
      createdAt: new Date(now.getTime() - 30 * DAY).toISOString(), createdBy: 'operator', requestId: null,
      decidedOnCatalogue: null, decidedOnVersion: null, provider: gone ? null : compilerOf(c),
    });
    if (grants.length === 2000) await store.insert(GRANTS, grants.splice(0));
  }
  if (grants.length) await store.insert(GRANTS, grants.splice(0));
  await ensureAuditIndexes(store);
  const rows = [];
  for (let e = 0; e < sizes.audit; e++) {
    const c = e % sizes.catalogues;
    const entry: AuditEntry = {
      seq: e + 1, time: new Date(now.getTime() - 89 * DAY + Math.floor((e / sizes.audit) * 88 * DAY)).toISOString(),
      requestId: `hb-req-${e}`, department: HB.departments[(c + 1 + (e % 4)) % HB.departments.length], user: 'reader', purpose: 'permit-checks',
      operationName: null, documentHash: null, kind: 'read', action: null,
      resources: [{ resource: resourceCode(c, e % sizes.resources), provider: compilerOf(c), items: ['permitNo', `holder${sizes.versions - drafts}`], denied: [], masked: [], records: 3, filtered: [], ordered: [], counted: false }],
      outcome: 'allowed', detail: null, prevHash: '0'.repeat(64), hash: '0'.repeat(64),
    };
    rows.push(toRow(entry));
    if (rows.length === 5000) await store.insert(AUDIT_COLLECTION, rows.splice(0));
  }
  if (rows.length) await store.insert(AUDIT_COLLECTION, rows.splice(0));
}
