// The audit log entry (SPEC §10), its stored row, and the hash that chains entries.
//
// Stored rows are flat scalars (the store port). An entry becomes one row of `_audit` with:
// - every scalar field of the entry as its own column;
// - `resources` as a JSON string column (the per-resource detail);
// - two derived columns for filtering with the port's `contains`: `resourceCodes` and `providers`,
//   each the distinct codes wrapped in '|' ('|430000-GA-00001|430000-SCJG-00001|', '' when none), so
//   that `contains '|CODE|'` matches exactly one code; and `parts` ('|CODE@PROVIDER|') and
//   `providerOutcomes` ('|PROVIDER:outcome|'), so that a provider's filters match only its own parts of
//   an entry. `providers` and `providerOutcomes` name the entry's `addressedTo` too (a demand's asked
//   department, which no resource names yet), so that it reads the entry as a provider reads those about
//   its resources. They are not hashed; `verifyAuditChain` checks that they agree with `resources`, so they
//   cannot be edited to hide an entry from a department.
//
// The hash is HMAC-SHA256 (hex) under the platform's audit key (key.ts) over 'govgraph-audit-v2\n'
// followed by the canonical JSON (object keys sorted at every level, arrays in order) of every field of
// the entry except `hash` itself, `prevHash` included. The first entry's `prevHash` is GENESIS_HASH.
// Without the key nobody can make a hash that verifies: an entry edited and rehashed with the public
// algorithm is named as altered.
import { createHash, createHmac } from 'node:crypto';
import { LONE_SURROGATE, toWellFormed } from '../formats/well-formed.ts';
import { MAX_NAME, MAX_TEXT } from '../model/input-bounds.ts';
import type { Row, Value } from '../store/port.ts';

export const AUDIT_COLLECTION = '_audit';
export const GENESIS_HASH = '0'.repeat(64);
const HASH_DOMAIN = 'govgraph-audit-v2\n';

export type AuditKind = 'read' | 'workflow' | 'operator';
export type AuditOutcome = 'allowed' | 'partial' | 'denied' | 'error' | 'ok' | 'refused';

/** The longest operation name an entry keeps (names of the docs and typed clients are far shorter). */
export const MAX_OPERATION_NAME = MAX_NAME;

/**
 * The operation name an entry records: the client's choice, so only a GraphQL name of at most
 * MAX_OPERATION_NAME characters; anything else (a megabyte of text sent with a request refused by its
 * rate, which costs its sender nothing more) is recorded as none.
 */
export function recordedOperationName(name: unknown): string | null {
  return typeof name === 'string' && name.length <= MAX_OPERATION_NAME && /^[_A-Za-z][_0-9A-Za-z]*$/.test(name) ? name : null;
}

/**
 * The longest detail an entry keeps: a refusal's message names paths, and aliases are the client's; as
 * long as the free text the workflow keeps (src/model/input-bounds.ts).
 */
export const MAX_DETAIL = MAX_TEXT;

/** A detail cut to MAX_DETAIL characters (code points kept whole), the cut marked with `…`. */
export function recordedDetail(detail: string): string {
  if (detail.length <= MAX_DETAIL) return detail;
  return Array.from(detail.slice(0, MAX_DETAIL)).slice(0, -1).join('') + '…';
}

/**
 * How a read's detail notes what the connected platforms answered for the request (SPEC §12): the
 * note's start, and the note always comes last, after '; ' when the detail holds a refusal too.
 */
export const FORWARDED_NOTE = 'connected platforms: ';

/**
 * A read's detail without the note of what connected platforms answered: what concerns this platform's
 * own resources (a refusal), null when the note was all of it. The last note is cut, since a refusal's
 * message comes first; a message holding the words itself only loses its end.
 */
export function localDetail(detail: string | null): string | null {
  const at = detail === null ? -1 : detail.lastIndexOf(FORWARDED_NOTE);
  if (at < 0) return detail;
  return at >= 2 && detail!.slice(at - 2, at) === '; ' ? detail!.slice(0, at - 2) : null;
}

