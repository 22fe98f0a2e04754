// What every resolver and rule sees of a request. Built once per request by the server (identity,
// purpose, grants) so that resolvers hold only what a field means. It lives below the server: resolvers
// and rules read it, the server fills it in.
import type DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import type { ReadOptions, Row, Store, Value } from '../src/store/port.ts';
import type { AccessContext } from '../src/access/context.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { counterKey, type Identity } from '../src/identity/verify.ts';
import type { SchemaService } from '../src/workflow/catalogues.ts';
import type { WorkflowWarn } from '../src/workflow/actor.ts';
import type { ForwardNote } from '../src/federation/forward.ts';
import type { Cancellation } from '../src/limits/cancel.ts';

import type { ValueCount } from '../src/limits/unpaged.ts';
export interface RequestContext {
  requestId: string;
  platform: Platform;
  /** The store. A resolver reads through `readStore(ctx)`, which refuses once the request is cancelled. */
  store: Store;
  /** Whether nobody waits for the request any more (its client left, its time limit answered). */
  cancel?: Cancellation;
  /** Calls `then` once the answer is written (handed to the connection whole) or the connection closed (the /graphql route's). */
  whenAnswered?: (then: () => void) => void;
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
  /** The gateway's schema service (a port): publishing checks a set of catalogues with it, then refreshes it (SPEC §9). */
  schema: SchemaService;
  /** What each connected platform answered for this request's namespaces (SPEC §12), for the audit log. */
  forwards?: ForwardNote[];
  /** The catalogues in effect when the request started, as the gateway holds them (never read per field). */
  published: readonly Catalogue[];
  /**
   * The file outside the store this gateway appends its audit checkpoints to (null: none), which
   * verifyAuditChain reads; absent, GOVGRAPH_AUDIT_CHECKPOINTS.
   */
  checkpointFile?: string | null;
  /** The gateway's log, for a stored document a read works around (a revision with no due date). */
  warn?: WorkflowWarn;
  /** The field values the request's answer holds, as counted so far, and maxCost (none: no limits on it). */
  valueCount?: ValueCount;
  /**
   * Set when the query had to wait for its department's turn (src/limits/turns.ts): the bound, and whether
   * it ran. One that never ran (its time limit answered, or its client left, while it waited) read nothing.
   */
  turn?: { bound: number; ran: boolean };
}

export interface ResourceRead {
  /** The resource's provider, as the build the request runs on has it. */
  provider: string;
  filtered: Set<string>;
  ordered: Set<string>;
  counted: boolean;
}

export interface CursorCodec {
  seal(plain: string): string;
  open(sealed: string): string; // throws on a cursor that was not made here
}

/** The refusal of an `after` cursor its platform did not seal: `issuer` names that platform as the reader knows it. */
export const cursorNotGivenOut = (issuer = 'this platform') => `The \`after\` cursor is not one ${issuer} gave out; pass the endCursor of a previous page.`;

export interface RequestAudit {
  operationName: string | null;
  documentHash: string | null;
  /** Response keys of root fields whose workflow action wrote its own entry. */
  actions: Set<string>;
  /**
   * Settles when this request's entries are written (or the response was blanked because they could not
   * be). Apollo runs willSendResponse hooks together; a plugin that reads the final response waits on it.
   */
  written: Promise<void>;
  /**
   * The first refusal of the request's input by a limit (the limits plugin's, a masked item filtered with
   * `contains` or ordered by, a `first` over the page maximum): its audit entry names it, with its code
   * (SPEC §10: denied requests are logged too). Its message is stored: it names limits and items, never a value.
   */
  refusal?: GraphQLError;
  /**
   * Every refusal noted, the first included, in order: a document whose aliases probe the masked items
   * of two providers (or page one of them past the maximum) is refused twice, and the entry names each
   * item denied in its resource's part. Only the first was kept, so the second provider read an entry
   * about its resource, refused, with nothing denied in it, and never saw its personal item probed.
   */
  refusals?: GraphQLError[];
  /**
   * The errors the client gets for noted refusals when they are not the refusal itself (a `first` over the
   * page maximum tells the client the figure it sent, the entry does not): the entry tells them already.
   */
  answered?: Set<GraphQLError>;
}

const perRequest = new WeakMap<RequestContext, RequestAudit>();

/** What the audit log knows of the request (the audit plugin fills it in; resolvers pass it on to workflow actions). */
export function requestAudit(ctx: RequestContext): RequestAudit {
  let a = perRequest.get(ctx);
  if (!a) perRequest.set(ctx, (a = { operationName: null, documentHash: null, actions: new Set(), written: Promise.resolve() }));
  return a;
}

/**
 * Notes `refusal` for the request's audit entry (the first one noted stays its `refusal`; all are its
 * `refusals`); returns what the client is answered: `answer` when it is told more than the entry keeps.
 */
export function noteRefusal<E extends GraphQLError>(ctx: RequestContext, refusal: E, answer?: GraphQLError): E {
  const audit = requestAudit(ctx);
  audit.refusal ??= refusal;
  const all = (audit.refusals ??= []);
  if (!all.includes(refusal)) all.push(refusal);
  if (answer) (audit.answered ??= new Set()).add(answer);
  return refusal;
}

/**
 * The store, for a read of this request: refused with REQUEST_CANCELLED once the request is cancelled
 * (its client left, its time limit answered: src/limits/cancel.ts). Every read of a resolver asks here.
 */
export function readStore(ctx: RequestContext): Store {
  ctx.cancel?.check();
  return ctx.store;
}

/**
 * What a data read tells the store (ReadOptions): the request's signal, which stops it once the request is
 * cancelled (a read waiting for a reader thread or a turn of the event loop in the embedded store is
 * dropped, MongoDB's driver ends one under way), and its owner, the requesting department, whose long
 * reads wait in turn with other departments'. Given per read, not as a store of the request's own: caches of the workflow, the audit
 * log and the limits are kept per store object.
 */
export function readOptions(ctx: RequestContext): ReadOptions {
  return { signal: ctx.cancel?.signal, owner: counterKey(ctx.identity) };
}

/**
 * The store for a resolver that reads page after page in one call (the usage figures scan the audit log):
 * every call made through it is refused with REQUEST_CANCELLED once the request is cancelled, not only
 * the first. With `readStore` alone a scan went on to its end after its time limit had answered (and
 * held up a drain, blocking the event loop a page at a time, until the process was killed).
 */
export function scanStore(ctx: RequestContext): Store {
  const store = readStore(ctx);
  const cancel = ctx.cancel;
  if (!cancel) return store;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        cancel.check();
        return value.apply(target, args);
      };
    },
  });
}
