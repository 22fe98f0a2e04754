// A resource's `filter` and `orderBy` arguments, turned into the store's Filter and sort, and listed as
// the (item, operator) uses that the access rules check before anything is read.
import { GraphQLError } from 'graphql';
import type { Filter, SortKey, Value } from '../store/port.ts';
import { idCardSpellings } from '../formats/idcard.ts';
import type { Resource } from '../model/catalogue.ts';
import { OPERATORS } from '../model/operators.ts';

export type FilterArg = { [field: string]: unknown; and?: FilterArg[] | null; or?: FilterArg[] | null };
export type OrderArg = { field: string; direction?: 'ASC' | 'DESC' | null };

export interface ItemUse {
  item: string;
  operator: string; // a filter operator, or 'orderBy'
}

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

export function toStoreFilter(arg: FilterArg | null | undefined): Filter {
  const parts: Filter[] = [];
  for (const [field, conditions] of Object.entries(arg ?? {})) {
    if (conditions == null) continue;
    if (field === 'and' || field === 'or') {
      parts.push({ kind: field, filters: (conditions as FilterArg[]).map(toStoreFilter) });
      continue;
    }
    for (const [op, value] of Object.entries(conditions as Record<string, unknown>)) {
      if (value === undefined) continue;
      if (value === null && op !== 'eq' && op !== 'ne') throw badInput(`filter.${field}.${op} cannot be null.`);
      parts.push(OPERATORS[op].toFilter(field, value));
    }
  }
  return parts.length === 1 ? parts[0] : { kind: 'and', filters: parts };
}

export function filterUses(arg: FilterArg | null | undefined, into: ItemUse[] = []): ItemUse[] {
  for (const [field, conditions] of Object.entries(arg ?? {})) {
    if (conditions == null) continue;
    if (field === 'and' || field === 'or') {
      for (const sub of conditions as FilterArg[]) filterUses(sub, into);
      continue;
    }
    for (const [op, value] of Object.entries(conditions as Record<string, unknown>)) {
      if (value !== undefined) into.push({ item: field, operator: op });
    }
  }
  return into;
}

/**
 * The store's sort of an `orderBy`, each item once, in its first direction: a later key on an item never
 * decides anything (SQLite's ORDER BY, MongoDB's sort document alike). The list is otherwise unbounded, and
 * 5,000 keys on four items were 5,000 ORDER BY terms, past SQLite's 2,000: STORE_UNAVAILABLE, an error
 * logged as the store's. So a sort holds at most the resource's items (MAX_RESOURCE_ITEMS).
 */
export function toSort(orderBy: OrderArg[] | null | undefined): SortKey[] {
  const sort = new Map<string, SortKey>();
  for (const o of orderBy ?? []) if (!sort.has(o.field)) sort.set(o.field, { field: o.field, direction: o.direction === 'DESC' ? 'desc' : 'asc' });
  return [...sort.values()];
}

/** The items an `orderBy` sorts by, each once (as toSort). */
export function orderUses(orderBy: OrderArg[] | null | undefined): ItemUse[] {
  return [...new Set((orderBy ?? []).map((o) => o.field))].map((item) => ({ item, operator: 'orderBy' }));
}

/**
 * The filter with each `eq` and `in` on an ID-number item (format idcard, `idcardItems`) asking for both
 * spellings of an 'X' check character: a consumer writing `...123x` finds the record stored as `...123X`,
 * and one stored with 'x' before the importer wrote 'X' is found by either (src/formats/idcard.ts); and
 * `ne` leaving out both, so that it leaves out what `eq` finds; a `startsWith` of a whole number with its
 * check character matches both. The other operators compare as written.
 */
export function withIdCardSpellings(filter: Filter, idcardItems: ReadonlySet<string>): Filter {
  if (idcardItems.size === 0) return filter;
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { kind: filter.kind, filters: filter.filters.map((f) => withIdCardSpellings(f, idcardItems)) };
    case 'compare': {
      if ((filter.op !== 'eq' && filter.op !== 'ne') || !idcardItems.has(filter.field) || typeof filter.value !== 'string') return filter;
      const spellings = idCardSpellings(filter.value);
      if (spellings.length === 1) return filter;
      if (filter.op === 'eq') return { kind: 'in', field: filter.field, values: spellings };
      return { kind: 'and', filters: spellings.map((value) => ({ kind: 'compare', field: filter.field, op: 'ne', value })) };
    }
    case 'startsWith': {
      // A prefix as long as the number, its check character included: `...123x` starts what `eq` finds.
      // Shorter prefixes hold digits only. On a masked item startsWith is refused before (rules/data-rules.ts).
      if (!idcardItems.has(filter.field)) return filter;
      const spellings = idCardSpellings(filter.value);
      if (spellings.length === 1) return filter;
      return { kind: 'or', filters: spellings.map((value) => ({ kind: 'startsWith', field: filter.field, value: value as string })) };
    }
    case 'in':
      if (!idcardItems.has(filter.field)) return filter;
      return { kind: 'in', field: filter.field, values: filter.values.flatMap<Value>((v) => (typeof v === 'string' ? idCardSpellings(v) : [v])) };
    default:
      return filter;
  }
}

const idCardItemsOf = new WeakMap<Resource, ReadonlySet<string>>();

/** The names of a resource's items of format idcard (for withIdCardSpellings). */
export function idCardItems(resource: Resource): ReadonlySet<string> {
  let items = idCardItemsOf.get(resource);
  if (!items) {
    items = new Set(resource.items.filter((i) => i.format === 'idcard').map((i) => i.name));
    idCardItemsOf.set(resource, items);
  }
  return items;
}