export interface AuditResource {
  resource: string; // resource code
  provider: string; // department code of the providing department
  items: string[]; // items read
  denied: Array<{ item: string; code: string }>;
  masked: string[];
  records: number;
  /** Items the request filtered this resource by (lookups: the key; links: the linked item); names only. */
  filtered: string[];
  /** Items the request ordered this resource by; names only. */
  ordered: string[];
  /** The request asked for the number of matching records (`totalCount`). */
  counted: boolean;
  /**
   * On a read whose outcome is `error`: whether an error its client got came from this resource's fields
   * (its `extensions.resource`). Absent when that is not known (an error naming no resource, a time limit,
   * a cancellation, an entry written before), and then every part counts as failed, as before.
   */
  failed?: boolean;
}

export interface AuditEntry {
  seq: number;
  time: string; // ISO-8601 UTC
  requestId: string;
  department: string | null;
  user: string | null;
  purpose: string | null;
  /** The connected platform (its region) that forwarded the request (SPEC §12); absent for a direct one. */
  via?: string;
  operationName: string | null;
  documentHash: string | null;
  kind: AuditKind;
  action: string | null; // e.g. 'submitCatalogue'
  /**
   * The department a workflow action is addressed to when no resource of its names it: a demand's asked
   * department (SPEC §14: no resource exists yet). It reads the entry as a provider reads the entries about
   * its resources (SPEC §10). Absent on other entries, and on those written before it was recorded.
   */
  addressedTo?: string;
  resources: AuditResource[];
  outcome: AuditOutcome;
  detail: string | null;
  prevHash: string;
  hash: string;
}

/** What a caller hands to `appendAudit`: the log assigns the rest (and `time` when absent). */
export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash' | 'time'> & { time?: string };

type CanonicalValue = Value | CanonicalValue[] | { [key: string]: CanonicalValue };

/** JSON with object keys sorted at every level; `undefined` members are left out, as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`not a JSON number: ${value}`);
    return JSON.stringify(value as CanonicalValue);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const members = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${members.join(',')}}`;
}

/**
 * An entry's own fields, in their order: what is chained and hashed, and nothing else a stored row or a
 * caller's object may carry (a field an older entry lacks stays absent, so its hash is unchanged).
 */
export function entryFields(rest: Omit<AuditEntry, 'hash'>): Omit<AuditEntry, 'hash'> {
  return chainFields(rest, rest.time, rest.seq, rest.prevHash);
}

/**
 * The own fields of a new entry at its place in the chain: `entryFields` without first copying the
 * entry to add its time, seq and prevHash (a spread costs more than the rest of the build).
 */
export function chainFields(e: NewAuditEntry, time: string, seq: number, prevHash: string): Omit<AuditEntry, 'hash'> {
  return {
    seq,
    time,
    requestId: e.requestId,
    department: e.department,
    user: e.user,
    purpose: e.purpose,
    ...(e.via ? { via: e.via } : {}),
    operationName: e.operationName,
    documentHash: e.documentHash,
    kind: e.kind,
    action: e.action,
    ...(e.addressedTo ? { addressedTo: e.addressedTo } : {}),
    resources: e.resources.map((r) => ({
      resource: r.resource,
      provider: r.provider,
      items: r.items,
      denied: r.denied.map((d) => ({ item: d.item, code: d.code })),
      masked: r.masked,
      records: r.records,
      filtered: r.filtered,
      ordered: r.ordered,
      counted: r.counted,
      failed: r.failed, // undefined on most entries: JSON and the hash leave it out
    })),
    outcome: e.outcome,
    detail: e.detail,
    prevHash,
  };
}

/**
 * The own fields of a new entry as the log writes them (appendAudit, audit rekey): `chainFields` with
 * every text well-formed, half of a surrogate pair standing alone replaced by U+FFFD, before the hash is
 * taken. An entry quotes its client's text (a refusal's message, a workflow detail, a forwarded claim):
 * a JSON variable's "\ud800" there made MongoDB's store refuse the write (BSON is UTF-8), so the request
 * answered AUDIT_UNAVAILABLE and its attempt went unlogged, while SQLite kept the half. Both stores now
 * hold the same entry, and its hash is of what they hold. Only the writers: `audit verify` hashes an entry
 * as stored (entryFields), so one written before, half included, keeps its hash.
 */
