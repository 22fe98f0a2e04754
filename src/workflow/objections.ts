// Objections (SPEC §14, Art. 11: 校核纠错): a department that reads an item and believes a record wrong
// raises an objection; the provider's approver confirms or rejects it within the platform's
// `deadlines.objectionDays` working days; a confirmed objection becomes CORRECTED by itself when a data
// import changes that record's item.
//
// Objections live in `_objections`, flat rows. Whether the department may object to the item at all is
// asked of the access decision (`decide`), not restated: what it may not read, it may not object to, with
// the access code of the row that refuses. One open objection per record, item and department is kept by
// the store: `slot` names the record, item and department while the objection is OPEN or CONFIRMED and
// the objection itself once it is closed, under a unique index, so two processes racing get one CONFLICT.
import { createHash, randomUUID } from 'node:crypto';
import { activeGrantsFor, type Grant } from '../access/grants.ts';
import { decide, isMasked } from '../access/decide.ts';
import { seenValue, type DataReader } from '../access/seen-value.ts';
import { decideRows, withinRows } from '../access/row-scope.ts';
import { effectiveItems } from '../access/effective-share.ts';
import { publishedCatalogues } from '../catalogue/repository.ts';
import { collectionOf, type Catalogue, type Resource } from '../model/catalogue.ts';
import { enumValueName } from '../model/names.ts';
import { hasFewValues } from '../model/operators.ts';
import { deadlinesOf, limitsOf } from '../model/platform.ts';
import { takeProbes } from '../limits/probes.ts';
import { type ImportOptions, type ImportSummary } from '../records/import.ts';
import { auditedImport } from './data-import.ts';
import { convertValue } from '../records/validate.ts';
import { appendAudit } from '../audit/log.ts';
import { applyMask, itemMask } from '../formats/masks.ts';
import { and, DuplicateKeyError, eq, or, type Filter, type Row, type Store, type Value } from '../store/port.ts';
import { text } from '../store/row-values.ts';
import { Decimal } from '../formats/decimal.ts';
import { MAX_TEXT, shownNullable, shownText, visibleTrim } from '../model/input-bounds.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from './actor.ts';
import { concerning, perform, undone } from './audit.ts';
import { answerDeadline, type Deadline } from './deadlines.ts';
import { WorkflowError, badInput, conflict, notFound } from './errors.ts';
import { findPublishedResource, publishedCode } from './resource-info.ts';
import { supervisesPlatform } from '../identity/roles.ts';

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
const standingSlot = (o: Pick<Objection, 'resource' | 'key' | 'item' | 'department'>) =>
  JSON.stringify([o.resource, o.key, o.item, o.department]);
const closedSlot = (id: string) => `closed:${id}`;

function toRow(o: Objection): Row {
  return {
    ...o,
    key: JSON.stringify(o.key),
    slot: STANDING.includes(o.status) ? standingSlot(o) : closedSlot(o.id),
  };
}

function fromRow(r: Row): Objection {
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
  return answerDeadline(env.platform, o.raisedAt, deadlinesOf(env.platform).objectionDays, o.status === 'open', env.now);
}

/**
 * The key as the store keeps it, from the text a person typed; BAD_USER_INPUT when it cannot be one. The
 * message does not repeat the text: refusals go to the audit log, which stores no variables (SPEC §10).
 */
function keyValue(resource: Resource, key: string): Value {
  const item = resource.items.find((i) => i.name === resource.key)!;
  // An enum key is read in the schema's naming (o_neg as O_NEG): either spelling names the record.
  const value = item.type === 'enum' ? (item.values?.find((v) => enumValueName(v) === key) ?? key) : key;
  const converted = convertValue(item, value, true);
  if (!converted.ok) throw badInput(`key: the value given is not ${converted.expected}, so it cannot be a ${resource.key} of ${resource.code}.`, [{ path: 'key', message: `is not ${converted.expected}` }]);
  return converted.value;
}

// ---- raising -------------------------------------------------------------------------------------

