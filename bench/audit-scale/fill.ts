// A year of an operator's audit log, written into an embedded store as the gateway writes it: each entry
// through the log's own chaining (entry.ts writtenFields and fieldsHash under the platform's audit key, as
// log.ts appendBatch does), inserted in batches of the same rows (toRow), and the signed checkpoints a
// gateway leaves (one each minute the head moved: checkpoint.ts) into `_audit_checkpoints`. Made-up
// departments of Foshan (440600); the platform and catalogue files are written beside the data folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_COLLECTION, fieldsHash, GENESIS_HASH, toRow, writtenFields, type AuditEntry, type NewAuditEntry } from '../../src/audit/entry.ts';
import { AUDIT_CHECKPOINTS, signedCheckpoint } from '../../src/audit/checkpoint.ts';
import { ensureAuditIndexes } from '../../src/audit/log.ts';
import { auditKey } from '../../src/audit/key.ts';
import { DATA_IMPORT_ACTION } from '../../src/workflow/data-import.ts';
import type { Row, Store } from '../../src/store/port.ts';

export const COMPETENT = '440600-SJJ';
/** Requesting departments (a dozen of a city's bureaus and districts). */
export const REQUESTERS = Array.from({ length: 12 }, (_, i) => `4406${String(i).padStart(2, '0')}-QX${String.fromCharCode(65 + i)}J`);
/** Providers, each with a few resources. */
export const PROVIDERS = ['440600-FSGA', '440600-FSMZ', '440600-FSSJ', '440600-FSWJ'];
export const resourceOf = (n: number): { code: string; provider: string } => {
  const provider = PROVIDERS[n % PROVIDERS.length];
  return { code: `${provider}-${String(n).padStart(5, '0')}`, provider };
};
export const RESOURCES = 24;
const YEAR_MS = 365 * 24 * 3600_000;
export const YEAR_START = Date.parse('2025-12-01T00:00:00.000Z');

export function writePlatformFiles(dir: string): { platform: string; catalogue: string } {
  const platform = join(dir, 'platform.yaml');
  const catalogue = join(dir, 'catalogue.yaml');
  const depts = [COMPETENT, ...REQUESTERS, ...PROVIDERS];
  writeFileSync(platform, `platform:
  region: "440600"
  level: city
  name: Foshan audit bench platform
  competentDepartment: "${COMPETENT}"
  holidays: []
purposes:
  - { code: permit-review, name: Permit review }
departments:
${depts.map((d, i) => `  - { code: "${d}", name: Bureau ${i}, graphqlName: bureau${i}, level: city, region: "440600" }`).join('\n')}
`);
  writeFileSync(catalogue, `id: fs-bench
kind: departmental
title: Bench cases
compiler: "${PROVIDERS[0]}"
resources:
  - code: "${PROVIDERS[0]}-90001"
    name: Bench cases
    provider: "${PROVIDERS[0]}"
    graphql: { type: BenchCase, list: benchCases, byKey: benchCase }
    key: caseNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: caseNo, title: Case number, type: string, required: true }
`);
  return { platform, catalogue };
}

/** The n-th entry of the year: mostly reads, a workflow entry now and then, a pair of data import entries every 2,000. */
function entryAt(n: number, total: number): NewAuditEntry & { time: string } {
  // The same rate whatever the count (about two entries a minute: a million in a year).
  const time = new Date(YEAR_START + Math.floor(n * (YEAR_MS / 1_000_000))).toISOString();
  const r = resourceOf(n % RESOURCES);
  const part = { resource: r.code, provider: r.provider, items: ['caseNo', 'name'], denied: [], masked: ['name'], records: 1 + (n % 7), filtered: ['caseNo'], ordered: [], counted: false };
  const base = { time, requestId: `req-${n}`, department: REQUESTERS[n % REQUESTERS.length], user: `user${n % 50}`, purpose: 'permit-review', operationName: 'CaseByNo', documentHash: null };
  if (n % 2000 === 1999 || n % 2000 === 0) {
    const attempt = n % 2000 === 1999;
    const what = `data import of /srv/import/${r.code}.jsonl into ${r.code}`;
    return { ...base, requestId: `imp-${Math.floor((n + 1) / 2000)}`, department: r.provider, operationName: null, purpose: null, kind: 'workflow', action: DATA_IMPORT_ACTION,
      resources: [{ ...part, items: [], masked: [], filtered: [], records: 0 }], outcome: 'ok',
      detail: attempt ? `${what} attempted (all or nothing)` : `${what} done (entry #${n}): 120 records written (3 new, 117 updated) of 120 read` };
  }
  if (n % 97 === 0) return { ...base, operationName: null, kind: 'workflow', action: 'requestSharing', resources: [{ ...part, items: [], masked: [] }], outcome: 'ok', detail: null };
  return { ...base, kind: 'read', action: null, resources: [part], outcome: n % 31 === 0 ? 'partial' : 'allowed', detail: null };
}

/** Fills `store`'s empty audit log with `total` chained entries and its checkpoints; returns how many checkpoints. */
export async function fillAuditLog(store: Store, total: number, env: NodeJS.ProcessEnv, progress?: (n: number) => void): Promise<number> {
  await ensureAuditIndexes(store);
  const key = await auditKey(store, env);
  let prev = GENESIS_HASH;
  let minute = -1;
  let checkpoints = 0;
  const BATCH = 5000;
  for (let start = 1; start <= total; start += BATCH) {
    const rows: Row[] = [];
    const signed: Row[] = [];
    for (let seq = start; seq < Math.min(start + BATCH, total + 1); seq++) {
      const input = entryAt(seq, total);
      const before = prev; // entry #(seq - 1)'s hash
      const fields = writtenFields(input, input.time, seq, prev);
      const entry: AuditEntry = Object.assign(fields, { hash: fieldsHash(fields, key) });
      prev = entry.hash;
      rows.push(toRow(entry));
      // A gateway signs the head once a minute while it moves: the first entry of a new minute closes the last.
      const m = Math.floor(Date.parse(input.time) / 60_000);
      if (m !== minute && seq > 1) {
        signed.push({ ...signedCheckpoint({ seq: seq - 1, hash: before }, new Date(m * 60_000).toISOString(), key) });
        checkpoints++;
      }
      minute = m;
    }
    await store.insert(AUDIT_COLLECTION, rows);
    if (signed.length) await store.insert(AUDIT_CHECKPOINTS, signed);
    progress?.(Math.min(start + BATCH - 1, total));
  }
  return checkpoints;
}
