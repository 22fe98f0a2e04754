// Reading the audit log (SPEC §10): visibility, filters and cursor pagination.
//
// Visibility (one pure function, `auditVisibility`, turned into a store filter):
// - a `supervisor` of the competent department sees every entry;
// - any other department sees the entries of its own requests (`department` is its code and no connected
//   platform forwarded them: `via` is absent, see `ownRequest`) and the entries about resources it
//   provides or addressed to it (`providers` contains '|CODE|': a demand's entries name its asked
//   department, entry.ts `addressedTo`).
// In an entry a department sees only as a provider, `resources` is narrowed to the resources it
// provides: the other providers' parts are not its business, nor is the requester's document (see
// `narrow`). Such a node keeps the stored `hash`, which then no longer recomputes from the node; the
// chain is checked on the store, not on what a reader sees.
//
// Order and pages: newest first (seq descending), which is what a supervisor reading the log expects.
// The cursor is an opaque string naming a seq; `after` returns the entries older than it.
// `totalCount` counts every entry matching visibility and filters, regardless of the cursor.
// Filters: `from` inclusive, `to` exclusive, both compared to `time` as ISO strings: the DateTime scalar
// hands them over as UTC instants (`2026-11-01T00:00:00+08:00` is `2026-10-31T16:00:00.000Z`); a bare date
// is refused there, with a message naming the form it takes.
import { readDateTime } from '../formats/datetime.ts';
import { DEFAULT_MAX_PAGE_SIZE } from '../model/platform.ts';
import { MAX_USER, shownNullable } from '../model/input-bounds.ts';
import { and, eq, or, type Filter, type Row, type Store, type Value } from '../store/port.ts';
import {
  AUDIT_COLLECTION,
  barNeedle,
  fromRow,
  localDetail,
  MAX_DETAIL,
  MAX_OPERATION_NAME,
  outcomeFor,
  type AuditEntry,
  type AuditKind,
  type AuditOutcome,
} from './entry.ts';
import { WHOLE_SEQ } from './log.ts';
import { supervisesPlatform } from '../identity/roles.ts';

export interface AuditViewer {
  dept: string;
  roles: readonly string[];
}

export interface AuditFilter {
  department?: string; // the requesting department: this platform's, or with `via` the connected platform's
  resource?: string; // a resource code the entry is about
  provider?: string; // a providing department the entry is about
  outcome?: AuditOutcome;
  kind?: AuditKind;
  from?: string; // ISO date or datetime, inclusive
  to?: string; // ISO date or datetime, exclusive
  requestId?: string; // the request's id (its answer's x-request-id)
  via?: string; // the region of the connected platform that forwarded the request
  action?: string; // a workflow or operator entry's action (entry.ts), exactly
}

export interface AuditPage {
  first: number;
  after?: string | null;
}