export interface ObjectionInput {
  resource: string;
  key: string;
  item: string;
  reason: string;
  proposedValue?: string | null;
}

/**
 * An applicant objects to one item of one record. The item must be one its department may read now
 * (with its purpose and grants), and so must the key item the record is found by: whether a record
 * exists is an answer about its key, so a department denied the key is refused before anything is looked
 * up (with the key item's access code, as for a denied item), and one that sees the key masked has the
 * attempt counted as a masked probe, as a lookup by that key is (src/limits/probes.ts). Then the record
 * must exist within the department's rows, and its department may have only one standing objection to
 * that record's item.
 */
export async function raiseObjection(env: WorkflowEnv, actor: Actor, input: ObjectionInput, grants?: readonly Grant[]): Promise<Objection> {
  return perform(env, actor, 'raiseObjection', input, async (about) => {
    const found = findPublishedResource(await publishedCatalogues(env.store), input.resource);
    if (found) about(concerning(found.resource.code, found.resource.provider));
    requireRole(actor, 'applicant', 'raise objections');
    if (!found) throw notFound(`No published resource ${input.resource}; the catalogues query lists them.`);
    const resource = found.resource;
    if (resource.provider === actor.dept.code) {
      throw badInput(`${actor.dept.code} provides ${resource.code} itself: correct the record with a data import instead of objecting.`);
    }
    const items = effectiveItems(resource);
    // The item's name trimmed, as requestSharing and grant add take item names (the key is the record's, as typed).
    const item = items.get(input.item.trim());
    if (!item) throw badInput(`${resource.code} has no item ${input.item} (items: ${resource.items.map((i) => i.name).join(', ')}).`, [{ path: 'item', message: 'is not an item of the resource' }]);
    about(concerning(resource.code, resource.provider, [item.name]));
    const held = grants ?? (await activeGrantsFor(env.store, actor.dept.code, env.now));
    const access = (name: string) => decide({ requester: actor.dept, purpose: actor.purpose, resource, item: items.get(name)!, grants: held, now: env.now });
    const decisions = [...new Set([item.name, resource.key])].map((name) => ({ name, d: access(name) }));
    for (const { name, d } of decisions) {
      if (d.allowed) continue;
      about({ ...concerning(resource.code, resource.provider, [item.name]), denied: [{ item: name, code: d.code }] });
      // Named like a read's denial (resource and item), so that the provider's denials by resource count it.
      throw new WorkflowError(d.code, `You may object only to what you may read: ${d.message}`, [], { resource: resource.code, item: name });
    }
    const keyDecision = decisions.find((x) => x.name === resource.key)!.d;
    // A key of few values (a boolean or enum) masked for the department is refused as a lookup by it is
    // (src/rules/data-rules.ts), before anything is looked up and without a probe: the record found then
    // carries the objection in its `_objections`, so objecting by "high" told which record's hidden key
    // is high, and one objection per value told every record's.
    if (isMasked(keyDecision) && hasFewValues(items.get(resource.key)?.item)) {
      about({ ...concerning(resource.code, resource.provider, [item.name]), denied: [{ item: resource.key, code: 'BAD_USER_INPUT' }] });
      throw new WorkflowError(
        'BAD_USER_INPUT',
        `${resource.key} of ${resource.code} is masked for you, and its values are a few known words: objecting to the record it names would tell that record's hidden value (the record then carries the objection), so you may not name a ${resource.code} record by ${resource.key}.`,
        [{ path: 'key', message: `names the record by ${resource.key}, which is masked for you and has a few known values` }],
        { resource: resource.code, item: resource.key },
      );
    }
    const reason = visibleTrim(input.reason);
    if (!reason) throw badInput('Say what is wrong with the record: give a reason.', [{ path: 'reason', message: 'is empty' }]);
    const key = keyValue(resource, input.key);
    // Asking whether a record with this key exists compares the key with the records: with a masked key,
    // a probe under the department's quota, refused past it before anything is looked up.
    if (isMasked(keyDecision)) {
      const over = await takeProbes(env.store, limitsOf(env.platform).maskedProbes, actor.dept.code, new Map([[resource.code, 1]]), env.now.getTime());
      if (over) {
        const { code: _code, ...extensions } = over.extensions;
        throw new WorkflowError('RATE_LIMITED', over.message, [], extensions);
      }
    }
    // Within the department's row scope (SPEC §6): a record it cannot read is as missing as one that is not there.
    const rows = decideRows({ requester: actor.dept, purpose: actor.purpose, resource, grants: held, now: env.now });
    const record = await env.store.find(collectionOf(resource), { filter: withinRows(eq(resource.key, key), rows), projection: [resource.key, item.name], limit: 1 });
    if (!record.length) throw notFound(`${resource.code} has no record with the ${resource.key} given (or none your department may read).`);
    await ensureObjectionIndexes(env.store);
    const objection: Objection = {
      // The record's own key as stored, not the text typed: "0.50" names the record whose key is 0.5, and
      // the objection must then be found by that record (its _objections, a second objection's conflict).
      id: randomUUID(), resource: resource.code, provider: resource.provider, key: record[0][resource.key] ?? key, item: item.name,
      department: actor.dept.code, raisedBy: actor.user, raisedAt: env.now.toISOString(), reason,
      proposedValue: input.proposedValue ?? null, status: 'open',
      answeredBy: null, answeredAt: null, answer: null, correctedAt: null,
    };
    // What the item held when it was doubted, as a fingerprint (no value): the correction is judged against
    // it, so that a record the provider corrects before it confirms the objection counts as corrected.
    const raisedValue = fingerprint(objection, record[0][item.name]);
    const standing = await env.store.find(OBJECTIONS, { filter: eq('slot', standingSlot(objection)), limit: 1 });
    if (standing.length) throw conflict(duplicate(fromRow(standing[0])));
    return {
      // No key value and no reason (it describes the record): the objection holds them, the log names it.
      detail: `objection ${objection.id} to item ${item.name} of a ${resource.code} record`,
      resources: [concerning(resource.code, resource.provider, [item.name])],
      apply: async () => {
        try {
          await env.store.insert(OBJECTIONS, [{ ...toRow(objection), raisedValue }]);
        } catch (err) {
          if (err instanceof DuplicateKeyError) throw conflict(duplicate(null, objection));
          throw err;
        }
        return objection;
      },
    };
  });
}

