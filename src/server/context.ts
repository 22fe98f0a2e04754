// What every resolver and rule sees of a request. Built once per request by the server (identity,
// purpose, grants) so that resolvers hold only what a field means.
import type DataLoader from 'dataloader';
import type { Platform } from '../model/platform.ts';
import type { Row, Store, Value } from '../store/port.ts';
import type { AccessContext } from '../access/context.ts';
import type { Grant } from '../access/grant-model.ts';
import type { Identity } from '../identity/verify.ts';
import type { SchemaHolder } from './schema-holder.ts';
import type { ForwardNote } from '../federation/connected.ts';

export interface RequestContext {
  requestId: string;
  platform: Platform;
  store: Store;
  identity: Identity;
  purpose: string | null;
  now: Date;
  access: AccessContext;
  /** The requester's active grants, read once when the request starts. */
  grants: readonly Grant[];
  /** Encrypts and decrypts page cursors (they hold key values that may be personal data). */
  cursors: CursorCodec;
  /** Per-request DataLoaders, by a key naming what they load. */
  loaders: Map<string, DataLoader<Value, Row | null>>;
  /** Records returned per resource code, for the audit log. */
  records: Map<string, number>;
  /**
   * Every resource whose data the request read, by code: set before the store is asked (so a count, a
   * cursor, a lookup that finds nothing and a link are all on record), with the items it filtered and
   * ordered by (names, never values) and whether it counted.
   */
  reads: Map<string, ResourceRead>;
  /** The schema in effect; publishing a catalogue refreshes it (SPEC §9). */
  schema: SchemaHolder;
  /** What each connected platform answered for this request's namespaces (SPEC §12), for the audit log. */
  forwards?: ForwardNote[];
}

export interface ResourceRead {
  filtered: Set<string>;
  ordered: Set<string>;
  counted: boolean;
}

export interface CursorCodec {
  seal(plain: string): string;
  open(sealed: string): string; // throws on a cursor that was not made here
}