export interface AuditConnection {
  nodes: AuditEntry[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Bad input from the reader (a malformed cursor, a page size out of range): BAD_USER_INPUT. */
export class AuditQueryError extends Error {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'AuditQueryError';
  }
}

export type AuditVisibility = { kind: 'all' } | { kind: 'department'; dept: string };

export function auditVisibility(viewer: AuditViewer, competentDepartment: string): AuditVisibility {
  return supervisesPlatform(viewer, competentDepartment)
    ? { kind: 'all' }
    : { kind: 'department', dept: viewer.dept };
}

const contains = (field: string, value: string): Filter => ({ kind: 'contains', field, value });

/**
 * `contains '|CODE|'` over a bar list (entry.ts), for a code a reader typed: a resource or department code
 * never holds '|', and one that does would match across the bars, over two neighbouring codes
 * ('A@P|B' matches '|A@P|B@ME|'), so that a provider could tell what else an entry about its resources
 * touched. Such a code names nothing: it matches no entry.
 */
const listed = (field: string, code: string): Filter => (code.includes('|') ? or() : contains(field, barNeedle(code)));

/**
 * What a reader sees, with its filters: a supervisor every entry; any other department its own requests
 * (the filters over the whole entry) and the entries about its resources (the filters over its own parts
 * only: a `resource` of another provider, a `provider` other than itself or an `outcome` that only other
 * providers' parts gave match none of them), so no filter reveals what else a request touched.
 */
function visibleFilter(v: AuditVisibility, f: AuditFilter): Filter {
  if (v.kind === 'all') return auditFilter(f);
  const me = v.dept;
  const own = and(eq('department', me), eq('via', null), auditFilter(f));
  const parts: Filter[] = [contains('providers', barNeedle(me)), ...requestParts(f)];
  if (f.resource !== undefined) parts.push(listed('parts', `${f.resource}@${me}`));
  if (f.provider !== undefined && f.provider !== me) parts.push(or());
  if (f.outcome !== undefined) parts.push(contains('providerOutcomes', barNeedle(`${me}:${f.outcome}`)));
  return or(own, and(...parts));
}

/**
 * Whether `entry` is of a request of department `dept` of this platform. A connected platform's
 * department code is that platform's own (SPEC §12; rates and grants keep them apart too): an entry a
 * forwarded request wrote (`via` its platform) is not of this platform's department of the same code,
 * one listed here after the other platform forwarded it (a department moved, or listed on both). That
 * department sees such an entry only as a provider, narrowed, as any other department's request.
 */
export const ownRequest = (entry: Pick<AuditEntry, 'department' | 'via'>, dept: string): boolean => entry.department === dept && !entry.via;

/** The store filter of an AuditFilter (shared with the usage figures). */
export function auditFilter(f: AuditFilter): Filter {
  const parts = requestParts(f);
  if (f.resource !== undefined) parts.push(listed('resourceCodes', f.resource));
  if (f.provider !== undefined) parts.push(listed('providers', f.provider));
  if (f.outcome !== undefined) parts.push(eq('outcome', f.outcome));
  return and(...parts);
}

/**
 * The parts of a filter on what an entry says of its request (who sent it, when, which kind and action),
 * the same for every reader; what it says of resources and outcomes is narrowed for a provider (visibleFilter).
 */
function requestParts(f: AuditFilter): Filter[] {
  const parts: Filter[] = [];
  if (f.department !== undefined) parts.push(eq('department', f.department));
  // A department code is its platform's (ownRequest): alone, it is this platform's department, whose
  // requests no platform forwarded; with `via`, the connected platform's department of that code. Found:
  // a supervisor filtering by 530100-MZJ got the city's department's forwarded reads mixed with the
  // province's own department's, told apart only by each entry's `via`.
  if (f.department !== undefined && f.via === undefined) parts.push(eq('via', null));
  if (f.kind !== undefined) parts.push(eq('kind', f.kind));
  if (f.from !== undefined) parts.push({ kind: 'compare', field: 'time', op: 'gte', value: f.from });
  if (f.to !== undefined) parts.push({ kind: 'compare', field: 'time', op: 'lt', value: f.to });
  if (f.requestId !== undefined) parts.push(eq('requestId', f.requestId));
  if (f.via !== undefined) parts.push(eq('via', f.via));
  if (f.action !== undefined) parts.push(eq('action', f.action));
  return parts;
}

const CURSOR_PREFIX = 'audit:';

export function auditCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, 'utf8').toString('base64url');
}

function cursorSeq(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1 || auditCursor(seq) !== cursor) {
    throw new AuditQueryError(`"${cursor}" is not a cursor of the audit log; pass an endCursor from a previous page.`);
  }
  return seq;
}

/**
 * A page of the log as `viewer` sees it. `counted: false` (the request did not select `totalCount`) leaves
 * the count out, 0: it walks every window of the log (only the page stops early), a whole-log scan on
 * every request that filters by a resource or a wide period (1,000,000 entries: bench/audit-scale.ts).
 */
export async function listAudit(
  store: Store,
  viewer: AuditViewer,
  filter: AuditFilter,
  page: AuditPage,
  competentDepartment: string,
  maxPageSize: number = DEFAULT_MAX_PAGE_SIZE,
  counted = true,
): Promise<AuditConnection> {
  if (!Number.isInteger(page.first) || page.first < 0 || page.first > maxPageSize) {
    throw new AuditQueryError(`first must be a whole number from 0 to ${maxPageSize}.`);
  }
  // A period that ends before it starts is refused, as usage refuses it over the same log: it answered no entries.
  if (filter.from !== undefined && filter.to !== undefined && Date.parse(filter.to) < Date.parse(filter.from)) {
    throw new AuditQueryError(`The period ends (${filter.to}) before it starts (${filter.from}).`);
  }
  const visibility = auditVisibility(viewer, competentDepartment);
  const base = visibleFilter(visibility, filter);
  const span = await seqSpan(store);
  const top = page.after === undefined || page.after === null ? span?.newest : Math.min(cursorSeq(page.after) - 1, span?.newest ?? 0);
  // A period that ends (`to`) is read through the time index: its seqs first, then its entries by seq. A
  // page alone whose first window reaches back before the period's end (a recent period: that window holds
  // the page, where the time index would read the whole period first) is read by the seq index's windows
  // from `top` down, as a log without a period is.
  const firstWindowReaches = async (from: number, oldest: number) => timedBefore(store, Math.max(from - AUDIT_SCAN_WINDOW + 1, oldest), filter.to!);
  const byTime = span && top !== undefined && filter.to !== undefined && (counted || (page.first > 0 && !(await firstWindowReaches(top, span.oldest))));
  const period = byTime ? await periodSeqs(store, filter) : undefined;
  const [rows, totalCount] = await Promise.all([
    page.first === 0 || !span || top === undefined
      ? Promise.resolve([])
      : period
        ? newestOf(store, base, period.filter((seq) => seq <= top), page.first + 1)
        : newestMatching(store, base, span.oldest, top, page.first + 1),
    !span || !counted ? Promise.resolve(0) : period ? countOf(store, base, period.filter((seq) => seq <= span.newest)) : countMatching(store, base, span),
  ]);
  const hasNextPage = rows.length > page.first;
  const nodes = rows.slice(0, page.first).map((row) => viewOf(row, visibility));
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { hasNextPage, endCursor: last ? auditCursor(last.seq) : null }, totalCount };
}