function duplicate(existing: Objection | null, o: Objection | null = existing): string {
  const which = existing ? ` ${existing.id} (${existing.status.toUpperCase()})` : '';
  return `${o!.department} already has a standing objection${which} to ${o!.item} of this ${o!.resource} record; one per record and item until it is answered.`;
}

// ---- answering -----------------------------------------------------------------------------------

export type ObjectionDecision = 'confirm' | 'reject';

/** The provider's approver confirms (the record will be corrected) or rejects (with a reason) an OPEN objection. */
export async function answerObjection(
  env: WorkflowEnv,
  actor: Actor,
  input: { id: string; decision: ObjectionDecision; reason?: string | null },
): Promise<Objection> {
  return perform(env, actor, 'answerObjection', input, async (about) => {
    const o = await getObjection(env.store, input.id);
    if (o) about(concerning(o.resource, o.provider)); // a refusal's provider sees it (no item: not the objection's)
    requireRole(actor, 'approver', 'answer objections');
    if (!o) throw notFound(`No objection ${input.id}.`);
    requireDepartment(actor, o.provider, `answer objections to ${o.resource}`);
    if (o.status !== 'open') throw conflict(`Objection ${o.id} was already answered (${o.status.toUpperCase()}) by ${o.answeredBy} on ${o.answeredAt}.`);
    const reason = (input.reason != null && visibleTrim(input.reason)) || null;
    if (input.decision === 'reject' && !reason) throw badInput('Say why the record is right: give a reason.', [{ path: 'reason', message: 'is required to reject' }]);
    const status: ObjectionStatus = input.decision === 'confirm' ? 'confirmed' : 'rejected';
    const answered = { ...o, status, answeredBy: actor.user, answeredAt: env.now.toISOString(), answer: reason };
    // Confirmed: what the record's item held when the objection was raised, as a fingerprint, so that an
    // import finds it changed, also one made before this answer (the provider corrected the record first:
    // the next import of the resource marks it). An objection raised before raise-time fingerprints were
    // kept: what the item holds now.
    const confirmedValue = status === 'confirmed' ? ((await raisedFingerprint(env.store, o.id)) ?? (await itemFingerprint(env.store, o))) : null;
    return {
      detail: `objection ${o.id} ${status}`, // the reason, about the record, stays with the objection
      resources: [concerning(o.resource, o.provider, [o.item])],
      apply: async () => {
        const { slot, status: s, answeredBy, answeredAt, answer } = toRow(answered);
        const n = await env.store.update(OBJECTIONS, and(eq('id', o.id), eq('status', 'open')), { slot, status: s, answeredBy, answeredAt, answer, confirmedValue });
        if (n === 0) throw conflict(`Objection ${o.id} was answered meanwhile.`);
        return answered;
      },
    };
  });
}

