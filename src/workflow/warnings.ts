// Warnings on a submitted catalogue (SPEC §9): they do not refuse it, they tell the compiler and the
// auditor what the version would do.
// - REPEATED_COLLECTION (Art. 11.3): an item whose data `element` another department's published
//   resource already provides, and provided first or before this item's resource carried it; the
//   resource and item to use instead are named.
// - BREAKS_GRANT: an active grant names an item that the version would no longer let its holder read
//   (the item or resource is gone, or the access decision for the grant's purposes would now deny it),
//   or has rows that the version's row scope would no longer read as the grant was given (dropped, or on
//   another item).
//   The decision is the access table's own (`decide`), not a restatement of it.
// - BREAKING_CHANGE (SPEC §14): what the version removes, renames, retypes or shares more tightly than
//   the version in effect, with the departments whose audited reads of the last 90 days used it.
// - OTHER_PROVIDER: a resource of another provider than the compiler, new to the catalogue (a basic or
//   subject catalogue gathering several providers' resources): once published, its code and records are
//   that provider's for good, and this catalogue may never widen its share settings nor publish it again
//   once it drops it (src/catalogue/codes.ts). The compiler sets them first: the auditor checks the
//   provider agrees.
// - UNCHANGED: the document is the same catalogue as the latest version of its id, whatever that version's
//   status (parsed: key order and spacing do not count). It is stored all the same as a new version (SPEC
//   §9); the compiler is told which version it repeats. Told at submission only.
import { decide } from '../access/decide.ts';
import { effectiveItems, type EffectiveItem } from '../access/effective-share.ts';
import type { Grant } from '../access/grant-model.ts';
import { ANY_ITEM } from '../audit/usage.ts';
import { codeKey } from '../catalogue/codes.ts';
import { tightenings } from '../catalogue/widening.ts';
import { itemOutputKind } from '../generate/sdl.ts';
import { catalogueIdKey, type Catalogue, type Item, type Resource } from '../model/catalogue.ts';
import { departmentByCode, type Platform } from '../model/platform.ts';

export type SubmissionWarning =
  | {
      kind: 'REPEATED_COLLECTION';
      path: string;
      message: string;
      element: string;
      useInstead: { resource: string; resourceName: string; provider: string; item: string };
    }
  | {
      kind: 'BREAKS_GRANT';
      path: string;
      message: string;
      resource: string;
      item: string | null;
      grants: string[]; // grant ids
    }
  | {
      kind: 'BREAKING_CHANGE';
      path: string;
      message: string;
      change: BreakingChange;
      resource: string;
      /** null: the resource as a whole. */
      item: string | null;
      /** RENAMED: the new name (of the item carrying the same element, or the resource's new GraphQL type). */
      renamedTo: string | null;
      /** Departments whose audited reads of the last READERS_DAYS days used it. */
      usedBy: string[];
    }
  | {
      kind: 'OTHER_PROVIDER';
      path: string;
      message: string;
      resource: string;
    }
  | {
      kind: 'UNCHANGED';
      path: string;
      message: string;
      /** The version the document repeats, and its status. */
      version: number;
      status: string;
    };

export type BreakingChange = 'removed' | 'renamed' | 'retyped' | 'tightened';

/** What an item's field returns in the schema, in words: String for personal and secret items. */
function fieldType(item: Item): string {
  const type = itemOutputKind(item);
  return type === 'enum' ? 'its enum' : type;
}

/** How far back the audit log is read for the departments a breaking change concerns. */
export const READERS_DAYS = 90;

/**
 * What a new version removes, renames (an item of the same `element` under another name; a resource
 * under another GraphQL type), retypes or shares more tightly than the version in effect (SPEC §14), each
 * with the departments whose audited reads of the last READERS_DAYS days used it (`readers`: resource →
 * item → departments). For a resource in `withheld` (another provider's, for a reader who may not know
 * who reads it: see submissionWarnings in catalogues/submission-warnings.ts), the departments are left out and the message sends to its provider.
 */
