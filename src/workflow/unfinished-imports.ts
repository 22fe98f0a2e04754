// The data imports whose `attempted` entry has no outcome after it (data-import.ts): the process was killed
// (kill -9, the machine going down) between the two, or is still running, or its outcome entry could not
// be written. The chain holds all the same, so `audit verify` said `audit chain ok` and nothing more, and
// an operator looking after a crash did not learn that the records of a resource may have been written by
// an import nobody saw end. `audit verify` names them as a note (src/cli/audit.ts), never as a break.
//
// An attempt is a `data import` entry with outcome ok that is not a `done` one; its outcome is a later
// `data import` entry of the same request id naming it (`done (entry #N)`, `— entry #N not done|failed`).
// Paired by request id first: a file's name is in every detail and could hold `entry #N` itself, and a
// detail cut at MAX_DETAIL (a very long path) may have lost the number, when the request id has not. So
// an entry of a request whose attempt is open is that attempt's outcome, whatever its cut detail says (a
// `data import` command makes one request id per import).
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../audit/entry.ts';
import { and, type Filter, type Store } from '../store/port.ts';
import { DATA_IMPORT_ACTION } from './data-import.ts';

export interface UnfinishedImport {
  seq: number;
  time: string;
  user: string | null;
  resource: string;
  /** The attempt's detail: `data import of FILE into CODE attempted (...)`. */
  detail: string;
  /** A later import of the same resource that ended with its records written, if any: its `done` entry. */
  laterDone?: number;
}

const PAGE = 500;
const DONE = / done \(entry #(\d+)\): \d+ records? written/;
const NAMED = /(?: done \(entry #| — entry #)(\d+)/g;

const resourceOf = (e: AuditEntry): string => e.resources[0]?.resource ?? '';

/**
 * The readable entries of `actions`, oldest first, a page at a time: an entry that cannot be read is
 * verify's to name, and passed (unfinished-operations.ts reads the log so too). Those after entry #`from`.
 */
export async function* entriesOf(store: Store, actions: string[], from = 0): AsyncGenerator<AuditEntry> {
  let after = from;
  for (;;) {
    const before = after;
    const filter: Filter = and({ kind: 'in', field: 'action', values: actions }, { kind: 'compare', field: 'seq', op: 'gt', value: after });
    const rows = await store.find(AUDIT_COLLECTION, { filter, sort: [{ field: 'seq', direction: 'asc' }], limit: PAGE });
    for (const row of rows) {
      // From the row itself: a page of entries that cannot be read (a damaged log) is passed, not read again.
      if (Number(row.seq) > after) after = Number(row.seq);
      let e: AuditEntry;
      try {
        e = fromRow(row);
      } catch {
        continue;
      }
      yield e;
    }
    if (rows.length < PAGE || after === before) return; // `before`: a page of seqs no number, never read again
  }
}

/**
 * A reading of the log's data imports that goes on where it stopped: each `read` reads the entries written
 * since the last one and answers the imports whose attempt has no outcome entry yet, oldest first (and,
 * for each, a later import of its resource that wrote its records). src/server/unfinished-at-start.ts reads
 * again every 15 s what a gateway said at its start: read from the start each time, an attempt a year old
 * had every import since read again, four times a minute.
 */
export function importPairing(): { read(store: Store): Promise<UnfinishedImport[]> } {
  const open = new Map<number, UnfinishedImport & { requestId: string }>();
  let after = 0;
  return {
    async read(store) {
      for await (const e of entriesOf(store, [DATA_IMPORT_ACTION], after)) {
        after = Math.max(after, e.seq);
        const detail = e.detail ?? '';
        const ofRequest = [...open.values()].filter((a) => a.requestId === e.requestId && a.seq < e.seq);
        if (e.outcome === 'ok' && !DONE.test(detail) && ofRequest.length === 0) {
          open.set(e.seq, { seq: e.seq, time: e.time, user: e.user, resource: resourceOf(e), detail, requestId: e.requestId });
          continue;
        }
        const named = [...detail.matchAll(NAMED)].map((m) => Number(m[1]));
        const answered = ofRequest.find((a) => named.includes(a.seq)) ?? ofRequest.at(-1);
        if (answered) open.delete(answered.seq);
        if (e.outcome === 'ok') {
          for (const a of open.values()) if (a.resource === resourceOf(e) && a.laterDone === undefined) a.laterDone = e.seq;
        }
      }
      return [...open.values()].map(({ requestId: _, ...a }) => ({ ...a }));
    },
  };
}

/** The data imports of the log whose attempt has no outcome entry, oldest first. */
export const unfinishedImports = (store: Store): Promise<UnfinishedImport[]> => importPairing().read(store);

/** How `audit verify` names one: which import, by whom, when, and what the operator does about it. */
export function unfinishedImportSaid(u: UnfinishedImport): string {
  const later = u.laterDone === undefined
    ? 'the records of the resource tell whether it wrote them (all of the file or none): import the file again to be sure they are there'
    : `a later import of ${u.resource} wrote its records (entry #${u.laterDone}); the records of this one are there only if that import held them too or this one was committed`;
  return (
    `  note: entry #${u.seq} (${u.time}, ${u.user ?? 'no user'}): ${u.detail}, and no outcome follows it: the import of ${u.resource} ` +
    `was stopped before it ended (kill -9, the machine going down), is still running, or could not record its outcome; ${later} ` +
    '(docs/operations.md, Commands and gateways killed midway)'
  );
}