export function writtenFields(e: NewAuditEntry, time: string, seq: number, prevHash: string): Omit<AuditEntry, 'hash'> {
  const fields = chainFields(e, time, seq, prevHash);
  return holdsLoneSurrogate(fields) ? (wellFormed(fields) as Omit<AuditEntry, 'hash'>) : fields;
}

/** Whether a text anywhere in `value` (strings, arrays, plain objects) holds half of a surrogate pair. */
function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (value === null || typeof value !== 'object') return false;
  // Loops, not Object.values: every entry is walked, and this one allocates nothing.
  if (Array.isArray(value)) {
    for (const v of value) if (holdsLoneSurrogate(v)) return true;
    return false;
  }
  for (const k in value) if (holdsLoneSurrogate((value as Record<string, unknown>)[k])) return true;
  return false;
}

/** `value` with every text well-formed (toWellFormed); members, order and undefined members kept. */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return toWellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)]));
  }
  return value;
}

/**
 * Releases before keyed hashes (before 2 December 2026) chained the log with a plain SHA-256 under this
 * domain, no key. This release tells such entries from altered ones, so that an operator upgrading from such
 * a release is told what the log is (and not to look for another secret), and chains after them only once
 * `govgraph audit adopt` recorded the plain part under the platform key (adoption.ts); before that, never
 * taken as proof of anything: an entry so hashed is still reported broken.
 */
const UNKEYED_DOMAIN = 'govgraph-audit-v1\n';

/** Whether `entry` carries the plain SHA-256 a release before keyed hashes gave it, over its contents as stored. */
export function hashedUnkeyed(entry: AuditEntry): boolean {
  try {
    // The fields the release of 25 November 2026 hashed (fromRow's defaults for later fields left out).
    const { seq, time, requestId, department, user, purpose, operationName, documentHash, kind, action, outcome, detail, prevHash } = entry;
    const resources = entry.resources.map((r) => ({
      resource: r.resource, provider: r.provider, items: r.items, denied: r.denied.map((d) => ({ item: d.item, code: d.code })), masked: r.masked, records: r.records,
    }));
    const fields = { seq, time, requestId, department, user, purpose, operationName, documentHash, kind, action, resources, outcome, detail, prevHash };
    return createHash('sha256').update(UNKEYED_DOMAIN).update(canonicalJson(fields)).digest('hex') === entry.hash;
  } catch {
    return false; // a field no JSON holds: no hash of any release
  }
}

/** What to do with a log `hashedUnkeyed` recognises (docs/operations.md, Upgrading). */
export const UNKEYED_LOG_ADVICE =
  'it was written by a release before keyed hashes (before 2 December 2026: plain SHA-256, no platform key), which this release appends to only once adopted; ' +
  'on a store you trust, run govgraph audit adopt to record it under the platform key (docs/operations.md, Upgrading)';

/** The hash an entry must carry, computed from every other field under the audit key. */
export function entryHash(rest: Omit<AuditEntry, 'hash'>, key: Uint8Array): string {
  return fieldsHash(entryFields(rest), key);
}

/** The hash of fields already cut to an entry's own (`entryFields`, `chainFields`). */
export function fieldsHash(fields: Omit<AuditEntry, 'hash'>, key: Uint8Array): string {
  return createHmac('sha256', key).update(HASH_DOMAIN).update(entryJson(fields)).digest('hex');
}

/**
 * `canonicalJson` of an entry's fields, made faster (issue 10: a third of a request's audit work went to
 * the generic walk): the entry and its parts rebuilt with their keys already in sorted order and written
 * by one `JSON.stringify`, which keeps insertion order and leaves `undefined` members out as the walk
 * does. Only for entries of the expected shape (strings, finite numbers, booleans, nulls, arrays of
 * strings); anything else (a stored row edited by hand, say) takes the generic walk, so the text is the
 * same for every entry.
 */