export function breakingChanges(
  current: Catalogue | undefined,
  next: Catalogue,
  readers: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>,
  withheld: ReadonlySet<string> = new Set(),
): SubmissionWarning[] {
  if (!current) return [];
  const out: SubmissionWarning[] = [];
  const usedBy = (code: string, items: readonly string[]) =>
    [...new Set(items.flatMap((i) => [...(readers.get(code)?.get(i) ?? [])]))].sort();
  const providers = new Map(current.resources.map((r) => [r.code, r.provider]));
  const warn = (w: Omit<Extract<SubmissionWarning, { kind: 'BREAKING_CHANGE' }>, 'kind' | 'usedBy' | 'message'>, message: string, used: string[]) =>
    out.push(withheld.has(w.resource)
      ? { kind: 'BREAKING_CHANGE', ...w, usedBy: [],
          message: `${message}; which departments read it is for its provider ${providers.get(w.resource)} to tell (its usage figures)` }
      : { kind: 'BREAKING_CHANGE', ...w, usedBy: used, message: used.length ? `${message}; read in the last ${READERS_DAYS} days by ${used.join(', ')}` : message });
  // By code, not by a search per resource: a catalogue at the bounds has 500 (issue 9: linear checks).
  const indexOf = new Map(next.resources.map((r, i) => [r.code, i]));
  for (const old of current.resources) {
    const ri = indexOf.get(old.code) ?? -1;
    const fresh = next.resources[ri];
    // A resource removed or renamed breaks every query of it, a count of its records included.
    const allItems = [ANY_ITEM, ...old.items.map((i) => i.name)];
    if (!fresh) {
      warn({ path: 'resources', change: 'removed', resource: old.code, item: null, renamedTo: null },
        `Resource ${old.code} (${old.name}) is removed`, usedBy(old.code, allItems));
      continue;
    }
    if (fresh.graphql.type !== old.graphql.type || fresh.graphql.list !== old.graphql.list || fresh.graphql.byKey !== old.graphql.byKey) {
      warn({ path: `resources[${ri}].graphql`, change: 'renamed', resource: old.code, item: null, renamedTo: fresh.graphql.type },
        `Resource ${old.code} is renamed in GraphQL: ${old.graphql.type} (${old.graphql.list}, ${old.graphql.byKey}) becomes ${fresh.graphql.type} (${fresh.graphql.list}, ${fresh.graphql.byKey})`,
        usedBy(old.code, allItems));
    }
    const before = effectiveItems(old);
    const after = effectiveItems(fresh);
    // Row scope narrows every item's records (SPEC §6): added, or put on another item, it is a narrower
    // scope (its removal is a widening, widening.ts).
    const rowsBefore = old.share.scope?.rows?.item;
    const rowsAfter = fresh.share.scope?.rows?.item;
    const rowsTighter = rowsAfter === undefined || rowsAfter === rowsBefore ? null
      : rowsBefore === undefined ? `rows limited to the reader's region by ${rowsAfter}` : `rows limited by ${rowsAfter} instead of ${rowsBefore}`;
    for (const item of old.items) {
      const used = usedBy(old.code, [item.name]);
      const is = after.get(item.name);
      const at = (name: string) => `resources[${ri}].items[${fresh.items.findIndex((i) => i.name === name)}]`;
      if (!is) {
        const heir = item.element ? fresh.items.find((i) => i.element === item.element && !before.has(i.name)) : undefined;
        if (heir) {
          warn({ path: at(heir.name), change: 'renamed', resource: old.code, item: item.name, renamedTo: heir.name },
            `Item ${item.name} of ${old.code} is renamed ${heir.name} (element ${item.element})`, used);
        } else {
          warn({ path: `resources[${ri}].items`, change: 'removed', resource: old.code, item: item.name, renamedTo: null },
            `Item ${item.name} of ${old.code} is removed`, used);
        }
        continue;
      }
      const lostValues = (item.values ?? []).filter((v) => !(is.item.values ?? []).includes(v));
      if (is.item.type !== item.type || (item.type === 'enum' && lostValues.length)) {
        const what = is.item.type !== item.type ? `${item.type} becomes ${is.item.type}` : `loses the values ${lostValues.join(', ')}`;
        warn({ path: at(item.name), change: 'retyped', resource: old.code, item: item.name, renamedTo: null },
          `Item ${item.name} of ${old.code} is retyped: ${what}`, used);
      } else if (fieldType(item) !== fieldType(is.item)) {
        // Same type, another field type: a personal or secret item is a String whatever its type (SPEC §4),
        // so a sensitivity added to or taken from a number, decimal, date, boolean or enum item changes what
        // the field returns (3200 becomes "3200") and what typed clients and persisted queries were made for.
        warn({ path: at(item.name), change: 'retyped', resource: old.code, item: item.name, renamedTo: null },
          `Item ${item.name} of ${old.code} is retyped in the schema: its field returns ${fieldType(is.item)} instead of ${fieldType(item)} (${is.item.sensitivity ? `now ${is.item.sensitivity}, and such an item is a String so that its mask fits` : `no longer ${item.sensitivity}, so it is read in its own type`})`, used);
      }
      const tighter = tightenings(before.get(item.name)!.share, is.share);
      const was = before.get(item.name)!;
      if (!was.sensitivity && is.sensitivity) tighter.push(`now ${is.sensitivity}, masked`);
      // Any other mask is a widening (widening.ts); `full` after a mask that showed part of the value is this.
      else if (was.mask !== null && was.mask !== 'full' && is.mask === 'full') tighter.push(`masked "full" instead of "${was.mask}"`);
      if (rowsTighter) tighter.push(rowsTighter);
      if (tighter.length) {
        warn({ path: at(item.name), change: 'tightened', resource: old.code, item: item.name, renamedTo: null },
          `Item ${item.name} of ${old.code} is shared more tightly: ${tighter.join('; ')}`, used);
      }
    }
  }
  return out;
}

