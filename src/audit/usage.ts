// Usage figures for the yearly report of use (issue 4, point 8), computed from the audit log's read
// entries.
//
// For every resource that read entries in the period name, and within it for every requesting
// department and purpose:
// - `requests`: read entries whose outcome is allowed or partial and that read the resource: at least
//   one of its items, or only its count or page (`totalCount`, `pageInfo`: nothing refused there);
// - `records`: the sum of the records those entries returned from the resource;
// - `denied`: read entries that touched the resource but read none of it (a denied request, or a
//   partial one in which this resource was denied whole or every item it selected was refused).
// Parts that failed of entries with outcome `error` are left out: they say nothing about use. A part
// that did not fail beside another resource's error (AuditResource.failed false) counts as in any read.
// A requesting department is its code and the connected platform that forwarded its requests (`via`, the
// entry's): a connected platform's department codes are its own (query.ts ownRequest; rates, grants and
// masked-value quotas keep them apart too), so the city's 530100-MZJ reading here through the city is not
// this platform's 530100-MZJ, and their figures are two rows, never one sum.
//
// It is a scan of the read entries of the period (and resource or provider, when given) in seq order,
// USAGE_PAGE_SIZE rows at a time: memory grows with the number of distinct
// (resource, department, purpose) groups, not with the number of entries. Who may see which figures
// (supervisors everything, a provider its own resources via `provider`) is the caller's rule.
import { and, eq, type Filter, type Store } from '../store/port.ts';
import { AUDIT_COLLECTION, fromRow, partFailed, type AuditEntry, type AuditResource } from './entry.ts';
import { AUDIT_SCAN_WINDOW, auditFilter, seqSpan, seqWindow } from './query.ts';

export const USAGE_PAGE_SIZE = 500;

export interface UsagePeriod {
  from?: string; // ISO date or datetime, inclusive
  to?: string; // ISO date or datetime, exclusive
  resource?: string;
  provider?: string;
}

export interface UsageFigures {
  requests: number;
  records: number;
  denied: number;
}

export interface RequesterUsage extends UsageFigures {
  department: string | null;
  /** The region of the connected platform that forwarded the department's requests; null for this platform's own. */
  via: string | null;
  purpose: string | null;
}

export interface ResourceUsage extends UsageFigures {
  resource: string;
  provider: string;
  byRequester: RequesterUsage[]; // by department, then via, then purpose (null first)
}

export interface UsageReport {
  from: string | null;
  to: string | null;
  resources: ResourceUsage[]; // by resource code
}

export async function auditUsage(store: Store, period: UsagePeriod, pageSize = USAGE_PAGE_SIZE): Promise<UsageReport> {
  const base = and(
    eq('kind', 'read'),
    auditFilter({ from: period.from, to: period.to, resource: period.resource, provider: period.provider }),
  );
  const byResource = new Map<string, { provider: string; groups: Map<string, RequesterUsage> }>();

  for await (const entry of readEntries(store, base, pageSize)) {
    const used = entry.outcome === 'allowed' || entry.outcome === 'partial' || entry.outcome === 'error';
    for (const part of entry.resources) {
      if (partFailed(entry, part)) continue;
      if (period.resource !== undefined && part.resource !== period.resource) continue;
      if (period.provider !== undefined && part.provider !== period.provider) continue;
      let res = byResource.get(part.resource);
      if (!res) byResource.set(part.resource, (res = { provider: part.provider, groups: new Map() }));
      const via = entry.via ?? null;
      const key = JSON.stringify([entry.department, via, entry.purpose]);
      let group = res.groups.get(key);
      if (!group) {
        group = { department: entry.department, via, purpose: entry.purpose, requests: 0, records: 0, denied: 0 };
        res.groups.set(key, group);
      }
      if (used && readSomething(part)) {
        group.requests += 1;
        group.records += part.records;
      } else {
        group.denied += 1;
      }
    }
  }

  const resources = [...byResource.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([resource, { provider, groups }]): ResourceUsage => {
      const byRequester = [...groups.values()].sort(
        (a, b) => compareNullable(a.department, b.department) || compareNullable(a.via, b.via) || compareNullable(a.purpose, b.purpose),
      );
      return {
        resource,
        provider,
        requests: sum(byRequester, 'requests'),
        records: sum(byRequester, 'records'),
        denied: sum(byRequester, 'denied'),
        byRequester,
      };
    });
  return { from: period.from ?? null, to: period.to ?? null, resources };
}

/**
 * How a requesting (or probing) department is named in `govgraph usage`'s tables and in breaking-change
 * warnings' readers (itemReaders): a department of a connected platform with the platform that forwarded
 * its requests, `530100-MZJ via 530100`, as the audit log's entries say it.
 */
export const requesterName = (r: { department: string | null; via: string | null }): string =>
  r.department === null ? '(none)' : r.via === null ? r.department : `${r.department} via ${r.via}`;

/** The part returned something of the resource: an item, a record, a count, or a page refused nothing. */
function readSomething(part: AuditResource): boolean {
  return part.items.length > 0 || part.records > 0 || part.counted || part.denied.length === 0;
}

function sum(rows: readonly UsageFigures[], field: keyof UsageFigures): number {
  return rows.reduce((total, r) => total + r[field], 0);
}