/**
 * Entries (by seq) that one store step of a listing or a count looks at, at most. A department's view is
 * its own requests or the entries naming it among their providers, a substring that no index finds: over
 * the whole log at once, one step of SQLite (which is synchronous) held the event loop for a second per
 * million entries, and a document of thirty `auditLog { totalCount }` aliases for half a minute. Walked
 * in windows of the seq index, each step is bounded, other requests are served between them, and a
 * request stopped by its time limit or left by its client reads no further window.
 */
export const AUDIT_SCAN_WINDOW = 20_000;

/** The entries with a seq above `above` and up to `upTo`: a range of the seq index. */
export const seqWindow = (above: number, upTo: number): Filter =>
  and({ kind: 'compare', field: 'seq', op: 'gt', value: above }, { kind: 'compare', field: 'seq', op: 'lte', value: upTo });

/** The oldest and newest seq of the log (two steps of the seq index), or undefined when it is empty. */
export async function seqSpan(store: Store): Promise<{ oldest: number; newest: number } | undefined> {
  const [[newest], [oldest]] = await Promise.all([
    store.find(AUDIT_COLLECTION, { filter: WHOLE_SEQ, projection: ['seq'], sort: [{ field: 'seq', direction: 'desc' }], limit: 1 }),
    store.find(AUDIT_COLLECTION, { filter: WHOLE_SEQ, projection: ['seq'], sort: [{ field: 'seq', direction: 'asc' }], limit: 1 }),
  ]);
  return newest && oldest ? { oldest: Number(oldest.seq), newest: Number(newest.seq) } : undefined;
}

/**
 * `filter` kept to the seqs of `bound` (a window, a lookup), the bound written into each branch of a view
 * that is an `or` (a department's: its own requests, the entries about its resources), so that the store
 * reads each branch within the bound. Outside the branches, SQLite served a requester's view filtered by
 * another department's code (a branch each with an equal department) by walking both departments' entries
 * in ix:department,seq for every window or lookup: 3 s a lookup of 1,000 on a log of 1,000,000, minutes
 * for a month, and the time told how many requests the other department had ever sent.
 */
const within = (filter: Filter, bound: Filter): Filter =>
  filter.kind === 'or' ? or(...filter.filters.map((branch) => and(branch, bound))) : and(filter, bound);

/** Up to `limit` entries matching `filter` with a seq from `top` down to `oldest`, newest first, a window at a time. */
async function newestMatching(store: Store, filter: Filter, oldest: number, top: number, limit: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (let upTo = top; upTo >= oldest && rows.length < limit; upTo -= AUDIT_SCAN_WINDOW) {
    rows.push(...(await store.find(AUDIT_COLLECTION, {
      filter: within(filter, seqWindow(upTo - AUDIT_SCAN_WINDOW, upTo)),
      sort: [{ field: 'seq', direction: 'desc' }],
      limit: limit - rows.length,
    })));
  }
  return rows;
}

/** The entries matching `filter`, counted a window at a time. */
async function countMatching(store: Store, filter: Filter, span: { oldest: number; newest: number }): Promise<number> {
  let total = 0;
  for (let upTo = span.newest; upTo >= span.oldest; upTo -= AUDIT_SCAN_WINDOW) {
    total += await store.count(AUDIT_COLLECTION, within(filter, seqWindow(upTo - AUDIT_SCAN_WINDOW, upTo)));
  }
  return total;
}

