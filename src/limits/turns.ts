// One department's queries take turns (SPEC §13: one query must never stall a gateway). Requests of all
// departments share one event loop, and a rate counts requests, not what they cost: one department sending
// many heavy queries at once delayed every other department by their sum (operations.md, "What the rates
// do not bound"). `limits.concurrentPerDepartment` bounds how many data queries of one department execute
// at once on this gateway; the others wait their turn in the order they came (queued, never refused),
// while other departments' queries go ahead. Per gateway (instance), not per store: n instances run up
// to n times the bound.
//
// A query waiting for its turn is under its time limit like any other (the executor waits inside
// Deadlines.within, src/server/deadline.ts): at the deadline it is answered as timed out and leaves the
// queue without running. One whose client leaves while it waits leaves the queue too (its Cancellation's
// signal), and never runs. A turn is held until the query's work ends, past an answer at the time limit:
// that work still holds the event loop until its cancelled reads stop.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Cancellation } from './cancel.ts';

export const TURNS_LIMIT = 'concurrentPerDepartment';

/** What `take` answers when the department had a turn free: the query runs at once, nothing allocated. */
export const TAKEN = true;

interface Department {
  running: number;
  /** Waiting queries, oldest first (a Set keeps insertion order and drops a leaving one in O(1)). */
  waiting: Set<() => void>;
}

export class DepartmentTurns {
  private readonly departments = new Map<string, Department>();

  constructor(readonly perDepartment: number) {}

  /**
   * A turn for a query of department `key`: TAKEN when one is free (call `release` when its work ends),
   * else a promise that settles when a turn is handed to it (then `release` too), or rejects with the
   * cancellation's reason (REQUEST_CANCELLED) when it is cancelled first, holding no turn.
   */
  take(key: string, cancel?: Cancellation): typeof TAKEN | Promise<void> {
    let dept = this.departments.get(key);
    if (!dept) this.departments.set(key, (dept = { running: 0, waiting: new Set() }));
    if (dept.running < this.perDepartment) {
      dept.running++;
      return TAKEN;
    }
    const waiting = dept.waiting;
    return new Promise<void>((resolve, reject) => {
      const signal = cancel?.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        waiting.delete(waiter);
        reject(signal!.reason);
      };
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.add(waiter);
    });
  }

  /** The turn of a query of `key` is over: handed to the department's oldest waiting query, if any. */
  release(key: string): void {
    const dept = this.departments.get(key);
    if (!dept) return;
    const next = dept.waiting.values().next();
    if (!next.done) {
      dept.waiting.delete(next.value);
      next.value(); // the turn passes on: `running` stays
      return;
    }
    dept.running--;
    // A department with nothing running is forgotten: made-up codes (a connected platform's) leave nothing behind.
    if (dept.running === 0) this.departments.delete(key);
  }

  /** Queries of `key` running and waiting (tests, metrics). */
  load(key: string): { running: number; waiting: number } {
    const dept = this.departments.get(key);
    return { running: dept?.running ?? 0, waiting: dept?.waiting.size ?? 0 };
  }
}

/**
 * Root fields of the platform that read a few rows of the platform's own collections, bounded by their
 * arguments or the requester's share: they never wait, unless they select a heavy
 * field (HEAVY_NESTED_FIELDS, below). Every other root field does: a department's namespace (its data, or
 * a connected platform's), and the platform's reads that can be heavy (`auditLog`, `usage`,
 * `verifyAuditChain`, `consistencyReport`), or a field added later.
 */
const LIGHT_ROOT_FIELDS = new Set([
  'me', 'catalogues', 'catalogue', 'resourceInfo', 'sharingRequests', 'grants', 'objections', 'demands',
  '__typename', '__schema', '__type',
]);

/**
 * Fields of the platform's types that make a light root field heavy where they are selected: a catalogue
 * version's `warnings` read the audit log of the last 90 days for each resource of the catalogue in
 * effect (src/audit/usage.ts itemReaders, the scan `usage` makes), and its `document` is the whole
 * catalogue as JSON, as long as the catalogue (up to 500 resources of 200 items), counted as one value by
 * maxCost. A department's own data is never under a light root field, so its item names cannot match.
 */
const HEAVY_NESTED_FIELDS = new Set(['warnings', 'document']);

const takesTurnByOperation = new WeakMap<OperationDefinitionNode, boolean>();

/**
 * Whether a query waits for its department's turn: it selects a root field that is not light, or a light
 * one with a heavy field under it (fragments followed).
 */
export function takesTurn(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  let known = takesTurnByOperation.get(operation);
  if (known === undefined) {
    known = selectsHeavy(document, operation.selectionSet, new Set());
    takesTurnByOperation.set(operation, known);
  }
  return known;
}

function selectsHeavy(document: DocumentNode, set: SelectionSetNode, seen: Set<string>): boolean {
  return set.selections.some((s) => {
    if (s.kind === Kind.FIELD) return !LIGHT_ROOT_FIELDS.has(s.name.value) || (!!s.selectionSet && reachesHeavy(document, s.selectionSet, new Set()));
    if (s.kind === Kind.INLINE_FRAGMENT) return selectsHeavy(document, s.selectionSet, seen);
    const fragment = fragmentOf(document, s.name.value, seen);
    return fragment ? selectsHeavy(document, fragment.selectionSet, seen) : false;
  });
}

/** Whether `set`, at any depth, selects a field of HEAVY_NESTED_FIELDS. */
function reachesHeavy(document: DocumentNode, set: SelectionSetNode, seen: Set<string>): boolean {
  return set.selections.some((s) => {
    if (s.kind === Kind.FIELD) return HEAVY_NESTED_FIELDS.has(s.name.value) || (!!s.selectionSet && reachesHeavy(document, s.selectionSet, seen));
    if (s.kind === Kind.INLINE_FRAGMENT) return reachesHeavy(document, s.selectionSet, seen);
    const fragment = fragmentOf(document, s.name.value, seen);
    return fragment ? reachesHeavy(document, fragment.selectionSet, seen) : false;
  });
}

/** The fragment `name` of `document`, the first time it is met (`seen`): a fragment spread twice is looked at once. */
function fragmentOf(document: DocumentNode, name: string, seen: Set<string>): FragmentDefinitionNode | undefined {
  if (seen.has(name)) return undefined;
  seen.add(name);
  return document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
}