/** Resources of another provider than the compiler that the version in effect (`current`) does not carry. */
export function otherProviders(current: Catalogue | undefined, next: Catalogue): SubmissionWarning[] {
  const carried = new Set(current?.resources.map((r) => r.code) ?? []);
  return next.resources.flatMap((r, i): SubmissionWarning[] =>
    r.provider === next.compiler || carried.has(r.code)
      ? []
      : [{
          kind: 'OTHER_PROVIDER',
          path: `resources[${i}].provider`,
          resource: r.code,
          message: `Resource ${r.code} is provided by ${r.provider}, not by the compiler ${next.compiler}: once published, the code and its records are ${r.provider}'s for good (${r.provider} reads them unmasked and its approvers decide requests for them). This catalogue sets its share settings now; later versions may keep or tighten them, never widen them, and once a version drops the resource only ${r.provider} can publish it again. Check that ${r.provider} agrees to these share settings.`,
        }],
  );
}

/**
 * Since when (ms) a published resource has provided a data element: the start of the unbroken run of
 * publications of the first of its items carrying it (src/access/item-since.ts, itemsSince); undefined
 * when not known, which counts as "from the start" for another provider and as "not yet" for the
 * submitter (the warning is given, as before times were known).
 */
export type ProvidedSince = (resource: Resource, element: string) => number | undefined;

/**
 * Items of `catalogue` whose element a published resource of another provider already holds (Art. 11.3,
 * no repeated collection): each names the other provider's resource to request it from instead, the one
 * that has provided the element longest. The warning is about collecting it again, so an item gets it when
 * its resource newly carries the element (the resource as in effect does not), or when the other provider
 * provided it first; the original source, whose resource carried the element before any other provider's,
 * is not told to get it from a later copy (it was, on every version after the copy was published).
 */
export function repeatedCollection(catalogue: Catalogue, published: readonly Catalogue[], providedSince: ProvidedSince = () => undefined): SubmissionWarning[] {
  // Per element, its earliest holder and the earliest one of another provider than that: the earliest
  // holder of a provider other than any given one is one of the two (a list per element searched per item
  // was quadratic when many resources hold one element: issue 9, linear checks). Ties: the first listed.
  type Holder = { resource: Resource; item: string; since: number };
  const holders = new Map<string, { first: Holder; other?: Holder }>();
  const inEffect = new Map<string, Resource>(); // code key → the resource as published, this catalogue's included
  for (const c of published) {
    const replaced = catalogueIdKey(c.id) === catalogueIdKey(catalogue.id); // the version being replaced (its id in any case)
    for (const r of c.resources) {
      inEffect.set(codeKey(r.code), r);
      if (replaced) continue;
      for (const i of r.items) {
        if (!i.element) continue;
        const holder = { resource: r, item: i.name, since: providedSince(r, i.element) ?? -Infinity };
        const h = holders.get(i.element);
        if (!h) holders.set(i.element, { first: holder });
        else if (holder.since < h.first.since) {
          const other = h.first.resource.provider !== r.provider ? h.first : h.other;
          h.first = holder;
          h.other = other;
        } else if (r.provider !== h.first.resource.provider && (!h.other || holder.since < h.other.since)) h.other = holder;
      }
    }
  }
  const out: SubmissionWarning[] = [];
  catalogue.resources.forEach((r, ri) => {
    const before = inEffect.get(codeKey(r.code));
    const carried = new Set(before?.provider === r.provider ? before.items.map((i) => i.element) : []);
    r.items.forEach((item, ii) => {
      if (!item.element) return;
      const h = holders.get(item.element);
      const other = h && (h.first.resource.provider !== r.provider ? h.first : h.other);
      if (!other) return;
      // Carried already by the resource in effect, since before the other provider's: the original source.
      const own = carried.has(item.element) ? providedSince(before!, item.element) : undefined;
      if (own !== undefined && own < other.since) return;
      out.push({
        kind: 'REPEATED_COLLECTION',
        path: `resources[${ri}].items[${ii}]`,
        message: `Item ${item.name} of ${r.code} collects data element ${item.element}, which ${other.resource.provider} already provides as ${other.item} of ${other.resource.code} (${other.resource.name}); request it from there instead of collecting it again.`,
        element: item.element,
        useInstead: { resource: other.resource.code, resourceName: other.resource.name, provider: other.resource.provider, item: other.item },
      });
    });
  });
  return out;
}