// ---- corrections by data import ------------------------------------------------------------------

/**
 * A fingerprint of a stored value (SHA-256 of its text as the store compares it, a decimal by value, after
 * the objection's own random id, so that no table of common values' hashes reads it back), so that the
 * objection row keeps no record value, only whether the item still holds what was confirmed wrong.
 */
const fingerprint = (o: Pick<Objection, 'id'>, v: Value | undefined) => createHash('sha256').update(`${o.id}\n${keyText(v ?? null)}`).digest('hex');

/**
 * The fingerprint of what the objection's record holds in its item now; null when the resource is no
 * longer published or the record is gone (then an import that changes the item corrects it, as before).
 */
async function itemFingerprint(store: Store, o: Objection): Promise<string | null> {
  const found = findPublishedResource(await publishedCatalogues(store), o.resource);
  if (!found) return null;
  const { resource } = found;
  const key = keyOrNull(resource, o.key); // as the store keeps it: a decimal key by value
  if (key === null) return null;
  const [row] = await store.findByValues(collectionOf(resource), resource.key, [key], [resource.key, o.item]);
  return row ? fingerprint(o, row[o.item]) : null;
}

/** The fingerprint of what the objection's item held when it was raised; null for an objection raised before it was kept. */
async function raisedFingerprint(store: Store, id: string): Promise<string | null> {
  const [row] = await store.find(OBJECTIONS, { filter: eq('id', id), projection: ['raisedValue'], limit: 1 });
  return row ? text(row.raisedValue) : null;
}

/** A confirmed objection, with the fingerprint of its item's value when it was confirmed (null for older rows). */
interface Confirmed {
  objection: Objection;
  confirmedValue: string | null;
}

