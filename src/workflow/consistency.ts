// Consistency between departments (SPEC §14, Art. 13): items of different providers that carry the same
// data `element` and belong to resources sharing a key element are compared record by record. The join
// runs in the store (`compareJoined`), streaming, so no resource is loaded into memory; the report gives,
// per pair of resources, the records compared, those that differ, and up to SAMPLE_KEYS of their keys (in
// the order the left records were stored: key order would tell the masked keys' hidden characters),
// masked as an `idcard` mask would (the first 6 and last 4 characters kept), or as a join item's own
// mask when it is personal or secret in either resource (each mask keeps no more than `idcard`).
//
// A supervisor reads the sample keys as its department reads the data (`decide` with its purpose and
// grants): a key is a value of both join items, and a sample tells of each record whether its compared
// items differ, so the keys are given only when the department may read all four items, masked by the
// join items' masks for it (`idcard` when it reads one in clear: SPEC §14 says the keys come masked);
// otherwise none, and none either when a compared item is a boolean or an enum it reads masked on either
// side (a key's "differs" beside the other side's value tells the hidden one, docs/access-rules.md), or
// any item it reads masked on one side and in clear on the other (the keys left out of a short sample say
// the hidden value is the clear one).
// The counts are given whatever items it may read (the report's own figures, SPEC §14,
// that name no record), but over the records its department sees: a resource under row scope (SPEC §6)
// counts, and gives sample keys of, only the records within the department's rows (its region, or what
// its grants reach), as its lists and totalCount do; a record outside is as missing. Without a purpose
// its grants cover, the rows all its grants reach (decideFigureRows): leaving the purpose out widens
// nothing. A supervisor of the providing department sees all of that resource's records (row 0).
//
// Decisions where the spec is silent:
// - The key element of a pair is the element of either resource's key item that the other resource also
//   carries (the left one's first); the pair is joined on the items carrying it. A pair with none is
//   not compared.
// - Pairs are ordered by resource code (left < right); each element is compared on its own. The key
//   element itself is not compared with itself.
// - Values compare as stored: null and missing are one, and a null against a value differs.
import { randomUUID } from 'node:crypto';
import { decide, isMasked } from '../access/decide.ts';
import { effectiveItems } from '../access/effective-share.ts';
import { activeGrantsFor } from '../access/grants/listing.ts';
import type { Grant } from '../access/grant-model.ts';
import { decideFigureRows, rowFilter, type RowScope } from '../access/row-scope.ts';
import type { DataReader } from '../access/seen-value.ts';
import { appendAudit } from '../audit/log.ts';
import { publishedCatalogues } from '../catalogue/repository/versions.ts';
import { effectiveMask, fewValuesWords, itemMask, maskOf } from '../formats/masks.ts';
import { collectionOf, type Item, type MaskName, type Resource } from '../model/catalogue.ts';
import { hasFewValues } from '../model/operators.ts';
import type { ReadOptions, Store } from '../store/port.ts';
import type { Actor, WorkflowEnv } from './actor.ts';
import { requireCompetent, requireRole } from './actor.ts';
import { concerning, perform } from './audit.ts';
import { requireBounded } from './bounds.ts';
import { badInput } from './errors.ts';
import { everPublishedCatalogues } from './resource-info.ts';

export const SAMPLE_KEYS = 20;

export interface ConsistencyPair {
  element: string;
  /** Resource codes, left < right. */
  left: string;
  right: string;
  leftItem: string;
  rightItem: string;
  keyElement: string;
  leftKey: string;
  rightKey: string;
  compared: number;
  /** Null when `withheld`: the count would tell values the reader may not read. */
  differing: number | null;
  /** Keys (the left resource's join item) of differing records, masked. */
  sampleKeys: string[];
  /** Why `differing` is not given to this reader (null: it is). */
  withheld: string | null;
}

interface Candidate {
  element: string;
  left: Resource;
  right: Resource;
  leftItem: Item;
  rightItem: Item;
  keyElement: string;
  leftKey: Item;
  rightKey: Item;
}

const withElement = (r: Resource, element: string) => r.items.find((i) => i.element === element);