/**
 * Active grants on resources of the catalogue in effect (`current`) that the new version would break.
 * A grant item breaks when the grant's holder may read it today for one of the grant's purposes and
 * could no longer under the new version.
 */
export function brokenGrants(
  platform: Platform,
  current: Catalogue | undefined,
  next: Catalogue,
  grants: readonly Grant[],
  now: Date,
): SubmissionWarning[] {
  if (!current) return [];
  const before = new Map(current.resources.map((r) => [r.code, r]));
  const after = new Map(next.resources.map((r) => [r.code, r]));
  const breaks = new Map<string, { path: string; message: string; resource: string; item: string | null; grants: Set<string> }>();
  const add = (key: string, w: { path: string; message: string; resource: string; item: string | null }, grant: string) => {
    let b = breaks.get(key);
    if (!b) breaks.set(key, (b = { ...w, grants: new Set() }));
    b.grants.add(grant);
  };
  for (const g of grants) {
    const old = before.get(g.resource);
    const requester = departmentByCode(platform, g.requester);
    if (!old || !requester) continue;
    const ri = next.resources.findIndex((r) => r.code === g.resource);
    const fresh = after.get(g.resource);
    if (!fresh) {
      add(g.resource, { path: 'resources', resource: g.resource, item: null,
        message: `Resource ${g.resource} (${old.name}) is no longer in the catalogue; active grants to it stop working.` }, g.id);
      continue;
    }
    // A grant's rows are division codes matched against the resource's row-scope item (SPEC §6): without
    // row scope they narrow nothing, and the holder would read every record; on another item they match
    // that item's values instead.
    const rowsBefore = old.share.scope?.rows?.item;
    const rowsAfter = fresh.share.scope?.rows?.item;
    if (g.rows && rowsBefore !== undefined && rowsAfter !== rowsBefore) {
      add(`${g.resource}.rows`, { path: `resources[${ri}].share.scope.rows`, resource: g.resource, item: null,
        message: rowsAfter === undefined
          ? `Resource ${g.resource} (${old.name}) no longer has row scope, but active grants narrow it with rows; their holders would read every record it holds, not only those of the divisions their grants name.`
          : `Resource ${g.resource} (${old.name}) would narrow its rows by ${rowsAfter} instead of ${rowsBefore}; the division codes of active grants' rows would then be matched against ${rowsAfter}.` }, g.id);
    }
    const oldItems = effectiveItems(old);
    const newItems = effectiveItems(fresh);
    for (const name of g.items) {
      const was = oldItems.get(name);
      if (!was) continue;
      const allowed = (r: Resource, item: EffectiveItem, purpose: string) =>
        decide({ requester, purpose, resource: r, item, grants: [g], now });
      const readBefore = g.purposes.filter((p) => allowed(old, was, p).allowed);
      if (!readBefore.length) continue;
      const is = newItems.get(name);
      if (!is) {
        add(`${g.resource}.${name}`, { path: `resources[${ri}]`, resource: g.resource, item: name,
          message: `Item ${name} of ${g.resource} is removed, but active grants name it; their holders lose it.` }, g.id);
        continue;
      }
      for (const purpose of readBefore) {
        const d = allowed(fresh, is, purpose);
        if (d.allowed) continue;
        add(`${g.resource}.${name}`, { path: `resources[${ri}].items[${fresh.items.findIndex((i) => i.name === name)}]`, resource: g.resource, item: name,
          message: `Item ${name} of ${g.resource} would no longer be readable under active grants (${d.code}: ${d.message})` }, g.id);
      }
    }
  }
  return [...breaks.values()].map((b) => ({ kind: 'BREAKS_GRANT', path: b.path, message: b.message, resource: b.resource, item: b.item, grants: [...b.grants] }));
}

/** A value as JSON text with every object's keys in order: two parsed documents compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

/**
 * UNCHANGED when `next` (the validated document) is the same catalogue as `latest`, the latest stored
 * version of its id: both are parsed catalogues, compared with their keys in order (the document's key
 * order and spacing do not count) and the id ignoring case (a version is stored under the id as first written).
 */
export function unchangedSince(latest: { version: number; status: string; catalogue: Catalogue } | undefined, next: Catalogue): SubmissionWarning[] {
  if (!latest) return [];
  const same = (c: Catalogue) => canonical({ ...c, id: catalogueIdKey(c.id) });
  if (same(latest.catalogue) !== same(next)) return [];
  return [{
    kind: 'UNCHANGED',
    path: '',
    version: latest.version,
    status: latest.status,
    message: `The document is the same catalogue as ${latest.catalogue.id} v${latest.version} (${latest.status}): it is stored as a new version all the same, repeating v${latest.version}.`,
  }];
}
