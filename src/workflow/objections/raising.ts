// Raising an objection (SPEC §14). Whether the department may object to the item at all is asked of the
// access decision (`decide`), not restated: what it may not read, it may not object to, with the access
// code of the row that refuses.
import { randomUUID } from 'node:crypto';
import { activeGrantsFor } from '../../access/grants/listing.ts';
import type { Grant } from '../../access/grant-model.ts';
import { decide, isMasked } from '../../access/decide.ts';
import { decideRows, withinRows } from '../../access/row-scope.ts';
import { effectiveItems } from '../../access/effective-share.ts';
import { grantCanUnmask } from '../../access/unmasking.ts';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import { collectionOf } from '../../model/catalogue.ts';
import { hasFewValues } from '../../model/operators.ts';
import { limitsOf } from '../../model/platform.ts';
import { takeProbes } from '../../limits/probes.ts';
import { DuplicateKeyError, eq, or, type Row } from '../../store/port.ts';
import { lookupValues } from '../../model/key-spellings.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { concerning, perform } from '../audit.ts';
import { WorkflowError, badInput, conflict, notFound } from '../errors.ts';
import { findPublishedResource } from '../resource-info.ts';
import { fingerprint } from './fingerprints.ts';
import { keyValue } from './keys.ts';
import { typedValue } from '../../records/validate/conversions.ts';
import { fromRow, insertStanding, OBJECTIONS, standingSlot, ensureObjectionIndexes, type Objection } from './record.ts';
import { noPublishedResource } from '../../access/connected-codes.ts';

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
    if (!found) throw notFound(noPublishedResource(env.platform, input.resource, 'objection'));
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
    // A proposed value the item could not hold (a word for a number, a value its enum lacks) is a slip the
    // provider could not import: said now, not found when it corrects the record. Judged by the item's
    // type alone, public in the catalogue, never against the record (attack-objection-value-probe.test.ts),
    // and the message does not repeat it (the audit log stores no variables).
    if (input.proposedValue != null) {
      const proposed = typedValue(item.item, input.proposedValue);
      if (!proposed.ok) {
        throw badInput(`proposedValue: the value proposed is not ${proposed.expected}, so ${item.name} of ${resource.code} could not hold it.`, [
          { path: 'proposedValue', message: `is not ${proposed.expected}` },
        ]);
      }
    }
    const key = keyValue(resource, input.key);
    // Asking whether a record with this key exists compares the key with the records: with a masked key,
    // a probe under the department's quota, refused past it before anything is looked up.
    if (isMasked(keyDecision)) {
      const over = await takeProbes(env.store, limitsOf(env.platform).maskedProbes, actor.dept.code, new Map([[resource.code, 1]]), new Set(grantCanUnmask(resource, resource.key) ? [resource.code] : []), env.now.getTime());
      if (over) {
        const { code: _code, ...extensions } = over.extensions;
        throw new WorkflowError('RATE_LIMITED', over.message, [], extensions);
      }
    }
    // Within the department's row scope (SPEC §6): a record it cannot read is as missing as one that is not there.
    const rows = decideRows({ requester: actor.dept, purpose: actor.purpose, resource, grants: held, now: env.now });
    // An ID number key is found by either spelling of an 'X' check character, and of a number stored under
    // both (before an import replaced one) the record a lookup shows, 'X' (model/key-spellings.ts): the
    // store's first of the two was any. The objection then holds the key as stored.
    let record: Row[] = [];
    for (const value of lookupValues(resource, key)) {
      record = await env.store.find(collectionOf(resource), { filter: withinRows(eq(resource.key, value), rows), projection: [resource.key, item.name], limit: 1 });
      if (record.length) break;
    }
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
    // A new objection's slot names the record by its key's first spelling, so that the store's unique index
    // refuses a second one however the record was found (record.ts, insertStanding). One raised before
    // holds the key's spelling as found then (maybe the 'x' row an import has since replaced by the 'X'
    // one): its slot is looked for under every spelling, and still counts.
    const spellings = lookupValues(resource, objection.key);
    const slots = spellings.map((key) => eq('slot', standingSlot(objection, key)));
    const standing = await env.store.find(OBJECTIONS, { filter: slots.length === 1 ? slots[0] : or(...slots), limit: 1 });
    if (standing.length) throw conflict(duplicate(fromRow(standing[0])));
    return {
      // No key value and no reason (it describes the record): the objection holds them, the log names it.
      detail: `objection ${objection.id} to item ${item.name} of a ${resource.code} record`,
      resources: [concerning(resource.code, resource.provider, [item.name])],
      apply: async () => {
        try {
          await insertStanding(env.store, objection, spellings[0], { raisedValue });
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
