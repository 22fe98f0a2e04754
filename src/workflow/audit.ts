// Every workflow action leaves one audit entry (SPEC §10), written before the action changes anything:
// when the entry cannot be written the action does not happen (AuditUnavailableError). A refused action
// is recorded too (outcome `refused`), with the reason and the resources the check had named by then, so
// that a provider sees the refused attempts on its resources; a failure after the entry was written gets
// an `error` entry, best effort, and a refusal then (the store's conditional write lost a race: CONFLICT)
// a `refused` entry saying the action was not done. Variables are not stored (SPEC §10): no detail and no refusal message
// holds a record's key value or other record data a caller typed.
import { appendAudit, AuditUnavailableError } from '../audit/log.ts';
import { recordedDetail, type AuditOutcome, type AuditResource } from '../audit/entry.ts';
import type { Actor, WorkflowEnv } from './actor.ts';
import { isCancelled, REQUEST_CANCELLED } from '../limits/cancel.ts';
import { requireBounded, type WorkflowAction } from './bounds.ts';
import { WorkflowError } from './errors.ts';
import { InterruptedError } from '../store/interrupted.ts';

export interface Plan<T> {
  /** What the entry says was done, e.g. "HN-GA v2 approved: complete". */
  detail: string;
  /** The resources the action is about: their providers see the entry too. */
  resources: AuditResource[];
  /** The department the action is addressed to when no resource names it (a demand's): it sees the entry too. */
  addressedTo?: string;
  /** Makes the change; runs only once the entry is written. */
  apply(): Promise<T>;
  /**
   * For an action whose entry says it was only attempted (a publication): the detail of a second entry,
   * written once the change is made. A crash in between leaves "attempted", never a false "done".
   */
  done?: string;
}

/** A resource part of a workflow entry: the items concerned, nothing read. */
export function concerning(resource: string, provider: string, items: readonly string[] = []): AuditResource {
  return { resource, provider, items: [...items], denied: [], masked: [], records: 0, filtered: [], ordered: [], counted: false };
}

async function record(env: WorkflowEnv, actor: Actor, action: string, outcome: AuditOutcome, detail: string, resources: AuditResource[], addressedTo?: string) {
  const entry = await appendAudit(env.store, {
    time: env.now.toISOString(),
    requestId: actor.requestId,
    department: actor.dept.code,
    user: actor.user,
    purpose: actor.purpose,
    operationName: actor.operationName ?? null,
    documentHash: actor.documentHash ?? null,
    kind: 'workflow',
    action,
    ...(addressedTo ? { addressedTo } : {}),
    resources,
    outcome,
    // Cut as a read's refusal is: a detail may hold the caller's own text (a demand's items, an
    // objection's unknown item in its refusal), and each request must not write a megabyte into the chain.
    detail: recordedDetail(detail),
  });
  actor.onAudit?.(entry);
  return entry;
}

/**
 * How an entry that says an action was not done (or failed) after all names the `ok` entry it answers:
 * `entry #SEQ not done`. Its request id alone did not say which: a document of two actions (two
 * revocations), an operator's import correcting several objections, a client retrying with its own
 * x-request-id (which the client chooses) or another department sending that id all write other entries
 * of the same request id, and the log read "an `ok` entry is undone when a `refused` one of its request id
 * follows it" made done actions look undone (docs/workflow.md, The audit trail).
 */
export function undone(seq: number, what: 'not done' | 'failed'): string {
  return `entry #${seq} ${what}`;
}

/** Names the resources an action is about as soon as the check knows them (the last call counts). */
export type Concern = (...resources: AuditResource[]) => void;

/** Names the department an action is addressed to as soon as the check knows it (a demand's asked department). */
export type Addressee = (department: string) => void;

/**
 * Runs an action: its `input` is held to the action's bounds (bounds.ts), then `check` validates it and
 * returns the plan (or throws a WorkflowError: recorded as refused, with the resources it named through
 * `about`, rethrown); the entry is written; then the plan is applied.
 */
export async function perform<T>(
  env: WorkflowEnv,
  actor: Actor,
  action: WorkflowAction,
  input: object,
  check: (about: Concern, addressTo: Addressee) => Promise<Plan<T>>,
): Promise<T> {
  let plan: Plan<T>;
  let concerned: AuditResource[] = [];
  let addressee: string | undefined;
  try {
    requireBounded(action, input);
    plan = await check(
      (...resources) => {
        concerned = resources;
      },
      (department) => {
        addressee = department;
      },
    );
  } catch (err) {
    if (err instanceof WorkflowError) await record(env, actor, action, 'refused', `${err.code}: ${err.message}`, concerned, addressee);
    // A query's action (consistencyReport) stopped while it read, its time limit answered or its client
    // gone: nothing was answered, but the records of the resources named so far were read, and their
    // providers see that, as a stopped data read's entry names its resources (best effort: the entry of a
    // request nobody waits for must not fail it twice).
    else if (isCancelled(err as { extensions?: Record<string, unknown> })) {
      await record(env, actor, action, 'error', `stopped before it answered: ${REQUEST_CANCELLED}: ${(err as Error).message}`, concerned, addressee).catch(() => undefined);
    }
    throw err;
  }
  const written = await record(env, actor, action, 'ok', plan.detail, plan.resources, plan.addressedTo);
  try {
    const result = await plan.apply();
    // The change is made: a failure to record it now must not report the action as failed.
    if (plan.done) await record(env, actor, action, 'ok', plan.done, plan.resources, plan.addressedTo).catch(() => undefined);
    return result;
  } catch (err) {
    if (err instanceof WorkflowError || err instanceof InterruptedError) {
      // Interrupted (Ctrl-C on `catalogue publish`) before its change: not done, as a refusal is.
      // Refused by the store's conditional write after the entry (another instance decided, revoked or
      // published the same thing meanwhile: CONFLICT): the entry above said what was to be done, this one
      // that it was not, as a refusal, so the log holds one "ok" without a "refused" after it per action done.
      await record(env, actor, action, 'refused', `${plan.detail} — ${undone(written.seq, 'not done')}: ${err instanceof WorkflowError ? `${err.code}: ` : ''}${err.message}`, plan.resources, plan.addressedTo).catch(() => undefined);
    } else if (!(err instanceof AuditUnavailableError)) {
      await record(env, actor, action, 'error', `${plan.detail} — ${undone(written.seq, 'failed')}: ${(err as Error).message}`, plan.resources, plan.addressedTo).catch(() => undefined);
    }
    throw err;
  }
}
