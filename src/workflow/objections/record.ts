// An objection as stored (SPEC §14): objections live in `_objections`, flat rows. One open objection per
// record, item and department is kept by the store: `slot` names the record, item and department while the
// objection is OPEN or CONFIRMED and the objection itself once it is closed, under a unique index, so two
// processes racing get one CONFLICT. The slot names the record by its key's first spelling (an ID number
// with 'X'), whichever spelling the raise found the record under (insertStanding).
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

/**
 * The slot an objection holds while it stands: one per record, item and department, the record named by
 * `key`. A new objection's slot names it by the first spelling of its key (insertStanding); one raised
 * before that holds the spelling the record was found under then, maybe an ID number's 'x'.
 */
export const standingSlot = (o: Pick<Objection, 'resource' | 'item' | 'department'>, key: Value) =>
  JSON.stringify([o.resource, key, o.item, o.department]);
/** The slot of a closed objection: its own, so that the record's item takes a standing one again. */
export const closedSlot = (id: string) => `closed:${id}`;

/** The objection's row but its slot (insertStanding gives a new one its slot; an answer keeps or closes it). */
function toRow(o: Objection): Row {
  return { ...o, key: JSON.stringify(o.key) };
}

/**
 * Stores `o`, new and OPEN, in the standing slot of its record's item and department, the record named by
 * `firstSpelling`, its key's first spelling (model/key-spellings.ts): DuplicateKeyError when an objection
 * stands there already, also one raised at the same moment through another store handle. A slot of the key
 * as found let in two: a raise that found an ID number's 'x' row and one that found the 'X' row a data
 * import had put in its place meanwhile each took a slot of its own.
 */
export async function insertStanding(store: Store, o: Objection, firstSpelling: Value, more: Row = {}): Promise<void> {
  await ensureObjectionIndexes(store);
  await store.insert(OBJECTIONS, [{ ...toRow(o), ...more, slot: standingSlot(o, firstSpelling) }]);
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