export function entryJson(fields: Omit<AuditEntry, 'hash'>): string {
  if (!plainEntry(fields)) return canonicalJson(fields);
  return JSON.stringify({
    action: fields.action,
    addressedTo: fields.addressedTo,
    department: fields.department,
    detail: fields.detail,
    documentHash: fields.documentHash,
    kind: fields.kind,
    operationName: fields.operationName,
    outcome: fields.outcome,
    prevHash: fields.prevHash,
    purpose: fields.purpose,
    requestId: fields.requestId,
    resources: fields.resources.map((r) => ({
      counted: r.counted,
      denied: r.denied.map((d) => ({ code: d.code, item: d.item })),
      failed: r.failed,
      filtered: r.filtered,
      items: r.items,
      masked: r.masked,
      ordered: r.ordered,
      provider: r.provider,
      records: r.records,
      resource: r.resource,
    })),
    seq: fields.seq,
    time: fields.time,
    user: fields.user,
    via: fields.via,
  });
}

const scalar = (v: unknown): boolean =>
  v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const strings = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/** The fields hold only what the fast path writes as the generic walk would (entryJson). */
function plainEntry(f: Omit<AuditEntry, 'hash'>): boolean {
  if (![f.action, f.addressedTo, f.department, f.detail, f.documentHash, f.kind, f.operationName, f.outcome, f.prevHash, f.purpose, f.requestId, f.seq, f.time, f.user, f.via].every(scalar)) return false;
  return Array.isArray(f.resources) && f.resources.every((r) =>
    [r.counted, r.failed, r.provider, r.records, r.resource].every(scalar) &&
    strings(r.filtered) && strings(r.items) && strings(r.masked) && strings(r.ordered) &&
    Array.isArray(r.denied) && r.denied.every((d) => scalar(d.code) && scalar(d.item)),
  );
}

/** '|a|b|' of the distinct values in first-seen order; '' when none. */
export function barList(values: readonly string[]): string {
  const distinct = [...new Set(values)];
  return distinct.length === 0 ? '' : `|${distinct.join('|')}|`;
}

/** The `contains` needle that matches one code in a bar list. */
export function barNeedle(code: string): string {
  return `|${code}|`;
}

export function resourceCodesOf(resources: readonly AuditResource[]): string {
  return barList(resources.map((r) => r.resource));
}

/** '|PROVIDER|...': the providers of the entry's resources, and the department it is addressed to. */
export function providersOf(entry: Pick<AuditEntry, 'resources' | 'addressedTo'>): string {
  return barList([...entry.resources.map((r) => r.provider), ...(entry.addressedTo ? [entry.addressedTo] : [])]);
}

/** '|CODE@PROVIDER|...': each resource with its provider, so a provider's filter matches only its own parts. */
export function partsOf(resources: readonly AuditResource[]): string {
  return barList(resources.map((r) => `${r.resource}@${r.provider}`));
}

/**
 * The outcome of a data read over some of its resource parts: `denied` when every part was refused
 * something and none returned an item, a record or a count; `partial` when some were refused and
 * something was read; `allowed` when nothing was refused.
 */
export function outcomeOfParts(resources: readonly AuditResource[]): AuditOutcome {
  const denied = resources.some((r) => r.denied.length > 0);
  if (!denied) return 'allowed';
  const read = resources.some((r) => r.items.length > 0 || r.records > 0 || r.counted || r.denied.length === 0);
  return read ? 'partial' : 'denied';
}

/**
 * Whether a part of a read took part in its outcome `error`: an error its client got came from the part's
 * resource, or the entry does not say which (failed absent). A part marked `failed: false` read as any
 * part of an allowed or partial read did, whatever failed beside it.
 */
export const partFailed = (entry: Pick<AuditEntry, 'outcome'>, part: AuditResource): boolean =>
  entry.outcome === 'error' && part.failed !== false;

/**
 * The outcome as one provider sees the entry: a read's outcome over that provider's parts only (what
 * other providers' resources did is not its business: an error of another provider's resource beside
 * them included); an action's outcome, a read that failed in the provider's parts (or that does not say
 * where) and a request refused before it ran (by a limit) as they are.
 */