/** The pairs to compare among the published resources, for one element or every element. */
export function consistencyPairs(resources: readonly Resource[], element?: string): Candidate[] {
  // The element asked for in any case: an element is written one way on the platform (a catalogue that
  // writes it in another case is refused, catalogue/checks/items.ts), and `de-0002` answered no pair,
  // which reads as nothing to compare.
  const asked = element?.toLowerCase();
  const sorted = [...resources].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const out: Candidate[] = [];
  for (const [i, left] of sorted.entries()) {
    for (const right of sorted.slice(i + 1)) {
      if (left.provider === right.provider) continue;
      const keyElements = [left, right].flatMap((r) => r.items.find((it) => it.name === r.key)?.element ?? []);
      const keyElement = keyElements.find((e) => withElement(left, e) && withElement(right, e));
      if (!keyElement) continue;
      const elements = [...new Set(left.items.flatMap((it) => (it.element ? [it.element] : [])))]
        .filter((e) => e !== keyElement && (asked === undefined || e.toLowerCase() === asked) && withElement(right, e))
        .sort();
      for (const e of elements) {
        out.push({
          element: e, left, right, leftItem: withElement(left, e)!, rightItem: withElement(right, e)!,
          keyElement, leftKey: withElement(left, keyElement)!, rightKey: withElement(right, keyElement)!,
        });
      }
    }
  }
  return out.sort((a, b) => (a.element < b.element ? -1 : a.element > b.element ? 1 : 0));
}

/** An index led by `field` (the resource's own key index, or one made for the join). */
async function indexed(store: Store, collection: string, field: string): Promise<void> {
  if ((await store.listIndexes(collection)).some((i) => i.fields[0] === field)) return;
  await store.ensureIndex(collection, { fields: [field] });
}

/**
 * The mask of the sample keys, values of both join items, from each item's mask for the reader (null:
 * not masked): `idcard` for an item not masked, and of the two the one that keeps least (each mask keeps
 * a part of those that keep more, and `full` keeps nothing): a key secret in one resource is not shown by
 * the other's looser mask.
 */
const sampleMask = (...masks: (MaskName | null | undefined)[]): MaskName =>
  masks.map((m) => m ?? 'idcard').reduce((a, b) => (kept(b) < kept(a) ? b : a));
const kept = (name: MaskName) => maskOf(name).keepFirst + maskOf(name).keepLast;

/**
 * The sample keys' mask as the reads mask the key items (itemMask): a boolean or enum key (on either side:
 * the keys joined are equal) under `full` as long as the longest of its values, since one `*` per
 * character told `middle` (******) from `high` (****); any other key keeps its length.
 */
function keyMask(mask: MaskName, c: Candidate): (key: unknown) => string {
  const words = [c.leftKey, c.rightKey].flatMap((item) => fewValuesWords(item) ?? []);
  const masked = itemMask(mask, words.length ? { type: 'enum', values: words } : { type: 'string' });
  return (key) => masked(String(key));
}

/**
 * How a reader sees a pair: the records of each resource that count (`rows`: its row scope, SPEC §6;
 * null, every record) and the mask of the sample keys (`mask`; null, no key at all).
 */
export interface ConsistencyView {
  rows(r: Resource): RowScope | null;
  mask(c: Candidate): MaskName | null;
  /** Why the count of differing records is not given (null: it is). */
  withheld(c: Candidate): string | null;
}

/** The operator's view: every record, the keys masked by the catalogue's masks of the join items, `idcard` at least. */
const catalogueView: ConsistencyView = {
  rows: () => null,
  mask: (c) => sampleMask(effectiveMask(c.leftKey), effectiveMask(c.rightKey)),
  withheld: () => null,
};

/**
 * A department's view (see the header): the records its row scope lets it see of each resource, as its
 * lists and counts do, and keys as `decide` answers for it on the four items of the pair.
 */
