// Checking the audit chain (SPEC §10): `govgraph audit verify` and the GraphQL query both call this.
//
// Walks the log in seq order, VERIFY_PAGE_SIZE rows at a time (memory stays bounded whatever the
// length), and for each entry checks, in this order:
// 1. seq is the previous seq + 1 (the first is 1): a deleted entry shows as a gap;
// 2. the row is readable (resources is well-formed JSON);
// 3. prevHash equals the previous entry's hash (GENESIS_HASH for the first);
// 4. hash equals the hash recomputed from the entry's fields: an edited field shows here;
// 5. the derived filter columns (resourceCodes, providers) agree with resources.
// The first entry that fails is reported with its seq (for a gap, the seq found after it).
// Limit: removing the last entries leaves a shorter chain that is still consistent; only a copy of a
// recent tail hash kept elsewhere can show that.
import {
  AUDIT_COLLECTION,
  GENESIS_HASH,
  entryHash,
  fromRow,
  providersOf,
  resourceCodesOf,
  type AuditEntry,
} from './entry.ts';
import type { Filter, Row, Store } from '../store/port.ts';

export const VERIFY_PAGE_SIZE = 500;

export interface AuditVerification {
  ok: boolean;
  entries: number; // entries checked (up to and including the first broken one)
  firstBroken?: { seq: number; reason: string };
}

export async function verifyAuditChain(store: Store, pageSize = VERIFY_PAGE_SIZE): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const filter: Filter | undefined =
      expectedSeq === 1 ? undefined : { kind: 'compare', field: 'seq', op: 'gt', value: expectedSeq - 1 };
    const rows = await store.find(AUDIT_COLLECTION, {
      filter,
      sort: [{ field: 'seq', direction: 'asc' }],
      limit: pageSize,
    });
    for (const row of rows) {
      entries += 1;
      const problem = checkRow(row, expectedSeq, prevHash);
      if (typeof problem === 'string') {
        return { ok: false, entries, firstBroken: { seq: Number(row.seq), reason: problem } };
      }
      expectedSeq += 1;
      prevHash = problem.hash;
    }
    if (rows.length < pageSize) return { ok: true, entries };
  }
}

/** The entry when it is sound, or the reason it is not. */
function checkRow(row: Row, expectedSeq: number, prevHash: string): AuditEntry | string {
  const seq = Number(row.seq);
  if (seq !== expectedSeq) {
    return expectedSeq === seq - 1
      ? `entry #${expectedSeq} is missing`
      : `entries #${expectedSeq} to #${seq - 1} are missing`;
  }
  let entry: AuditEntry;
  try {
    entry = fromRow(row);
  } catch (err) {
    return `entry cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (entry.prevHash !== prevHash) {
    return seq === 1
      ? 'prevHash of the first entry is not the genesis hash'
      : `prevHash does not match the hash of entry #${seq - 1}`;
  }
  let recomputed: string;
  try {
    recomputed = entryHash(entry);
  } catch (err) {
    return `entry cannot be hashed: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (recomputed !== entry.hash) return 'hash does not match the entry\'s contents (the entry was altered)';
  if ((row.resourceCodes ?? '') !== resourceCodesOf(entry.resources)) {
    return 'resourceCodes column does not match resources (the entry was altered)';
  }
  if ((row.providers ?? '') !== providersOf(entry.resources)) {
    return 'providers column does not match resources (the entry was altered)';
  }
  return entry;
}
