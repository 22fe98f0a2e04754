// Copies of the store the release of 25 November 2026 wrote (test/fixtures/upgrade-2026-11-25: 21 audit entries
// hashed with plain SHA-256), and what an insider with write access to its file does to the log.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { AUDIT_COLLECTION, canonicalJson } from '../../src/audit/entry.ts';
import { deriveAuditKey } from '../../src/audit/key.ts';
import { SQLITE_FILE } from '../../src/store/sqlite.ts';
import { cliEnv, withSqliteStore } from './cli.ts';

export const UNKEYED_FIXTURE = fileURLToPath(new URL('../fixtures/upgrade-2026-11-25/', import.meta.url));
export const PLAIN_ENTRIES = 21;

/** A copy of the store in `dir`/`name`, and the CLI's environment on it (the secret kept in the store keys the log). */
export function copyOfUnkeyedStore(dir: string, name: string): { data: string; env: NodeJS.ProcessEnv } {
  const data = join(dir, name);
  mkdirSync(data);
  copyFileSync(join(UNKEYED_FIXTURE, 'store.sqlite'), join(data, SQLITE_FILE));
  return { data, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: join(UNKEYED_FIXTURE, 'platform.yaml') }, ['GOVGRAPH_JWT_SECRET', 'GOVGRAPH_AUDIT_CHECKPOINTS']) };
}

/** The raw rows of the log, by seq, read without the store. */
export function rawLog(data: string): Record<string, unknown>[] {
  const db = new Database(join(data, SQLITE_FILE), { readonly: true });
  try {
    return (db.prepare(`SELECT doc FROM "c:${AUDIT_COLLECTION}" ORDER BY json_extract(doc, '$.seq')`).pluck().all() as string[]).map((d) => JSON.parse(d) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

/** Rewrites the stored rows of the log (an insider with write access to the store file). */
export function rewrite(data: string, change: (rows: Record<string, unknown>[]) => void): void {
  const rows = rawLog(data);
  change(rows);
  const db = new Database(join(data, SQLITE_FILE));
  try {
    const put = db.prepare(`UPDATE "c:${AUDIT_COLLECTION}" SET doc = ? WHERE json_extract(doc, '$.seq') = ?`);
    for (const r of rows) put.run(JSON.stringify(r), r.seq);
  } finally {
    db.close();
  }
}

/** The plain SHA-256 the release of 25 November 2026 chained with: public, anyone can compute it. */
export function plainHash(row: Record<string, unknown>): string {
  const { seq, time, requestId, department, user, purpose, operationName, documentHash, kind, action, outcome, detail, prevHash } = row;
  const resources = JSON.parse(String(row.resources)) as unknown;
  return createHash('sha256').update('govgraph-audit-v1\n')
    .update(canonicalJson({ seq, time, requestId, department, user, purpose, operationName, documentHash, kind, action, resources, outcome, detail, prevHash } as never))
    .digest('hex');
}

/** Rehashes the plain chain from entry `from` to `upTo`, as an attacker would. */
export function rechainPlain(rows: Record<string, unknown>[], from: number, upTo = PLAIN_ENTRIES): void {
  for (const r of rows.filter((x) => Number(x.seq) >= from && Number(x.seq) <= upTo)) {
    const before = rows.find((x) => Number(x.seq) === Number(r.seq) - 1);
    if (before) r.prevHash = before.hash;
    r.hash = plainHash(r);
  }
}

/** The audit key of the secret kept in the store (whoever reads the store file derives it). */
export function keptKey(data: string): Promise<Buffer> {
  return withSqliteStore(data, async (s) => deriveAuditKey(new TextEncoder().encode(String((await s.find('_settings', {})).find((r) => r.key === 'jwt-secret')!.value))));
}