async function confirmedRows(store: Store, resource: string): Promise<Confirmed[]> {
  await ensureObjectionIndexes(store);
  // In the order the objections list shows (listObjections), so that the corrections' audit entries follow
  // it on any store (unsorted, MongoDB promises no order: port.ts).
  const rows = await store.find(OBJECTIONS, {
    filter: and(eq('resource', resource), eq('status', 'confirmed')),
    sort: [{ field: 'raisedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
  });
  return rows.map((r) => ({ objection: fromRow(r), confirmedValue: text(r.confirmedValue) }));
}

/** The confirmed objections to a resource, by the key's JSON text: what an import must watch. */
export async function confirmedObjections(store: Store, resource: string): Promise<Map<string, Objection[]>> {
  const out = new Map<string, Objection[]>();
  for (const { objection: o } of await confirmedRows(store, resource)) {
    const k = JSON.stringify(o.key);
    out.set(k, [...(out.get(k) ?? []), o]);
  }
  return out;
}

/**
 * Imports records (SPEC §11), with the import's own audit entries (src/workflow/data-import.ts), and marks CORRECTED each confirmed objection whose record's item no longer
 * holds what it held when the objection was confirmed (its fingerprint, kept on the objection), each with
 * an operator entry in the audit log written before the change. An import that leaves the item as it was
 * corrects nothing. Being a state, not an event of this import, it survives a crash: an import killed
 * after its records were committed and before the marks leaves the objection CONFIRMED, and the next
 * import of the resource (the same file again, which changes nothing more) marks it. An objection
 * confirmed before fingerprints were kept is corrected when this import changes its item, as it was.
 */
export async function importCorrecting(
  env: Pick<WorkflowEnv, 'store' | 'now'>,
  operator: { user: string; requestId: string },
  resource: Resource,
  file: string,
  options: ImportOptions = {},
): Promise<{ summary: ImportSummary; corrected: Objection[]; doneRecorded: boolean }> {
  const confirmed = await confirmedRows(env.store, resource.code);
  const older = confirmed.filter((c) => c.confirmedValue === null).map((c) => c.objection);
  const watch = new Map<string, string[]>();
  for (const o of older) watch.set(JSON.stringify(o.key), [...new Set([...(watch.get(JSON.stringify(o.key)) ?? []), o.item])]);
  // The import's own entries (attempted, then done or not), before the corrections it makes.
  const { summary, doneRecorded } = await auditedImport(env, operator, resource, file, { ...options, watch });
  if (summary.refused) return { summary, corrected: [], doneRecorded };
  const changed = new Set((summary.changed ?? []).map((c) => JSON.stringify([c.key, c.item])));
  // What the fingerprinted objections' records hold now: one read for the lot.
  const fingerprinted = confirmed.filter((c) => c.confirmedValue !== null);
  const now = new Map<string, Row>();
  if (fingerprinted.length) {
    const items = [...new Set(fingerprinted.map((c) => c.objection.item))];
    const keys = fingerprinted.map((c) => keyOrNull(resource, c.objection.key)).filter((k) => k !== null);
    const rows = keys.length ? await env.store.findByValues(collectionOf(resource), resource.key, keys, [resource.key, ...items]) : [];
    for (const row of rows) now.set(keyText(row[resource.key] ?? null), row);
  }
  const isCorrected = ({ objection: o, confirmedValue }: Confirmed): boolean => {
    if (confirmedValue === null) return changed.has(JSON.stringify([JSON.stringify(o.key), o.item]));
    const row = now.get(keyText(keyOrNull(resource, o.key)));
    return row !== undefined && fingerprint(o, row[o.item]) !== confirmedValue;
  };
  const corrected: Objection[] = [];
  for (const c of confirmed) {
    if (!isCorrected(c)) continue;
    const o = c.objection;
    const correctedAt = env.now.toISOString();
    const entry = (outcome: 'ok' | 'refused', detail: string) => appendAudit(env.store, {
      time: correctedAt, requestId: operator.requestId, department: null, user: operator.user, purpose: null,
      operationName: null, documentHash: null, kind: 'operator', action: 'correctObjection',
      resources: [concerning(o.resource, o.provider, [o.item])], outcome, detail,
    });
    const detail = `objection ${o.id} corrected: after the import of ${file}, ${o.item} of the ${o.resource} record objected to no longer holds what was confirmed wrong`;
    const written = await entry('ok', detail);
    const row = toRow({ ...o, status: 'corrected', correctedAt });
    const n = await env.store.update(OBJECTIONS, and(eq('id', o.id), eq('status', 'confirmed')), { status: row.status, slot: row.slot, correctedAt });
    if (n) corrected.push({ ...o, status: 'corrected', correctedAt });
    // Another import (another process) marked it between our read and our mark: the entry above said it
    // was done, this one that it was not, as a workflow action that loses the store's race says (audit.ts).
    else await entry('refused', `${detail} — ${undone(written.seq, 'not done')}: CONFLICT: another import marked objection ${o.id} meanwhile`).catch(() => undefined);
  }
  return { summary, corrected, doneRecorded };
}

// ---- reading -------------------------------------------------------------------------------------

export interface ObjectionViewer {
  dept: string;
  roles: readonly string[];
}

const supervises = (env: WorkflowEnv, v: ObjectionViewer) => supervisesPlatform(v, env.platform.platform.competentDepartment);

/** Whether the viewer sees this objection: it raised it, it provides the resource, or it supervises. */
export function seesObjection(env: WorkflowEnv, v: ObjectionViewer, o: Objection): boolean {
  return o.department === v.dept || o.provider === v.dept || supervises(env, v);
}

/**
 * The objection as `viewer` sees it. The raiser (who typed them) and the provider (whose data they are)
 * see the key and the proposed value as stored. A supervisor who sees it only as supervisor (SPEC §14:
 * supervisors list every objection) reads the record's values as its department reads the data: as
 * `decide` answers for `reader` (its department, purpose and grants) on the key item and on the item
 * objected to, and only when the record lies within the department's rows (`inRows`, from
 * `recordsInRows`: SPEC §6's row scope). Masked, they come masked (an ID number key as
 * `430102********3990`); denied (no purpose, no grant, outside the scope, a record outside its rows),
 * the proposed value is null and the key masked in full, which keeps only its length (the field cannot
 * be null), and a boolean or enum key not even that (as long as its longest value, as a read masks it).
 * So does a resource no longer published: nothing decides (its key item unknown, the key keeps its length). The reason and the answer are the
 * departments' own words and are shown as written.
 */
export function objectionSeenBy(o: Objection, viewer: ObjectionViewer, resource: Resource | undefined, reader: DataReader, inRows: boolean): Objection {
  if (o.department === viewer.dept || o.provider === viewer.dept) return o;
  const items = resource && inRows ? effectiveItems(resource) : undefined;
  const seen = (name: string | undefined, value: string): string | null => {
    const item = name === undefined ? undefined : items?.get(name);
    return item ? seenValue(decide({ ...reader, resource: resource!, item }), value, item.item) : null;
  };
  const key = o.key === null ? null : String(o.key);
  // Masked in full as the key item's full mask has it: a boolean or enum key as long as its longest value,
  // since its own length tells it (`****` was true, `*****` false); other keys keep their length.
  const keyItem = resource?.items.find((i) => i.name === resource.key);
  const inFull = (value: string) => (keyItem ? itemMask('full', keyItem)(value) : applyMask('full', value));
  return {
    ...o,
    key: key === null ? null : (seen(resource?.key, key) ?? inFull(key)),
    proposedValue: o.proposedValue === null ? null : seen(o.item, o.proposedValue),
  };
}

/** A key as the store compares it: a decimal by value ("0.50" is the record 0.5), anything else as JSON. */
const keyText = (v: Value) => (v instanceof Decimal ? `decimal:${v.orderKey}` : JSON.stringify(v));

/**
 * Which of the objections' records (all of one resource) lie within the reader's rows, by their key's
 * `keyText`; null when the reader sees every record of the resource (no row scope, or its provider).
 * The store is asked with the row filter of the reader's own lists (one query for the lot), so a record
 * outside the rows is as absent as one that is no longer there.
 */
export async function recordsInRows(store: Store, resource: Resource, reader: DataReader, objections: readonly Objection[]): Promise<Set<string> | null> {
  const rows = decideRows({ ...reader, resource });
  if (!rows) return null;
  const keys: Value[] = [];
  for (const o of objections) {
    try {
      if (o.key !== null) keys.push(keyValue(resource, String(o.key)));
    } catch {
      // A key that no longer fits the key item (a retyping publication) names no record the reader sees.
    }
  }
  if (!keys.length) return new Set();
  const found = await store.find(collectionOf(resource), {
    filter: withinRows({ kind: 'in', field: resource.key, values: keys }, rows),
    projection: [resource.key],
  });
  return new Set(found.map((r) => keyText(r[resource.key] ?? null)));
}

/** The objections as `viewer` sees them (objectionSeenBy), each resource's records' rows asked of the store once. */
export async function objectionsSeenBy(
  env: Pick<WorkflowEnv, 'store'>,
  viewer: ObjectionViewer,
  objections: readonly Objection[],
  resourceOf: (code: string) => Resource | undefined,
  reader: DataReader,
): Promise<Objection[]> {
  const supervised = objections.filter((o) => o.department !== viewer.dept && o.provider !== viewer.dept);
  const inRows = new Map<string, Set<string> | null>();
  for (const code of new Set(supervised.map((o) => o.resource))) {
    const resource = resourceOf(code);
    if (resource) inRows.set(code, await recordsInRows(env.store, resource, reader, supervised.filter((o) => o.resource === code)));
  }
  return objections.map((o) => {
    const resource = resourceOf(o.resource);
    const within = inRows.get(o.resource);
    const seen = within === undefined || within === null || (o.key !== null && within.has(keyText(keyOrNull(resource, o.key))));
    return objectionSeenBy(o, viewer, resource, reader, seen);
  });
}

/** The objection's key as the store keeps it for the resource's key item (null when it cannot be one). */
function keyOrNull(resource: Resource | undefined, key: Value): Value {
  if (!resource || key === null) return null;
  try {
    return keyValue(resource, String(key));
  } catch {
    return null;
  }
}

/**
 * Objections the viewer sees (its own, those about its resources; supervisors all), oldest first.
 * `inEffect`: the catalogues in effect, when the caller holds them.
 */
export async function listObjections(
  env: WorkflowEnv,
  viewer: ObjectionViewer,
  filter: { status?: ObjectionStatus; resource?: string; overdue?: boolean; id?: string; limit?: number } = {},
  inEffect?: readonly Catalogue[],
): Promise<Objection[]> {
  // A list reads without them when the store cannot be written now (another process's long import holds
  // SQLite's lock): the same entries, unindexed; a later call makes them.
  await ensureObjectionIndexes(env.store).catch(() => undefined);
  const conditions: Filter[] = [];
  if (filter.status) conditions.push(eq('status', filter.status));
  if (filter.resource) {
    // A code in another case is the resource's, as when the objection was raised (stored as published):
    // found among the catalogues in effect the gateway holds (`inEffect`), read from the store only without them.
    conditions.push(eq('resource', await publishedCode(env.store, inEffect ?? (await publishedCatalogues(env.store)), filter.resource)));
  }
  if (filter.id) conditions.push(eq('id', filter.id));
  // A department reads only the objections it may see, not the platform's (which any department adds to).
  if (!supervises(env, viewer)) conditions.push(or(eq('department', viewer.dept), eq('provider', viewer.dept)));
  const rows = await env.store.find(OBJECTIONS, {
    filter: and(...conditions),
    sort: [{ field: 'raisedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `overdue` is told once read.
    limit: filter.overdue === undefined ? filter.limit : undefined,
  });
  return rows.map(fromRow).filter((o) =>
    seesObjection(env, viewer, o) && (filter.overdue === undefined || objectionDeadline(env, o).overdue === filter.overdue));
}

/**
 * The standing objections (OPEN, CONFIRMED) to the records of one resource with these keys: one store
 * read for a page of records, whatever its size. Keys as the store keeps them.
 */
export async function standingObjections(store: Store, resource: string, keys: readonly Value[]): Promise<Objection[]> {
  if (!keys.length) return [];
  const rows = await store.find(OBJECTIONS, {
    filter: and(
      eq('resource', resource),
      { kind: 'in', field: 'status', values: [...STANDING] },
      { kind: 'in', field: 'key', values: [...new Set(keys.map((k) => JSON.stringify(k)))] },
    ),
    sort: [{ field: 'raisedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
  });
  return rows.map(fromRow);
}