function readerView(reader: DataReader): ConsistencyView {
  const decision = (r: Resource, i: Item) => decide({ ...reader, resource: r, item: effectiveItems(r).get(i.name)! });
  const compared = (c: Candidate) => [decision(c.left, c.leftItem), decision(c.right, c.rightItem)] as const;
  return {
    rows: (r) => decideFigureRows({ ...reader, resource: r }),
    mask: (c) => {
      const [leftKey, rightKey] = [decision(c.left, c.leftKey), decision(c.right, c.rightKey)];
      const items = compared(c);
      if (!leftKey.allowed || !rightKey.allowed || !items.every((d) => d.allowed)) return null;
      // A boolean or enum read masked on either side: a sample key says its record's two values differ,
      // so with the other side read in clear (or known), each key tells the hidden value, as a filter on
      // such an item would (it takes none: docs/access-rules.md). The counts stay, the keys go.
      const hidesFewValues = ([c.leftItem, c.rightItem] as const).some((item, i) => items[i].mask && hasFewValues(item));
      return hidesFewValues ? null : sampleMask(leftKey.mask, rightKey.mask);
    },
    withheld: (c) => {
      // An item read in clear on one side and not on the other (masked, or not shared): the count of
      // differing records tells the hidden values. `differing: 0` says every hidden value is the one read
      // in clear beside it, a key in the sample that one is not (and, fewer than SAMPLE_KEYS differing,
      // every key left out that it is), past the masked-probe quota an `eq` would count against (SPEC
      // §13). Read alike on both sides (in clear, or hidden on both), a count tells no value.
      const [left, right] = compared(c);
      const clear = (d: typeof left) => d.allowed && !isMasked(d);
      if (clear(left) === clear(right)) return null;
      const [resource, item] = clear(left) ? [c.right, c.rightItem] : [c.left, c.leftItem];
      return `${resource.code}.${item.name} is ${decision(resource, item).allowed ? 'masked' : 'not shared'} for your department, and ${c.left === resource ? c.right.code : c.left.code}'s is not: the count of differing records would tell its values; a grant reading it in clear lifts this`;
    },
  };
}

/**
 * Runs the comparisons in the store, over the records and with the sample keys `view` says. `read`: what
 * each join tells the store (a request's signal and department, ReadOptions). A request hands a store that
 * refuses every call once it is cancelled (resolvers/request.ts scanStore), so that no pair is compared
 * after its time limit has answered or its client has gone.
 */
export async function compareConsistency(
  env: Pick<WorkflowEnv, 'store'>,
  element?: string,
  view: ConsistencyView = catalogueView,
  read: ReadOptions = {},
): Promise<ConsistencyPair[]> {
  const resources = (await publishedCatalogues(env.store)).flatMap((c) => c.resources);
  const out: ConsistencyPair[] = [];
  for (const c of consistencyPairs(resources, element)) {
    // The join fields are indexed so that the store joins by index, not by scanning the right side per row.
    await indexed(env.store, collectionOf(c.right), c.rightKey.name);
    await indexed(env.store, collectionOf(c.left), c.leftKey.name);
    const withheld = view.withheld(c);
    const mask = withheld === null ? view.mask(c) : null;
    // The row scope is a filter of each side's rows in the store: the figures count, and the sample
    // takes, only records the reader sees (a record outside is as missing, SPEC §6).
    const within = (r: Resource) => {
      const scope = view.rows(r);
      return scope ? { filter: rowFilter(scope) } : {};
    };
    const result = await env.store.compareJoined(
      { collection: collectionOf(c.left), on: c.leftKey.name, field: c.leftItem.name, ...within(c.left) },
      { collection: collectionOf(c.right), on: c.rightKey.name, field: c.rightItem.name, ...within(c.right) },
      mask === null ? 0 : SAMPLE_KEYS,
      read,
    );
    out.push({
      element: c.element, left: c.left.code, right: c.right.code, leftItem: c.leftItem.name, rightItem: c.rightItem.name,
      keyElement: c.keyElement, leftKey: c.leftKey.name, rightKey: c.rightKey.name,
      compared: result.compared, differing: withheld === null ? result.differing : null, withheld,
      sampleKeys: mask === null ? [] : result.sampleKeys.map(keyMask(mask, c)),
    });
  }
  return out;
}

/**
 * The audit entry's detail: the pairs, not the records compared or differing. Supervisors read every
 * entry (SPEC §10), the operator's too, whose figures count every record: in the log they would tell a
 * supervisor how many records differ outside the rows its own report counts (SPEC §6).
 */
const reportDetail = (pairs: ConsistencyPair[], element?: string | null) =>
  `consistency report${element ? ` for ${element}` : ''}: ${pairs.length} pair${pairs.length === 1 ? '' : 's'} of resources compared`;

type PairItems = Pick<ConsistencyPair, 'left' | 'leftItem' | 'leftKey' | 'right' | 'rightItem' | 'rightKey'>;

const about = (pairs: PairItems[]) => {
  const seen = new Map<string, string[]>();
  return pairs.flatMap((p) => [[p.left, p.leftItem, p.leftKey], [p.right, p.rightItem, p.rightKey]] as const)
    .filter(([code, ...items]) => {
      const known = seen.get(code);
      seen.set(code, [...new Set([...(known ?? []), ...items])]);
      return !known;
    })
    .map(([code]) => code)
    .map((code) => ({ code, items: seen.get(code)! }));
};

