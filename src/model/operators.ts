// Filter operators (SPEC §5), one named value each, and which scalar kinds offer which. The SDL of the
// filter inputs and the translation of a filter argument into the store's Filter both read this table.
import type { Item } from './catalogue.ts';
import type { Filter, Value } from '../store/port.ts';

export type ScalarKind = 'string' | 'int' | 'float' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'enum';

export interface FilterOperator {
  name: string;
  description: string;
  list: boolean; // takes a list of values
  /** True when the operator reveals more than equality: refused on masked items. */
  probes: boolean;
  toFilter(field: string, value: unknown): Filter;
}

const compare = (op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', description: string, probes: boolean): FilterOperator => ({
  name: op,
  description,
  list: false,
  probes,
  toFilter: (field, value) => ({ kind: 'compare', field, op, value: value as Value }),
});

export const OPERATORS: Record<string, FilterOperator> = {
  eq: compare('eq', 'equal to', false),
  ne: compare('ne', 'not equal to (also matches empty values)', true),
  in: { name: 'in', description: 'one of', list: true, probes: false, toFilter: (field, value) => ({ kind: 'in', field, values: value as Value[] }) },
  gt: compare('gt', 'greater than', true),
  gte: compare('gte', 'greater than or equal to', true),
  lt: compare('lt', 'less than', true),
  lte: compare('lte', 'less than or equal to', true),
  startsWith: { name: 'startsWith', description: 'starts with (case-sensitive)', list: false, probes: true, toFilter: (field, value) => ({ kind: 'startsWith', field, value: String(value) }) },
  contains: { name: 'contains', description: 'contains (case-sensitive)', list: false, probes: true, toFilter: (field, value) => ({ kind: 'contains', field, value: String(value) }) },
};

const RANGE = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'];

export const OPERATORS_BY_KIND: Record<ScalarKind, string[]> = {
  string: ['eq', 'ne', 'in', 'startsWith', 'contains'],
  int: RANGE,
  float: RANGE,
  decimal: RANGE,
  date: RANGE,
  datetime: RANGE,
  boolean: ['eq'],
  enum: ['eq', 'ne', 'in'],
};

/** GraphQL scalar of each kind (enum kinds use the item's own enum type). */
export const KIND_SCALAR: Record<Exclude<ScalarKind, 'enum'>, string> = {
  string: 'String',
  int: 'Int',
  float: 'Float',
  decimal: 'Decimal',
  date: 'Date',
  datetime: 'DateTime',
  boolean: 'Boolean',
};

export function kindOf(item: Item): ScalarKind {
  return item.type === 'text' ? 'string' : item.type;
}

/** The shared filter input of a kind, e.g. `IntFilter`. */
export const kindFilterName = (kind: Exclude<ScalarKind, 'enum'>): string => `${KIND_SCALAR[kind]}Filter`;

/**
 * An item whose values are a few words known to everyone (a boolean, an enum). An `eq` or `in` on it
 * does not find a record by a value the reader knows, as on an ID number: it sorts the records by their
 * values, `eq: true` telling every record's boolean at once, so a reader who sees it masked may not
 * filter by it (docs/access-rules.md, No leaks around the rules).
 */
export const hasFewValues = (item: Item | undefined): boolean => item?.type === 'boolean' || item?.type === 'enum';
