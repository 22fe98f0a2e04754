// What a viewer sees of an objection: whether it sees it at all, and the record's values in it as its
// department reads the data.
import { decide } from '../../access/decide.ts';
import { seenValue, type DataReader } from '../../access/seen-value.ts';
import { decideRows, withinRows } from '../../access/row-scope.ts';
import { effectiveItems } from '../../access/effective-share.ts';
import { collectionOf, type Resource } from '../../model/catalogue.ts';
import { itemMask } from '../../formats/masks.ts';
import { lookupValues } from '../../model/key-spellings.ts';
import { lastPublishedResources } from '../resource-info.ts';
import type { Store, Value } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { supervisesPlatform } from '../../identity/roles.ts';
import { keyOrNull, keyText, keyValue } from './keys.ts';
import type { Objection } from './record.ts';

export interface ObjectionViewer {
  dept: string;
  roles: readonly string[];
}

export const supervises = (env: WorkflowEnv, v: ObjectionViewer) => supervisesPlatform(v, env.platform.platform.competentDepartment);

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
 * the proposed value is null and the key masked in full, and so is the key when the item objected to is
 * denied (the objection tells something of that item's value), which keeps only its length (the field cannot
 * be null), and a boolean or enum key not even that (as long as its longest value, as a read masks it).
 * So does a resource no longer published: nothing decides, and its key is masked in full as its last
 * published version's key item masks it (`formerly`). The reason and the answer are the
 * departments' own words and are shown as written.
 */
export function objectionSeenBy(o: Objection, viewer: ObjectionViewer, resource: Resource | undefined, reader: DataReader, inRows: boolean, formerly?: Resource | null): Objection {
  if (o.department === viewer.dept || o.provider === viewer.dept) return o;
  const items = resource && inRows ? effectiveItems(resource) : undefined;
  const decision = (name: string) => {
    const item = items?.get(name);
    return item ? { item, d: decide({ ...reader, resource: resource!, item }) } : null;
  };
  const seen = (name: string | undefined, value: string): string | null => {
    const found = name === undefined ? null : decision(name);
    return found ? seenValue(found.d, value, found.item.item) : null;
  };
  // The record is named only beside an item the department may read (masked or not), as `_objections`
  // lists an objection only on such a read (resolvers/data/objections.ts): OPEN or CONFIRMED, an objection
  // says that item's value of that record is doubted, or held wrong by its provider, which is something
  // learnt about a value the department may not read. Listed still (supervisors list every objection),
  // the record unnamed: its key masked in full, as outside the rows.
  const itemRead = decision(o.item)?.d.allowed === true;
  const key = o.key === null ? null : String(o.key);
  // Masked in full as the key item's full mask has it: a boolean or enum key as long as its longest value,
  // since its own length tells it (`****` was true, `*****` false); other keys keep their length. Of a
  // resource no longer published, as its last published version had its key item (`formerly`): masked one
  // '*' a character, a withdrawn resource's boolean or enum key told its value by its length. With no such
  // version known, the key item is unknown: a mask of one length for every key (UNKNOWN_KEY_MASK).
  const keyOf = resource ?? formerly ?? undefined;
  const keyItem = keyOf?.items.find((i) => i.name === keyOf.key);
  const inFull = (value: string) => (keyItem ? itemMask('full', keyItem)(value) : value === '' ? '' : UNKNOWN_KEY_MASK);
  return {
    ...o,
    key: key === null ? null : ((itemRead ? seen(resource?.key, key) : null) ?? inFull(key)),
    proposedValue: o.proposedValue === null ? null : seen(o.item, o.proposedValue),
  };
}

/** The key of an objection whose key item is unknown, masked: the same for every key, so that it tells nothing. */
export const UNKNOWN_KEY_MASK = '********';

/**
 * Which of the objections' records (all of one resource) lie within the reader's rows, by their key's
 * `keyText`; null when the reader sees every record of the resource (no row scope, or its provider).
 * The store is asked with the row filter of the reader's own lists (one query for the lot), so a record
 * outside the rows is as absent as one that is no longer there. By every spelling of each key (model/
 * key-spellings.ts): an objection holds the key as stored when raised, an ID number's 'x' maybe, whose
 * row `data import` has since replaced by the 'X' one; `objectionsSeenBy` asks the set by every spelling.
 */
export async function recordsInRows(store: Store, resource: Resource, reader: DataReader, objections: readonly Objection[]): Promise<Set<string> | null> {
  const rows = decideRows({ ...reader, resource });
  if (!rows) return null;
  const keys: Value[] = [];
  for (const o of objections) {
    try {
      if (o.key !== null) keys.push(...lookupValues(resource, keyValue(resource, String(o.key))));
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
  // Of a resource no longer published: its last published version, whose key item masks the key.
  const withdrawn: string[] = [];
  for (const code of new Set(supervised.map((o) => o.resource))) {
    const resource = resourceOf(code);
    if (resource) inRows.set(code, await recordsInRows(env.store, resource, reader, supervised.filter((o) => o.resource === code)));
    else withdrawn.push(code);
  }
  const formerly = await lastPublishedResources(env.store, withdrawn);
  return objections.map((o) => {
    const resource = resourceOf(o.resource);
    const within = inRows.get(o.resource);
    const seen = within === undefined || within === null || (o.key !== null && inRowsBySpelling(within, resource, o.key));
    return objectionSeenBy(o, viewer, resource, reader, seen, formerly.get(o.resource));
  });
}

/** Whether the record of the objection's key lies within the rows found (recordsInRows), under any spelling of its key. */
function inRowsBySpelling(within: Set<string>, resource: Resource | undefined, key: Value): boolean {
  const stored = keyOrNull(resource, key);
  return stored !== null && lookupValues(resource!, stored).some((v) => within.has(keyText(v)));
}
