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
//
// Waiting on a connected platform costs this gateway nothing, yet a query of a namespace held its
// department's turn for as long as the platform took to answer (up to its timeoutMs, which may be two
// minutes): two reads of a slow city kept every other query of the department waiting. A query whose
// root fields are all namespaces (and light fields, waitsOnlyAway) takes its turn among the department's
// other such queries, a second set of turns of the same bound (src/server/deadline.ts): a slow platform
// holds only them. A query selecting its platform's own data too takes an own turn, as before.
import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Cancellation } from './cancel.ts';

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
 * Root fields of the platform that read nothing heavy: who the caller is, one published resource (held in
 * memory) and introspection of a type (not walking the schema: walksSchema); they never wait, so a
 * developer's client asking who it is does not wait behind its department's batch. Every other root
 * field does: a department's namespace (its data, or a connected platform's), the platform's reads of
 * its log (`auditLog`, `usage`, `verifyAuditChain`, `consistencyReport`), and its catalogues and
 * workflow lists, whose cost grows with the platform, not with the caller's share: `catalogues` reads
 * every version of every catalogue once a request (their summaries, not their documents), a version's `resources` and `document` read it whole, its
 * `warnings` scan 90 days of the audit log; a supervisor's lists are the platform's (a department's read
 * its own entries, indexed), and a `resource` argument naming no resource in effect is looked up among
 * the codes of every version ever published. And a field added later.
 */
const LIGHT_ROOT_FIELDS = new Set(['me', 'resourceInfo', '__typename', '__schema', '__type']);

const takesTurnByOperation = new WeakMap<OperationDefinitionNode, boolean>();

/** Whether a query waits for its department's turn: it selects a root field that is not light (fragments followed). */
export function takesTurn(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  let known = takesTurnByOperation.get(operation);
  if (known === undefined) {
    known = selectsHeavy(document, operation.selectionSet, new Set());
    takesTurnByOperation.set(operation, known);
  }
  return known;
}

const awayByOperation = new WeakMap<OperationDefinitionNode, boolean>();

/**
 * Whether a query's only heavy work is waiting on connected platforms: each root field (fragments
 * followed) is a namespace of one (`namespaces`, the same for a gateway's life) or light. Such a query
 * takes its turn among its department's other such queries (src/server/deadline.ts).
 */
export function waitsOnlyAway(document: DocumentNode, operation: OperationDefinitionNode, namespaces: ReadonlySet<string>): boolean {
  if (namespaces.size === 0) return false;
  let known = awayByOperation.get(operation);
  if (known === undefined) {
    known = onlyAway(document, operation.selectionSet, namespaces, new Set());
    awayByOperation.set(operation, known);
  }
  return known;
}

function onlyAway(document: DocumentNode, set: SelectionSetNode, namespaces: ReadonlySet<string>, seen: Set<string>): boolean {
  return !someField(document, set, seen, (f) => !(isLight(document, f) || namespaces.has(f.name.value)));
}

function selectsHeavy(document: DocumentNode, set: SelectionSetNode, seen: Set<string>): boolean {
  return someField(document, set, seen, (field) => !isLight(document, field));
}

/**
 * Whether a root field reads nothing heavy (LIGHT_ROOT_FIELDS). Introspection walking the schema is the
 * whole schema as the department sees it, at every alias, worked out here (on a platform that connects
 * others too): 16 queries of 30 aliases of `__schema { types }` at once kept another department's lookup
 * waiting 2 s.
 */
function isLight(document: DocumentNode, field: FieldNode): boolean {
  if (INTROSPECTION_FIELDS.has(field.name.value)) return !walksTheSchema(document, field);
  return LIGHT_ROOT_FIELDS.has(field.name.value);
}

/** Whether a root field is introspection that walks the schema (walksSchema), fragments within it followed. */
export function walksTheSchema(document: DocumentNode, field: FieldNode): boolean {
  return INTROSPECTION_FIELDS.has(field.name.value) && !!field.selectionSet && walksSchema(document, field.selectionSet, [new Set(), new Set()]);
}

/**
 * How many root field nodes of an operation walk the schema as written, fragments followed (each once):
 * no fewer than graphql's response keys that do, whatever the variables.
 */
export function schemaWalksWritten(document: DocumentNode, operation: OperationDefinitionNode): number {
  let walks = 0;
  someField(document, operation.selectionSet, new Set(), (field) => {
    if (walksTheSchema(document, field)) walks++;
    return false; // every field looked at
  });
  return walks;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
/** The lists of a type's members, each leading to further types. */
const MEMBER_LISTS = new Set(['fields', 'inputFields', 'possibleTypes', 'interfaces']);

/**
 * Whether an introspection field's selection walks the schema rather than reading a type: it lists the
 * schema's `types`, or a type's members under another type's members. graphql's MaxIntrospectionDepthRule
 * refuses three such lists nested; two (`queryType { fields { type { fields } } }`: every namespace's
 * resources) at 30 aliases answered a sixth of what `types` did on the demo, three times one type's
 * members. `seen`: the fragments followed outside and within a member list, each once.
 */
function walksSchema(document: DocumentNode, set: SelectionSetNode, seen: [Set<string>, Set<string>]): boolean {
  // A loop with a stack of its own, no recursion: a document nests `ofType` as deep as maxDepth lets it,
  // through a fragment at each level (src/limits/nesting.ts bounds how far).
  const sets: [SelectionSetNode, boolean][] = [[set, false]];
  for (let next = sets.pop(); next; next = sets.pop()) {
    const [below, withinMembers] = next;
    const found = someField(document, below, seen[withinMembers ? 1 : 0], (f) => {
      if (f.name.value === 'types') return true;
      const member = MEMBER_LISTS.has(f.name.value);
      if (member && withinMembers) return true;
      if (f.selectionSet) sets.push([f.selectionSet, withinMembers || member]);
      return false;
    });
    if (found) return true;
  }
  return false;
}

const fragmentsByDocument = new WeakMap<DocumentNode, Map<string, FragmentDefinitionNode>>();

function fragmentOf(document: DocumentNode, name: string): FragmentDefinitionNode | undefined {
  let fragments = fragmentsByDocument.get(document);
  if (!fragments) {
    fragments = new Map();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    fragmentsByDocument.set(document, fragments);
  }
  return fragments.get(name);
}

/** Whether a field of `set` (fragments followed, each once) is one `test` accepts: a loop, no recursion. */
function someField(document: DocumentNode, set: SelectionSetNode, seen: Set<string>, test: (field: FieldNode) => boolean): boolean {
  const sets = [set];
  for (let next = sets.pop(); next; next = sets.pop()) {
    for (const s of next.selections) {
      if (s.kind === Kind.FIELD) {
        if (test(s)) return true;
      } else if (s.kind === Kind.INLINE_FRAGMENT) sets.push(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragmentOf(document, s.name.value);
        if (fragment) sets.push(fragment.selectionSet);
      }
    }
  }
  return false;
}
