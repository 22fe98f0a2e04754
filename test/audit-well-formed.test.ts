// An audit entry quoting text that holds half of a surrogate pair (a JSON "\ud800" escape, standing alone).
// It is no character: MongoDB's store refuses to write it (BSON is UTF-8, src/store/mongo/documents.ts), so
// such an entry failed its write there (the request AUDIT_UNAVAILABLE, its attempt unlogged) while SQLite
// kept the half. The log's writer now makes every text of an entry well-formed (U+FFFD for the half) before
// it is hashed, on both stores alike; `audit verify` hashes entries as stored, so one written before, the
// half in it, keeps its hash. On a Ningxia log of its own (codes of no fixture's catalogue).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AUDIT_COLLECTION, chainFields, entryHash, fieldsHash, fromRow, GENESIS_HASH, toRow } from '../src/audit/entry.ts';
import { auditKey } from '../src/audit/key.ts';
import { appendAudit } from '../src/audit/log.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { LONE_SURROGATE } from '../src/formats/well-formed.ts';
import { eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { entryQuoting } from './helpers/well-formed-entry.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-audit-well-formed-'));
  store = await openSqliteStore(join(dir, 'data'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const textsOf = (row: Record<string, unknown>) => Object.values(row).filter((v): v is string => typeof v === 'string');

it('writes each text holding half of a surrogate pair with U+FFFD in its place, hashed so, and the log verifies', async () => {
  const written = await appendAudit(store, entryQuoting('\ud800'));
  const [row] = await store.find(AUDIT_COLLECTION, {});
  expect(textsOf(row).filter((t) => LONE_SURROGATE.test(t))).toEqual([]);
  // The stored entry is the one asked for, each half replaced, and no other text changed.
  const wanted = entryQuoting('\ufffd');
  expect(fromRow(row)).toEqual({ ...wanted, seq: 1, time: written.time, prevHash: GENESIS_HASH, hash: written.hash });
  expect(written).toEqual(fromRow(row));
  expect(written.hash).toBe(entryHash(fromRow(row), await auditKey(store)));
  // A pair written whole is a character, kept as it is; a low half alone is replaced as a high one is.
  await appendAudit(store, entryQuoting('😀'));
  await appendAudit(store, entryQuoting('x\udc00\ud83d'));
  const rows = await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] });
  expect(rows.map((r) => r.purpose)).toEqual(['relief\ufffd', 'relief😀', 'reliefx\ufffd\ufffd']);
  expect(await verifyAuditChain(store)).toMatchObject({ ok: true, entries: 3 });
});

it('an entry written before, holding the half, keeps its hash: the log verifies with new entries after it', async () => {
  // As the writer stored it before: its hash taken over the half (SQLite kept the text as given).
  const key = await auditKey(store);
  const fields = chainFields(entryQuoting('\udbff'), '2026-11-30T08:00:00.000Z', 1, GENESIS_HASH);
  const before = Object.assign(fields, { hash: fieldsHash(fields, key) });
  await store.insert(AUDIT_COLLECTION, [toRow(before)]);
  const after = await appendAudit(store, entryQuoting('\ud800'));
  expect(after.prevHash).toBe(before.hash);
  const [old] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', 1) });
  expect(old.purpose).toBe('relief\udbff');
  expect(entryHash(fromRow(old), key)).toBe(before.hash);
  expect(await verifyAuditChain(store)).toMatchObject({ ok: true, entries: 2 });
  // And so says the command an operator runs (a real process; the secret is the one kept in the store).
  await store.close();
  const verified = await runGovgraph(['audit', 'verify', '--data', join(dir, 'data')], { cwd: dir, env: cliEnv() });
  expect([verified.code, verified.stdout]).toEqual([0, expect.stringMatching(/2 entries/)]);
  store = await openSqliteStore(join(dir, 'data'));
});