export function outcomeFor(entry: Pick<AuditEntry, 'kind' | 'outcome' | 'resources'>, provider: string): AuditOutcome {
  if (entry.kind !== 'read' || entry.outcome === 'refused') return entry.outcome;
  const own = entry.resources.filter((r) => r.provider === provider);
  if (entry.outcome === 'error' && (own.length === 0 || own.some((r) => partFailed(entry, r)))) return 'error';
  return outcomeOfParts(own);
}

/** '|PROVIDER:outcome|...': each provider's outcome (the addressee's: the entry's), for a provider's `outcome` filter. */
export function providerOutcomesOf(entry: Pick<AuditEntry, 'kind' | 'outcome' | 'resources' | 'addressedTo'>): string {
  const providers = new Set(entry.resources.map((r) => r.provider));
  if (entry.addressedTo) providers.add(entry.addressedTo);
  return barList([...providers].map((p) => `${p}:${outcomeFor(entry, p)}`));
}

export function toRow(entry: AuditEntry): Row {
  return {
    seq: entry.seq,
    time: entry.time,
    requestId: entry.requestId,
    department: entry.department,
    user: entry.user,
    purpose: entry.purpose,
    ...(entry.via ? { via: entry.via } : {}),
    operationName: entry.operationName,
    documentHash: entry.documentHash,
    kind: entry.kind,
    action: entry.action,
    ...(entry.addressedTo ? { addressedTo: entry.addressedTo } : {}),
    resources: JSON.stringify(entry.resources),
    resourceCodes: resourceCodesOf(entry.resources),
    providers: providersOf(entry),
    parts: partsOf(entry.resources),
    providerOutcomes: providerOutcomesOf(entry),
    outcome: entry.outcome,
    detail: entry.detail,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

const str = (v: Value | undefined): string => (v === null || v === undefined ? '' : String(v));
const strOrNull = (v: Value | undefined): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The entry a stored row holds. `resources` that is not a JSON array of resource objects is a
 * TypeError (a verify failure, not something a reader should see silently repaired).
 */
export function fromRow(row: Row): AuditEntry {
  return {
    seq: Number(row.seq),
    time: str(row.time),
    requestId: str(row.requestId),
    department: strOrNull(row.department),
    user: strOrNull(row.user),
    purpose: strOrNull(row.purpose),
    ...(row.via !== null && row.via !== undefined ? { via: String(row.via) } : {}),
    operationName: strOrNull(row.operationName),
    documentHash: strOrNull(row.documentHash),
    kind: str(row.kind) as AuditKind,
    action: strOrNull(row.action),
    ...(row.addressedTo !== null && row.addressedTo !== undefined ? { addressedTo: String(row.addressedTo) } : {}),
    resources: parseResources(row.resources),
    outcome: str(row.outcome) as AuditOutcome,
    detail: strOrNull(row.detail),
    prevHash: str(row.prevHash),
    hash: str(row.hash),
  };
}

function parseResources(v: Value | undefined): AuditResource[] {
  if (v === null || v === undefined) return [];
  const parsed: unknown = JSON.parse(String(v));
  if (!Array.isArray(parsed)) throw new TypeError('resources is not a JSON array');
  return parsed.map((r: unknown, i) => {
    const o = r as Partial<AuditResource> | null;
    const ok =
      o !== null && typeof o === 'object' &&
      typeof o.resource === 'string' && typeof o.provider === 'string' &&
      Array.isArray(o.items) && Array.isArray(o.denied) && Array.isArray(o.masked) &&
      typeof o.records === 'number' &&
      (o.filtered === undefined || Array.isArray(o.filtered)) &&
      (o.ordered === undefined || Array.isArray(o.ordered)) &&
      (o.counted === undefined || typeof o.counted === 'boolean') &&
      (o.failed === undefined || typeof o.failed === 'boolean');
    if (!ok) throw new TypeError(`resources[${i}] is not a resource entry`);
    // Entries written before filters, orders and counts were recorded read as none of them.
    return { ...(o as AuditResource), filtered: o.filtered ?? [], ordered: o.ordered ?? [], counted: o.counted ?? false };
  });
}
