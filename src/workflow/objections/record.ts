// An objection as stored (SPEC §14): objections live in `_objections`, flat rows. One open objection per
// record, item and department is kept by the store: `slot` names the record, item and department while the
// objection is OPEN or CONFIRMED and the objection itself once it is closed, under a unique index, so two
// processes racing get one CONFLICT.
import { deadlinesOf } from '../../model/platform.ts';
import { eq, type Row, type Store, type Value } from '../../store/port.ts';
import { text } from '../../store/row-values.ts';
import { MAX_TEXT, shownNullable, shownText } from '../../model/input-bounds.ts';
import type { WorkflowEnv } from '../actor.ts';
import { answerDeadline, type Deadline } from '../deadlines.ts';

export const OBJECTIONS = '_objections';

export type ObjectionStatus = 'open' | 'confirmed' | 'rejected' | 'corrected';
/** Statuses under which the doubt stands: every read of the record carries the objection. */
export const STANDING: readonly ObjectionStatus[] = ['open', 'confirmed'];

export interface Objection {
  id: string;
  resource: string;
  provider: string;
  /** The record's key value, as the store keeps it (JSON text of it in the row). */
  key: Value;
  item: string;
  /** The raising department's code. */
  department: string;
  raisedBy: string;
  raisedAt: string;
  reason: string;
  proposedValue: string | null;
  status: ObjectionStatus;
  answeredBy: string | null;
  answeredAt: string | null;
  answer: string | null;
  correctedAt: string | null;
}

/** The slot an objection holds while it stands: one per record, item and department. */
export const standingSlot = (o: Pick<Objection, 'resource' | 'key' | 'item' | 'department'>) =>
  JSON.stringify([o.resource, o.key, o.item, o.department]);
const closedSlot = (id: string) => `closed:${id}`;

export function toRow(o: Objection): Row {
  return {
    ...o,
    key: JSON.stringify(o.key),
    slot: STANDING.includes(o.status) ? standingSlot(o) : closedSlot(o.id),
  };
}

export function fromRow(r: Row): Objection {
  return {
    id: String(r.id),
    resource: String(r.resource),
    provider: String(r.provider),
    key: JSON.parse(String(r.key)) as Value,
    item: String(r.item),
    department: String(r.department),
    raisedBy: String(r.raisedBy),
    raisedAt: String(r.raisedAt),
    // Text from before the input bounds is cut as shown (shownText); the row keeps it whole.
    reason: shownText(String(r.reason), MAX_TEXT),
    proposedValue: shownNullable(text(r.proposedValue), MAX_TEXT),
    status: r.status as ObjectionStatus,
    answeredBy: text(r.answeredBy),
    answeredAt: text(r.answeredAt),
    answer: shownNullable(text(r.answer), MAX_TEXT),
    correctedAt: text(r.correctedAt),
  };
}

const indexed = new WeakSet<Store>();

export async function ensureObjectionIndexes(store: Store): Promise<void> {
  if (indexed.has(store)) return;
  await store.ensureIndex(OBJECTIONS, { fields: ['id'], unique: true });
  await store.ensureIndex(OBJECTIONS, { fields: ['slot'], unique: true });
  await store.ensureIndex(OBJECTIONS, { fields: ['resource', 'status', 'key'] });
  await store.ensureIndex(OBJECTIONS, { fields: ['department'] });
  await store.ensureIndex(OBJECTIONS, { fields: ['provider'] });
  indexed.add(store);
}

export async function getObjection(store: Store, id: string): Promise<Objection | null> {
  const rows = await store.find(OBJECTIONS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

export function objectionDeadline(env: WorkflowEnv, o: Objection): Deadline {
  return answerDeadline(env.platform, o.raisedAt, deadlinesOf(env.platform).objectionDays, o.status === 'open', o.answeredAt, env.now);
}
