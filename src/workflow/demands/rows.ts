// A demand as stored in `_demands` (SPEC §14, src/workflow/demands.ts): flat rows, `items` and `purposes`
// JSON arrays in strings; its indexes and its answer's deadline.
import { deadlinesOf } from '../../model/platform.ts';
import { eq, type Row, type Store } from '../../store/port.ts';
import { strings, text } from '../../store/row-values.ts';
import { MAX_TEXT, MAX_TITLE, shownNames, shownNullable, shownText } from '../../model/input-bounds.ts';
import type { WorkflowEnv } from '../actor.ts';
import { answerDeadline, type Deadline } from '../deadlines.ts';

export const DEMANDS = '_demands';

export type DemandStatus = 'open' | 'will-catalogue' | 'cannot-share' | 'fulfilled';
export type DemandDecision = 'will-catalogue' | 'cannot-share';

export interface Demand {
  id: string;
  title: string;
  description: string;
  /** The data items wanted, as the requester names them. */
  items: string[];
  purposes: string[];
  /** The department asked to provide the data. */
  provider: string;
  /** The requesting department. */
  requester: string;
  requestedBy: string;
  requestedAt: string;
  status: DemandStatus;
  answeredBy: string | null;
  answeredAt: string | null;
  /** CANNOT_SHARE: the legal or policy basis; WILL_CATALOGUE: an optional note. */
  basis: string | null;
  /** WILL_CATALOGUE: the resource code the provider promises to publish. */
  resource: string | null;
  fulfilledAt: string | null;
  /** The catalogue version whose publication fulfilled it, as `id@version`. */
  fulfilledBy: string | null;
}

export function toRow(d: Demand): Row {
  return { ...d, items: JSON.stringify(d.items), purposes: JSON.stringify(d.purposes) };
}

export function fromRow(r: Row): Demand {
  return {
    id: String(r.id),
    // Text from before the input bounds is cut as shown (shownText); the row keeps it whole.
    title: shownText(String(r.title), MAX_TITLE),
    description: shownText(String(r.description), MAX_TEXT),
    items: shownNames(strings(r.items)),
    purposes: strings(r.purposes),
    provider: String(r.provider),
    requester: String(r.requester),
    requestedBy: String(r.requestedBy),
    requestedAt: String(r.requestedAt),
    status: r.status as DemandStatus,
    answeredBy: text(r.answeredBy),
    answeredAt: text(r.answeredAt),
    basis: shownNullable(text(r.basis), MAX_TEXT),
    resource: text(r.resource),
    fulfilledAt: text(r.fulfilledAt),
    fulfilledBy: text(r.fulfilledBy),
  };
}

const indexed = new WeakSet<Store>();

export async function ensureIndexes(store: Store): Promise<void> {
  if (indexed.has(store)) return;
  await store.ensureIndex(DEMANDS, { fields: ['id'], unique: true });
  await store.ensureIndex(DEMANDS, { fields: ['status', 'resource'] });
  await store.ensureIndex(DEMANDS, { fields: ['requester'] });
  await store.ensureIndex(DEMANDS, { fields: ['provider'] });
  indexed.add(store);
}

export async function getDemand(store: Store, id: string): Promise<Demand | null> {
  const rows = await store.find(DEMANDS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

/** A status as the schema's DemandStatus spells it (will-catalogue is WILL_CATALOGUE), for messages. */
export const statusName = (s: DemandStatus) => s.toUpperCase().replace(/-/g, '_');

/** Due `demandDays` working days after the demand; overdue while unanswered. */
export function demandDeadline(env: WorkflowEnv, d: Demand): Deadline {
  return answerDeadline(env.platform, d.requestedAt, deadlinesOf(env.platform).demandDays, d.status === 'open', d.answeredAt, env.now);
}
