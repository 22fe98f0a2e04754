// A sharing request as stored (SPEC §9): requests live in `_sharing_requests`, flat rows; `items` and
// `purposes` are JSON arrays in strings. The store holds one pending request per requester and resource
// (`openKey`); asking (asking.ts), deciding (deciding.ts) and listing (listing.ts) read and write these rows.
import { and, DuplicateKeyError, eq, type Row, type Store } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { decisionDeadline, type Deadline } from '../deadlines.ts';
import { text, strings } from '../../store/row-values.ts';
import { MAX_TEXT, shownNullable, shownText } from '../../model/input-bounds.ts';

export const SHARING_REQUESTS = '_sharing_requests';

export type RequestStatus = 'pending' | 'approved' | 'rejected';

export interface SharingRequest {
  id: string;
  requester: string; // department code
  resource: string;
  provider: string;
  items: string[];
  purposes: string[];
  justification: string;
  until: string | null; // requested end date
  status: RequestStatus;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null; // the decision's comment (required for a rejection)
  grantId: string | null;
}

/**
 * One pending request per requester and resource, held by the store: `openKey` is the same for every
 * pending request of a requester and resource and unique to each decided one, under a unique index
 * (a check before the insert alone lets two instances both insert). Every adapter can hold such an index
 * (MongoDB's unique indexes count a missing field as null, so the key is never missing).
 */
export const openKey = (r: Pick<SharingRequest, 'id' | 'requester' | 'resource' | 'status'>): string =>
  r.status === 'pending' ? `pending|${r.requester}|${r.resource}` : `decided|${r.id}`;

export function toRow(r: SharingRequest): Row {
  return { ...r, items: JSON.stringify(r.items), purposes: JSON.stringify(r.purposes), openKey: openKey(r) };
}

export function fromRow(r: Row): SharingRequest {
  return {
    id: String(r.id),
    requester: String(r.requester),
    resource: String(r.resource),
    provider: String(r.provider),
    items: strings(r.items),
    purposes: strings(r.purposes),
    // Text from before the input bounds is cut as shown (shownText); the row keeps it whole. The lists
    // are not: a decision grants them.
    justification: shownText(String(r.justification), MAX_TEXT),
    until: text(r.until),
    status: r.status as RequestStatus,
    requestedBy: String(r.requestedBy),
    requestedAt: String(r.requestedAt),
    decidedBy: text(r.decidedBy),
    decidedAt: text(r.decidedAt),
    reason: shownNullable(text(r.reason), MAX_TEXT),
    grantId: text(r.grantId),
  };
}

const indexed = new WeakSet<Store>();

/**
 * Gives each decided request still holding the pending key `key` its own, and says how many. A gateway older
 * than openKey (before 2 December 2026) decides a request by setting its status alone, so in a rolling
 * upgrade a request asked at a new gateway and decided at an old one kept the pending key: every later
 * request of that department for that resource was refused CONFLICT for good. Conditional on the status
 * read, so a pending request (another instance's that won) keeps its key.
 */
export async function releaseDecidedKeys(store: Store, key: string): Promise<number> {
  let released = 0;
  for (const r of await store.find(SHARING_REQUESTS, { filter: eq('openKey', key), projection: ['id', 'status'] })) {
    if (r.status === 'pending') continue;
    const decided = { id: String(r.id), requester: '', resource: '', status: r.status as RequestStatus };
    released += await store.update(SHARING_REQUESTS, and(eq('id', decided.id), eq('openKey', key), eq('status', decided.status)), { openKey: openKey(decided) });
  }
  return released;
}

export async function ensureIndexes(store: Store): Promise<void> {
  if (indexed.has(store)) return;
  await store.ensureIndex(SHARING_REQUESTS, { fields: ['id'], unique: true });
  await store.ensureIndex(SHARING_REQUESTS, { fields: ['requester', 'status'] });
  await store.ensureIndex(SHARING_REQUESTS, { fields: ['provider', 'status'] });
  // Requests stored before openKey existed get theirs first, so that a pending one holds its key. The index
  // is partial (unique among the requests that have a key), so that a release older than openKey, which
  // stores requests without it, may run beside this one: MongoDB's unique index over every row took one.
  for (const row of await store.find(SHARING_REQUESTS, { filter: eq('openKey', null), projection: ['id', 'requester', 'resource', 'status'] })) {
    const r = { id: String(row.id), requester: String(row.requester), resource: String(row.resource), status: row.status as RequestStatus };
    await store.update(SHARING_REQUESTS, eq('id', r.id), { openKey: openKey(r) });
  }
  try {
    await store.ensureIndex(SHARING_REQUESTS, { fields: ['openKey'], unique: true, partial: true });
  } catch (error) {
    // A release before openKey checked for a pending request and then stored one: two of its requests at
    // the same moment were both stored. Until one is decided the index cannot be made, and requests fail.
    if (!(error instanceof DuplicateKeyError)) throw error;
    throw Object.assign(
      new DuplicateKeyError(
        'sharing requests: a department has two pending requests for one resource, stored by a release before 2 December 2026, and no sharing request can be stored until one of them is decided: find them (govgraph request list --status PENDING) and decide one (govgraph request decide ID --dept PROVIDER --reject --reason ...)',
      ),
      { userFacing: true as const },
    );
  }
  indexed.add(store);
}

export async function getSharingRequest(store: Store, id: string): Promise<SharingRequest | null> {
  const rows = await store.find(SHARING_REQUESTS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

export function requestDeadline(env: WorkflowEnv, r: SharingRequest): Deadline {
  return decisionDeadline(env.platform, r.requestedAt, r.status === 'pending', r.decidedAt, env.now);
}

/** Names as typed in a list: trimmed, blanks dropped, each once. */
export const names = (given: readonly string[]): string[] => [...new Set(given.map((x) => x.trim()).filter((x) => x !== ''))];