/** Whether a resource ever published (in effect, superseded or withdrawn) has an item of `element`, in any case. */
async function knownElement(store: Store, element: string): Promise<boolean> {
  const key = element.toLowerCase();
  return (await everPublishedCatalogues(store)).some((c) => c.resources.some((r) => r.items.some((i) => i.element?.toLowerCase() === key)));
}

/** How a request's report reads the records: the store of its reads (one that stops once it is cancelled) and what each join tells it. */
export interface ReportReads {
  store: Store;
  options: ReadOptions;
}

/**
 * The report as a supervisor of the competent department asks for it, audited as a workflow action; the
 * sample keys as its department reads them with the actor's purpose and `grants` (by default those it
 * holds now). The joins read through `reads` (by default `env`'s store); the audit entry is written to `env`'s.
 */
export async function consistencyReport(
  env: WorkflowEnv, actor: Actor, element?: string | null, grants?: readonly Grant[], reads?: ReportReads,
): Promise<ConsistencyPair[]> {
  const resources = new Map((await publishedCatalogues(env.store)).flatMap((c) => c.resources).map((r) => [r.code, r]));
  return perform(env, actor, 'consistencyReport', { element }, async (concern) => {
    requireRole(actor, 'supervisor', 'read consistency reports');
    requireCompetent(env, actor, 'read consistency reports');
    // An empty element is no element's code: said so, as the command says it, not answered with no pairs.
    if (element != null && element.trim() === '') {
      throw badInput('consistencyReport is refused: name a data element, or leave element out for every element.', [{ path: 'element', message: 'is empty' }]);
    }
    const held = grants ?? (await activeGrantsFor(env.store, actor.dept.code, env.now));
    const reader = { requester: actor.dept, purpose: actor.purpose, grants: held, now: env.now };
    // Trimmed, as the command's element and every code the workflow takes: ' DE-0002' matched no element.
    const named = element?.trim();
    // An element no resource ever published carries is refused, as the command refuses it (cli/filters.ts):
    // answered with no pairs, a typing slip (`SX-VETRAN`) read as "nothing to compare". An element that
    // only one provider's resources carry is known: no pair, rightly.
    if (named && !(await knownElement(reads?.store ?? env.store, named))) {
      throw badInput(`consistencyReport is refused: no published resource has an item of data element ${named}.`, [
        { path: 'element', message: `${named} is no published resource's data element` },
      ]);
    }
    // The resources about to be compared, for the entry of a report stopped on the way (perform).
    const candidates = consistencyPairs([...resources.values()], named);
    concern(...about(candidates.map((c) => ({ left: c.left.code, leftItem: c.leftItem.name, leftKey: c.leftKey.name, right: c.right.code, rightItem: c.rightItem.name, rightKey: c.rightKey.name })))
      .map((a) => concerning(a.code, resources.get(a.code)!.provider, a.items)));
    const pairs = await compareConsistency({ store: reads?.store ?? env.store }, named, readerView(reader), reads?.options);
    return {
      detail: reportDetail(pairs, named),
      resources: about(pairs).map((a) => concerning(a.code, resources.get(a.code)!.provider, a.items)),
      apply: async () => pairs,
    };
  });
}

/** The report as the operator runs it (`govgraph consistency report`), with an operator entry in the audit log. */
export async function operatorConsistencyReport(env: WorkflowEnv, element?: string): Promise<ConsistencyPair[]> {
  requireBounded('consistencyReport', { element }); // the field's bound (bounds.ts), before anything is read or audited
  const resources = new Map((await publishedCatalogues(env.store)).flatMap((c) => c.resources).map((r) => [r.code, r]));
  const named = element?.trim(); // as the field's (data element codes hold no spaces)
  const pairs = await compareConsistency(env, named);
  await appendAudit(env.store, {
    time: env.now.toISOString(), requestId: randomUUID(), department: null, user: 'operator', purpose: null,
    operationName: null, documentHash: null, kind: 'operator', action: 'consistencyReport',
    resources: about(pairs).map((a) => concerning(a.code, resources.get(a.code)!.provider, a.items)), outcome: 'ok',
    detail: reportDetail(pairs, named),
  });
  return pairs;
}