/** Code-point order, as the store sorts strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compare(a, b);
}

/** The key under which itemReaders lists the departments that used a resource at all, a count alone included. */
export const ANY_ITEM = '*';

/**
 * Who used what (SPEC §14, breaking-change warnings): per resource and item, the departments whose
 * read entries since `from` read it, selected it and were denied it beside items of the resource they
 * read, or filtered or ordered by it (their queries break as well when it goes: the filter's and the
 * order's fields are the item's); under ANY_ITEM (no item's name: GraphQL names hold no `*`), those that
 * used the resource at all, a `totalCount` with no item read included. A part of an entry that read
 * nothing of the resource (denied whole, or every item it selected) counts for none. One scan of the
 * read entries about each resource.
 */
export async function itemReaders(
  store: Store,
  resources: readonly string[],
  from: string,
  pageSize = USAGE_PAGE_SIZE,
): Promise<Map<string, Map<string, Set<string>>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  for (const code of new Set(resources)) out.set(code, new Map());
  const take = (entry: AuditEntry, code?: string) => {
    if (!entry.department || (entry.outcome !== 'allowed' && entry.outcome !== 'partial' && entry.outcome !== 'error')) return;
    // A department of a connected platform (its request forwarded, `via` its region) is that platform's,
    // not this platform's department of the same code (query.ts ownRequest): named with its platform, and
    // never taken for the provider reading its own resource.
    const reader = requesterName({ department: entry.department, via: entry.via ?? null });
    for (const part of entry.resources) {
      if ((code !== undefined && part.resource !== code) || (!entry.via && part.provider === entry.department) || partFailed(entry, part)) continue;
      const byItem = out.get(part.resource);
      if (!byItem || part.resource.includes('|')) continue; // a code with a bar is named by no entry (query.ts)
      // A part denied whole used nothing of the resource; and the entry's outcome, allowed or partial for
      // what the request read of other providers' resources, is no business of this one (the log shows a
      // provider the outcome of its own parts alone, query.ts narrow): naming the department would say it.
      if (!readSomething(part)) continue;
      // An item selected but denied (awaiting a grant, say) is used too: once it goes, the query that
      // selects it is refused whole (GRAPHQL_VALIDATION_FAILED), the items it did read with it.
      const selectedDenied = part.denied.map((d) => d.item).filter((item) => item !== ANY_ITEM);
      for (const item of [ANY_ITEM, ...part.items, ...selectedDenied, ...part.filtered, ...part.ordered]) {
        let readers = byItem.get(item);
        if (!readers) byItem.set(item, (readers = new Set()));
        readers.add(reader);
      }
    }
  };
  if (out.size > SCANS_APART) {
    // One scan of the period's read entries for them all: the log's resource filter is a text search no
    // index serves, so each resource's scan visited every entry of the period again (a catalogue of 200
    // resources over 200,000 entries: ~2 minutes, about 6 s now). The same departments in the same order.
    for await (const entry of readEntries(store, and(eq('kind', 'read'), auditFilter({ from })), pageSize)) take(entry);
    return out;
  }
  for (const code of out.keys()) {
    const base = and(eq('kind', 'read'), auditFilter({ from, resource: code }));
    for await (const entry of readEntries(store, base, pageSize)) take(entry, code);
  }
  return out;
}

/** Up to this many resources, itemReaders scans for each apart (reading only its entries); past it, once for all. */
const SCANS_APART = 3;

/**
 * The entries matching `filter` in seq order, read `pageSize` rows at a time (memory stays one page), up
 * to the newest entry when the scan starts. Each page is bounded on `seq` at both ends: with a lower
 * bound alone, SQLite read a page of a period (`time` between two instants) through the time index and
 * sorted all of the period's entries for every page of 500, so a year of 255,000 entries took two minutes
 * (and the GraphQL field its 15 s timeout); with both bounds it walks the seq index once. The upper bound
 * is at most AUDIT_SCAN_WINDOW entries ahead: a page of a filter that few entries match (a provider's
 * resources among millions of others' entries) was one step of SQLite over the whole log, holding the
 * event loop for seconds; a window short of a page goes on with the next window.
 */
async function* readEntries(store: Store, filter: Filter, pageSize: number) {
  const span = await seqSpan(store);
  if (!span) return;
  let afterSeq = span.oldest - 1;
  while (afterSeq < span.newest) {
    const upTo = Math.min(afterSeq + AUDIT_SCAN_WINDOW, span.newest);
    const rows = await store.find(AUDIT_COLLECTION, {
      filter: and(filter, seqWindow(afterSeq, upTo)),
      projection: ['seq', 'time', 'department', 'via', 'purpose', 'outcome', 'resources'],
      sort: [{ field: 'seq', direction: 'asc' }],
      limit: pageSize,
    });
    for (const row of rows) {
      // An entry altered in the store so that it cannot be read (`audit verify` names it) is left out of
      // the figures, rather than failing them, and every submission's warnings about its resources.
      let entry: ReturnType<typeof fromRow>;
      try {
        entry = fromRow(row);
      } catch {
        continue;
      }
      yield entry;
    }
    afterSeq = rows.length < pageSize ? upTo : Number(rows[rows.length - 1]!.seq);
  }
}
