// Catalogue documents (SPEC §4) as the rest of the code sees them after validation.

export type CatalogueKind = 'basic' | 'subject' | 'departmental';
export type ShareType = 'unconditional' | 'conditional' | 'none';
export type ShareMethod = 'api' | 'system-integration' | 'online-query' | 'download' | 'copy' | 'other';
export type ItemType =
  | 'string' | 'text' | 'int' | 'float' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'enum';
export type ItemFormat = 'idcard' | 'credit-code' | 'phone' | 'email';
export type Sensitivity = 'personal' | 'secret';
export type MaskName = 'idcard' | 'name' | 'phone' | 'partial' | 'full';
export type UpdateCycle =
  | 'realtime' | 'daily' | 'weekly' | 'ten-days' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';

/** Strictness order of share types: a later one is stricter. */
export const SHARE_TYPE_ORDER: readonly ShareType[] = ['unconditional', 'conditional', 'none'];

export interface Scope {
  purposes?: string[]; // purpose codes
  departments?: string[]; // glob patterns over department codes ("430000-*", "4301*")
  levels?: ('province' | 'city' | 'county')[];
  /** Row scope (SPEC §6): only records whose item (a division code) lies within the requester's region. */
  rows?: { item: string };
}

export interface Share {
  type: ShareType;
  conditions?: string;
  basis?: string;
  methods?: ShareMethod[];
  scope?: Scope;
}

/** An item's own share settings: every part optional, each may only tighten the resource's. */
export type ItemShare = Partial<Share>;

export interface Link {
  resource: string; // resource code
  item: string; // item name in the linked resource
  field: string; // GraphQL object field added to this resource's type
}

export interface Item {
  name: string;
  title?: string;
  type: ItemType;
  values?: string[]; // enum
  length?: number; // maximum length of strings
  required?: boolean;
  format?: ItemFormat;
  pattern?: string; // regular expression a string value must match
  element?: string; // data element code (repeated collection check)
  sensitivity?: Sensitivity;
  mask?: MaskName;
  share?: ItemShare;
  link?: Link;
}

export interface Resource {
  code: string;
  name: string;
  summary?: string;
  provider: string; // department code
  providerUnit?: string;
  classification?: string;
  format?: 'database' | 'file' | 'service' | 'other';
  updateCycle?: UpdateCycle;
  open?: boolean;
  related?: string[];
  source?: { collection?: string };
  graphql: { type: string; list: string; byKey: string };
  key: string; // item name
  share: Share;
  items: Item[];
}

export interface Revision {
  trigger: 'law-revision' | 'function-change' | 'routine';
  since: string; // ISO date
  note?: string;
}

export interface Catalogue {
  id: string;
  kind: CatalogueKind;
  title: string;
  compiler: string; // department code
  subject?: string;
  revision?: Revision;
  resources: Resource[];
}

/**
 * A catalogue id as ids are compared: its ASCII letters in lower case. Ids are ASCII (catalogue.schema.json);
 * an id names one department's catalogue for good in any case, as a resource code names its provider's
 * data (src/catalogue/codes.ts). Only ASCII letters fold, so no other character (a Kelvin sign, a dotted
 * capital I) is taken for a letter of an id.
 */
export function catalogueIdKey(id: string): string {
  return id.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The field every resource type has besides its items and links (SPEC §14); no item or link may take its name. */
export const RECORD_OBJECTIONS_FIELD = '_objections';

/**
 * The field of a stored record holding its place in the order a reader is listed in when the key is masked
 * or withheld from them (resolvers/data/list.ts): a random whole number drawn when the record is written
 * (src/records/import/placing.ts), never an item's name (catalogue/checks/items.ts), never read by a request
 * but as that order. Key order would sort masked ID numbers by their hidden birth dates, and the store's row
 * order follows the order of the writes, which is a provider's file's (sorted by ID number).
 */
export const RECORD_ORDER_FIELD = '_o';

/** Store collection holding a resource's records: `source.collection`, or derived from the code. */
export function collectionOf(r: Resource): string {
  return r.source?.collection ?? 'r_' + r.code.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

export function itemOf(r: Resource, name: string): Item | undefined {
  return r.items.find((i) => i.name === name);
}
