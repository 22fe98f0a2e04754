// Corrections by data import (SPEC §14): a confirmed objection becomes CORRECTED by itself when a data
// import changes that record's item.
import { collectionOf, type Resource } from '../../model/catalogue.ts';
import { lookupValues } from '../../model/key-spellings.ts';
import type { ImportOptions, ImportSummary } from '../../records/import/options.ts';
import { auditedImport } from '../data-import.ts';
import { appendAudit } from '../../audit/log.ts';
import { and, eq, type Row, type Store } from '../../store/port.ts';
import { text } from '../../store/row-values.ts';
import type { WorkflowEnv } from '../actor.ts';
import { concerning, undone } from '../audit.ts';
import { holdsFingerprint } from './fingerprints.ts';
import { keyOrNull, keyText } from './keys.ts';
import { closedSlot, ensureObjectionIndexes, fromRow, OBJECTIONS, type Objection } from './record.ts';

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
 * holds what it held when the objection was confirmed (its fingerprint, kept on the objection: a text in
 * Unicode NFC, so that a change of normal form alone corrects nothing: fingerprints.ts), each with
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
  const spellingsOf = (key: Objection['key']) => {
    const k = keyOrNull(resource, key);
    return k === null ? [] : lookupValues(resource, k);
  };
  const now = new Map<string, Row>();
  if (fingerprinted.length) {
    const items = [...new Set(fingerprinted.map((c) => c.objection.item))];
    // By every spelling of the key (model/key-spellings.ts): an objection to an ID number stored with 'x'
    // holds that key, and the import that corrects it writes the number with 'X', replacing the 'x' row.
    const keys = fingerprinted.flatMap((c) => spellingsOf(c.objection.key));
    const rows = keys.length ? await env.store.findByValues(collectionOf(resource), resource.key, keys, [resource.key, ...items]) : [];
    for (const row of rows) now.set(keyText(row[resource.key] ?? null), row);
  }
  const isCorrected = ({ objection: o, confirmedValue }: Confirmed): boolean => {
    if (confirmedValue === null) return changed.has(JSON.stringify([JSON.stringify(o.key), o.item]));
    const row = spellingsOf(o.key).map((k) => now.get(keyText(k))).find((r) => r !== undefined);
    return row !== undefined && !holdsFingerprint(o, row[o.item], confirmedValue);
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
    const n = await env.store.update(OBJECTIONS, and(eq('id', o.id), eq('status', 'confirmed')), { status: 'corrected', slot: closedSlot(o.id), correctedAt });
    if (n) corrected.push({ ...o, status: 'corrected', correctedAt });
    // Another import (another process) marked it between our read and our mark: the entry above said it
    // was done, this one that it was not, as a workflow action that loses the store's race says (audit.ts).
    else await entry('refused', `${detail} — ${undone(written.seq, 'not done')}: CONFLICT: another import marked objection ${o.id} meanwhile`).catch(() => undefined);
  }
  return { summary, corrected, doneRecorded };
}