/**
 * The seqs of the entries timed within the period (`from` inclusive, `to` exclusive), newest first, read
 * through the time index a window at a time (their seq and time alone, in the index's order), so that a
 * period costs what it holds, not what lies between it and the log's newest entry. Found by
 * bench/audit-scale.ts: a day halfway through a log of 1,000,000 entries read every window down to it, the
 * time of each entry read on the way, 4 s a page; a month halfway (more than a window) still 5.8 s with its
 * count. Times do not follow seqs strictly (a clock gone back: verify.ts CLOCK_BACK_TOLERANCE_MS), so the
 * period's place in the seq index cannot be told from its times; its entries' seqs are exact whatever their
 * order. A row whose seq is not a number is one no window finds either. Undefined (the seq index's windows
 * then serve it, as for no period) when the period holds more than PERIOD_SEQS_MAX entries (their seqs are
 * held in memory for the request: a document of thirty aliases asking the count of the whole log before
 * now would hold thirty million), or when the time index cannot be walked a window at a time: a window of
 * entries timed alike to the millisecond, or a part ending on a time that is neither text nor number (a
 * row altered in the store).
 */
async function periodSeqs(store: Store, filter: AuditFilter): Promise<number[] | undefined> {
  const seqs: number[] = [];
  let from: Value | undefined = filter.from; // where the part still to read starts (inclusive)
  let atFrom = new Set<Value>(); // the seqs already read timed `from`: the previous part ended there
  for (;;) {
    const period: Filter[] = [{ kind: 'compare', field: 'time', op: 'lt', value: filter.to! }];
    if (from !== undefined) period.push({ kind: 'compare', field: 'time', op: 'gte', value: from });
    const rows = await store.find(AUDIT_COLLECTION, {
      filter: and(...period),
      projection: ['seq', 'time'],
      sort: [{ field: 'time', direction: 'asc' }], // the time index's order: SQLite reads the period alone
      limit: AUDIT_SCAN_WINDOW,
    });
    for (const { seq, time } of rows) {
      if (typeof seq === 'number' && seq >= 1 && !(time === from && atFrom.has(seq))) seqs.push(seq);
    }
    if (rows.length < AUDIT_SCAN_WINDOW) return seqs.sort((a, b) => b - a);
    if (seqs.length >= PERIOD_SEQS_MAX) return undefined;
    // The next part starts at this one's last time, read again: entries timed alike may lie on both sides.
    const last = rows[rows.length - 1]!.time;
    if (last === from || (typeof last !== 'string' && typeof last !== 'number')) return undefined;
    from = last;
    atFrom = new Set(rows.filter((row) => row.time === last).map((row) => row.seq));
  }
}

/**
 * Entries of a period read through the time index, at most (ten windows: 1.6 MB of seqs a request, some 70
 * days of a busy province's log); a larger period is read by the seq index's windows, which walk the whole
 * log for its count anyway.
 */
export const PERIOD_SEQS_MAX = 10 * AUDIT_SCAN_WINDOW;

/** Whether the entry `seq` is timed before `to` (false when there is none): one lookup of the seq index. */
async function timedBefore(store: Store, seq: number, to: string): Promise<boolean> {
  const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', seq), projection: ['time'], limit: 1 });
  return typeof row?.time === 'string' && row.time < to;
}

/** Entries looked up by seq in one store step, at most: a lookup of the seq index (sqlite-read-plan.ts LOOKUP_VALUES_MAX). */
const SEQ_LOOKUP = 1000;

/** Up to `limit` entries matching `filter` among `seqs` (newest first), newest first, looked up by seq a part at a time. */
async function newestOf(store: Store, filter: Filter, seqs: number[], limit: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (let at = 0; at < seqs.length && rows.length < limit; at += SEQ_LOOKUP) {
    rows.push(...(await store.find(AUDIT_COLLECTION, {
      filter: within(filter, { kind: 'in', field: 'seq', values: seqs.slice(at, at + SEQ_LOOKUP) }),
      sort: [{ field: 'seq', direction: 'desc' }],
      limit: limit - rows.length,
    })));
  }
  return rows;
}

/** The entries matching `filter` among `seqs`, counted a part at a time. */
async function countOf(store: Store, filter: Filter, seqs: number[]): Promise<number> {
  let total = 0;
  for (let at = 0; at < seqs.length; at += SEQ_LOOKUP) {
    total += await store.count(AUDIT_COLLECTION, within(filter, { kind: 'in', field: 'seq', values: seqs.slice(at, at + SEQ_LOOKUP) }));
  }
  return total;
}

const KINDS: ReadonlySet<string> = new Set<AuditKind>(['read', 'workflow', 'operator']);
const OUTCOMES: ReadonlySet<string> = new Set<AuditOutcome>(['allowed', 'partial', 'denied', 'error', 'ok', 'refused']);
/** The time a damaged entry shows when its own is not a time (the field cannot be null). */
const NO_TIME = '1970-01-01T00:00:00.000Z';

/**
 * A stored row as `visibility` sees it. A row that cannot be read as an entry (altered or damaged in the
 * store: `resources` not JSON, a kind, outcome or time that is none) is shown as what it is, an entry that
 * cannot be read, with no resources and outcome `error`, rather than failing the whole page for every
 * reader with an internal error: a supervisor must be able to read the rest of the log to look into it.
 */
function viewOf(row: Row, visibility: AuditVisibility): AuditEntry {
  let entry: AuditEntry;
  try {
    entry = fromRow(row);
    if (!KINDS.has(entry.kind)) throw new TypeError(`kind ${JSON.stringify(entry.kind)} is not a kind of entry`);
    if (!OUTCOMES.has(entry.outcome)) throw new TypeError(`outcome ${JSON.stringify(entry.outcome)} is not an outcome`);
    if (readDateTime(entry.time) === undefined) throw new TypeError(`time ${JSON.stringify(entry.time)} is not a time`);
  } catch (err) {
    return damaged(row, err instanceof Error ? err.message : String(err));
  }
  return shown(narrow(entry, visibility));
}

function damaged(row: Row, reason: string): AuditEntry {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const kind = String(row.kind);
  return {
    seq: Number(row.seq),
    time: readDateTime(row.time) !== undefined ? String(row.time) : NO_TIME,
    requestId: String(row.requestId ?? ''),
    department: text(row.department),
    user: shownNullable(text(row.user), MAX_USER),
    purpose: text(row.purpose),
    operationName: null,
    documentHash: null,
    kind: KINDS.has(kind) ? (kind as AuditKind) : 'read',
    action: null,
    resources: [],
    outcome: 'error',
    detail: shownNullable(
      `This entry cannot be read as stored (${reason}): it was altered or damaged in the store. ` +
        '`govgraph audit verify` (or verifyAuditChain) names the first broken entry.',
      MAX_DETAIL,
    ),
    prevHash: String(row.prevHash ?? ''),
    hash: String(row.hash ?? ''),
  };
}

/**
 * An entry as the log's view shows it: what an older version wrote before the entry's own cuts (a detail
 * of megabytes, a user or operation name as long) is cut with a marker (shownText). Only here: the hash
 * chain is verified over the entries as stored.
 */
function shown(entry: AuditEntry): AuditEntry {
  return {
    ...entry,
    user: shownNullable(entry.user, MAX_USER),
    operationName: shownNullable(entry.operationName, MAX_OPERATION_NAME),
    detail: shownNullable(entry.detail, MAX_DETAIL),
  };
}

/**
 * An entry as `visibility` may see it: a provider-only reader sees only its own resources, and the
 * outcome of its own parts. The detail (a refusal's message, what connected platforms answered) is not
 * split by resource, so it is shown only when the entry is about the reader's resources alone: a refusal
 * of another provider's item would name that item and resource. Even then, what connected platforms
 * answered is left out: it is about another platform's data. The reader's own refusals stay in its parts
 * (the item denied, with its code). The operation's name, the client's name for the whole document
 * (`EnterprisesAndCriminalCases`), is shown only when the request was about the reader's resources alone
 * and asked no connected platform. The document hash never is: equal texts have equal hashes, keyed or
 * not (src/audit/document-hash.ts), so the reader's own request of a guessed text would confirm the guess
 * by its entry's hash, the other parts and the values written in it (a key looked up) included, which the
 * log never stores.
 */
function narrow(entry: AuditEntry, visibility: AuditVisibility): AuditEntry {
  if (visibility.kind === 'all' || ownRequest(entry, visibility.dept)) return entry;
  const resources = entry.resources.filter((r) => r.provider === visibility.dept);
  const local = entry.kind === 'read' ? localDetail(entry.detail) : entry.detail;
  const alone = resources.length === entry.resources.length;
  // Addressed to another department than the reader: not the reader's to know (a provider reads such an
  // entry for its resources, as when an answer to a demand names the resource of another code space).
  const { addressedTo, ...rest } = entry;
  return {
    ...rest,
    ...(addressedTo === visibility.dept ? { addressedTo } : {}),
    resources,
    outcome: outcomeFor(entry, visibility.dept),
    operationName: alone && local === entry.detail ? entry.operationName : null,
    documentHash: null,
    detail: alone ? local : null,
  };
}
